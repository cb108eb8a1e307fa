"""A room's run saved as a share link: a student's fork, anyone's Share or records export.

``fork`` (docs/rooms-protocol.md, "Fork at this moment") saves the room's current
instant and answers ``forked``; ``share`` saves the instant the page asks for (at
most the room's) and answers ``shared``, as a run socket does, so the page's Share
and "Records (JSON lines)" work the same in a room. Either is refused to a
connection that made one of its kind less than ``PLAYGROUND_ROOM_FORK_SECONDS``
ago; the same content saved again gives back its link (``SharedRun.share``).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.conf import settings
from django.urls import reverse

from playground import protocol
from playground.rooms import messages, store
from playground.rooms.viewers import Viewer
from playground.runs import Run

logger = logging.getLogger(__name__)

Kind = Literal["fork", "share"]
FAILED: dict[Kind, str] = {
    "fork": "The fork could not be saved; please try again in a moment.",
    "share": "The run could not be saved; please try again in a moment.",  # as on a run socket
}


async def save(
    room: str, run: Run, viewer: Viewer, kind: Kind, request_id: Any, at: float | None, now: float
) -> tuple[str, str, float] | None:
    """Save room ``room``'s ``run`` up to ``at`` (None: its live edge) as a link.

    Returns (slug, url, moment), or None once the refusal is sent to ``viewer``.
    ``now`` is the hub's clock (the rate limit's).
    """
    every = float(settings.PLAYGROUND_ROOM_FORK_SECONDS)
    last = viewer.meta.get(f"{kind}_at")
    if last is not None and now - last < every:
        refusal = f"One {kind} every {every:g} seconds; try again in a moment."
        await _refuse(viewer, kind, request_id, refusal)
        return None
    viewer.meta[f"{kind}_at"] = now
    data = run.share_data(at)
    fields = {
        "manifest": data.manifest,
        "seed": data.seed,
        "horizon": data.horizon,
        "actions": data.actions,
        "moment": data.moment,
        "speed": data.speed,
    }
    try:
        shared = await store.fork(fields)
    except Exception as exc:
        if type(exc).__name__ == "ShareRefused":  # playground.models: words for the user
            message = str(exc)
        else:  # the details (SQL, paths) are for the log, not the page
            logger.exception("Saving room %s as a link (%s) failed", room, kind)
            message = FAILED[kind]
        await _refuse(viewer, kind, request_id, message)
        return None
    return shared.slug, reverse("shared", args=[shared.slug]), data.moment


async def _refuse(viewer: Viewer, kind: Kind, request_id: Any, message: str) -> None:
    if kind == "fork":
        frame = messages.refused_frame("fork", message, id=request_id)
    else:
        frame = protocol.request_error_frame("share", request_id, message)
    await viewer.text(frame)
