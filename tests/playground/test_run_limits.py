"""Per-client limits on the run websocket, each refused in the protocol's words."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from ws_helpers import connect, frames_until_end

from playground import consumers
from playground.consumers import ACTIONS, RunConsumer
from playground.examples import CRASHLOOP_POD
from playground.simpool import BUSY_MESSAGE, PoolBusy


def start(**fields: Any) -> dict[str, Any]:
    return {"action": "start", "manifest": CRASHLOOP_POD, "speed": 1, "seed": 0, **fields}


async def connect_from(address: str) -> WebsocketCommunicator:
    app = RunConsumer.as_asgi()

    async def from_address(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, "client": (address, 40000)}, receive, send)

    communicator = WebsocketCommunicator(from_address, "/ws/run/")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_one_address_may_have_so_many_runs_going(settings) -> None:
    settings.PLAYGROUND_RUNS_PER_ADDRESS = 2
    first, second, third = [await connect_from("10.1.2.3") for _ in range(3)]
    for communicator in (first, second):
        await communicator.send_json_to(start())
        assert (await communicator.receive_json_from())["type"] == "started"
    # A new start on the same connection replaces its run: still two.
    await second.send_json_to(start())
    replaced = await frames_until_end(second)
    assert replaced[-1]["reason"] == "stopped"
    assert (await second.receive_json_from())["type"] == "started"

    await third.send_json_to(start())
    refused = await third.receive_json_from()
    assert refused == {
        "type": "error",
        "errors": [
            {
                "file": None,
                "line": None,
                "column": None,
                "message": "There are already 2 runs going from your address, the most one "
                "address may have; stop one or close a tab, then press Run again.",
            }
        ],
    }
    other = await connect_from("10.9.9.9")  # another address is not held back
    await other.send_json_to(start())
    assert (await other.receive_json_from())["type"] == "started"

    await first.disconnect()
    await third.send_json_to(start())
    assert (await third.receive_json_from())["type"] == "started"
    for communicator in (second, third, other):
        await communicator.disconnect()


async def test_a_flood_of_messages_is_refused_beyond_the_rate(settings) -> None:
    settings.PLAYGROUND_MESSAGES_PER_SECOND = 0.001  # no refill within the test
    settings.PLAYGROUND_MESSAGE_BURST = 3
    communicator = await connect()
    for _ in range(3):
        await communicator.send_json_to({"action": "pause"})  # no run: no answer
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.send_json_to({"action": "pause"})
    refused = await communicator.receive_json_from()
    assert refused["errors"][0]["message"] == (
        "Too many messages: at most 0.001 a second (bursts of 3); this one was ignored."
    )
    await communicator.disconnect()


async def test_a_full_pool_refuses_a_start_politely(monkeypatch) -> None:
    class FullPool:
        async def open(self, spec: Any) -> Any:
            raise PoolBusy(BUSY_MESSAGE)

    monkeypatch.setattr(consumers, "_POOL", FullPool())
    communicator = await connect()
    await communicator.send_json_to(start())
    refused = await communicator.receive_json_from()
    assert refused["type"] == "error"
    assert refused["errors"][0]["message"] == BUSY_MESSAGE
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()


async def test_a_share_that_fails_says_so_without_the_details(monkeypatch, fast_ticks) -> None:
    async def failing(data: Any, client: Any) -> Any:
        raise RuntimeError('null character in "args": INSERT INTO playground_sharedrun ...')

    monkeypatch.setattr(consumers, "_save_shared_run", failing)
    communicator = await connect()
    await communicator.send_json_to(start(speed=1000, horizon=5))
    await frames_until_end(communicator)
    await communicator.send_json_to({"action": "share", "id": 4})
    answer = await communicator.receive_json_from()
    assert answer == {
        "type": "error",
        "request": "share",
        "id": 4,
        "errors": [
            {
                "file": None,
                "line": None,
                "column": None,
                "message": "The run could not be saved; please try again in a moment.",
            }
        ],
    }
    await communicator.disconnect()


def test_every_action_the_page_sends_has_a_parser_and_a_handler() -> None:
    assert list(ACTIONS) == [
        "start", "speed", "pause", "resume", "play", "step", "jump", "stop",
        "act", "inspect", "exec", "logs", "kubectl", "share",
    ]  # fmt: skip


async def test_logs_without_a_run_is_an_error_for_that_request() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "logs", "id": 3, "pod": "p", "container": "c"})
    frame = await communicator.receive_json_from()
    assert (frame["type"], frame["request"], frame["id"]) == ("error", "logs", 3)
    await communicator.send_json_to(
        {"action": "logs", "id": 4, "pod": "p", "container": "c", "previous": "yes"}
    )
    frame = await communicator.receive_json_from()
    assert frame["errors"][0]["message"] == '"previous" must be true or false.'
    await communicator.disconnect()
