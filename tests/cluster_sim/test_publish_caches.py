"""The publish path's caches serve what the slow path computes (issue #15).

Each cache here stands for a value the publish path used to recompute on every
write; each test holds the cached value to a recomputation.
"""

from __future__ import annotations

import dataclasses
import random
import typing
from collections.abc import Callable
from typing import Any

import simpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.pods import _container_status, pod_status
from cluster_sim.controlplane.store import APIStore, KindInfo
from cluster_sim.kubelet.status_manager import PodStatusManager
from cluster_sim.nodestate import PodRuntime
from cluster_sim.record_types import TERMINAL_PHASES, ContainerStateName
from cluster_sim.records import Recorder, same_fields
from cluster_sim.status import (
    STATE_NAMES,
    Condition,
    ContainerStatus,
    Running,
    State,
    Terminated,
    Waiting,
    containers_ready_condition,
    initialized_condition,
    pod_phase,
    ready_condition,
    same_objects,
)


def test_every_state_class_has_the_records_name_of_its_class() -> None:
    classes = typing.get_args(State)
    assert set(STATE_NAMES) == set(classes)
    for cls in classes:
        assert STATE_NAMES[cls] == ContainerStateName(cls.__name__.lower())


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: busybox}]
"""


def _runtime() -> PodRuntime:
    [pod] = load_bundle([("p.yaml", POD)]).pods
    return PodRuntime(pod, "uid-1")


def _reference_conditions(
    rt: PodRuntime, transitions: dict[str, tuple[str, int]], now_ms: int
) -> list[dict[str, Any]]:
    """``status.conditions`` built afresh, as before the entries were cached."""
    out = []
    for name, c in rt.conditions.items():
        seen = transitions.get(name)
        if seen is None or seen[0] != c.status:
            seen = transitions[name] = (c.status, now_ms)
        entry: dict[str, Any] = {"type": name, "status": c.status, "lastTransitionTime": seen[1]}
        if c.reason:
            entry["reason"] = c.reason
        out.append(entry)
    return out


def test_cached_condition_entries_equal_fresh_ones_through_flips_and_reason_changes() -> None:
    rt = _runtime()
    rt.statuses["app"] = ContainerStatus("app", Waiting("ContainerCreating"))
    _, regular = rt.refs()
    transitions: dict[str, tuple[str, int]] = {}
    ready = Condition("Ready", "True")
    steps: list[tuple[int, dict[str, Condition]]] = [
        (0, {"Ready": Condition("Ready", "False", "ContainersNotReady")}),
        (1_000, {"Ready": ready}),
        (2_000, {"Ready": ready}),  # unchanged: the cached entry, same time
        (3_000, {"Ready": Condition("Ready", "False", "ContainersNotReady")}),
        # back to True: an equal Condition, but a new transition time
        (4_000, {"Ready": ready}),
        # same status, another reason: the time stays, the reason is new
        (5_000, {"Ready": Condition("Ready", "True", "Other")}),
        (6_000, {"Ready": ready, "Initialized": Condition("Initialized", "False", "X")}),
        (7_000, {"Initialized": Condition("Initialized", "True"), "Ready": ready}),
    ]
    for now, conditions in steps:
        rt.conditions = dict(conditions)
        written = pod_status(rt, regular, now)
        assert written["conditions"] == _reference_conditions(rt, transitions, now), now


def test_container_entries_name_the_spec_image_until_the_runtime_reports_one() -> None:
    rt = _runtime()
    _, regular = rt.refs()
    rt.statuses["app"] = ContainerStatus("app", Waiting("ContainerCreating"))
    [entry] = pod_status(rt, regular, 0)["containerStatuses"]
    assert entry["image"] == "busybox" and entry["state"] == "waiting"
    rt.statuses["app"] = ContainerStatus(
        "app", Running(5), image="docker.io/library/busybox:latest", image_id="sha"
    )
    [entry] = pod_status(rt, regular, 5)["containerStatuses"]
    assert entry["image"] == "docker.io/library/busybox:latest" and entry["state"] == "running"
    rt.statuses["app"] = ContainerStatus("app", Terminated(1, "Error", 5, 9, "boom"))
    [entry] = pod_status(rt, regular, 9)["containerStatuses"]
    assert entry["terminated"] == {
        "exitCode": 1,
        "reason": "Error",
        "finishedAt": 9,
        "message": "boom",
    }


def test_cached_container_entries_equal_fresh_ones_and_follow_spec_and_status() -> None:
    """``containerStatuses`` entries are kept per container with the status and spec
    they were built from: reused (the very object) while both stand, rebuilt when
    either is new, and always equal to an entry built afresh."""
    rt = _runtime()
    _, regular = rt.refs()
    waiting = ContainerStatus("app", Waiting("ContainerCreating"))
    rt.statuses["app"] = waiting
    [first] = pod_status(rt, regular, 0)["containerStatuses"]
    assert first == _container_status(rt, "app", waiting)
    [again] = pod_status(rt, regular, 1)["containerStatuses"]
    assert again is first  # same status, same spec: the same entry
    # an apply: a new spec with another image, the status (no runtime image yet) kept
    container = rt.pod.spec.containers[0]
    new_spec = dataclasses.replace(container, image="busybox:1.37")
    rt.pod = dataclasses.replace(
        rt.pod, spec=dataclasses.replace(rt.pod.spec, containers=(new_spec,))
    )
    [applied] = pod_status(rt, regular, 2)["containerStatuses"]
    assert applied["image"] == "busybox:1.37" and applied is not first
    for i, status in enumerate(
        [
            ContainerStatus("app", Running(5), ready=True, started=True, image="img"),
            ContainerStatus("app", Terminated(1, "Error", 5, 9, "boom"), restart_count=1),
            ContainerStatus("app", Waiting("CrashLoopBackOff"), restart_count=1),
            ContainerStatus("app", Waiting("CrashLoopBackOff"), restart_count=1),  # equal, new
        ]
    ):
        rt.statuses["app"] = status
        [entry] = pod_status(rt, regular, 10 + i)["containerStatuses"]
        assert entry == _container_status(rt, "app", status), i


NODE = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec:
  taints: [{key: maintenance, value: 'true', effect: NoExecute}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  nodeName: node-1
  tolerations: [{key: maintenance, operator: Exists, effect: NoExecute}]
  containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'echo hi; exit 1']}]
"""


