"""Websocket URL routes."""

from __future__ import annotations

from django.urls import path

from playground.consumers import RunConsumer
from playground.rooms.consumer import RoomConsumer

websocket_urlpatterns = [
    path("ws/run/", RunConsumer.as_asgi()),
    path("ws/room/", RoomConsumer.as_asgi()),
    path("ws/room/<slug:code>/", RoomConsumer.as_asgi()),
]
