"""Shared runs: everything needed to replay a run to a moment, behind a short link.

A run is a pure function of (manifest, seed, horizon, action log), so that is
all a link stores, plus the moment to open at and the speed to play on at.
Saved runs are immutable: sharing again after a change makes a new link, and
sharing the very same thing again gives back the link it already has.

A public server bounds what one link keeps (``PLAYGROUND_MAX_SHARE_BYTES`` of
manifest and action log, the run's action limit) and how many new links one
client address makes (``PLAYGROUND_SHARES_PER_ADDRESS`` per
``PLAYGROUND_SHARE_WINDOW_SECONDS``, counted in the database so every server
process sees the same count; the address is kept only as a keyed hash).
Whatever else goes wrong while saving is logged in full and told to the
client in general words: database errors quote SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from cluster_sim.limits import DEFAULT_LIMITS
from playground.protocol import has_control_characters

logger = logging.getLogger(__name__)

SLUG_BYTES = 6  # 8 URL-safe characters: 2**48 possible links
SLUG_ATTEMPTS = 8


SAVE_FAILED = "The run could not be saved; try again in a moment."


class ImmutableError(RuntimeError):
    """A saved run was about to be changed."""


class ShareRefused(ValueError):
    """A share that is not saved; ``message`` is for the user (never SQL or paths)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def client_key(address: str | None) -> str:
    """What a link keeps of its creator's address: a keyed hash, for the rate limit only."""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


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
    client = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ("-created",)
        indexes = (models.Index(fields=("client", "created"), name="sharedrun_client_created"),)

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
        client: str | None = None,
    ) -> SharedRun:
        """The saved run for this content: an existing one, or a new one with a fresh slug.

        ``client`` is the sharer's address (for the rate limit). Raises
        ``ShareRefused`` with a message for the user: too big, too many links,
        or (logged in full here) a database error.
        """
        fields: dict[str, Any] = {
            "manifest": manifest,
            "seed": seed,
            "horizon": horizon,
            "actions": actions,
            "moment": float(moment),
            "speed": float(speed),
        }
        check_shareable(manifest, actions)
        digest = cls.content_digest(**fields)
        try:
            return cls._save(digest, fields, client_key(client))
        except ShareRefused:
            raise
        except (DatabaseError, RuntimeError):
            logger.exception("Saving a shared run failed")
            raise ShareRefused(SAVE_FAILED) from None

    @classmethod
    def _save(cls, digest: str, fields: dict[str, Any], client: str) -> SharedRun:
        for _ in range(SLUG_ATTEMPTS):
            existing = cls.objects.filter(digest=digest).first()
            if existing is not None:
                return existing
            if client:
                cls._check_rate(client)
            try:
                with transaction.atomic():
                    return cls.objects.create(
                        slug=new_slug(), digest=digest, client=client, **fields
                    )
            except IntegrityError:
                continue  # a slug collision, or the same content saved meanwhile
        raise RuntimeError("Could not find a free link for the shared run.")

    @classmethod
    def _check_rate(cls, client: str) -> None:
        limit = int(settings.PLAYGROUND_SHARES_PER_ADDRESS)
        window = float(settings.PLAYGROUND_SHARE_WINDOW_SECONDS)
        since = timezone.now() - timedelta(seconds=window)
        if cls.objects.filter(client=client, created__gte=since).count() >= limit:
            raise ShareRefused(
                f"You have made {limit} links in the last {window / 60:g} minutes, the most "
                "this server allows; try again later. (Sharing the same moment again gives "
                "back its link.)"
            )


def check_shareable(manifest: str, actions: list[dict[str, Any]]) -> None:
    """Raise ``ShareRefused`` unless a link can keep this manifest and action log."""
    if len(actions) > DEFAULT_LIMITS.actions:
        raise ShareRefused(
            f"The run has {len(actions):,} actions; a link keeps at most "
            f"{DEFAULT_LIMITS.actions:,}."
        )
    log = orjson.dumps(actions)
    size = len(manifest.encode()) + len(log)
    limit = int(settings.PLAYGROUND_MAX_SHARE_BYTES)
    if size > limit:
        raise ShareRefused(
            f"The run is {-(-size // 1024)} KiB of manifest and actions; a link keeps at most "
            f"{limit // 1024} KiB."
        )
    # PostgreSQL's text and jsonb cannot hold a NUL; the protocol refuses these on the
    # way in, this keeps any other caller from reaching the database with one.
    if has_control_characters([manifest, actions]):
        raise ShareRefused("The run's text has control characters (such as NUL); links keep none.")
