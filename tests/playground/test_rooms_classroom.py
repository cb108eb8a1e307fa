"""Rooms in class: predictions and their tally, forking the room's moment, sharing a moment,
a slow viewer, and a share link opened by many at once (simulated once)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from rooms_ws import connect, fresh_rooms, is_type, join, live, open_room, paused, records, until

from playground.consumers import RunConsumer
from playground.examples import CRASHLOOP_POD
from playground.models import SharedRun
from playground.rooms.models import Room
from playground.rooms.predictions import Prediction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def rooms(fast_ticks: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    async with fresh_rooms(monkeypatch) as registry:
        yield registry


async def test_a_prediction_round_with_two_answers_shows_the_tally(rooms) -> None:
    presenter, opened, _ = await open_room()
    ana, _ = await join(opened["code"])
    ben, _ = await join(opened["code"])
    choices = ["0", "1", "2", "3 or more"]
    await presenter.send_json_to(
        {"action": "predict", "question": "RESTARTS at 2m?", "kind": "choice", "choices": choices}
    )
    for student in (ana, ben):
        asked = (await until(student, is_type("prediction")))[-1]
        assert asked["prediction"] == {
            "id": 1, "question": "RESTARTS at 2m?", "kind": "choice", "choices": choices,
            "state": "open", "t": 0.0, "answers": 0, "tally": None,
        }  # fmt: skip

    answer = {"action": "answer", "prediction": 1}
    await ana.send_json_to({**answer, "answer": "7", "nickname": "Ana", "device": "dev-a"})
    assert (await ana.receive_json_from())["errors"][0]["message"] == "Pick one of the choices."
    await ana.send_json_to({**answer, "answer": "2", "nickname": "Ana", "device": "dev-a"})
    assert await ana.receive_json_from() == {"type": "answered", "prediction": 1, "answer": "2"}
    await ben.send_json_to({**answer, "answer": "3 or more", "nickname": "Ben", "device": "dev-b"})
    assert (await ben.receive_json_from())["type"] == "answered"

    counted = await until(presenter, lambda f: f["type"] == "prediction" and "seq" not in f
                          and f["prediction"]["answers"] == 2)  # fmt: skip
    assert [bar["count"] for bar in counted[-1]["prediction"]["tally"]] == [0, 0, 1, 1]
    await presenter.send_json_to({"action": "reveal"})
    for student in (ana, ben):
        revealed = (await until(student, is_type("prediction")))[-1]["prediction"]
        assert revealed["state"] == "revealed" and revealed["answers"] == 2
        assert revealed["tally"] == [
            {"label": "0", "count": 0}, {"label": "1", "count": 0},
            {"label": "2", "count": 1}, {"label": "3 or more", "count": 1},
        ]  # fmt: skip
    await ben.send_json_to({**answer, "answer": "0", "nickname": "Ben", "device": "dev-b"})
    late = await until(ben, is_type("error"))
    assert late[-1]["errors"][0]["message"] == "This question is no longer taking answers."

    stored = await Room.objects.aget(code=opened["code"])
    assert stored.predictions[0]["answers"] == {
        "dev-a": {"nickname": "Ana", "answer": "2"},
        "dev-b": {"nickname": "Ben", "answer": "3 or more"},
    }
    # A student is never the one to ask.
    await ana.send_json_to({"action": "predict", "question": "?", "kind": "number"})
    assert (await until(ana, is_type("error")))[-1]["request"] == "control"
    for socket in (presenter, ana, ben):
        await socket.disconnect()


def test_number_answers_are_tallied_per_value_or_in_six_ranges() -> None:
    few = Prediction(1, "Restarts at 2m?", "number", None, 0.0)
    for device, value in enumerate([3, 3, 4, 2.5]):
        few.answer(str(device), "n", value)
    assert few.tally() == [
        {"label": "2.5", "count": 1}, {"label": "3", "count": 2}, {"label": "4", "count": 1},
    ]  # fmt: skip
    many = Prediction(2, "Seconds to the first restart?", "number", None, 0.0)
    for device in range(13):
        many.answer(str(device), "n", device * 10)
    tally = many.tally()
    labels = ["0–20", "20–40", "40–60", "60–80", "80–100", "100–120"]
    assert [bar["label"] for bar in tally] == labels
    assert sum(bar["count"] for bar in tally) == 13 and tally[-1]["count"] == 3


async def test_fork_makes_a_link_that_opens_at_the_rooms_instant_with_its_actions(rooms) -> None:
    presenter, opened, opening = await open_room(speed=100)
    student, _ = await join(opened["code"])
    await presenter.send_json_to({"action": "play"})
    shown = opening + await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 5)
    await presenter.send_json_to({"action": "act", "id": 1, "kind": "delete",
                                  "args": {"pod": "crashy"}})  # fmt: skip
    shown += await until(presenter, is_type("acted"))
    await presenter.send_json_to({"action": "pause"})
    # Paused, or over already: with its only Pod deleted, nothing more happens.
    shown += await until(presenter, lambda f: paused(f) or f["type"] == "end")
    now = shown[-1]["now"]

    await student.send_json_to({"action": "fork", "id": "f1"})
    forked = (await until(student, is_type("forked")))[-1]

    shared = await SharedRun.objects.aget(slug=forked["slug"])
    assert forked == {"type": "forked", "id": "f1", "slug": shared.slug,
                      "url": f"/s/{shared.slug}", "at": now}  # fmt: skip
    assert (shared.manifest, shared.seed, shared.moment) == (CRASHLOOP_POD, 0, now)
    assert [(a["action"], a["args"]) for a in shared.actions] == [("delete", {"pod": "crashy"})]
    page = await sync_to_async(lambda: __import__("django.test").test.Client().get(forked["url"]))()
    assert page.status_code == 200
    # The link's page replays to that instant, paused, with the same records as the room.
    own = await connect_run()
    await own.send_json_to({**shared.start_message(), "speed": 100})
    replay = await until_paused_run(own)
    assert replay[-1]["now"] <= now  # a finished run may say so at an earlier instant
    assert records(replay) == records(shown)
    # One fork per connection every few seconds.
    await student.send_json_to({"action": "fork", "id": "f2"})
    again = (await until(student, is_type("error")))[-1]
    assert again["request"] == "fork"
    assert "One fork every 5 seconds" in again["errors"][0]["message"]
    for socket in (presenter, student, own):
        await socket.disconnect()


async def test_share_in_a_room_saves_the_asked_moment_as_a_run_socket_would(rooms) -> None:
    # The page's Share and its records export send {"action": "share", "at": ...} in a room too.
    presenter, opened, _ = await open_room(speed=100)
    student, _ = await join(opened["code"])
    await presenter.send_json_to({"action": "play"})
    await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 5)
    await presenter.send_json_to({"action": "pause"})
    now = (await until(presenter, lambda f: paused(f) or f["type"] == "end"))[-1]["now"]

    await student.send_json_to({"action": "share", "id": 7, "at": 2.5})
    shared_frame = (await until(student, is_type("shared")))[-1]
    shared = await SharedRun.objects.aget(slug=shared_frame["slug"])
    assert shared_frame == {"type": "shared", "id": 7, "slug": shared.slug,
                            "url": f"/s/{shared.slug}", "at": 2.5}  # fmt: skip
    assert (shared.manifest, shared.seed, shared.moment) == (CRASHLOOP_POD, 0, 2.5)
    # A moment past the room's is the room's; and one share per connection every few seconds.
    await presenter.send_json_to({"action": "share", "id": "p", "at": now + 100})
    assert (await until(presenter, is_type("shared")))[-1]["at"] == now
    await student.send_json_to({"action": "share", "id": 8})
    again = (await until(student, is_type("error")))[-1]
    assert (again["request"], again["id"]) == ("share", 8)
    assert "One share every 5 seconds" in again["errors"][0]["message"]
    for socket in (presenter, student):
        await socket.disconnect()


async def connect_run() -> Any:
    from ws_helpers import connect as connect_run_socket

    return await connect_run_socket(RunConsumer)


async def until_paused_run(communicator: Any) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        if (frame["type"] == "clock" and frame["state"] == "paused") or frame["type"] == "end":
            return frames


async def test_a_slow_viewer_never_delays_the_others_and_is_resynced(rooms, settings) -> None:
    settings.PLAYGROUND_ROOM_VIEWER_WINDOW = 8
    presenter, opened, opening = await open_room(speed=20)
    fast, _ = await join(opened["code"])
    slow = await connect(f"/ws/room/{opened['code']}/")  # reads nothing, acks nothing
    following = asyncio.create_task(until(fast, paused))  # reads and acks as frames come
    await presenter.send_json_to({"action": "play"})
    shown = opening + await until(presenter, lambda f: f["type"] == "records" and f["now"] >= 30)
    await presenter.send_json_to({"action": "pause"})
    shown += await until(presenter, paused)

    seen = await following
    assert live(seen) == live(shown)[-len(live(seen)) :]
    assert seen[-1] == shown[-1] and len(live(seen)) > 3 * 8  # far more than the window

    backlog = await until(slow, is_type("clock"), ack=False)  # its snapshot
    waiting = []
    while not await slow.receive_nothing(timeout=0.1):
        waiting.append(await slow.receive_json_from())
    assert len(waiting) == 8  # the window, then nothing more
    await slow.send_json_to({"action": "ack", "seq": waiting[-1]["seq"]})
    resynced = await until(slow, is_type("clock"), ack=False)
    assert resynced[0] == {"type": "resync", "reason": "behind"}
    assert resynced[1]["type"] == "room"
    assert records(resynced) == records(shown)
    assert resynced[-1]["now"] == shown[-1]["now"] and backlog[0]["type"] == "room"
    for socket in (presenter, fast, slow):
        await socket.disconnect()


async def test_a_share_link_opened_by_many_at_once_is_simulated_once(rooms) -> None:
    shared = await sync_to_async(SharedRun.share)(
        manifest=CRASHLOOP_POD, seed=0, horizon=None, actions=[], moment=12.0, speed=5.0
    )
    sockets = [await connect("/ws/room/") for _ in range(20)]

    async def watch(socket: Any) -> list[dict[str, Any]]:
        await socket.send_json_to({"action": "watch", "shared": shared.slug})
        return await until(socket, lambda f: paused(f) or f["type"] == "end")

    seen = await asyncio.gather(*(watch(socket) for socket in sockets))

    assert rooms.opens == 1
    codes = {frames[0]["code"] for frames in seen}
    assert len(codes) == 1 and all("secret" not in frames[0] for frames in seen)
    assert all(records(frames) == records(seen[0]) for frames in seen)
    assert records(seen[0])[-1]["t"] <= 12.0 and seen[0][-1]["now"] == 12.0
    # Nobody presents a link's room.
    await sockets[0].send_json_to({"action": "play"})
    assert (await until(sockets[0], is_type("error")))[-1]["request"] == "control"
    for socket in sockets:
        await socket.disconnect()


async def test_an_unknown_code_is_told_and_closed(rooms) -> None:
    socket = await connect("/ws/room/ZZZZZZ/")
    frame = await socket.receive_json_from()
    assert frame["errors"][0]["message"] == "This room has ended or never existed."
    assert (await socket.receive_output())["code"] == 4404
