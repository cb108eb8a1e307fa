"""Classroom rooms: a presenter drives one run, every student's socket follows it.

Sockets are driven in-process (WebsocketCommunicator) against the real room
consumer; simulations run in an in-process pool so a test can count them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from rooms_ws import fresh_rooms, is_type, join, live, open_room, paused, records, until

from playground.rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def rooms(fast_ticks: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    async with fresh_rooms(monkeypatch) as registry:
        yield registry


async def test_every_student_gets_the_presenters_frames_play_pause_scrub_delete(rooms) -> None:
    presenter, opened, opening = await open_room(speed=50)
    code = opened["code"]
    assert opened["url"] == f"/r/{code}" and opened["qr"] == f"/r/{code}/qr.svg"
    assert opened["joinUrl"] == f"http://testserver/r/{code}"
    assert opening[0]["type"] == "room" and opening[0]["role"] == "presenter"
    first, _ = await join(code)
    second, snapshot = await join(code)
    assert snapshot[0]["role"] == "viewer" and snapshot[0]["code"] == code

    await presenter.send_json_to({"action": "play"})
    shown = await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 3.0)
    await presenter.send_json_to({"action": "pause"})
    shown += await until(presenter, paused)
    await presenter.send_json_to({"action": "view", "view": {"time": 1.5, "pod": "default/crashy"}})
    await presenter.send_json_to(
        {"action": "act", "id": 1, "kind": "delete", "args": {"pod": "crashy"}}
    )
    shown += await until(
        presenter,
        lambda f: (
            f["type"] == "records"
            and any(r["kind"] == "pod" and r["status"] == "Terminating" for r in f["records"])
        ),
    )
    await presenter.send_json_to({"action": "view", "view": {"time": None, "done": True}})
    shown += await until(presenter, is_type("view"))

    seen_first = await until(first, lambda f: f["type"] == "view" and f["view"].get("done"))
    seen_second = await until(second, lambda f: f["type"] == "view" and f["view"].get("done"))
    assert live(seen_first) == live(seen_second) == live(shown)
    kinds = [f["type"] for f in live(seen_first)]
    assert {"clock", "records", "view", "acted"} <= set(kinds)
    assert kinds.index("acted") < len(kinds) - 1
    states = [f["state"] for f in seen_first if f["type"] == "clock"]
    assert states[0] == "playing" and "paused" in states
    scrub = next(f for f in seen_first if f["type"] == "view")
    assert scrub["view"] == {"time": 1.5, "pod": "default/crashy"}
    acted = next(f for f in seen_first if f["type"] == "acted")
    assert acted["action"]["action"] == "delete" and acted["action"]["args"] == {"pod": "crashy"}
    seqs = [f["seq"] for f in live(seen_first)]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # none missing, in order
    for socket in (presenter, first, second):
        await socket.disconnect()


async def test_a_students_control_message_is_refused_and_changes_nothing(rooms) -> None:
    presenter, opened, _ = await open_room()
    student, _ = await join(opened["code"])
    for action in (
        {"action": "play"},
        {"action": "act", "id": 3, "kind": "delete", "args": {"pod": "crashy"}},
        {"action": "handover"},
    ):
        await student.send_json_to(action)
        refusal = await student.receive_json_from()
        assert refusal == {
            "type": "error",
            "request": "control",
            "action": action["action"],
            "errors": [
                {
                    "file": None,
                    "line": None,
                    "column": None,
                    "message": "Only the presenter controls this room.",
                }
            ],
        }
    assert await student.receive_nothing(timeout=0.2)
    assert await presenter.receive_nothing(timeout=0.05)
    # A wrong secret is refused too, and the socket stays a follower.
    await student.send_json_to({"action": "claim", "secret": "guess"})
    wrong = await student.receive_json_from()
    assert wrong["request"] == "claim"
    assert wrong["errors"][0]["message"] == (
        "That is not this room's presenter key; you are following the room."
    )
    await student.send_json_to({"action": "pause"})
    assert (await student.receive_json_from())["request"] == "control"
    await presenter.disconnect()
    await student.disconnect()


async def test_the_secret_claims_on_another_socket_and_a_handover_moves_control(rooms) -> None:
    first_tab, opened, _ = await open_room()
    code, secret = opened["code"], opened["secret"]
    stored = await Room.objects.aget(code=code)
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64  # a hash at rest

    console, _ = await join(code)
    await console.send_json_to({"action": "claim", "secret": secret})
    assert await console.receive_json_from() == {"type": "role", "role": "presenter"}
    # One presenter tab at a time: the first is told the room is presented elsewhere.
    told = (await until(first_tab, is_type("role")))[-1]
    assert told == {"type": "role", "role": "viewer", "reason": "presented elsewhere"}
    await console.send_json_to({"action": "handover"})
    handover = await console.receive_json_from()
    assert handover["type"] == "handover" and handover["expires"] == 600
    assert handover["url"] == f"/r/{code}#handover={handover['token']}"

    tablet, _ = await join(code)
    await tablet.send_json_to({"action": "claim", "handover": handover["token"]})
    role = await tablet.receive_json_from()
    assert role["role"] == "presenter" and role["secret"] != secret
    demoted = await until(console, is_type("role"))
    assert demoted[-1] == {"type": "role", "role": "viewer", "reason": "handed over"}
    for old in (first_tab, console):
        await old.send_json_to({"action": "play"})
        assert (await until(old, is_type("error")))[-1]["request"] == "control"
    await tablet.send_json_to({"action": "play"})
    assert (await until(tablet, is_type("clock")))[-1]["state"] == "playing"
    # The token is good once; the old secret no longer works.
    other, _ = await join(code)
    await other.send_json_to({"action": "claim", "handover": handover["token"]})
    used = await until(other, is_type("error"))
    assert "has been used or has expired" in used[-1]["errors"][0]["message"]
    await other.send_json_to({"action": "claim", "secret": secret})
    assert (await until(other, is_type("error")))[-1]["request"] == "claim"
    for socket in (first_tab, console, tablet, other):
        await socket.disconnect()


async def test_a_late_joiner_lands_on_the_current_moment_at_once(rooms) -> None:
    presenter, opened, opening = await open_room(speed=100)
    await presenter.send_json_to({"action": "play"})
    shown = opening + await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 20.0)
    await presenter.send_json_to({"action": "pause"})
    shown += await until(presenter, paused)
    now = shown[-1]["now"]
    opens = rooms.opens

    late, snapshot = await join(opened["code"])

    assert rooms.opens == opens  # nothing simulated again for the late joiner
    assert [f["type"] for f in snapshot[:3]] == ["room", "started", "specs"]
    assert snapshot[-1]["type"] == "clock" and snapshot[-1]["state"] == "paused"
    assert snapshot[-1]["now"] == now
    assert all("seq" not in f for f in snapshot[1:])  # the room frame says up to which seq
    assert records(snapshot) == records(shown)
    assert len([f for f in snapshot if f["type"] == "records"]) < len(
        [f for f in shown if f["type"] == "records"]
    )  # packed into a few frames
    await presenter.disconnect()
    await late.disconnect()
