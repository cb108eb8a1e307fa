"""The run websocket's clock and requests: pause, resume, step, jump, seek, act, inspect, exec.

Every test compares what was streamed with what the simulation produces in one
go, so a lost, duplicated or reordered record fails it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from channels.testing import WebsocketCommunicator
from ws_helpers import FakeClock, connect, frames_until_end, streamed_records

from cluster_sim import Simulation, load_bundle
from playground.consumers import RunConsumer
from playground.examples import CRASHLOOP_POD, ENVIRONMENT, LIVENESS_HTTP_POD

SCENARIO_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: crashy}
spec:
  containers:
  - {name: app, image: busybox, command: ["sh", "-c", "echo hi; exit 1"]}
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: s}
spec: {seed: 7, horizon: 30}
"""


def reference(
    manifest: str,
    until: float,
    *,
    seed: int | None = 0,
    horizon: float | None = 3600.0,
    actions: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """What the simulation produces in one go, normalised through JSON like the wire."""
    sim = Simulation(
        load_bundle([("editor.yaml", manifest)]), seed=seed, horizon=horizon, actions=actions or ()
    )
    return orjson.loads(orjson.dumps(sim.advance(until=until)))


def start(manifest: str = CRASHLOOP_POD, **fields: Any) -> dict[str, Any]:
    return {"action": "start", "manifest": manifest, "speed": 5, "seed": 0, **fields}


def fake_clock_consumer() -> tuple[FakeClock, type[RunConsumer]]:
    clock = FakeClock()
    return clock, type("FakeClockConsumer", (RunConsumer,), {"clock": staticmethod(clock)})


async def frames_until(
    communicator: WebsocketCommunicator, kind: str, state: str | None = None, timeout: float = 10
) -> list[dict[str, Any]]:
    """Every frame up to and including the first of type `kind` (and clock `state`)."""
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        frames.append(frame)
        if frame["type"] == kind and (state is None or frame.get("state") == state):
            return frames
        assert frame["type"] not in ("error", "end") or kind in ("error", "end"), frame


async def paused_at(
    communicator: WebsocketCommunicator, manifest: str, t: float, **fields: Any
) -> list[dict[str, Any]]:
    """Start a run that goes to `t` as fast as possible and pauses there."""
    await communicator.send_json_to(start(manifest, runTo=t, **fields))
    frames = await frames_until(communicator, "clock", "paused")
    assert frames[0]["type"] == "started"
    assert frames[0]["state"] == "seeking"
    assert frames[-1]["now"] == t
    return frames


# -- the clock ---------------------------------------------------------------------------


async def test_pause_holds_the_clock_and_resume_goes_on_without_losing_a_record(
    fast_ticks,
) -> None:
    clock, consumer = fake_clock_consumer()
    communicator = await connect(consumer)
    await communicator.send_json_to(start(speed=10))
    frames = await frames_until(communicator, "specs")
    clock.now += 2  # 20 simulated seconds
    while not frames[-1].get("now", 0) >= 20:
        frames.append(await communicator.receive_json_from(timeout=2))

    await communicator.send_json_to({"action": "pause"})
    frames += await frames_until(communicator, "clock", "paused")
    paused = frames[-1]
    assert paused["now"] == 20.0
    assert paused["speed"] == 10.0
    assert paused["next"] is not None and paused["next"] > 20.0
    clock.now += 100  # a long pause: 1,000 simulated seconds if the clock still ran
    assert await communicator.receive_nothing(timeout=0.1)

    await communicator.send_json_to({"action": "resume"})
    frames += await frames_until(communicator, "clock", "playing")
    clock.now += 1  # 10 more simulated seconds, from where it paused
    while not (frames[-1]["type"] == "records" and frames[-1]["now"] >= 30):
        frames.append(await communicator.receive_json_from(timeout=2))
    await communicator.send_json_to({"action": "stop"})
    frames += await frames_until_end(communicator)

    assert frames[-1] == {"type": "end", "now": 30.0, "reason": "stopped"}
    assert streamed_records(frames) == reference(CRASHLOOP_POD, 30.0)
    await communicator.disconnect()


async def test_step_runs_to_the_next_instant_at_which_something_is_recorded(fast_ticks) -> None:
    communicator = await connect()
    frames = await paused_at(communicator, LIVENESS_HTTP_POD, 0.0)
    sim = Simulation(load_bundle([("editor.yaml", LIVENESS_HTTP_POD)]), seed=0, horizon=3600)
    sim.advance(0)
    times = []
    for _ in range(6):
        await communicator.send_json_to({"action": "step"})
        step = await frames_until(communicator, "clock", "paused")
        records = streamed_records(step)
        assert records, "a step always shows something new"
        now = step[-1]["now"]
        assert {r["t"] for r in records} == {now}  # exactly one instant
        times.append(now)
        frames += step
    assert times == sorted(set(times))
    # The instants the simulation itself says come next (skipping silent ones).
    expected = []
    while len(expected) < 6:
        upcoming = sim.next_time()
        assert upcoming is not None
        if sim.advance(upcoming):
            expected.append(upcoming)
    assert times == expected
    assert streamed_records(frames) == reference(LIVENESS_HTTP_POD, times[-1])
    await communicator.disconnect()


async def test_jump_runs_to_the_horizon_as_fast_as_possible_in_batched_frames(
    fast_ticks,
) -> None:
    communicator = await connect()
    await communicator.send_json_to(start(LIVENESS_HTTP_POD, speed=1, horizon=900))
    frames = await frames_until(communicator, "specs")
    await communicator.send_json_to({"action": "jump"})
    frames += await frames_until_end(communicator)

    clocks = [f for f in frames if f["type"] == "clock"]
    assert clocks[0]["state"] == "jumping"
    assert frames[-1] == {"type": "end", "now": 900.0, "reason": "finished"}
    records = streamed_records(frames)
    assert records == reference(LIVENESS_HTTP_POD, 900.0, horizon=900)
    record_frames = [f for f in frames if f["type"] == "records"]
    assert len(record_frames) < len(records) / 10, "batched: many records per frame"
    await communicator.disconnect()


async def test_run_to_a_moment_pauses_there_with_every_record_before_it(fast_ticks) -> None:
    communicator = await connect()
    frames = await paused_at(communicator, LIVENESS_HTTP_POD, 42.0)
    assert streamed_records(frames) == reference(LIVENESS_HTTP_POD, 42.0)
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_the_scenario_sets_seed_and_horizon_when_the_page_sends_none(fast_ticks) -> None:
    communicator = await connect()
    await communicator.send_json_to(
        {"action": "start", "manifest": SCENARIO_POD, "speed": 1000, "seed": None}
    )
    frames = await frames_until_end(communicator)
    assert frames[0] == {
        "type": "started",
        "speed": 1000.0,
        "seed": 7,
        "horizon": 30.0,
        "state": "playing",
    }
    assert frames[-1] == {"type": "end", "now": 30.0, "reason": "finished"}
    assert streamed_records(frames) == reference(SCENARIO_POD, 30.0, seed=None, horizon=None)
    await communicator.disconnect()


async def test_a_scenario_horizon_above_the_limit_is_refused(fast_ticks) -> None:
    communicator = await connect()
    long = SCENARIO_POD.replace("horizon: 30", "horizon: 7200")
    await communicator.send_json_to({"action": "start", "manifest": long, "speed": 5})
    refused = await communicator.receive_json_from()
    assert refused["type"] == "error"
    assert refused["errors"][0]["message"] == (
        "Scenario spec.horizon: the playground simulates at most 3600 seconds (1 hour); "
        "this asks for 7200"
    )
    await communicator.disconnect()


# -- live actions ------------------------------------------------------------------------


async def test_a_live_action_is_logged_and_the_run_replays_exactly(fast_ticks) -> None:
    communicator = await connect()
    frames = await paused_at(communicator, LIVENESS_HTTP_POD, 10.0)
    await communicator.send_json_to(
        {
            "action": "act",
            "id": 1,
            "kind": "delete",
            "args": {"pod": "liveness-http", "gracePeriodSeconds": 5},
        }
    )
    acted = await communicator.receive_json_from()
    entry = {
        "t": 10.0,
        "action": "delete",
        "args": {"pod": "liveness-http", "gracePeriodSeconds": 5},
    }
    assert acted == {"type": "acted", "id": 1, "action": entry}
    # What the action set off at this instant comes at once, though the clock is paused.
    right_away = await communicator.receive_json_from()
    assert right_away["type"] == "records"
    kinds = [(r["kind"], r.get("status") or r.get("step")) for r in right_away["records"]]
    assert ("action", None) in kinds
    assert ("pod", "Terminating") in kinds
    assert ("termination", "killing") in kinds
    assert {r["t"] for r in right_away["records"]} == {10.0}
    frames.append(right_away)

    await communicator.send_json_to({"action": "jump"})
    frames += await frames_until_end(communicator)
    assert frames[-1]["reason"] == "finished"
    streamed = streamed_records(frames)
    assert any(r["kind"] == "deleted" and r["pod"] == "default/liveness-http" for r in streamed)
    # The action log replays the run byte for byte.
    end = frames[-1]["now"]
    assert streamed == reference(LIVENESS_HTTP_POD, end, actions=[entry])
    await communicator.disconnect()

    replay = await connect()
    await replay.send_json_to(start(LIVENESS_HTTP_POD, speed=1000, actions=[entry]))
    replayed = await frames_until_end(replay)
    assert streamed_records(replayed) == streamed
    await replay.disconnect()


async def test_action_errors_are_answered_to_the_request_and_the_run_goes_on(fast_ticks) -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "act", "id": 5, "kind": "delete", "args": {}})
    no_run = await communicator.receive_json_from()
    assert (no_run["type"], no_run["request"], no_run["id"]) == ("error", "act", 5)
    assert no_run["errors"][0]["message"] == "There is no run to act on; press Run."

    await paused_at(communicator, CRASHLOOP_POD, 5.0)
    await communicator.send_json_to({"action": "act", "id": 6, "kind": "explode", "args": {}})
    unknown = await communicator.receive_json_from()
    assert unknown["request"] == "act" and unknown["id"] == 6
    assert unknown["errors"][0]["message"].startswith("unknown action 'explode'; actions: ")
    await communicator.send_json_to(
        {"action": "act", "id": 7, "kind": "kill", "args": {"pod": "x"}}
    )
    missing = await communicator.receive_json_from()
    assert missing["errors"][0]["message"] == "kill needs container"
    # Something the cluster cannot do is not an error: kubectl's answer comes as a notice.
    await communicator.send_json_to(
        {"action": "act", "id": 8, "kind": "delete", "args": {"pod": "nope"}}
    )
    assert (await communicator.receive_json_from())["type"] == "acted"
    records = (await communicator.receive_json_from())["records"]
    assert {"t": 5.0, "kind": "notice", "message": 'delete: pods "nope" not found'} in records
    await communicator.send_json_to({"action": "resume"})
    assert (await frames_until(communicator, "clock", "playing"))[-1]["now"] == 5.0
    await communicator.disconnect()


