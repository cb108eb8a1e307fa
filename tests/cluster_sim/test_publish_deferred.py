"""The publish path's deferred and memoised builds write what the plain path writes.

``Recorder.changed_deferred`` builds a record only once it is sure to be kept (a
crash loop's Running container record, superseded within its instant by the
Terminated one, is never built); each test holds it to ``changed_record`` given
the record built at once, in the recorder alone and in whole runs. The status
manager hands out one ``Conditions`` per derivation, with the ``pod`` record's
``{type: status}`` dict: held to a fresh derivation and dict, through changes in place.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import simpy
from digests.scenario_digests import digest, inputs, key
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.status_manager import SHARED, PodStatusManager, signature
from cluster_sim.nodestate import PodRuntime
from cluster_sim.records import Record, Recorder
from cluster_sim.status import (
    CONDITIONS_MUTATORS,
    Condition,
    Conditions,
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from sim_throughput import LIMITS, POD, bundle_text  # noqa: E402

# Two tags: the values 0 and 2 share one (their records may or may not be equal), 1
# has the other (its records differ from theirs), as a container's state kinds do
TAGS = ("even", "odd")


def _build(value: int, built: list[int]) -> Record:
    built.append(value)
    return {"t": 0.0, "kind": "container", "v": value}


# Calls on a recorder: advance the clock by 0-2 ms, write one of two subjects with one of
# three values, take the records after the call or not, read ``last_state`` or not
CALLS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from([("a",), ("b",)]),
        st.integers(0, 2),
        st.booleans(),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(CALLS)
def test_deferred_records_are_the_records_built_at_once(
    calls: list[tuple[int, tuple[str, ...], int, bool, bool]],
) -> None:
    """The same streams, taken at the same points, and the same ``last_state``; a
    record is built at most once per call."""
    env = simpy.Environment()
    deferred, plain = Recorder(env), Recorder(env)
    got: list[Record] = []
    want: list[Record] = []
    built: list[int] = []
    for advance, subject, value, take, read in calls:
        if advance:
            env.run(until=env.now + advance)
        deferred.changed_deferred(subject, TAGS[value % 2], _build, (value, built))
        plain.changed_record(subject, _build(value, []))
        if read:
            assert deferred.last_state(subject) == plain.last_state(subject)
        if take:
            got += deferred.take()
            want += plain.take()
    got += deferred.take()
    want += plain.take()
    assert got == want
    assert len(built) <= len(calls)
    for subject in (("a",), ("b",)):
        assert deferred.last_state(subject) == plain.last_state(subject)


def test_a_record_superseded_by_another_tag_within_its_instant_is_never_built() -> None:
    """A crash loop's start: Waiting, then Running and Terminated within one instant."""
    env = simpy.Environment()
    recorder = Recorder(env)
    built: list[int] = []
    recorder.changed_deferred(("a",), "waiting", _build, (0, built))
    env.run(until=5)
    recorder.changed_deferred(("a",), "running", _build, (1, built))
    recorder.changed_deferred(("a",), "terminated", _build, (2, built))  # the same instant
    assert built == [0]  # the first record, settled by the later instant's call
    assert [r["v"] for r in recorder.take()] == [0, 2]
    assert built == [0, 2]
    assert recorder.take() == []


def _plain_deferred(monkeypatch: pytest.MonkeyPatch) -> None:
    """``changed_deferred`` as ``changed_record`` of the record built at once."""

    def at_once(
        self: Recorder, key: tuple[str, ...], tag: object, build: Any, args: tuple[Any, ...]
    ) -> None:
        self.changed_record(key, build(*args))

    monkeypatch.setattr(Recorder, "changed_deferred", at_once)


def _records(text: str, horizon: float) -> list[str]:
    bundle = load_bundle([("t.yaml", text)], LIMITS)
    sim = Simulation(bundle, seed=0, horizon=horizon, limits=LIMITS)
    return [repr(r) for t in range(30, int(horizon) + 1, 30) for r in sim.advance(float(t))]


def test_a_crash_loop_writes_the_records_built_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    text = bundle_text(3, POD)
    deferred = _records(text, 3600)
    _plain_deferred(monkeypatch)
    assert deferred == _records(text, 3600)


SAMPLE = [p for p in inputs() if any(w in p.read_text() for w in ("lifecycle", "Probe", "Job"))]


