"""A room's page and QR code, and a room that expires after its idle time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone
from rooms_ws import connect, fresh_rooms, open_room
from ws_helpers import FakeClock

from playground.rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def rooms(fast_ticks: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    async with fresh_rooms(monkeypatch) as registry:
        yield registry


async def test_the_join_page_and_its_qr_code(rooms) -> None:
    presenter, opened, _ = await open_room()
    code = opened["code"]
    client = Client()

    page = await sync_to_async(client.get)(f"/r/{code.lower()}")  # codes are case-insensitive
    qr = await sync_to_async(client.get)(f"/r/{code}/qr.svg")
    missing = await sync_to_async(client.get)("/r/ZZZZZZ")

    assert page.status_code == 200
    assert page.context["room"]["code"] == code and page.context["missing"] is False
    assert page.context["room"]["join_url"] == f"http://testserver/r/{code}"
    assert page.context["room"]["ws_path"] == f"/ws/room/{code}/"
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")
    assert missing.status_code == 404 and missing.context["missing"] is True
    await presenter.disconnect()


async def test_a_room_nobody_uses_expires(rooms, settings) -> None:
    settings.PLAYGROUND_ROOM_IDLE_SECONDS = 60
    clock = FakeClock()
    rooms.clock = clock
    presenter, opened, _ = await open_room()
    code = opened["code"]
    hub = rooms.hubs[code]
    hub.clock = clock
    follower = await connect(f"/ws/room/{code}/")
    await presenter.disconnect()
    clock.now += 61
    await rooms.sweep()
    assert code in rooms.hubs  # someone still follows it

    await follower.disconnect()
    await rooms.sweep()
    assert code in rooms.hubs  # idle only from now on
    clock.now += 61
    await rooms.sweep()
    assert code not in rooms.hubs and hub.closed
    await Room.objects.filter(code=code).aupdate(
        last_activity=timezone.now() - timedelta(seconds=61)
    )

    late = await connect(f"/ws/room/{code}/")
    ended = await late.receive_json_from()
    assert ended["errors"][0]["message"] == "This room has ended or never existed."
    assert (await late.receive_output())["code"] == 4404


async def test_a_full_room_says_so(rooms, settings) -> None:
    settings.PLAYGROUND_ROOM_MAX_VIEWERS = 2
    presenter, opened, _ = await open_room()  # the presenter is one of them
    student = await connect(f"/ws/room/{opened['code']}/")
    one_too_many = await connect(f"/ws/room/{opened['code']}/")

    full = await one_too_many.receive_json_from()

    assert full["errors"][0]["message"] == (
        "This room is full: it has 2 followers, the most a room may have."
    )
    assert (await one_too_many.receive_output())["code"] == 4429
    await presenter.disconnect()
    await student.disconnect()