async def test_applying_the_edited_yaml_restarts_on_image_change_and_refuses_forbidden_changes(
    fast_ticks,
) -> None:
    communicator = await connect()
    await paused_at(communicator, LIVENESS_HTTP_POD, 10.0)
    changed = LIVENESS_HTTP_POD.replace("agnhost:2.40", "agnhost:2.39").replace(
        "    args:\n    - liveness\n", "    args:\n    - liveness\n    - --extra\n"
    )
    new_image = LIVENESS_HTTP_POD.replace("agnhost:2.40", "agnhost:2.39")
    await communicator.send_json_to(
        {"action": "act", "id": 1, "kind": "apply", "args": {"manifest": changed}}
    )
    await frames_until(communicator, "acted")
    forbidden = await frames_until(communicator, "records")
    notices = [r["message"] for r in streamed_records(forbidden) if r["kind"] == "notice"]
    assert len(notices) == 1
    assert notices[0].startswith('The Pod "liveness-http" is invalid: spec: Forbidden: pod updates')

    await communicator.send_json_to(
        {"action": "act", "id": 2, "kind": "apply", "args": {"manifest": new_image}}
    )
    await frames_until(communicator, "acted")
    frames = await frames_until(communicator, "specs")
    events = [(r["reason"], r["message"]) for r in streamed_records(frames) if r["kind"] == "event"]
    assert ("Killing", "Container liveness definition changed, will be restarted") in events
    # The page learns what the Pod asks for now.
    spec = frames[-1]["pods"]["default/liveness-http"]
    assert spec["containers"][0]["image"] == "registry.k8s.io/e2e-test-images/agnhost:2.39"
    assert frames[-1]["t"] == 10.0
    await communicator.disconnect()


