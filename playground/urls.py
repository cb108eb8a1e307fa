"""HTTP URL routes."""

from __future__ import annotations

from django.urls import path

from playground import editor_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("s/<slug:slug>", views.shared, name="shared"),
    path("s/<slug:slug>/records.jsonl", views.shared_records, name="shared-records"),
    path("validate", editor_views.validate, name="validate"),
    path("gallery/", editor_views.gallery_index, name="gallery"),
    path("gallery/<slug:slug>/", editor_views.gallery_entry, name="gallery-entry"),
]
