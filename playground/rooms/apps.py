"""App configuration for classroom rooms (its own app: its own models and migrations)."""

from __future__ import annotations

from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "playground.rooms"
    label = "rooms"
    verbose_name = "Classroom rooms"
