"""The record stream's shortcuts, each held against the plain answer it stands for.

``Recorder.take`` hands the list over whole when nothing in it was superseded or
withdrawn (it counts the holes), and keeps the latest KEPT record of each container
from the indices it noted when they were written rather than by looking at every
record's kind.
``Recorder.event`` writes the EventType's and EventReason's plain strings (records the
cyclic collector does not track). ``Simulation.advance`` reads SimPy's schedule for
``env.peek()``.
"""

from __future__ import annotations

import gc
from typing import Any

import simpy

from cluster_sim import Simulation, load_bundle
from cluster_sim.event_reasons import ConditionReason, EventReason
from cluster_sim.jsonlines import record_line
from cluster_sim.record_types import EventType
from cluster_sim.records import Record, Recorder


def _plain_take(records: list[Record | None]) -> list[Record]:
    """What ``take`` returns, by its definition: every record not superseded or withdrawn."""
    return [r for r in records if r is not None]


def _write_a_slice(recorder: Recorder, env: simpy.Environment, at: int, holes: str) -> None:
    """Records of every kind of write; ``holes`` says which leave one (superseded, withdrawn)."""
    env._now = at  # a test's clock, set by hand: no process runs here
    recorder.emit("env", pod="default/p", container="c", env=[{"name": "A", "value": str(at)}])
    recorder.emit("log", pod="default/p", container="c", line="hello")
    recorder.append({"t": at / 1000, "kind": "endpoints", "service": "default/s"})
    if "withdrawn" in holes:
        withdrawn = recorder.written
        recorder.append({"t": at / 1000, "kind": "endpoints", "service": "default/s"})
        recorder.withdraw(withdrawn)
    recorder.changed(("pod", "default/p"), "pod", {"pod": "default/p", "restarts": at})
    if "superseded" in holes:
        recorder.changed(("pod", "default/p"), "pod", {"pod": "default/p", "restarts": at + 1})
    recorder.append(
        {"t": at / 1000, "kind": "env", "pod": "default/q", "container": "c", "env": []}
    )
    recorder.event(EventType.NORMAL, EventReason.PULLED, "Pod/default/p", "m", "kubelet")


def test_take_hands_over_what_the_plain_filter_keeps() -> None:
    env = simpy.Environment()
    recorder = Recorder(env)
    envs: list[Record] = []
    slices = ("superseded withdrawn", "withdrawn", "superseded", "", "withdrawn", "")
    for at, holes in enumerate(slices):
        _write_a_slice(recorder, env, at * 1000, holes)
        pending = list(recorder._records)
        assert (None in pending) == bool(holes)
        latest = {pod: recorder.latest("env", pod, "c") for pod in ("default/p", "default/q")}
        taken = recorder.take()
        assert taken == _plain_take(pending)
        assert all(a is b for a, b in zip(taken, _plain_take(pending), strict=True))
        envs = [r for r in taken if r["kind"] == "env"]
        assert [latest["default/p"], latest["default/q"]] == envs  # pending: this slice's
        assert recorder.latest("env", "default/p", "c") is envs[0]  # taken: the same
        assert recorder.latest("env", "default/q", "c") is envs[1]
        assert recorder.kept == 2
    assert recorder.take() == []
    assert recorder.latest("env", "default/p", "c") == envs[0]
    assert recorder.latest("env", "default/p", "other") is None
    assert envs[0]["env"] == [{"name": "A", "value": str(1000 * (len(slices) - 1))}]
    assert recorder.kept == 2  # one per container, however many starts


def test_an_event_record_holds_the_plain_strings() -> None:
    env = simpy.Environment()
    recorder = Recorder(env)
    recorder.event(EventType.WARNING, EventReason.BACK_OFF, "Pod/default/p", "m", "kubelet")
    recorder.event(EventType.WARNING, ConditionReason("BackoffLimitExceeded"), "Job/x", "m", "job")
    back_off, job = recorder.take()
    assert type(back_off["type"]) is str and type(back_off["reason"]) is str
    assert back_off["type"] == EventType.WARNING and back_off["reason"] == EventReason.BACK_OFF
    assert job["reason"] == "BackoffLimitExceeded"
    members = {**back_off, "type": EventType.WARNING, "reason": EventReason.BACK_OFF}
    assert record_line(back_off) == record_line(members)
    assert not gc.is_tracked(back_off)  # why: see ``Recorder.event``
    (series,) = recorder.events_for("Pod/default/p")
    assert (series.type, series.reason, series.count) == ("Warning", "BackOff", 1)


POD = """apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  restartPolicy: Always
  containers:
  - {name: c, image: busybox, command: ["sh", "-c", "sleep 1; exit 1"]}
"""


def test_advance_reads_simpys_schedule() -> None:
    """``advance`` reads ``env._queue[0][0]`` for ``env.peek()``: the same list, the same time."""
    sim = Simulation(load_bundle([("p.yaml", POD)]), horizon=600)
    env = sim.env
    queue = env._queue
    seen: list[Any] = []

    def watch() -> simpy.events.ProcessGenerator:
        while True:
            seen.append((env.peek(), queue[0][0] if queue else float("inf")))
            yield env.timeout(250)

    env.process(watch())
    records = sim.advance(600)
    assert env._queue is queue and len(seen) > 100
    assert all(peeked == read for peeked, read in seen)
    assert any(r["kind"] == "event" and r["reason"] == "BackOff" for r in records)
