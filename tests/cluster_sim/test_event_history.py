"""The Recorder's Event history: what ``kubectl describe`` lists under Events."""

from __future__ import annotations

import gc

import simpy

from cluster_sim import Simulation, load_bundle
from cluster_sim.event_reasons import EventReason
from cluster_sim.limits import DEFAULT_LIMITS
from cluster_sim.record_types import EventType
from cluster_sim.records import EVENT_OBJECTS, EVENTS_PER_OBJECT, Recorder, event_objects


def advance(env: simpy.Environment, to_ms: int) -> None:
    env.run(until=to_ms)


def test_repeated_events_are_one_event_with_a_count_and_first_and_last_times() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    web = "Pod/default/web"
    rec.event("Normal", "Scheduled", web, "Successfully assigned default/web to node-1", "sched")
    for at in (10_000, 20_000, 30_000):
        advance(env, at)
        rec.event("Warning", "Unhealthy", web, "Liveness probe failed: boom", "kubelet")
    advance(env, 31_000)
    rec.event("Normal", "Killing", web, "Container app failed liveness probe", "kubelet")
    history = rec.events_for(web)
    assert [(e.reason, e.count, e.first_ms, e.last_ms) for e in history] == [
        ("Scheduled", 1, 0, 0),
        ("Unhealthy", 3, 10_000, 30_000),
        ("Killing", 1, 31_000, 31_000),
    ]
    # Every event is still a record of the stream.
    assert [r["reason"] for r in rec.take()] == ["Scheduled"] + ["Unhealthy"] * 3 + ["Killing"]


def test_a_different_message_is_a_different_event_and_other_objects_are_apart() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    rs = "ReplicaSet/default/web-66b6c48dd5"
    rec.event("Normal", "SuccessfulCreate", rs, "Created pod: web-66b6c48dd5-abcde", "rs")
    rec.event("Normal", "SuccessfulCreate", rs, "Created pod: web-66b6c48dd5-fghjk", "rs")
    rec.event("Normal", "ScalingReplicaSet", "Deployment/default/web", "Scaled up", "dc")
    assert [e.message for e in rec.events_for(rs)] == [
        "Created pod: web-66b6c48dd5-abcde",
        "Created pod: web-66b6c48dd5-fghjk",
    ]
    assert [e.reason for e in rec.events_for("Deployment/default/web")] == ["ScalingReplicaSet"]
    assert rec.events_for("Deployment/default/other") == []


def test_the_list_is_in_last_seen_order_and_a_snapshot() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    web = "Pod/default/web"
    rec.event("Warning", "BackOff", web, "Back-off restarting failed container", "kubelet")
    advance(env, 5_000)
    rec.event("Normal", "Pulled", web, "Container image already present", "kubelet")
    advance(env, 9_000)
    rec.event("Warning", "BackOff", web, "Back-off restarting failed container", "kubelet")
    shown = rec.events_for(web)
    assert [(e.reason, e.count) for e in shown] == [("Pulled", 1), ("BackOff", 2)]
    rec.event("Warning", "BackOff", web, "Back-off restarting failed container", "kubelet")
    assert shown[1].count == 2  # what was shown does not change under the reader
    assert rec.events_for(web)[1].count == 3


def test_memory_is_bounded_per_object_and_in_objects() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    web = "Pod/default/web"
    for i in range(EVENTS_PER_OBJECT + 5):
        rec.event("Normal", "Created", web, f"Created container: c{i}", "kubelet")
    kept = rec.events_for(web)
    assert len(kept) == EVENTS_PER_OBJECT
    assert kept[0].message == "Created container: c5"  # the oldest five went
    assert kept[-1].message == f"Created container: c{EVENTS_PER_OBJECT + 4}"
    for i in range(EVENT_OBJECTS):
        rec.event("Normal", "Scheduled", f"Pod/default/p{i}", "assigned", "sched")
    assert rec.events_for(web) == []  # the least recently seen object went first
    assert len(rec.events_for(f"Pod/default/p{EVENT_OBJECTS - 1}")) == 1


