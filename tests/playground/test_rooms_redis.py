"""Rooms across two server processes over Redis (channels-redis groups).

Each "process" is a room registry with its own channel-layer instance (its own
Redis connections and process channel) and its own consumer class, as two
Daphne processes behind one address would be. In CI (CI=true) a Redis that
cannot be reached fails these tests; locally they are skipped loudly.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import pytest
from channels_redis.core import RedisChannelLayer
from rooms_ws import connect, is_type, join, live, open_room, paused, records, until

from playground.rooms import registry as rooms_registry
from playground.rooms.consumer import RoomConsumer
from playground.rooms.relay import Bridge
from playground.simpool import LocalPool
from playground.simworkers import WorkerCore

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db(transaction=True)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


if not _reachable(REDIS_URL):
    message = f"Redis is not reachable at {REDIS_URL} (start redis-server or set TEST_REDIS_URL)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {message}", allow_module_level=True)


def process(name: str) -> tuple[rooms_registry.Registry, type[RoomConsumer], RedisChannelLayer]:
    """One server process: its rooms, its channel layer, its consumer."""
    layer = RedisChannelLayer(
        hosts=[REDIS_URL], prefix="podplayground-rooms-test", capacity=10_000, expiry=60
    )
    registry = rooms_registry.Registry()
    registry.bridge = Bridge(registry, layer)
    consumer = type(f"RoomConsumer{name}", (RoomConsumer,), {
        "registry_factory": staticmethod(lambda: registry),
    })  # fmt: skip
    return registry, consumer, layer


@pytest.fixture
async def two_processes(
    fast_ticks: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[list[Any]]:
    monkeypatch.setattr("playground.consumers._POOL", LocalPool(WorkerCore(budget=0.02)))
    made = [process("A"), process("B")]
    yield made
    for registry, _, _ in made:
        await registry.close()
    await made[0][2].flush()
    for _, _, layer in made:
        await layer.close_pools()


async def test_students_on_two_processes_see_the_same_frames(two_processes) -> None:
    (owner, on_a, _), (other, on_b, _) = two_processes
    presenter, opened, opening = await open_room(on_a, speed=50)
    code = opened["code"]
    student_a, _ = await join(code, on_a)
    student_b, snapshot_b = await join(code, on_b)
    assert code in owner.hubs and code in other.relays  # B follows; it simulates nothing
    assert other.opens == 0 and owner.opens == 1
    assert records(snapshot_b) == records(opening)

    await presenter.send_json_to({"action": "play"})
    shown = await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 5.0)
    await presenter.send_json_to({"action": "pause"})
    shown += await until(presenter, paused)
    await presenter.send_json_to({"action": "view", "view": {"done": True}})
    shown += await until(presenter, is_type("view"))

    seen_a = await until(student_a, is_type("view"))
    seen_b = await until(student_b, is_type("view"))
    assert live(seen_a) == live(seen_b) == live(shown)
    assert len(live(shown)) > 3

    # A late joiner on B gets B's copy at once; a control message from B is refused by the
    # owner, and the presenter key claimed through B controls the room.
    late_b, late = await join(code, on_b)
    assert records(late) == records(opening) + records(shown)
    assert late[-1]["now"] == shown[-2]["now"] if shown[-2]["type"] == "clock" else True
    await late_b.send_json_to({"action": "play"})
    refused = await until(late_b, is_type("error"))
    assert refused[-1]["errors"][0]["message"] == "Only the presenter controls this room."
    await late_b.send_json_to({"action": "claim", "secret": opened["secret"]})
    assert (await until(late_b, is_type("role")))[-1] == {"type": "role", "role": "presenter"}
    await late_b.send_json_to({"action": "play"})
    playing = await until(student_a, is_type("clock"))
    assert playing[-1]["state"] == "playing"
    for socket_ in (presenter, student_a, student_b, late_b):
        await socket_.disconnect()


async def test_a_room_whose_owner_is_gone_is_restored_by_the_next_process(two_processes) -> None:
    (owner, on_a, _), (other, on_b, _) = two_processes
    presenter, opened, opening = await open_room(on_a)
    await presenter.disconnect()
    await owner.close()  # process A ends: nobody answers on its channel

    student = await connect(f"/ws/room/{opened['code']}/", on_b)
    back = await until(student, paused)

    assert opened["code"] in other.hubs and other.opens == 1
    assert records(back) == records(opening)
    await student.disconnect()


async def test_followers_on_another_process_carry_on_when_the_owner_goes(
    two_processes, monkeypatch
) -> None:
    monkeypatch.setattr("playground.rooms.relay.WATCH_SECONDS", 0.2)
    (owner, on_a, _), (other, on_b, _) = two_processes
    presenter, opened, opening = await open_room(on_a)
    student, _ = await join(opened["code"], on_b)
    await presenter.disconnect()
    await owner.close()  # process A ends

    back = await until(student, paused)

    assert back[0] == {"type": "resync", "reason": "restored"}
    assert opened["code"] in other.hubs and other.opens == 1
    assert records(back) == records(opening)
    await student.send_json_to({"action": "claim", "secret": opened["secret"]})
    assert (await until(student, is_type("role")))[-1]["role"] == "presenter"
    await student.send_json_to({"action": "play"})
    assert (await until(student, is_type("clock")))[-1]["state"] == "playing"
    await student.disconnect()


async def test_the_presenter_counts_students_on_every_process(two_processes, monkeypatch) -> None:
    monkeypatch.setattr("playground.rooms.hub.PRESENCE_SECONDS", 0.05)
    (_, on_a, _), (_, on_b, _) = two_processes
    presenter, opened, _ = await open_room(on_a)
    ana, _ = await join(opened["code"], on_a)
    ben, _ = await join(opened["code"], on_b)
    await ana.send_json_to({"action": "hello", "nickname": "Ana"})
    await ben.send_json_to({"action": "hello", "nickname": "Ben"})

    def counted(n: int, names: list[str]) -> Any:
        return lambda f: f["type"] == "presence" and (f["students"], f["nicknames"]) == (n, names)

    await until(presenter, counted(2, ["Ana", "Ben"]))
    await ben.disconnect()  # B's relay tells the owner
    await until(presenter, counted(1, ["Ana"]))
    for socket_ in (presenter, ana):
        await socket_.disconnect()