@pytest.mark.parametrize("path", SAMPLE[:12], ids=key)
def test_scenarios_print_the_same_with_records_built_at_once(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deferred = digest(path)
    _plain_deferred(monkeypatch)
    assert deferred == digest(path)


def test_every_change_in_place_forgets_the_records_dict() -> None:
    ready = Condition("Ready", "True")
    other = Condition("Ready", "False", "X")
    calls: dict[str, tuple[Any, ...]] = {
        "__setitem__": ("Ready", other),
        "__delitem__": ("Ready",),
        "__ior__": ({"Ready": other},),
        "clear": (),
        "pop": ("Ready",),
        "popitem": (),
        "setdefault": ("DisruptionTarget", other),
        "update": ({"Ready": other},),
    }
    assert set(calls) == set(CONDITIONS_MUTATORS)
    for name, args in calls.items():
        conditions, plain = Conditions({"Ready": ready}), {"Ready": ready}
        assert conditions.statuses == {"Ready": "True"}
        getattr(conditions, name)(*args)
        getattr(plain, name)(*args)
        assert conditions.statuses is None, name
        assert conditions == plain, name


POD_TEXT = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: busybox}, {name: side, image: busybox}]
"""
ONE_CONTAINER = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: busybox}]
"""
STATES = (Waiting("ContainerCreating"), Running(5), Terminated(1, "Error", 5, 9))


class _Host:
    def pod_finished(self, _rt: PodRuntime) -> None:
        pass


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([POD_TEXT, ONE_CONTAINER]),
    st.lists(
        st.tuples(
            st.sampled_from(["app", "side"]),
            st.integers(0, 2),
            st.booleans(),
            st.booleans(),
            st.sampled_from([None, *CONDITIONS_MUTATORS[:2], "setdefault"]),
        ),
        max_size=30,
    ),
)
def test_memoised_conditions_equal_a_fresh_derivation_through_changes_in_place(
    text: str, steps: list[tuple[str, int, bool, bool, str | None]]
) -> None:
    """After each derivation the conditions equal a derivation with an empty memo, and
    the record's dict, when there is one, is their ``{type: status}``; a change in place
    between derivations (a controller's) is derived again. The memo's key is the phase,
    the sandbox and ``signature`` (gathered inline for a Pod of one container)."""
    [pod] = load_bundle([("p.yaml", text)]).pods
    memo_rt, fresh_rt = PodRuntime(pod, "u1"), PodRuntime(pod, "u2")
    memo = PodStatusManager(_Host(), memo_rt)  # type: ignore[arg-type]
    fresh = PodStatusManager(_Host(), fresh_rt)  # type: ignore[arg-type]
    for name, state, ready, sandbox, change in steps:
        status = ContainerStatus(name, STATES[state], ready=ready, started=ready)
        for rt in (memo_rt, fresh_rt):
            rt.statuses[name] = status
            rt.sandbox_ready = sandbox
        phase = memo_rt.phase
        memo._derive_status()
        init, regular = memo_rt.refs()
        key = (phase, sandbox, *signature(init, regular, memo_rt.statuses))
        assert key in memo._memo
        assert memo._memo[key][1] is memo_rt.conditions
        fresh._memo.clear()
        SHARED.clear()  # derived afresh, not from the shared memo either
        fresh._derive_status()
        conditions = memo_rt.conditions
        assert conditions == fresh_rt.conditions
        assert list(conditions) == list(fresh_rt.conditions)
        assert type(conditions) is Conditions
        assert conditions.statuses == {k: c.status for k, c in conditions.items()}
        if change == "__setitem__":
            conditions["Ready"] = Condition("Ready", "False", "NodeStatusUnknown")
        elif change == "__delitem__":
            del conditions["Ready"]
        elif change == "setdefault":
            conditions.setdefault("DisruptionTarget", Condition("DisruptionTarget", "True"))
        if change is not None:
            assert conditions.statuses is None


def _plain_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    """No kept ``Conditions``: every derivation and record builds its own dicts."""
    init = Conditions.__init__

    def forgotten(self: Conditions, conditions: dict[str, Condition]) -> None:
        init(self, conditions)
        self.statuses = None

    monkeypatch.setattr(Conditions, "__init__", forgotten)


CONDITION_SAMPLE = [
    p
    for p in inputs()
    if any(w in p.read_text() for w in ("evict", "drain", "fail", "Probe", "delete"))
]