def test_a_run_keeps_the_events_of_every_pod_its_limits_allow_beside_4096_objects() -> None:
    """5,000 Pods crash-looping in turn: each one's BackOff is one Event counted up.

    With the history bounded below the Pods a run holds, an object's history went
    before its next event came, and each BackOff began a new Event (count 1).
    """
    limits = DEFAULT_LIMITS.raised(pods=5_000)
    assert event_objects(limits) == 5_000 + limits.nodes + EVENT_OBJECTS
    env = simpy.Environment()
    rec = Recorder(env, event_objects(limits))
    pods = [f"Pod/default/crash-{i}" for i in range(limits.pods)]
    for at in (10_000, 20_000):
        advance(env, at)
        for pod in pods:
            rec.event("Warning", "BackOff", pod, "Back-off restarting failed container", "k")
    assert {(e.count, e.first_ms, e.last_ms) for p in pods for e in rec.events_for(p)} == {
        (2, 10_000, 20_000)
    }


def test_the_simulation_bounds_its_event_history_by_its_own_limits() -> None:
    node = "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n"
    bundle = load_bundle([("node.yaml", node)])
    for limits in (DEFAULT_LIMITS, DEFAULT_LIMITS.raised(pods=20_000, nodes=200)):
        recorder = Simulation(bundle, limits=limits).cluster.recorder
        assert recorder.event_objects == limits.pods + limits.nodes + EVENT_OBJECTS


def test_an_object_seen_again_is_the_most_recent_and_its_events_stay_in_last_seen_order() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    web, db = "Pod/default/web", "Pod/default/db"
    rec.event("Normal", "Pulled", web, "Container image already present", "kubelet")
    rec.event("Normal", "Pulled", db, "Container image already present", "kubelet")
    advance(env, 1_000)
    rec.event("Normal", "Created", web, "Created container: app", "kubelet")  # web last again
    rec.event("Normal", "Pulled", web, "Container image already present", "kubelet")
    rec.event("Normal", "Started", web, "Started container app", "kubelet")
    assert [(e.reason, e.count) for e in rec.events_for(web)] == [
        ("Created", 1),
        ("Pulled", 2),
        ("Started", 1),
    ]
    for i in range(EVENT_OBJECTS - 2):  # room for every object so far
        rec.event("Normal", "Scheduled", f"Pod/default/p{i}", "assigned", "sched")
    assert len(rec.events_for(db)) == 1
    rec.event("Normal", "Scheduled", "Pod/default/one-more", "assigned", "sched")
    assert rec.events_for(db) == []  # db was seen least recently: it went, not web
    assert len(rec.events_for(web)) == 3
    rec.event("Normal", "Killing", db, "Stopping container app", "kubelet")  # a new history
    assert [e.reason for e in rec.events_for(db)] == ["Killing"]


def test_a_repeat_writes_a_record_of_its_own_built_as_the_first() -> None:
    """A repeat's record is its series' record copied with its own time (``Recorder.event``):
    a new dict each time, equal to the one a first occurrence writes, which a caller may
    change without changing a later one; a member and its word are one series."""
    env = simpy.Environment()
    rec = Recorder(env)
    web = "Pod/default/web"
    rec.event(EventType.WARNING, EventReason.BACK_OFF, web, "Back-off", "kubelet")
    (first,) = rec.take()
    first["message"] = "changed by a reader"
    advance(env, 2_500)
    rec.event("Warning", "BackOff", web, "Back-off", "kubelet")  # the words: the same series
    rec.event(EventType.WARNING, EventReason.BACK_OFF, web, "Back-off", "kubelet")
    again, third = rec.take()
    expected = {
        "t": 2.5,
        "kind": "event",
        "type": "Warning",
        "reason": "BackOff",
        "object": web,
        "message": "Back-off",
        "source": "kubelet",
    }
    assert list(again.items()) == list(third.items()) == list(expected.items())  # key order too
    assert again is not third and type(again["reason"]) is str
    assert not gc.is_tracked(again)
    assert [(e.count, e.first_ms, e.last_ms) for e in rec.events_for(web)] == [(3, 0, 2_500)]
