"""The run websocket's wire protocol: parsing client messages, building server frames.

Client messages (JSON text):
    {"action": "start", "manifest": "...", "speed": 5, "seed": 0, "horizon": 3600}
    {"action": "speed", "speed": 20}
    {"action": "stop"}
("seed" and "horizon" are optional.)

Server frames:
    {"type": "started", "speed": 5, "seed": 0, "horizon": 3600.0}
    {"type": "records", "now": 12.3, "records": [...]}   (split when too big)
    {"type": "error", "errors": [{"file", "line", "column", "message"}, ...]}
    {"type": "end", "now": 3600.0, "reason": "finished" | "stopped" | "error"}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

MANIFEST_FILE = "editor.yaml"
# Below Daphne's default websocket message limit (1 MiB), with room to spare.
MAX_FRAME_BYTES = 768 * 1024
MAX_SEED = 2**32 - 1

EndReason = Literal["finished", "stopped", "error"]
ErrorDict = dict[str, Any]


class ProtocolError(ValueError):
    """A client message that cannot be acted on; its text is shown to the user."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file

    def to_dict(self) -> ErrorDict:
        return plain_error(self.message, file=self.file)


def plain_error(message: str, *, file: str | None = None) -> ErrorDict:
    """An error entry with no position in the manifest."""
    return {"file": file, "line": None, "column": None, "message": message}


@dataclass(frozen=True, slots=True)
class StartRequest:
    manifest: str
    speed: float
    seed: int
    horizon: float


@dataclass(frozen=True, slots=True)
class Limits:
    max_manifest_bytes: int
    max_speed: float
    max_horizon: float


def decode_message(
    text_data: str | None, bytes_data: bytes | None, limits: Limits
) -> dict[str, Any]:
    """Decode one client frame into a dict with an "action" key."""
    raw: str | bytes | None = text_data if text_data is not None else bytes_data
    if raw is None:
        raise ProtocolError("Empty message.")
    # JSON escaping can make the frame several times longer than the manifest.
    if len(raw) > 8 * limits.max_manifest_bytes:
        raise ProtocolError(_too_big_message(len(raw), limits), file=MANIFEST_FILE)
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(f"The message is not valid JSON: {exc}.") from exc
    if not isinstance(message, dict) or not isinstance(message.get("action"), str):
        raise ProtocolError('The message must be a JSON object with an "action" string.')
    return message


def parse_start(message: dict[str, Any], limits: Limits) -> StartRequest:
    manifest = message.get("manifest")
    if not isinstance(manifest, str):
        raise ProtocolError('"manifest" must be a string.')
    size = len(manifest.encode())
    if size > limits.max_manifest_bytes:
        raise ProtocolError(_too_big_message(size, limits), file=MANIFEST_FILE)
    if not manifest.strip():
        raise ProtocolError("The manifest is empty.", file=MANIFEST_FILE)
    seed = message.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise ProtocolError(f'"seed" must be an integer from 0 to {MAX_SEED}.')
    horizon = message.get("horizon", limits.max_horizon)
    if not _is_number(horizon) or not 0 < horizon <= limits.max_horizon:
        raise ProtocolError(
            f'"horizon" must be a number above 0 and at most {limits.max_horizon:g}.'
        )
    return StartRequest(
        manifest=manifest,
        speed=parse_speed(message, limits),
        seed=seed,
        horizon=float(horizon),
    )


def parse_speed(message: dict[str, Any], limits: Limits) -> float:
    speed = message.get("speed")
    if not _is_number(speed) or not 0 < speed <= limits.max_speed:
        raise ProtocolError(f'"speed" must be a number above 0 and at most {limits.max_speed:g}.')
    return float(speed)


def started_frame(request: StartRequest) -> str:
    return _dumps(
        {
            "type": "started",
            "speed": request.speed,
            "seed": request.seed,
            "horizon": request.horizon,
        }
    )


def records_frame(now: float, records: Sequence[dict[str, Any]]) -> str:
    return _dumps({"type": "records", "now": now, "records": records})


def records_frames(
    now: float, records: Sequence[dict[str, Any]], max_bytes: int = MAX_FRAME_BYTES
) -> list[tuple[str, int]]:
    """(frame, number of records in it): one "records" frame, or several.

    Daphne refuses to send a message above its size limit (1 MiB by default)
    and drops the connection, which a fast run with many Pods can reach in a
    single tick. The records are then split in order; every frame but the last
    carries the time of its own last record as "now".
    """
    frame = records_frame(now, records)
    if len(frame) <= max_bytes or len(records) <= 1:
        return [(frame, len(records))]
    half = len(records) // 2
    head, tail = records[:half], records[half:]
    return records_frames(head[-1]["t"], head, max_bytes) + records_frames(now, tail, max_bytes)


def error_frame(errors: Sequence[ErrorDict]) -> str:
    return _dumps({"type": "error", "errors": errors})


def end_frame(now: float, reason: EndReason) -> str:
    return _dumps({"type": "end", "now": now, "reason": reason})


def _dumps(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _too_big_message(size: int, limits: Limits) -> str:
    return (
        f"The manifest is {size / 1024:.0f} KiB; the limit is "
        f"{limits.max_manifest_bytes // 1024} KiB."
    )
