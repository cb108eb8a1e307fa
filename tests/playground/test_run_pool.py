"""The simulation workers: fair slices, prompt cancels, a watchdog, a full pool."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import threading
from typing import Any

import orjson
import pytest
from doubles import Runaway
from ws_helpers import FakeClock

from cluster_sim import Simulation, load_bundle
from playground.examples import CRASHLOOP_POD, LIVENESS_HTTP_POD
from playground.simpool import (
    BUSY_MESSAGE,
    OVERRUN_MESSAGE,
    PoolBusy,
    PoolConfig,
    RunFailed,
    RunSpec,
    WorkerPool,
)
from playground.simworkers import WorkerCore

BUDGET = 0.02


def records_of(frames: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [r for f in frames for r in orjson.loads(f).get("records", [])]


def reference(manifest: str, until: float, actions: Any = ()) -> list[dict[str, Any]]:
    sim = Simulation(
        load_bundle([("editor.yaml", manifest)]), seed=0, horizon=3600, actions=actions
    )
    return orjson.loads(orjson.dumps(sim.advance(until=until)))


def open_message(run_id: int, manifest: str = CRASHLOOP_POD) -> tuple[str, int, int, dict]:
    payload = {"manifest": manifest, "seed": 0, "horizon": None, "actions": []}
    return ("open", run_id, run_id, payload)


@pytest.fixture
def runaway_core() -> tuple[WorkerCore, FakeClock]:
    clock = FakeClock()
    Runaway.clock = clock
    yield WorkerCore(budget=BUDGET, clock=clock, simulation=Runaway), clock
    Runaway.clock = None


# -- one worker's turns (in process, on a fake clock) -------------------------------------


def test_runs_take_turns_and_a_runaway_gets_one_budget_per_turn(runaway_core) -> None:
    core, clock = runaway_core
    core.handle(open_message(1))  # runaway
    core.handle(open_message(2))  # runaway too: each advance() costs 10 ms and moves nothing
    order = []
    core.handle(("advance", 11, 1, {"until": 60.0}))
    core.handle(("advance", 12, 2, {"until": 60.0}))
    for _ in range(6):
        began = clock.now
        (reply,) = core.work()
        request_id, ok, answer = reply
        assert ok and answer["now"] == 0.0
        # One slice: its budget, plus at most the one call that crossed it.
        assert clock.now - began <= BUDGET + Runaway.cost + 1e-9
        run_id = request_id - 10
        order.append(run_id)
        core.handle(("advance", request_id, run_id, {"until": 60.0}))  # the next tick's ask
    assert order == [1, 2, 1, 2, 1, 2]


def test_a_cancel_is_answered_before_another_slice_of_that_run(runaway_core) -> None:
    core, _ = runaway_core
    core.handle(open_message(1))
    core.handle(open_message(2))
    core.handle(("advance", 11, 1, {"until": 60.0}))
    core.handle(("advance", 12, 2, {"until": 60.0}))
    calls = core.runs[1].sim.calls

    # Pause or stop: the queued slice is answered at once with nothing new.
    assert core.handle(("cancel", 0, 1, {})) == [
        (11, True, {"frames": [], "now": 0.0, "next": 0.0, "finished": False})
    ]
    assert [reply[0] for reply in core.work()] == [12]
    assert not core.has_work
    assert core.runs[1].sim.calls == calls  # not one more step of the cancelled run


def test_a_newer_goal_replaces_the_queued_one() -> None:
    core = WorkerCore(budget=1.0)
    core.handle(open_message(1))
    assert core.handle(("advance", 2, 1, {"until": 5.0})) == []
    (replaced,) = core.handle(("advance", 3, 1, {"until": 10.0}))
    assert replaced[0] == 2 and replaced[2]["frames"] == [] and replaced[2]["now"] == 0.0
    (reply,) = core.work()
    assert reply[0] == 3 and reply[2]["now"] == 10.0
    assert records_of(reply[2]["frames"]) == reference(CRASHLOOP_POD, 10.0)


def test_a_closed_run_is_forgotten_and_its_queued_work_answered() -> None:
    core = WorkerCore(budget=1.0)
    core.handle(open_message(1))
    core.handle(("advance", 2, 1, {"until": 5.0}))
    (answer,) = core.handle(("close", 0, 1, {}))
    assert answer == (2, False, {"kind": "failed", "message": "The run has ended."})
    assert core.runs == {} and not core.has_work
    (late,) = core.handle(("inspect", 4, 1, {"id": 1, "pod": "crashy", "container": "app"}))
    assert late == (4, False, {"kind": "failed", "message": "The run has ended."})


def test_a_restored_run_catches_up_in_turns_and_goes_on_exactly() -> None:
    # Tiny slices on a clock that moves a tenth of the budget at every reading: catching
    # up takes several turns however fast the machine (a wall clock let a fast one catch
    # up within one 1 ms slice).
    ticks = itertools.count()
    core = WorkerCore(budget=0.001, clock=lambda: next(ticks) * 0.0001)
    payload = {
        "manifest": LIVENESS_HTTP_POD,
        "seed": 0,
        "horizon": 3600.0,
        "actions": [{"t": 30.0, "action": "delete", "args": {"pod": "liveness-http"}}],
        "restore_to": 60.0,
    }
    assert core.handle(("open", 1, 1, payload)) == []
    turns = 0
    while not (replies := core.work()):
        turns += 1
    ((_, ok, opened),) = replies
    assert ok and opened["now"] == 60.0 and turns >= 1
    core.handle(("advance", 2, 1, {"until": 120.0}))
    while not (replies := core.work()):
        pass
    expected = reference(LIVENESS_HTTP_POD, 120.0, actions=payload["actions"])
    assert records_of(replies[0][2]["frames"]) == [r for r in expected if r["t"] > 60.0]


# -- the processes -------------------------------------------------------------------------


def spec(manifest: str = CRASHLOOP_POD) -> RunSpec:
    return RunSpec(manifest=manifest, seed=0, horizon=None)


async def advance_to(run: Any, until: float) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while run.now < until:
        records += records_of((await run.advance(until)).frames)
    return records


async def test_a_run_stuck_in_one_call_ends_and_its_neighbours_go_on_exactly() -> None:
    config = PoolConfig(
        workers=1, overrun_seconds=0.5, niceness=0, simulation="doubles:HangsWhenAsked"
    )
    pool = WorkerPool(config)
    try:
        stuck = await pool.open(spec())
        neighbour = await pool.open(spec(LIVENESS_HTTP_POD))
        first = await advance_to(neighbour, 40.0)
        with pytest.raises(RunFailed) as failed:
            while True:
                await stuck.advance(999.0)
        assert str(failed.value) == OVERRUN_MESSAGE.format(seconds=0.5)
        # The neighbour is replayed on the new worker up to 40 s and goes on as if nothing
        # had happened.
        rest = await advance_to(neighbour, 90.0)
        assert first + rest == reference(LIVENESS_HTTP_POD, 90.0)
        assert pool.restarts == 1
    finally:
        pool.shutdown()


async def test_a_worker_that_dies_is_replaced_and_its_runs_restored() -> None:
    pool = WorkerPool(PoolConfig(workers=1, niceness=0))
    try:
        run = await pool.open(spec())
        first = await advance_to(run, 20.0)
        os.kill(run.worker.process.pid, signal.SIGKILL)
        rest = await advance_to(run, 50.0)
        assert first + rest == reference(CRASHLOOP_POD, 50.0)
    finally:
        pool.shutdown()


async def test_a_full_pool_refuses_politely_until_a_run_closes() -> None:
    pool = WorkerPool(PoolConfig(workers=1, runs_per_worker=2, niceness=0))
    try:
        runs = [await pool.open(spec()), await pool.open(spec())]
        with pytest.raises(PoolBusy) as busy:
            await pool.open(spec())
        assert str(busy.value) == BUSY_MESSAGE
        assert BUSY_MESSAGE.startswith("The playground is busy: ")
        runs[0].close()
        third = await pool.open(spec())
        assert records_of((await third.advance(5.0)).frames) == reference(CRASHLOOP_POD, 5.0)
    finally:
        pool.shutdown()


async def test_many_runs_on_two_workers_each_stream_exactly_their_own_records() -> None:
    pool = WorkerPool(PoolConfig(workers=2, niceness=0))
    try:
        manifests = [CRASHLOOP_POD, LIVENESS_HTTP_POD] * 4
        runs = [await pool.open(spec(m)) for m in manifests]
        assert sorted(len(w.runs) for w in pool.workers) == [4, 4]
        streamed = await asyncio.gather(*(advance_to(run, 120.0) for run in runs))
        for manifest, records in zip(manifests, streamed, strict=True):
            assert records == reference(manifest, 120.0)
    finally:
        pool.shutdown()


def test_workers_outlive_the_thread_that_made_the_pool() -> None:
    """A pool made in a passing thread (an asgiref thread serving the export of a shared
    run) keeps its workers when that thread ends: Linux kills a worker when the *thread*
    that started it ends (PR_SET_PDEATHSIG), so the pool starts them from its own thread.
    Before, CI saw a shared run's export end with the crash message."""
    made: list[WorkerPool] = []
    runs: list[Any] = []

    def serve() -> None:
        pool = WorkerPool(PoolConfig(workers=1, niceness=0))
        made.append(pool)
        # Answered: the worker is past its start, where it asked for the parent's signal.
        runs.append(asyncio.run(pool.open(spec())))

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join()
    pool, run = made[0], runs[0]
    try:
        worker = run.worker
        worker.process.join(timeout=1.0)  # long enough for a SIGKILL to land
        assert worker.process.is_alive() and worker.process.exitcode is None
        records = asyncio.run(advance_to(run, 20.0))
        assert records == reference(CRASHLOOP_POD, 20.0)
        assert pool.restarts == 0 and run.worker is worker
    finally:
        pool.shutdown()
