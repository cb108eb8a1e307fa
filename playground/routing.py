"""Websocket URL routes."""

from __future__ import annotations

from django.urls import path

from playground.consumers import RunConsumer

websocket_urlpatterns = [
    path("ws/run/", RunConsumer.as_asgi()),
]
