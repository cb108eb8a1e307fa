"""The room's database side, called from the event loop (each call in Django's DB thread).

Every write is a single UPDATE of named fields, so the owner saving the room's
time never overwrites what another call saved meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.db import IntegrityError, transaction
from django.utils import timezone

from playground.rooms import codes
from playground.rooms.models import Room, expiry_cutoff

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 16


@dataclass(frozen=True, slots=True)
class StoredRoom:
    """A room as read from the database, to restore or relay it."""

    code: str
    secret_hash: str
    link: str | None
    manifest: str
    seed: int | None
    horizon: float | None
    speed: float
    actions: list[dict[str, Any]]
    moment: float
    view: dict[str, Any] | None
    predictions: list[dict[str, Any]]
    owner: str


def _stored(room: Room) -> StoredRoom:
    return StoredRoom(
        code=room.code,
        secret_hash=room.secret_hash,
        link=room.link,
        manifest=room.manifest,
        seed=room.seed,
        horizon=room.horizon,
        speed=room.speed,
        actions=list(room.actions),
        moment=room.moment,
        view=room.view,
        predictions=list(room.predictions),
        owner=room.owner,
    )


@database_sync_to_async
def create(fields: dict[str, Any]) -> str:
    """A new room with a fresh code; returns the code."""
    for _ in range(CODE_ATTEMPTS):
        code = codes.new_code()
        try:
            with transaction.atomic():
                Room.objects.create(code=code, **fields)
            return code
        except IntegrityError:
            if fields.get("link") and Room.objects.filter(link=fields["link"]).exists():
                raise
            continue  # a code collision
    raise RuntimeError("Could not find a free room code.")


@database_sync_to_async
def load(code: str) -> StoredRoom | None:
    room = Room.live().filter(code=code).first()
    return None if room is None else _stored(room)


@database_sync_to_async
def load_link(slug: str) -> StoredRoom | None:
    room = Room.live().filter(link=slug).first()
    return None if room is None else _stored(room)


@database_sync_to_async
def forget_expired_link(slug: str) -> None:
    """An expired room of a share link gives its link up, so a new room can take it."""
    Room.objects.filter(link=slug, last_activity__lt=expiry_cutoff()).update(link=None)


@database_sync_to_async
def claim_owner(code: str, previous: str, owner: str) -> bool:
    """Become the room's owner unless another process did since ``previous`` was read."""
    return Room.objects.filter(code=code, owner=previous).update(owner=owner) == 1


@database_sync_to_async
def save(code: str, fields: dict[str, Any]) -> None:
    try:
        Room.objects.filter(code=code).update(last_activity=timezone.now(), **fields)
    except Exception:  # the room goes on; the next save tries again
        logger.exception("Saving room %s failed", code)


@database_sync_to_async
def shared_run(slug: str) -> Any:
    from playground.models import SharedRun

    return SharedRun.objects.filter(slug=slug).first()


@database_sync_to_async
def fork(fields: dict[str, Any]) -> Any:
    """Save the room's run at its current instant as a share link (``SharedRun.share``)."""
    from playground.models import SharedRun

    return SharedRun.share(**fields)