def test_the_taint_manager_sees_new_tolerations_among_status_writes() -> None:
    """Status writes keep the tolerations object (the fast path); a spec write
    replaces it, and the new tolerations are judged at once."""
    sim = Simulation(load_bundle([("x.yaml", NODE)]), horizon=100)
    records = sim.advance(30)  # crash-looping: many status writes, tolerated forever
    obj = sim.store.get("Pod", "default", "p")
    assert obj is not None
    manifest = obj.manifest()
    manifest["spec"]["tolerations"] = [
        {"key": "maintenance", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 20}
    ]
    sim.store.update(obj, manifest)
    records += sim.advance(100)
    marked = [
        r["t"] for r in records if r["kind"] == "event" and r["reason"] == "TaintManagerEviction"
    ]
    assert marked == [50.0]


def test_same_objects_is_identity_not_equality() -> None:
    a = ContainerStatus("app", Running(5))
    b = ContainerStatus("app", Running(5))
    assert a == b and a is not b
    assert same_objects((a,), (a,))
    assert not same_objects((a,), (b,))
    assert not same_objects((a,), (a, a))
    assert same_objects((), ())


CRASH = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: app, image: busybox, command: [sh, -c, 'echo starting; exit 1']}]
"""


def test_an_equal_new_status_republishes_nothing() -> None:
    """Unchanged is judged by identity: an equal status that is a new object costs a
    recomputation, which must write no record and no stored status."""
    sim = Simulation(load_bundle([("x.yaml", CRASH)]), horizon=100)
    sim.advance(30)
    worker = next(iter(sim.cluster.workers.values()))
    rt = worker.rt
    assert rt.api is not None
    version = rt.api.resource_version
    written = sim.cluster.recorder.written
    rt.statuses["app"] = dataclasses.replace(rt.statuses["app"])
    rt.conditions = {k: dataclasses.replace(c) for k, c in rt.conditions.items()}
    worker.publish()
    assert sim.cluster.recorder.written == written
    assert rt.api.resource_version == version


def _selecting_slow(sim: Simulation, namespace: str) -> list[Any]:
    return [
        s
        for s in sim.cluster.objects.all("Service", namespace)
        if s.spec.get("type") != "ExternalName" and s.spec.get("selector")
    ]


def test_the_selecting_services_follow_every_object_write() -> None:
    sim = Simulation(load_bundle([("x.yaml", CRASH)]), horizon=100)
    sim.advance(5)
    services = sim.cluster.services
    objects = sim.cluster.objects

    def service(name: str, spec: dict[str, Any]) -> dict[str, Any]:
        meta = {"name": name, "namespace": "default"}
        return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}

    port = [{"port": 80}]
    writes = [
        lambda: objects.put("Service", service("web", {"selector": {"a": "b"}, "ports": port}), 1),
        lambda: objects.put("Service", service("ext", {"type": "ExternalName"}), 2),
        lambda: objects.put("Service", service("web", {"ports": port}), 3),  # selector gone
        lambda: objects.put("Service", service("web", {"selector": {"c": "d"}, "ports": port}), 4),
        lambda: objects.delete("Service", "default", "web"),
    ]

    def check() -> None:
        # the kept entries are the selecting Services', each the one ``_endpoints`` has
        # for the object stored now (a re-applied Service is rescanned, same entry)
        entries = services._selecting_entries("default")
        assert [entry.service for entry in entries] == _selecting_slow(sim, "default")
        for entry in entries:
            assert entry is services._endpoints(entry.service)
            assert entry.service is objects.get("Service", "default", entry.service.name)

    check()
    for write in writes:
        write()
        check()


INIT_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  restartPolicy: {policy}
  initContainers:
  - {{name: setup, image: busybox}}
  - {{name: side, image: busybox, restartPolicy: Always}}
  containers:
  - {{name: a, image: busybox}}
  - {{name: b, image: busybox}}
"""
NAMES = ("setup", "side", "a", "b")

