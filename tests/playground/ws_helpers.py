"""Helpers for driving the run websocket in-process."""

from __future__ import annotations

from typing import Any

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