@pytest.mark.parametrize("path", CONDITION_SAMPLE, ids=key)
def test_scenarios_print_the_same_with_conditions_built_at_each_publish(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = digest(path)
    _plain_conditions(monkeypatch)
    assert kept == digest(path)


def test_a_crash_loop_writes_the_same_with_conditions_built_at_each_publish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = bundle_text(3, POD)
    kept = _records(text, 3600)
    _plain_conditions(monkeypatch)
    assert kept == _records(text, 3600)


class _Store:
    def __init__(self) -> None:
        self.statuses: list[dict[str, Any]] = []

    def write_status(self, obj: object, status: dict[str, Any]) -> bool:
        self.statuses.append(status)
        return True


def test_kept_conditions_changed_in_place_are_published_again() -> None:
    """The publish path holds the status manager's ``Conditions`` as one object while
    nothing changed them: the same object after a change in place is a change."""
    from cluster_sim.pod_records import PodRecords

    [pod] = load_bundle([("p.yaml", ONE_CONTAINER)]).pods
    rt = PodRuntime(pod, "u1")
    rt.api = object()  # type: ignore[assignment]
    rt.statuses["app"] = ContainerStatus("app", Running(5), ready=True, started=True)
    PodStatusManager(_Host(), rt)._derive_status()  # type: ignore[arg-type]
    assert type(rt.conditions) is Conditions and rt.conditions["Ready"].status == "True"
    env = simpy.Environment()
    recorder, api = Recorder(env), _Store()
    records = PodRecords(env, recorder, api)  # type: ignore[arg-type]
    records.publish_pod(rt)
    records.publish_pod(rt)
    records.publish_pod(rt)  # the same objects: nothing new
    assert len(recorder.take()) == len(api.statuses) == 1
    env.run(until=5)
    rt.conditions["Ready"] = Condition("Ready", "False", "NodeStatusUnknown")
    records.publish_pod(rt)
    [record] = recorder.take()
    assert record["conditions"]["Ready"] == "False"
    assert [c["status"] for c in api.statuses[-1]["conditions"] if c["type"] == "Ready"] == [
        "False"
    ]
    records.publish_pod(rt)
    records.publish_pod(rt)  # the same changed objects: nothing new
    assert recorder.take() == [] and len(api.statuses) == 2


INIT_AND_TWO = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: init, image: busybox}
  - {name: side, image: busybox, restartPolicy: Always}
  containers: [{name: a, image: busybox}, {name: b, image: busybox}]
