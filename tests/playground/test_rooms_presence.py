"""Who is in a room: the presenter sees the students come and go, with their nicknames; and one
presenter tab at a time (the newest claim takes control, the older tab is told so)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from rooms_ws import fresh_rooms, is_type, join, open_room, until

from playground.rooms import hub as room_hub

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def rooms(fast_ticks: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    monkeypatch.setattr(room_hub, "PRESENCE_SECONDS", 0.05)
    async with fresh_rooms(monkeypatch) as registry:
        yield registry


async def presence(socket: Any, **expected: Any) -> dict[str, Any]:
    """The first presence frame saying what is expected (earlier ones may lag a join)."""
    frames = await until(
        socket,
        lambda f: f["type"] == "presence" and all(f.get(k) == v for k, v in expected.items()),
    )
    return frames[-1]


async def test_the_presenter_sees_students_join_and_leave_with_their_nicknames(rooms) -> None:
    presenter, opened, _ = await open_room()
    code = opened["code"]
    ana, joined = await join(code)
    assert joined[0]["type"] == "room" and "nicknames" not in joined[0]  # names: presenter only
    await ana.send_json_to({"action": "hello", "nickname": "  Ana "})
    ben, _ = await join(code)
    await ben.send_json_to({"action": "hello", "nickname": None})
    assert await presence(presenter, students=2) == {
        "type": "presence", "viewers": 3, "presenter": True, "students": 2, "nicknames": ["Ana"],
    }  # fmt: skip

    # A nickname given with an answer names the student too.
    await presenter.send_json_to({"action": "predict", "question": "Restarts?", "kind": "number"})
    await until(ben, is_type("prediction"))
    answer = {"action": "answer", "prediction": 1, "answer": 2, "device": "d-ben"}
    await ben.send_json_to({**answer, "nickname": "ben"})
    assert (await presence(presenter, nicknames=["Ana", "ben"]))["students"] == 2

    # The presenter's page reloads: its room frame says the same.
    await presenter.disconnect()
    console, _ = await join(code)
    await console.send_json_to({"action": "claim", "secret": opened["secret"]})
    await until(console, is_type("role"))
    await console.send_json_to({"action": "resync"})
    room = (await until(console, is_type("room")))[-1]
    assert (room["students"], room["nicknames"], room["presenter"]) == (2, ["Ana", "ben"], True)

    await ana.disconnect()
    assert (await presence(console, students=1))["nicknames"] == ["ben"]
    # Students are never sent who else is here.
    await ben.send_json_to({"action": "resync"})
    assert all(f["type"] != "presence" for f in await until(ben, is_type("clock")))

    await ben.send_json_to({"action": "hello", "nickname": "x" * 41})
    refused = (await until(ben, is_type("error")))[-1]
    assert refused["errors"][0]["message"] == "Give yourself a nickname (up to 40 characters)."
    for socket in (ben, console):
        await socket.disconnect()


async def test_a_second_presenter_tab_takes_control_and_the_first_is_told(rooms) -> None:
    first, opened, _ = await open_room()
    code = opened["code"]
    student, _ = await join(code)
    second, _ = await join(code)
    await second.send_json_to({"action": "claim", "secret": opened["secret"]})
    assert (await until(second, is_type("role")))[-1] == {"type": "role", "role": "presenter"}

    demoted = (await until(first, is_type("role")))[-1]
    assert demoted == {"type": "role", "role": "viewer", "reason": "presented elsewhere"}
    await first.send_json_to({"action": "play"})
    refused = (await until(first, is_type("error")))[-1]
    assert refused["errors"][0]["message"] == "Only the presenter controls this room."
    await second.send_json_to({"action": "play"})
    assert (await until(student, is_type("clock")))[-1]["state"] == "playing"

    # The first tab may take control back (its page offers "Present from here"): then the
    # second is told, and only the first controls the room.
    await first.send_json_to({"action": "claim", "secret": opened["secret"]})
    assert (await until(first, is_type("role")))[-1]["role"] == "presenter"
    assert (await until(second, is_type("role")))[-1]["reason"] == "presented elsewhere"
    await second.send_json_to({"action": "pause"})
    assert (await until(second, is_type("error")))[-1]["request"] == "control"
    await first.send_json_to({"action": "pause"})
    assert await until(student, lambda f: f["type"] == "clock" and f["state"] == "paused")
    assert (await presence(first, students=2))["presenter"] is True
    for socket in (first, second, student):
        await socket.disconnect()
