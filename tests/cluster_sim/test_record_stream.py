"""The record stream's shortcuts, each held against the plain answer it stands for.

``Recorder.event`` writes the EventType's and EventReason's plain strings (records the
cyclic collector does not track).
"""

from __future__ import annotations

import gc

import simpy

from cluster_sim.event_reasons import ConditionReason, EventReason
from cluster_sim.jsonlines import record_line
from cluster_sim.record_types import EventType
from cluster_sim.records import Recorder


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