"""
RECORD_STATES = (
    None,
    Waiting("PodInitializing"),
    Waiting("CrashLoopBackOff"),
    Running(5),
    Terminated(0, "Completed", 5, 9),
    Terminated(1, "", 5, 9, signal=9),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(RECORD_STATES) - 1), st.booleans(), st.integers(0, 3))),
    st.booleans(),
)
def test_the_pod_records_status_ready_and_restarts_are_kubectls(
    shown: list[tuple[int, bool, int]], initialized: bool
) -> None:
    """STATUS (``status_column`` over the containers in reverse), READY (sidecars
    counted) and RESTARTS (the init containers' while STATUS is theirs) against a plain
    count, over Pods of one and of two containers, with and without init containers."""
    from cluster_sim.pod_records import pod_record
    from cluster_sim.status import status_column

    for text in (ONE_CONTAINER, INIT_AND_TWO):
        [pod] = load_bundle([("p.yaml", text)]).pods
        rt = PodRuntime(pod, "u1")
        init, regular = rt.refs()
        refs = (*init, *regular)
        for ref, (state, ready, restarts) in zip(refs, shown, strict=False):
            if RECORD_STATES[state] is not None:
                rt.statuses[ref.name] = ContainerStatus(
                    ref.name, RECORD_STATES[state], ready=ready, restart_count=restarts
                )
        statuses = rt.statuses
        record = pod_record(rt, {"Initialized": "True" if initialized else "False"}, init, regular)
        status = status_column(
            rt.phase, rt.reason, list(init), list(regular), statuses, False, False, initialized
        )
        assert record["status"] == status
        counted = [r for r in init if r.restartable] + list(regular)
        ready_now = sum(
            1
            for r in counted
            if (s := statuses.get(r.name)) is not None and s.ready and isinstance(s.state, Running)
        )
        assert record["ready"] == f"{ready_now}/{len(counted)}"
        summed = init if status.startswith("Init:") else regular
        restarts = [statuses[r.name].restart_count for r in summed if r.name in statuses]
        assert record["restarts"] == sum(restarts)


def test_the_pod_record_reads_the_refs_of_the_current_spec() -> None:
    """``publish_pod`` reads ``rt.refs()``'s cache inline: a replaced spec (an apply)
    is read afresh, and the record counts its containers."""
    from cluster_sim.pod_records import PodRecords

    [pod] = load_bundle([("p.yaml", ONE_CONTAINER)]).pods
    [two] = load_bundle([("p.yaml", POD_TEXT)]).pods
    rt = PodRuntime(pod, "u1")
    env = simpy.Environment()
    recorder = Recorder(env)
    records = PodRecords(env, recorder, _Store())  # type: ignore[arg-type]
    for spec, ready in ((pod, "1/1"), (two, "1/2"), (two, "1/2"), (pod, "1/1")):
        rt.pod = spec
        rt.statuses = {"app": ContainerStatus("app", Running(env.now), ready=True, started=True)}
        records.publish_pod(rt)
        assert recorder.last_state(("pod", rt.key))["ready"] == ready  # type: ignore[index]
        env.run(until=env.now + 1)


def test_derivations_are_shared_by_pods_of_one_shape_only() -> None:
    """The shared memo is keyed by the spec's shape: the restart policy and the
    containers. A failed container leaves a Never Pod Failed, an Always Pod Running."""
    from cluster_sim.kubelet import status_manager

    status_manager.SHARED.clear()
    phases = []
    for policy in ("Always", "Never", "Always", "Never"):
        [pod] = load_bundle(
            [("p.yaml", ONE_CONTAINER.replace("spec:\n", f"spec:\n  restartPolicy: {policy}\n"))]
        ).pods
        rt = PodRuntime(pod, "u1")
        rt.statuses["app"] = ContainerStatus("app", Terminated(1, "Error", 5, 9))
        PodStatusManager(_Host(), rt)._derive_status()  # type: ignore[arg-type]
        phases.append(rt.phase)
    assert phases == ["Running", "Failed", "Running", "Failed"]
    assert len(status_manager.SHARED) == 2  # the second Pod of each policy derived nothing
    shapes = {
        status_manager.shape_of(policy, (), regular)
        for policy in ("Always", "Never")
        for regular in ((), (status_manager.ContainerRef("app"),))
    }
    assert len(shapes) == 4


def _reference_container_record(rt: PodRuntime, c: Any, s: ContainerStatus) -> Record:
    """The ``container`` record as one display of its 18 fields, in order."""
    state, last = s.state, s.last_state
    running, terminated = isinstance(state, Running), isinstance(state, Terminated)
    started_at = getattr(state, "started_at", None)
    return {
        "t": 0.0,
        "kind": "container",
        "pod": rt.key,
        "container": c.name,
        "init": c.init,
        "state": {Running: "running", Terminated: "terminated", Waiting: "waiting"}[type(state)],
        "reason": "" if running else state.reason or "",  # type: ignore[union-attr]
        "message": "" if running else state.message or "",  # type: ignore[union-attr]
        "exitCode": state.exit_code if terminated else None,  # type: ignore[union-attr]
        "restartCount": s.restart_count,
        "ready": s.ready,
        "started": bool(s.started),
        "sidecar": c.sidecar,
        "image": s.image or c.image,
        "imageID": s.image_id,
        "startedAt": None if started_at is None else started_at / 1000,
        "finishedAt": state.finished_at / 1000 if terminated else None,  # type: ignore[union-attr]
        "lastState": None
        if last is None
        else {
            "reason": last.reason,
            "message": last.message,
            "exitCode": last.exit_code,
            "startedAt": None if last.started_at is None else last.started_at / 1000,
            "finishedAt": last.finished_at / 1000,
        },
    }


def test_the_container_record_is_its_fields_in_order() -> None:
    from cluster_sim.pod_records import container_record

    [pod] = load_bundle([("p.yaml", INIT_AND_TWO)]).pods
    rt = PodRuntime(pod, "u1")
    last = Terminated(2, "Error", 1500, 2500, "boom")
    for c in (*pod.spec.init_containers, *pod.spec.containers):
        for state in (*RECORD_STATES[1:], Terminated(1, "", None, 9), Waiting()):
            for previous in (None, last):
                assert state is not None
                s = ContainerStatus(c.name, state, previous, True, None, 3, "id", "", "sha")
                record = container_record(rt, c, s)
                expected = _reference_container_record(rt, c, s)
                assert list(record.items()) == list(expected.items())
