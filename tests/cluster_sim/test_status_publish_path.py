"""The status publish path's shortcuts stand for what they replace (issue #15)."""

from __future__ import annotations

import simpy

from cluster_sim.event_reasons import EventReason
from cluster_sim.record_types import EventType
from cluster_sim.records import Recorder


def test_records_read_simpys_clock() -> None:
    """``Recorder`` reads ``env._now`` for ``env.now`` (a property): the same time."""
    env = simpy.Environment(initial_time=250)
    recorder = Recorder(env)

    def later() -> simpy.events.ProcessGenerator:
        yield env.timeout(1250)
        recorder.emit("env", pod="default/p", container="c", env=[])
        recorder.event(EventType.NORMAL, EventReason.PULLED, "Pod/default/p", "m", "kubelet")
        recorder.changed(("pod", "default/p"), "pod", {"phase": "Running"})

    env.process(later())
    env.run()
    assert env._now == env.now == 1500
    assert [r["t"] for r in recorder.take()] == [env.now / 1000] * 3
