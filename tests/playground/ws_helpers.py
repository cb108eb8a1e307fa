"""Helpers for driving the run websocket in-process."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from channels.testing import WebsocketCommunicator

from playground.consumers import RunConsumer


class FakeClock:
    """A wall clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def connect(consumer: type[RunConsumer] = RunConsumer) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(consumer.as_asgi(), "/ws/run/")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frames_until_end(
    communicator: WebsocketCommunicator, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Every frame up to and including the first "end" frame."""
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        frames.append(frame)
        if frame["type"] == "end":
            return frames


def streamed_records(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for frame in frames if frame["type"] == "records" for record in frame["records"]]


class Page:
    """What the page was sent through a run's ``send``, decoded."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def send(self, frame: str) -> None:
        self.frames.append(orjson.loads(frame))

    def records(self) -> list[dict[str, Any]]:
        return [r for f in self.frames if f["type"] == "records" for r in f["records"]]

    def last(self, kind: str) -> dict[str, Any]:
        return next(f for f in reversed(self.frames) if f["type"] == kind)

    async def until(self, kind: str, state: str | None = None) -> dict[str, Any]:
        """The first frame of ``kind`` (and ``state``), waiting up to ~5 s for it."""
        for _ in range(5000):
            for frame in self.frames:
                if frame["type"] == kind and (state is None or frame.get("state") == state):
                    return frame
            await asyncio.sleep(0.001)
        raise AssertionError(f"no {kind} {state or ''} frame in {self.frames[-3:]}")
