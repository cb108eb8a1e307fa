"""/s/<slug>/records.jsonl: streamed a worker slice at a time, stopped by a client that
leaves, ended with an error line by a replay that fails."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.test import AsyncRequestFactory

from playground import protocol, views
from playground.examples import LIVENESS_HTTP_POD
from playground.models import SharedRun
from playground.simpool import PoolBusy, Progress, RunFailed, RunRefused


def record(t: float) -> dict[str, Any]:
    return {"t": t, "kind": "event", "reason": "Tick", "message": f"at {t:g}"}


@dataclass
class FakeReplay:
    """A replay that makes one record per simulated second, and fails at ``fail_at``."""

    fail_at: float | None = None
    horizon: float = 3600.0
    now: float = 0.0
    advances: int = 0
    closed: bool = False

    async def advance(self, until: float) -> Progress:
        self.advances += 1
        await asyncio.sleep(0)
        if self.fail_at is not None and self.now >= self.fail_at:
            raise RunFailed("The run used more than its share of the server's CPU.")
        self.now = min(until, self.now + 1.0)
        frame = protocol.records_frame(self.now, [record(self.now)])
        return Progress((frame,), self.now, None, False)

    def close(self) -> None:
        self.closed = True


@dataclass
class FakePool:
    replay: FakeReplay | None = None
    error: Exception | None = None

    async def open(self, spec: Any) -> FakeReplay:
        if self.error is not None:
            raise self.error
        assert self.replay is not None
        return self.replay


def shared(moment: float = 30.0) -> SharedRun:
    return SharedRun.share(
        manifest=LIVENESS_HTTP_POD, seed=None, horizon=None, actions=[], moment=moment, speed=5.0
    )


async def body_of(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


@pytest.mark.django_db(transaction=True)
async def test_a_failing_replay_ends_the_stream_with_an_error_line(
    async_client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    replay = FakeReplay(fail_at=3.0)
    monkeypatch.setattr(views, "export_pool", lambda: FakePool(replay))
    run = await sync_to_async(shared)()
    response = await async_client.get(f"/s/{run.slug}/records.jsonl")
    assert response.status_code == 200
    lines = [orjson.loads(line) for line in (await body_of(response)).splitlines()]
    assert [line["t"] for line in lines] == [1.0, 2.0, 3.0, 3.0]
    assert lines[-1] == {
        "kind": "error",
        "t": 3.0,
        "message": "The run used more than its share of the server's CPU.",
    }
    assert replay.closed
    assert f"Replaying shared run {run.slug} failed at 3s" in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_a_replay_that_cannot_start_gets_a_plain_answer(
    async_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await sync_to_async(shared)()
    url = f"/s/{run.slug}/records.jsonl"
    refused = RunRefused([protocol.plain_error("The manifest is empty.")])
    monkeypatch.setattr(views, "export_pool", lambda: FakePool(error=refused))
    response = await async_client.get(url)
    assert (response.status_code, response.content) == (422, b"The manifest is empty.\n")
    monkeypatch.setattr(views, "export_pool", lambda: FakePool(error=PoolBusy()))
    response = await async_client.get(url)
    assert response.status_code == 503
    assert response.content == views.EXPORT_BUSY.encode()


@pytest.mark.django_db(transaction=True)
async def test_a_client_that_leaves_stops_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    replay = FakeReplay()
    monkeypatch.setattr(views, "export_pool", lambda: FakePool(replay))
    run = await sync_to_async(shared)(moment=3600.0)
    app = ApplicationCommunicator(
        get_asgi_application(),
        {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/s/{run.slug}/records.jsonl",
            "raw_path": f"/s/{run.slug}/records.jsonl".encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"localhost")],
            "client": ("127.0.0.1", 5000),
            "server": ("localhost", 80),
        },
    )
    await app.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await app.receive_output(timeout=5)
    assert (start["type"], start["status"]) == ("http.response.start", 200)
    first = await app.receive_output(timeout=5)
    assert first["type"] == "http.response.body" and first["more_body"]
    await app.send_input({"type": "http.disconnect"})
    for _ in range(100):
        if replay.closed:
            break
        await asyncio.sleep(0.01)
    assert replay.closed
    advances = replay.advances
    await asyncio.sleep(0.05)
    assert replay.advances == advances  # nothing more is simulated for nobody
    assert replay.now < 100  # far from the hour it was asked for
    await app.wait(timeout=1)


@pytest.mark.django_db(transaction=True)
async def test_two_downloads_at_once_per_address(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    assert settings.PLAYGROUND_EXPORTS_PER_ADDRESS == 2
    monkeypatch.setattr(views, "export_pool", lambda: FakePool(FakeReplay()))
    run = await sync_to_async(shared)(moment=3.0)

    async def download(address: str) -> Any:
        request = AsyncRequestFactory().get(f"/s/{run.slug}/records.jsonl")
        request.META["REMOTE_ADDR"] = address  # as Daphne sets it from the client
        response = await views.shared_records(request, run.slug)
        responses.append(response)
        return response

    responses: list[Any] = []
    try:
        first, second = await download("192.0.2.1"), await download("192.0.2.1")
        assert (first.status_code, second.status_code) == (200, 200)
        third = await download("192.0.2.1")
        assert third.status_code == 429
        assert third.content.decode().startswith("2 downloads of shared runs are already going")
        assert (await download("192.0.2.2")).status_code == 200  # another address
        assert len((await body_of(first)).splitlines()) == 3  # read to the end: over
        assert (await download("192.0.2.1")).status_code == 200
        second.close()  # a response never read is over when it is closed
        assert (await download("192.0.2.1")).status_code == 200
    finally:
        for response in responses:
            response.close()
    assert not views._EXPORTS_BY_ADDRESS
