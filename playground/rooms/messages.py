"""The room socket's own messages and frames (docs/rooms-protocol.md).

The run's frames are :mod:`playground.protocol`'s, unchanged; a room adds the
``seq`` of frames sent to everyone, and the frames built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from playground import protocol
from playground.rooms.predictions import MAX_NICKNAME, NICKNAME

ONLY_PRESENTER = "Only the presenter controls this room."
NO_ROOM = "This room has ended or never existed."
WRONG_SECRET = "That is not this room's presenter key; you are following the room."
HANDOVER_USED = "That handover link has been used or has expired; ask the presenter for a new one."
# A presenter tab whose role a newer tab (or device) with the same key has taken.
PRESENTED_ELSEWHERE = "presented elsewhere"
MAX_NAMES = 50  # nicknames in a presence frame; the count says how many more
MAX_VIEW_BYTES = 4096
CLOSE_NO_ROOM = 4404
ROOM_FULL = "This room is full: it has {most} followers, the most a room may have."
CLOSE_ROOM_FULL = 4429


@dataclass(frozen=True, slots=True)
class OpenRequest:
    start: protocol.StartRequest  # its run_to is the presenter's moment
    view: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Claim:
    secret: str | None
    handover: str | None


def parse_open(message: dict[str, Any], limits: protocol.Limits) -> OpenRequest:
    moment = message.get("moment", 0.0)
    if not protocol._is_number(moment) or moment < 0:
        raise protocol.ProtocolError('"moment" must be a number of simulated seconds, 0 or more.')
    start = protocol.parse_start({**message, "runTo": moment}, limits)
    view = parse_view(message) if message.get("view") is not None else None
    return OpenRequest(start, view)


def parse_watch(message: dict[str, Any], limits: protocol.Limits) -> str:
    slug = message.get("shared")
    if not isinstance(slug, str) or not 0 < len(slug) <= 32:
        raise protocol.ProtocolError('"shared" must be a share link\'s slug.')
    return slug


def parse_claim(message: dict[str, Any], limits: protocol.Limits) -> Claim:
    secret, handover = message.get("secret"), message.get("handover")
    if not isinstance(secret, str) and not isinstance(handover, str):
        raise protocol.ProtocolError(
            '"claim" needs the presenter\'s "secret" or a "handover" token.'
        )
    return Claim(
        secret if isinstance(secret, str) else None,
        handover if isinstance(handover, str) else None,
    )


def parse_ack(message: dict[str, Any], limits: protocol.Limits) -> int:
    seq = message.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise protocol.ProtocolError('"seq" must be the last room frame\'s seq.')
    return seq


def parse_view(message: dict[str, Any], limits: protocol.Limits | None = None) -> dict[str, Any]:
    view = message.get("view")
    if not isinstance(view, dict):
        raise protocol.ProtocolError('"view" must be an object.')
    size = len(orjson.dumps(view))
    if size > MAX_VIEW_BYTES:
        raise protocol.ProtocolError(f'"view" is {size} bytes; at most {MAX_VIEW_BYTES}.')
    if protocol.has_control_characters(view):
        raise protocol.ProtocolError('"view" must not contain control characters.')
    return view


def parse_hello(message: dict[str, Any], limits: protocol.Limits) -> str | None:
    """The nickname a page gives the room ("hello"), or None: it is here without one."""
    nickname = message.get("nickname")
    if nickname is None:
        return None
    if (
        not isinstance(nickname, str)
        or len(nickname.strip()) > MAX_NICKNAME
        or protocol.has_control_characters(nickname)
    ):
        raise protocol.ProtocolError(NICKNAME)
    return nickname.strip() or None


def parse_fork(message: dict[str, Any], limits: protocol.Limits) -> Any:
    return message.get("id")


def with_seq(frame: str, seq: int) -> str:
    """A frame sent to the whole room: its ``seq`` first, the rest unchanged."""
    return f'{{"seq":{seq},{frame[1:]}'


def opened_frame(code: str, urls: dict[str, str], secret: str | None) -> str:
    frame: dict[str, Any] = {"type": "opened", "code": code, **urls}
    if secret is not None:
        frame["secret"] = secret
    return _dumps(frame)


def room_frame(info: dict[str, Any]) -> str:
    return _dumps({"type": "room", **info})


def resync_frame(reason: str) -> str:
    return _dumps({"type": "resync", "reason": reason})


def view_frame(view: dict[str, Any] | None) -> str:
    return _dumps({"type": "view", "view": view})


def prediction_frame(prediction: dict[str, Any]) -> str:
    return _dumps({"type": "prediction", "prediction": prediction})


def answered_frame(prediction: int, answer: str | float) -> str:
    return _dumps({"type": "answered", "prediction": prediction, "answer": answer})


def role_frame(role: str, *, secret: str | None = None, reason: str | None = None) -> str:
    frame: dict[str, Any] = {"type": "role", "role": role}
    if secret is not None:
        frame["secret"] = secret
    if reason is not None:
        frame["reason"] = reason
    return _dumps(frame)


def handover_frame(token: str, url: str, expires: int) -> str:
    return _dumps({"type": "handover", "token": token, "url": url, "expires": expires})


def presence_frame(presence: dict[str, Any]) -> str:
    """Who is here, for presenter connections: see ``Hub.presence``."""
    return _dumps({"type": "presence", **presence})


def forked_frame(request_id: Any, slug: str, url: str, at: float) -> str:
    return _dumps({"type": "forked", "id": request_id, "slug": slug, "url": url, "at": at})


def refused_frame(request: str, message: str, **extra: Any) -> str:
    """An error for one connection, in the run socket's format."""
    return _dumps(
        {"type": "error", "request": request, **extra, "errors": [protocol.plain_error(message)]}
    )


def plain_error_frame(message: str) -> str:
    return protocol.error_frame([protocol.plain_error(message)])


def _dumps(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()