# Small domains, so that a run of edits comes back to signatures it derived before
# (the memo's hits) from statuses that differ in what the signature leaves out.
STATES: list[State] = [
    Waiting("ContainerCreating"),
    Waiting("CrashLoopBackOff", "back-off"),
    Running(1),
    Running(2),
    Terminated(0, "Completed", 1, 2),
    Terminated(1, "Error", 1, 3, "boom"),
]
LAST: list[Terminated | None] = [
    None,
    Terminated(0, "Completed", 1, 2),
    Terminated(1, "Error", 1, 3),
]
STARTED: list[bool | None] = [None, False, True]


def _edit(statuses: dict[str, ContainerStatus], name: str, field: str, i: int) -> None:
    s = statuses.get(name) or ContainerStatus(name, Waiting())
    if field == "drop":
        statuses.pop(name, None)
        return
    value: Any = {
        "state": STATES[i % len(STATES)],
        "last_state": LAST[i % len(LAST)],
        "ready": bool(i % 2),
        "started": STARTED[i % len(STARTED)],
        "restart_count": i,  # no part of the signature
    }[field]
    statuses[name] = dataclasses.replace(s, **{field: value})


_edits = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from(["state", "last_state", "ready", "started", "restart_count", "drop"]),
        st.integers(0, 5),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


class _Host:
    def __init__(self) -> None:
        self.finished = 0

    def pod_finished(self, _rt: PodRuntime) -> None:
        self.finished += 1


