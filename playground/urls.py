"""HTTP URL routes."""

from __future__ import annotations

from django.urls import path

from playground import editor_views, views
from playground.rooms import views as room_views

urlpatterns = [
    path("", views.index, name="index"),
    path("s/<slug:slug>", views.shared, name="shared"),
    path("s/<slug:slug>/records.jsonl", views.shared_records, name="shared-records"),
    path("validate", editor_views.validate, name="validate"),
    path("gallery/", editor_views.gallery_index, name="gallery"),
    path("gallery/<slug:slug>/", editor_views.gallery_entry, name="gallery-entry"),
    path("r/<slug:code>", room_views.room_page, name="room"),
    path("r/<slug:code>/qr.svg", room_views.room_qr, name="room-qr"),
]
