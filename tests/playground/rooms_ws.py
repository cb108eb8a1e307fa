"""Helpers for driving room websockets in-process (tests/playground/test_rooms*.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from channels.testing import WebsocketCommunicator

from playground.examples import CRASHLOOP_POD
from playground.rooms import registry as rooms_registry
from playground.rooms.consumer import RoomConsumer
from playground.simpool import LocalPool
from playground.simworkers import WorkerCore

Frame = dict[str, Any]


def open_message(manifest: str = CRASHLOOP_POD, **fields: Any) -> dict[str, Any]:
    return {"action": "open", "manifest": manifest, "speed": 5, "seed": 0, "moment": 0, **fields}


async def connect(path: str, consumer: type[RoomConsumer] = RoomConsumer) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        consumer.as_asgi(), path, headers=[(b"host", b"testserver")]
    )
    communicator.scope["url_route"] = {"kwargs": _kwargs(path)}
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def _kwargs(path: str) -> dict[str, str]:
    parts = [p for p in path.split("/") if p]
    return {"code": parts[2]} if len(parts) == 3 else {}


async def until(
    communicator: WebsocketCommunicator,
    done: Callable[[Frame], bool],
    *,
    ack: bool = True,
    timeout: float = 10.0,
) -> list[Frame]:
    """Every frame up to and including the first for which ``done`` is true; acks as it goes."""
    frames: list[Frame] = []
    while True:
        try:
            frame = await communicator.receive_json_from(timeout=timeout)
        except TimeoutError:
            shown = [{k: v for k, v in f.items() if k != "records"} for f in frames[-8:]]
            crashed = communicator.future.done() and communicator.future.exception()
            raise AssertionError(
                f"timed out; the last frames were {shown}; the consumer raised {crashed!r}"
            ) from None
        frames.append(frame)
        if ack and "seq" in frame:
            await communicator.send_json_to({"action": "ack", "seq": frame["seq"]})
        if done(frame):
            return frames


def is_type(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    return lambda f: f["type"] == kind and all(f.get(k) == v for k, v in fields.items())


def paused(frame: Frame) -> bool:
    return frame["type"] == "clock" and frame["state"] == "paused"


async def open_room(
    consumer: type[RoomConsumer] = RoomConsumer, **fields: Any
) -> tuple[WebsocketCommunicator, Frame, list[Frame]]:
    """A presenter's socket on a new room, at its moment (paused): (socket, opened, snapshot)."""
    presenter = await connect("/ws/room/", consumer)
    await presenter.send_json_to(open_message(**fields))
    opened = await presenter.receive_json_from(timeout=10)
    assert opened["type"] == "opened", opened
    frames = await until(presenter, lambda f: paused(f) or f["type"] == "end")
    return presenter, opened, frames


async def join(
    code: str, consumer: type[RoomConsumer] = RoomConsumer
) -> tuple[WebsocketCommunicator, list[Frame]]:
    """A student's socket on a room, and its snapshot (up to the clock frame)."""
    student = await connect(f"/ws/room/{code}/", consumer)
    frames = await until(student, is_type("clock"))
    return student, frames


def records(frames: list[Frame]) -> list[dict[str, Any]]:
    return [r for f in frames if f["type"] == "records" for r in f["records"]]


def live(frames: list[Frame]) -> list[Frame]:
    return [f for f in frames if "seq" in f and f["type"] != "room"]


@contextlib.asynccontextmanager
async def fresh_rooms(monkeypatch: Any) -> AsyncIterator[Any]:
    """A fresh registry (this process's rooms) over an in-process simulation pool."""
    monkeypatch.setattr("playground.consumers._POOL", LocalPool(WorkerCore(budget=0.02)))
    registry = rooms_registry.Registry()
    rooms_registry.set_registry(registry)
    try:
        yield registry
    finally:
        await registry.close()
        rooms_registry.set_registry(None)
