"""The run's state machine on its own: no Channels, no sockets, a simulation in process."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from ws_helpers import FakeClock, Page

from cluster_sim import Simulation, load_bundle
from playground import protocol
from playground.examples import CRASHLOOP_POD, LIVENESS_HTTP_POD
from playground.runs import Run
from playground.simpool import LocalPool, Progress, RunSpec
from playground.simworkers import WorkerCore


def reference(manifest: str, until: float, actions: Any = ()) -> list[dict[str, Any]]:
    sim = Simulation(
        load_bundle([("editor.yaml", manifest)]), seed=0, horizon=3600, actions=actions
    )
    return orjson.loads(orjson.dumps(sim.advance(until=until)))


async def new_run(
    manifest: str = CRASHLOOP_POD, *, speed: float = 10, clock: Any = None, **fields: Any
) -> tuple[Run, Page]:
    request = protocol.StartRequest(manifest=manifest, speed=speed, seed=0, **fields)
    sim = await LocalPool(WorkerCore(budget=0.02)).open(
        RunSpec(manifest, request.seed, request.horizon, request.actions)
    )
    page = Page()
    run = Run(
        sim=sim,
        request=request,
        send=page.send,
        horizon=3600.0,
        tick=0.001,
        clock=clock or FakeClock(),
    )
    await run.begin()
    return run, page


async def test_seeking_pauses_at_the_moment_with_every_record_before_it() -> None:
    run, page = await new_run(LIVENESS_HTTP_POD, run_to=42.0)
    paused = await page.until("clock", "paused")
    assert page.frames[0]["state"] == "seeking"
    assert (paused["now"], run.mode, run.now) == (42.0, "paused", 42.0)
    assert page.records() == reference(LIVENESS_HTTP_POD, 42.0)
    await run.close()


async def test_playing_follows_the_clock_and_pause_holds_it() -> None:
    clock = FakeClock()
    run, page = await new_run(clock=clock, speed=10)
    clock.now += 2  # 20 simulated seconds
    while run.now < 20:
        await asyncio.sleep(0.001)
    await run.pause()
    assert page.frames[-1] == {
        "type": "clock",
        "state": "paused",
        "now": 20.0,
        "speed": 10.0,
        "next": run.next,
    }
    clock.now += 100
    await asyncio.sleep(0.02)
    assert run.now == 20.0 and page.frames[-1]["type"] == "clock"
    await run.stop()
    assert page.frames[-1] == {"type": "end", "now": 20.0, "reason": "stopped"}
    assert page.records() == reference(CRASHLOOP_POD, 20.0)
    assert run.task is not None and run.task.done()


async def test_step_jump_and_the_end() -> None:
    run, page = await new_run(LIVENESS_HTTP_POD, run_to=0.0)
    await page.until("clock", "paused")
    await run.step()
    step = page.frames[-1]
    assert step["type"] == "clock" and step["state"] == "paused" and step["now"] > 0
    await run.jump()
    end = await page.until("end")
    assert end == {"type": "end", "now": 3600.0, "reason": "finished"}
    assert run.mode == "finished"
    assert page.records() == reference(LIVENESS_HTTP_POD, 3600.0)
    # Nothing is live any more: the clock's messages are ignored.
    count = len(page.frames)
    await run.pause()
    await run.stop()
    assert len(page.frames) == count


async def test_a_step_steps_when_what_was_held_did_not_move_the_clock() -> None:
    """An advance cancelled by the pause answers with an empty "records" frame at the
    paused time, which the run holds; the next step still runs to the next instant."""
    run, page = await new_run(LIVENESS_HTTP_POD, run_to=10.0)
    await page.until("clock", "paused")
    empty = protocol.records_frames(run.now, [])[0][0]
    run.held.append(Progress((empty,), run.now, run.next, False))
    await run.step()
    step = page.frames[-1]
    assert step["type"] == "clock" and step["state"] == "paused" and step["now"] > 10.0
    assert page.records() == reference(LIVENESS_HTTP_POD, step["now"])
    await run.close()


async def test_a_live_action_is_logged_for_the_share_link() -> None:
    run, page = await new_run(LIVENESS_HTTP_POD, run_to=10.0)
    await page.until("clock", "paused")
    await run.act(protocol.ActRequest(id=1, kind="delete", args={"pod": "liveness-http"}))
    entry = {"t": 10.0, "action": "delete", "args": {"pod": "liveness-http"}}
    assert page.last("acted") == {"type": "acted", "id": 1, "action": entry}
    data = run.share_data(at=None)
    assert (data.manifest, data.seed, data.actions, data.moment) == (
        LIVENESS_HTTP_POD,
        0,
        [entry],
        10.0,
    )
    assert run.share_data(at=4.0).moment == 4.0
    await run.act(protocol.ActRequest(id=2, kind="explode", args={}))
    refused = page.frames[-1]
    assert (refused["type"], refused["request"], refused["id"]) == ("error", "act", 2)
    assert refused["errors"][0]["message"].startswith("unknown action 'explode'")
    await run.close()


async def test_a_finished_run_that_gets_an_action_goes_on_paused() -> None:
    quiet = CRASHLOOP_POD.replace("restartPolicy: Always", "restartPolicy: Never")
    run, page = await new_run(quiet, speed=1000)
    await run.jump()
    await page.until("end")
    late = quiet.replace("name: crashy", "name: late")
    await run.act(protocol.ActRequest(id=1, kind="apply", args={"manifest": late}))
    assert run.mode == "paused" and run.task is not None and not run.task.done()
    assert page.frames[-1]["type"] == "clock" and page.frames[-1]["state"] == "paused"
    await run.close()
    assert run.task.cancelled()


class Broken:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.now, self.finished, self.seed, self.horizon = 0.0, False, 0, 3600.0
        self.actions: list[dict[str, Any]] = []

    def next_time(self) -> float | None:
        return 0.0

    def advance(self, until: float) -> list[dict[str, Any]]:
        raise RuntimeError("boom")


async def test_a_simulator_crash_ends_the_run_with_an_error() -> None:
    request = protocol.StartRequest(manifest=CRASHLOOP_POD, speed=5, seed=0)
    core = WorkerCore(budget=0.02, simulation=Broken)  # type: ignore[arg-type]
    sim = await LocalPool(core).open(RunSpec(CRASHLOOP_POD, 0, None))
    page = Page()
    run = Run(sim=sim, request=request, send=page.send, horizon=3600.0, tick=0.001)
    await run.begin()
    await page.until("end")
    assert [f["type"] for f in page.frames] == ["started", "specs", "error", "end"]
    assert page.frames[2]["errors"][0]["message"] == "The simulation failed: boom"
    assert (run.mode, page.frames[3]["reason"]) == ("error", "error")