async def test_a_run_that_went_quiet_takes_an_action_and_goes_on(fast_ticks) -> None:
    quiet = CRASHLOOP_POD.replace("restartPolicy: Always", "restartPolicy: Never")
    communicator = await connect()
    await communicator.send_json_to(start(quiet, speed=1000))
    frames = await frames_until_end(communicator)
    assert frames[-1]["reason"] == "finished"
    assert frames[-1]["now"] < 60  # nothing more could happen, long before the horizon
    late = quiet.replace("name: crashy", "name: late")
    await communicator.send_json_to(
        {"action": "act", "id": 1, "kind": "apply", "args": {"manifest": late}}
    )
    more = await frames_until(communicator, "clock", "paused")
    assert any(r["kind"] == "pod" and r["pod"] == "default/late" for r in streamed_records(more))
    await communicator.send_json_to({"action": "jump"})
    more += await frames_until_end(communicator)
    assert any(
        r["kind"] == "container" and r["pod"] == "default/late" and r["state"] == "terminated"
        for r in streamed_records(more)
    )
    await communicator.disconnect()


# -- inspect and exec --------------------------------------------------------------------


async def test_inspect_and_exec_answer_for_the_live_edge(fast_ticks) -> None:
    communicator = await connect()
    await paused_at(communicator, ENVIRONMENT, 20.0)
    await communicator.send_json_to(
        {"action": "inspect", "id": "a", "pod": "default/client", "container": "shell"}
    )
    answer = await communicator.receive_json_from()
    assert (answer["type"], answer["id"], answer["now"]) == ("inspect", "a", 20.0)
    view = answer["view"]
    env = {e["name"]: (e["value"], e["source"]) for e in view["env"]}
    assert env["LOG_LEVEL"] == ("debug", "configMap default/app-config LOG_LEVEL")
    assert env["API_TOKEN"] == ("s3cr3t-t0ken", "secret default/app-secret API_TOKEN")
    assert env["MY_POD_NAME"] == ("client", "downward metadata.name")
    assert env["BACKEND_SERVICE_PORT"] == ("80", "service default/backend")
    assert view["hostname"] == "client"
    assert view["mounts"][0]["path"] == "/etc/app"
    assert "greeting.txt -> ..data/greeting.txt" in view["mounts"][0]["listing"]
    assert {s["service"] for s in view["services"]} == {"default/kubernetes", "default/backend"}

    await communicator.send_json_to(
        {
            "action": "exec",
            "id": "b",
            "pod": "client",
            "container": "shell",
            "argv": ["cat", "/etc/app/greeting.txt"],
        }
    )
    assert await communicator.receive_json_from() == {
        "type": "exec",
        "id": "b",
        "now": 20.0,
        "argv": ["cat", "/etc/app/greeting.txt"],
        "status": 0,
        "output": "hello from a ConfigMap",
    }
    await communicator.send_json_to(
        {"action": "exec", "id": "c", "pod": "client", "container": "nope", "argv": ["ls"]}
    )
    missing = await communicator.receive_json_from()
    assert (missing["type"], missing["status"]) == ("exec", 1)
    assert "is not running" in missing["output"]
    argv = ["sh", "-c", "echo PWNED > /tmp/flag"]
    await communicator.send_json_to(
        {"action": "exec", "id": "d", "pod": "client", "container": "shell", "argv": argv}
    )
    refused = await communicator.receive_json_from()
    assert (refused["type"], refused["status"], refused["output"]) == (
        "exec",
        2,
        "sh: can't create /tmp/flag: Read-only file system\n",
    )
    await communicator.disconnect()


