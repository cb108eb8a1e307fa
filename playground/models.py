"""Shared runs: everything needed to replay a run to a moment, behind a short link.

A run is a pure function of (manifest, seed, horizon, action log), so that is
all a link stores, plus the moment to open at and the speed to play on at.
Saved runs are immutable: sharing again after a change makes a new link, and
sharing the very same thing again gives back the link it already has.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import orjson
from django.db import IntegrityError, models, transaction

SLUG_BYTES = 6  # 8 URL-safe characters: 2**48 possible links
SLUG_ATTEMPTS = 8


class ImmutableError(RuntimeError):
    """A saved run was about to be changed."""


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


class SharedRun(models.Model):
    slug = models.CharField(max_length=32, unique=True, editable=False)
    # sha256 of the content: the same run shared twice gets the same link.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    manifest = models.TextField()
    seed = models.BigIntegerField(null=True, blank=True)  # None: the Scenario's, else 0
    horizon = models.FloatField(null=True, blank=True)  # None: the Scenario's, else the limit
    actions = models.JSONField(default=list)  # Simulation.actions: [{"t", "action", "args"}]
    moment = models.FloatField(default=0.0)  # simulated seconds to open at, paused
    speed = models.FloatField(default=5.0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"/s/{self.slug} at {self.moment:g}s"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"The shared run {self.slug} is immutable; share a new one.")
        super().save(*args, **kwargs)

    def start_message(self) -> dict[str, Any]:
        """The websocket "start" message that replays this run to its moment."""
        return {
            "action": "start",
            "manifest": self.manifest,
            "seed": self.seed,
            "horizon": self.horizon,
            "speed": self.speed,
            "actions": self.actions,
            "runTo": self.moment,
        }

    @classmethod
    def content_digest(
        cls,
        *,
        manifest: str,
        seed: int | None,
        horizon: float | None,
        actions: list[dict[str, Any]],
        moment: float,
        speed: float,
    ) -> str:
        content = [manifest, seed, horizon, actions, moment, speed]
        return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()

    @classmethod
    def share(
        cls,
        *,
        manifest: str,
        seed: int | None,
        horizon: float | None,
        actions: list[dict[str, Any]],
        moment: float,
        speed: float,
    ) -> SharedRun:
        """The saved run for this content: an existing one, or a new one with a fresh slug."""
        fields = {
            "manifest": manifest,
            "seed": seed,
            "horizon": horizon,
            "actions": actions,
            "moment": float(moment),
            "speed": float(speed),
        }
        digest = cls.content_digest(**fields)
        for _ in range(SLUG_ATTEMPTS):
            existing = cls.objects.filter(digest=digest).first()
            if existing is not None:
                return existing
            try:
                with transaction.atomic():
                    return cls.objects.create(slug=new_slug(), digest=digest, **fields)
            except IntegrityError:
                continue  # a slug collision, or the same content saved meanwhile
        raise RuntimeError("Could not find a free link for the shared run.")
