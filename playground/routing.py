"""Websocket URL routes."""

from __future__ import annotations

from django.urls import path

from playground.consumers import RunConsumer
from playground.rooms.consumer import RoomConsumer

# Channels routes ASGI applications through Django's path(), whose django-stubs signature only
# takes views: hence the targeted ignores (and the one on URLRouter in asgi.py).
websocket_urlpatterns = [
    path("ws/run/", RunConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/room/", RoomConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/room/<slug:code>/", RoomConsumer.as_asgi()),  # type: ignore[arg-type]
]
