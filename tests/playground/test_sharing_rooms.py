"""A share link's page lands through the link's room: however many open it, one simulation.

The page (/s/<slug>, static/playground/sharedroom.js) first sends ``watch`` on
/ws/room/; only a viewer who plays on gets a run of their own on /ws/run/.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from rooms_ws import connect, fresh_rooms, is_type, paused, records, until
from ws_helpers import connect as connect_run

from playground import consumers
from playground.examples import LIVENESS_HTTP_POD
from playground.models import SharedRun

LOG = [{"t": 12.0, "action": "kill", "args": {"pod": "liveness-http", "container": "liveness"}}]


@pytest.fixture
async def rooms(fast_ticks: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    async with fresh_rooms(monkeypatch) as registry:
        yield registry


@pytest.fixture
def pool_opens(rooms: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every simulation the pool opens (rooms' and run sockets' alike)."""
    pool = consumers._POOL
    opened: list[Any] = []
    real = pool.open

    async def counted(spec: Any) -> Any:
        opened.append(spec)
        return await real(spec)

    monkeypatch.setattr(pool, "open", counted)
    return opened


def share_run() -> SharedRun:
    return SharedRun.share(
        manifest=LIVENESS_HTTP_POD, seed=None, horizon=None, actions=LOG, moment=30.0, speed=20.0
    )


@pytest.mark.django_db
def test_the_share_page_watches_the_link_s_room_before_app_js_runs(client: Client) -> None:
    page = client.get(f"/s/{share_run().slug}").content.decode()
    scripts = re.findall(r'<script src="/static/playground/(\w+)\.js"', page)
    assert "sharedroom" in scripts
    assert scripts.index("sharedroom") < scripts.index("app")  # PodRoomMode before app.js
    assert "sharedroom" not in client.get("/").content.decode()  # the playground: its own run


async def watch(slug: str) -> tuple[Any, list[dict[str, Any]]]:
    socket = await connect("/ws/room/")
    await socket.send_json_to({"action": "watch", "shared": slug})
    return socket, await until(socket, lambda f: paused(f) or f["type"] == "end")


@pytest.mark.django_db(transaction=True)
async def test_many_viewers_of_one_link_cause_one_simulation_and_see_today_s_landing(
    rooms: Any, pool_opens: list[Any]
) -> None:
    run = await sync_to_async(share_run)()
    first = await asyncio.gather(*(watch(run.slug) for _ in range(12)))
    for socket, _ in first[:6]:
        await socket.disconnect()  # some leave; the link's room stays for the next ones
    later = await asyncio.gather(*(watch(run.slug) for _ in range(6)))
    viewers = first + later

    assert len(pool_opens) == 1 and rooms.opens == 1
    assert pool_opens[0].actions == tuple(LOG)  # the link's action log, replayed once
    landed = [frames for _, frames in viewers]
    assert all(frames[-1]["now"] == 30.0 for frames in landed)
    assert all(records(frames) == records(landed[0]) for frames in landed)
    assert len({frames[0]["code"] for frames in landed}) == 1

    # What each page shows is what its own replay of the link showed before (today's landing).
    own = await connect_run()
    await own.send_json_to(run.start_message())
    replayed = []
    while not (replayed and paused(replayed[-1])):
        replayed.append(await own.receive_json_from(timeout=10))
    assert records(landed[-1]) == records(replayed)
    assert len(pool_opens) == 2  # the viewer who plays on: a run of their own
    restarts = [r["restartCount"] for r in records(landed[-1]) if r["kind"] == "container"]
    # The kill at 12 s, replayed from the link's log, then the liveness probe's kill at 30 s,
    # restarted in the same sync as the kubelet does (issue #13 item 1).
    assert restarts[-1] == 2

    # The inspector, logs and kubectl are answered by the room, at the link's moment.
    socket = viewers[-1][0]
    await socket.send_json_to(
        {"action": "logs", "id": 3, "pod": "default/liveness-http", "container": "liveness"}
    )
    logs = (await until(socket, lambda f: f.get("id") == 3))[-1]
    assert logs["type"] == "logs", logs
    await socket.send_json_to({"action": "kubectl", "id": 4, "argv": ["get", "pods"]})
    got = (await until(socket, lambda f: f.get("id") == 4))[-1]
    await own.send_json_to({"action": "kubectl", "id": 4, "argv": ["get", "pods"]})
    mine = await own.receive_json_from(timeout=10)
    assert got == mine and got["request" if got["type"] == "error" else "type"] == "kubectl"
    assert len(pool_opens) == 2

    await own.disconnect()
    for socket, _ in viewers[6:]:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_link_that_does_not_exist_is_told_on_the_room_socket(rooms: Any) -> None:
    socket = await connect("/ws/room/")
    await socket.send_json_to({"action": "watch", "shared": "nope1234"})
    frame = (await until(socket, is_type("error")))[-1]
    assert frame["errors"][0]["message"] == "There is no shared run at that link."
    assert rooms.opens == 0
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_full_link_room_says_so_before_the_page_would_join_it(
    rooms: Any, settings: Any
) -> None:
    """The page (sharedroom.js) takes any error before it has joined as its cue to replay the
    link on a socket of its own, as the share page did before."""
    settings.PLAYGROUND_ROOM_MAX_VIEWERS = 1
    run = await sync_to_async(share_run)()
    first, _ = await watch(run.slug)
    second = await connect("/ws/room/")
    await second.send_json_to({"action": "watch", "shared": run.slug})
    opened = await second.receive_json_from(timeout=10)
    assert opened["type"] == "opened"  # the link's room exists...
    frame = await second.receive_json_from(timeout=10)
    assert frame["type"] == "error"  # ...but this page is not in it
    assert frame["errors"][0]["message"].startswith("This room is full")
    assert (await second.receive_output())["code"] == 4429
    await first.disconnect()
