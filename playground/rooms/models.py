"""The stored room: what it takes to bring a room back at the same moment.

A run is a pure function of (manifest, seed, horizon, action log), so a room
keeps those, the room's time, what the presenter shows (``view``) and the
predictions with their answers. After a restart the process that restores a
room re-simulates once to ``moment`` and the room goes on from there, paused.
The presenter secret is kept only as its SHA-256 hash. A room nobody has used
for ``PLAYGROUND_ROOM_IDLE_SECONDS`` has expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Room(models.Model):
    code = models.CharField(max_length=8, unique=True)
    # "": nobody presents (a share link's room)
    secret_hash = models.CharField(max_length=64, blank=True, default="")
    # the share link a link room shows
    link = models.CharField(max_length=32, null=True, blank=True, unique=True)
    manifest = models.TextField()
    seed = models.BigIntegerField(null=True, blank=True)  # None: the Scenario's, else 0
    horizon = models.FloatField(null=True, blank=True)  # None: the Scenario's, else the limit
    speed = models.FloatField(default=5.0)
    actions = models.JSONField(default=list)  # Simulation.actions: [{"t", "action", "args"}]
    moment = models.FloatField(default=0.0)  # the room's simulated time when last saved
    view = models.JSONField(null=True, blank=True)  # the presenter's view, mirrored
    # [{id, question, kind, choices, state, t, answers: {device: {nickname, answer}}}]
    predictions = models.JSONField(default=list)
    # the channel of the process that owns the run (REDIS_URL)
    owner = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    last_activity = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (models.Index(fields=("last_activity",), name="room_last_activity"),)

    def __str__(self) -> str:
        return f"room {self.code} at {self.moment:g}s"

    @classmethod
    def live(cls) -> models.QuerySet[Room]:
        """Rooms that have not expired."""
        return cls.objects.filter(last_activity__gte=expiry_cutoff())


def expiry_cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=float(settings.PLAYGROUND_ROOM_IDLE_SECONDS))