async def test_inspect_without_a_run_is_an_error_for_that_request() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "inspect", "id": 3, "pod": "p", "container": "c"})
    frame = await communicator.receive_json_from()
    assert (frame["type"], frame["request"], frame["id"]) == ("error", "inspect", 3)
    await communicator.disconnect()


async def test_stop_while_paused_and_disconnect_while_jumping_leave_no_task(fast_ticks) -> None:
    communicator = await connect()
    await paused_at(communicator, CRASHLOOP_POD, 3.0)
    await communicator.send_json_to({"action": "stop"})
    assert (await communicator.receive_json_from()) == {
        "type": "end",
        "now": 3.0,
        "reason": "stopped",
    }
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.send_json_to(start(LIVENESS_HTTP_POD, speed=1))
    await frames_until(communicator, "specs")
    await communicator.send_json_to({"action": "jump"})
    await asyncio.sleep(0.02)
    await communicator.disconnect()
    pending = [t for t in asyncio.all_tasks() if "_stream" in repr(t.get_coro())]
    assert pending == []


@pytest.mark.parametrize("action", ["pause", "resume", "step", "jump", "speed"])
async def test_clock_messages_without_a_run_are_ignored(action: str) -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": action, "speed": 5})
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()


async def test_logs_answer_as_kubectl_logs_at_the_live_edge(fast_ticks) -> None:
    communicator = await connect()
    await paused_at(communicator, CRASHLOOP_POD, 40.0)
    sim = Simulation(load_bundle([("editor.yaml", CRASHLOOP_POD)]), seed=0, horizon=3600)
    sim.advance(40.0)
    for request_id, previous in (("now", False), ("before", True)):
        await communicator.send_json_to(
            {
                "action": "logs",
                "id": request_id,
                "pod": "default/crashy",
                "container": "app",
                "previous": previous,
            }
        )
        status, output = sim.logs("default/crashy", "app", previous=previous)
        assert await communicator.receive_json_from(timeout=5) == {
            "type": "logs",
            "id": request_id,
            "now": 40.0,
            "pod": "default/crashy",
            "container": "app",
            "previous": previous,
            "status": status,
            "output": output,
        }
    assert status == 0 and output  # the crash-looping container said something before
    await communicator.disconnect()
