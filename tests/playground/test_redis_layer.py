"""The multi-process channel layer (REDIS_URL) against a real Redis.

Two layer instances stand for two Daphne processes. In CI (CI=true) a Redis
that cannot be reached fails these tests; locally they are skipped loudly.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from channels_redis.core import RedisChannelLayer

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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


@pytest.fixture
async def layers():  # type: ignore[no-untyped-def]
    made = [RedisChannelLayer(hosts=[REDIS_URL], prefix="podplayground-test") for _ in range(2)]
    yield made
    for layer in made:
        await layer.flush()
        await layer.close_pools()


async def test_a_group_message_reaches_members_in_both_processes(layers) -> None:  # type: ignore[no-untyped-def]
    server_a, server_b = layers
    viewer_a = await server_a.new_channel()
    viewer_b = await server_b.new_channel()
    await server_a.group_add("run-42", viewer_a)
    await server_b.group_add("run-42", viewer_b)
    frame = {"type": "run.frame", "records": [{"t": 1.0, "kind": "event", "reason": "Pulled"}]}
    await server_a.group_send("run-42", frame)
    assert await server_a.receive(viewer_a) == frame
    assert await server_b.receive(viewer_b) == frame


async def test_nothing_is_dropped_in_a_burst(layers) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = layers
    viewer = await receiver.new_channel()
    await receiver.group_add("burst", viewer)
    for i in range(50):
        await sender.group_send("burst", {"type": "run.frame", "seq": i})
    got = [(await receiver.receive(viewer))["seq"] for _ in range(50)]
    assert got == list(range(50))
