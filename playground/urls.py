"""HTTP URL routes."""

from __future__ import annotations

from django.urls import path

from playground import views

urlpatterns = [
    path("", views.index, name="index"),
]
