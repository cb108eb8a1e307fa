"""The frames a room keeps, so a late joiner lands on the current moment at once.

The room's run is simulated once; everything it sent is kept here (bounded by
the run's own budgets: records in all, the horizon) and handed to whoever joins
as a *snapshot*: ``started``, ``specs``, the records so far compacted into a few
big ``records`` frames (interleaved, in order, with ``acted``, ``error`` and
``end``), then the latest ``clock``. Records frames are parsed and re-packed
only when a snapshot is asked for, once per stretch, and the packed stretch is
cached until new records arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from playground import protocol


def frame_kind(frame: str) -> str:
    """The "type" of a frame built by :mod:`playground.protocol` (orjson keeps key order)."""
    if frame.startswith('{"type":"'):
        return frame[9 : frame.index('"', 9)]
    return str(orjson.loads(frame).get("type"))


@dataclass(eq=False)
class History:
    sealed: list[str] = field(default_factory=list)  # frames before the current stretch
    tail: list[dict[str, Any]] = field(default_factory=list)  # records of the current stretch
    tail_now: float = 0.0
    raw: list[str] = field(default_factory=list)  # records frames not yet parsed
    clock: str | None = None  # the latest clock frame
    _packed: list[str] | None = None  # the current stretch, packed (cache)

    def add(self, frame: str) -> None:
        kind = frame_kind(frame)
        if kind == "clock":
            self.clock = frame
        elif kind == "records":
            self.raw.append(frame)
            self._packed = None
        else:
            self._seal()
            self.sealed.append(frame)

    def snapshot(self) -> list[str]:
        """Every frame a newcomer needs to be where the room is, in order."""
        frames = [*self.sealed, *self._pack()]
        if self.clock is not None:
            frames.append(self.clock)
        return frames

    def _pack(self) -> list[str]:
        if self.raw:
            for raw in self.raw:
                message = orjson.loads(raw)
                self.tail.extend(message["records"])
                self.tail_now = message["now"]
            self.raw.clear()
            self._packed = None
        if self._packed is None:
            self._packed = (
                [frame for frame, _ in protocol.records_frames(self.tail_now, self.tail)]
                if self.tail
                else []
            )
        return self._packed

    def _seal(self) -> None:
        if self.raw or self.tail:
            self.sealed.extend(self._pack())
        self.tail, self.raw, self._packed = [], [], None