def _reference(rt: PodRuntime, host: _Host) -> None:
    """``_derive_status`` as it was before the memo."""
    init, regular = rt.refs()
    if rt.phase not in TERMINAL_PHASES:
        rt.phase = pod_phase(rt.pod.spec.restart_policy, init, regular, rt.statuses)
        if rt.phase in TERMINAL_PHASES:
            host.finished += 1
    containers_ready = containers_ready_condition(rt.phase, init, regular, rt.statuses)
    rt.conditions = {
        "PodReadyToStartContainers": Condition(
            "PodReadyToStartContainers", "True" if rt.sandbox_ready else "False"
        ),
        "Initialized": initialized_condition(rt.phase, init, regular, rt.statuses),
        "Ready": ready_condition(containers_ready),
        "ContainersReady": containers_ready,
        "PodScheduled": Condition("PodScheduled", "True"),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Always", "OnFailure", "Never"]), _edits)
def test_memoized_derivation_equals_a_fresh_one(
    policy: str, edits: list[tuple[str, str, int, bool]]
) -> None:
    [pod] = load_bundle([("p.yaml", INIT_POD.format(policy=policy))]).pods
    fresh, memo = PodRuntime(pod, "u1"), PodRuntime(pod, "u2")
    fresh_host, memo_host = _Host(), _Host()
    manager = PodStatusManager(memo_host, memo)  # type: ignore[arg-type]
    statuses: dict[str, ContainerStatus] = {}
    for name, field, i, sandbox in edits:
        _edit(statuses, name, field, i)
        for rt in (fresh, memo):
            rt.statuses = dict(statuses)
            rt.sandbox_ready = sandbox
        _reference(fresh, fresh_host)
        manager._derive_status()
        assert memo.phase == fresh.phase
        assert memo.conditions == fresh.conditions
        assert memo_host.finished == fresh_host.finished


class _ReferenceRecorder:
    """``Recorder.changed`` as it was (two dicts), over the same record list rules."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any] | None] = []
        self.base = self.taken = 0
        self.settled: dict[tuple[str, ...], dict[str, Any]] = {}
        self.pending: dict[tuple[str, ...], tuple[float, int, dict[str, Any]]] = {}

    def changed(self, now: float, key: tuple[str, ...], fields: dict[str, Any]) -> None:
        pending = self.pending.get(key)
        if pending is not None and pending[0] == now and pending[1] >= self.taken:
            if pending[2] == fields:
                return
            self.records[pending[1] - self.base] = None
            del self.pending[key]
        elif pending is not None:
            self.settled[key] = pending[2]
            del self.pending[key]
        if self.settled.get(key) == fields:
            return
        self.pending[key] = (now, self.base + len(self.records), fields)
        self.records.append({"t": now / 1000, "kind": "x", **fields})

    def take(self) -> list[dict[str, Any]]:
        new = [r for r in self.records if r is not None]
        self.base += len(self.records)
        self.taken = self.base
        self.records = []
        return new


# Calls on a recorder: advance the clock by 0-2 ms, write one of two subjects with one of
# three values, take the records after the call or not
RECORDER_CALLS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from([("a",), ("b",)]),
        st.integers(0, 2),
        st.booleans(),
    ),
    max_size=40,
)


def _against_reference(
    calls: list[tuple[int, tuple[str, ...], int, bool]],
    write: Callable[[Recorder, tuple[str, ...], int], None],
    check: Callable[[Recorder, tuple[str, ...], int], None],
) -> None:
    """Drive ``Recorder`` through ``write`` and the reference through ``changed`` with
    the same calls, ``check`` after each write: the streams taken must be equal."""
    env = simpy.Environment()
    recorder, reference = Recorder(env), _ReferenceRecorder()
    got: list[dict[str, Any]] = []
    want: list[dict[str, Any]] = []
    for advance, key, value, take in calls:
        if advance:
            env.run(until=env.now + advance)
        write(recorder, key, value)
        reference.changed(env.now, key, {"v": value})
        check(recorder, key, value)
        if take:
            got += recorder.take()
            want += reference.take()
    assert got + recorder.take() == want + reference.take()


@settings(max_examples=200, deadline=None)
@given(RECORDER_CALLS)
def test_the_recorders_one_entry_per_subject_coalesces_as_before(
    calls: list[tuple[int, tuple[str, ...], int, bool]],
) -> None:
    def write(recorder: Recorder, key: tuple[str, ...], value: int) -> None:
        recorder.changed(key, "x", {"v": value})

    def check(recorder: Recorder, key: tuple[str, ...], value: int) -> None:
        assert recorder.last_state(key) == {"v": value}

    _against_reference(calls, write, check)


@settings(max_examples=200, deadline=None)
@given(RECORDER_CALLS)
def test_records_built_whole_coalesce_as_changed_fields_do(
    calls: list[tuple[int, tuple[str, ...], int, bool]],
) -> None:
    """``changed_record`` (the record built whole, its time stamped by the recorder and
    borrowed for the compare) writes the stream ``changed`` writes for the same fields."""

    def write(recorder: Recorder, key: tuple[str, ...], value: int) -> None:
        recorder.changed_record(key, {"t": 0.0, "kind": "x", "v": value})

    def check(recorder: Recorder, key: tuple[str, ...], value: int) -> None:
        last = recorder.last_state(key)
        assert last is not None and last["v"] == value

    _against_reference(calls, write, check)


def test_same_fields_ignores_the_time_and_leaves_it_as_it_was() -> None:
    a = {"t": 1.0, "kind": "x", "v": 1}
    b = {"t": 2.0, "kind": "x", "v": 1}
    assert same_fields(a, b) and b["t"] == 2.0 and a["t"] == 1.0
    b["v"] = 2
    assert not same_fields(a, b) and b["t"] == 2.0


def test_the_containers_follow_a_new_spec() -> None:
    rt = _runtime()
    assert [c.name for c in rt.containers()] == ["app"]
    [other] = load_bundle([("p.yaml", INIT_POD.format(policy="Always"))]).pods
    rt.pod = other
    assert rt.containers() == (*other.spec.init_containers, *other.spec.containers)


def test_a_condition_reason_that_changes_alone_reaches_the_stored_status() -> None:
    """The ``pod`` record shows a condition's status only; the stored status (what
    ``kubectl get -o yaml`` and describe read) its reason too, so a reason that changes
    under the same status is written although the record is unchanged."""
    sim = Simulation(load_bundle([("p.yaml", POD)]), seed=0, horizon=60)
    sim.advance(5)
    worker = sim.cluster.workers["default/p"]
    rt = worker.rt
    ready = rt.conditions["Ready"]
    stored = {c["type"]: c for c in rt.api.status["conditions"]} if rt.api else {}
    assert stored["Ready"]["status"] == ready.status
    written = sim.cluster.recorder.written
    rt.conditions["Ready"] = dataclasses.replace(ready, reason="SomethingElse")
    sim.cluster.publish_pod(rt)
    assert rt.api is not None
    stored = {c["type"]: c for c in rt.api.status["conditions"]}
    assert stored["Ready"]["status"] == ready.status
    assert stored["Ready"]["reason"] == "SomethingElse"
    assert sim.cluster.recorder.written == written  # the record shows no change: none written


def test_write_status_is_update_status_without_the_copy() -> None:
    """The kubelet's ``write_status`` keeps the dict it is given (built for the write);
    what it returns, the versions and the watch events are ``update_status``'s."""

    def run(write: str) -> tuple[list[object], list[tuple[str, int]], list[dict[str, Any]]]:
        env = simpy.Environment()
        store = APIStore(env, random.Random(7), lambda: "uid-1")
        store.register(KindInfo("Pod", "pods", "v1", graceful=True))
        obj = store.create("Pod", {"metadata": {"name": "p"}, "spec": {}})
        seen: list[tuple[str, int]] = []
        store.watch("Pod", lambda t, o: seen.append((str(t), o.resource_version)))
        returned: list[object] = []
        given = [{"phase": "Pending"}, {"phase": "Pending"}, {"phase": "Running"}]
        for status in given:
            returned.append(getattr(store, write)(obj, status))
            env.run()  # deliver the watch events
        kept = obj.status is given[2]
        return [*returned, kept], seen, [obj.status]

    fast, slow = run("write_status"), run("update_status")
    assert fast[0] == [True, False, True, True] and slow[0] == [True, False, True, False]
    assert fast[1:] == slow[1:]
    assert fast[1] == [("MODIFIED", 2), ("MODIFIED", 3)]


def test_a_new_spec_derives_from_its_own_containers() -> None:
    """The status manager reads the spec's container refs once per spec (with its memo):
    a spec replaced by an apply, with other containers, derives from those."""
    [pod] = load_bundle([("p.yaml", INIT_POD.format(policy="Always"))]).pods
    fresh, memo = PodRuntime(pod, "u1"), PodRuntime(pod, "u2")
    fresh_host, memo_host = _Host(), _Host()
    manager = PodStatusManager(memo_host, memo)  # type: ignore[arg-type]
    renamed = dataclasses.replace(pod.spec.containers[1], name="c")
    applied = dataclasses.replace(
        pod, spec=dataclasses.replace(pod.spec, containers=(pod.spec.containers[0], renamed))
    )
    statuses = {
        name: ContainerStatus(name, Running(5), ready=True, started=True)
        for name in ("setup", "side", "a", "b")
    }
    for spec in (pod, applied, pod):
        for rt in (fresh, memo):
            rt.pod = spec
            rt.statuses = dict(statuses)
        _reference(fresh, fresh_host)
        manager._derive_status()
        assert memo.phase == fresh.phase
        assert memo.conditions == fresh.conditions
