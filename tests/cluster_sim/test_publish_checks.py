"""The publish path's cheap tests and tables answer as what they stand for (issue #15)."""

from __future__ import annotations

import itertools
from operator import is_

import simpy

from cluster_sim import load_bundle
from cluster_sim.controlplane import store
from cluster_sim.nodestate import PodRuntime
from cluster_sim.pod_records import READY, PodRecords, pod_record
from cluster_sim.status import Condition, ContainerStatus, Running, Waiting, same_objects


def test_same_objects_compares_the_first_objects_then_all_of_them() -> None:
    """The first objects are compared ahead of the rest (a shortcut): the answer is
    still identity, object by object, at every position and length."""
    objects = [
        ContainerStatus("app", Running(5)),
        ContainerStatus("app", Running(5)),  # equal to the first, another object
        ContainerStatus("app", Waiting("CrashLoopBackOff")),
        Condition("Ready", "True"),
        Condition("Ready", "True"),
    ]
    for n, m in itertools.product(range(4), repeat=2):
        for a in itertools.product(objects, repeat=n):
            for b in itertools.product(objects, repeat=m):
                expected = len(a) == len(b) and all(map(is_, a, b))
                assert same_objects(a, b) is expected, (a, b)


def test_the_stores_watch_type_constants_are_the_members() -> None:
    assert store.ADDED is store.WatchType.ADDED
    assert store.MODIFIED is store.WatchType.MODIFIED
    assert store.DELETED is store.WatchType.DELETED


def test_the_ready_table_is_kubectls_text() -> None:
    for counted, row in enumerate(READY):
        assert row == tuple(f"{ready}/{counted}" for ready in range(counted + 1))


def test_a_pod_past_the_ready_table_formats_its_ready_text() -> None:
    n = len(READY) + 2
    containers = ", ".join(f"{{name: c{i}, image: busybox}}" for i in range(n))
    manifest = (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: [{containers}]\n"
    )
    [pod] = load_bundle([("p.yaml", manifest)]).pods
    rt = PodRuntime(pod, "uid-1")
    for i, c in enumerate(pod.spec.containers):
        ready = i % 3 == 0
        rt.statuses[c.name] = ContainerStatus(c.name, Running(5), ready=ready, started=True)
    init, regular = rt.refs()
    shown = sum(1 for i in range(n) if i % 3 == 0)
    assert pod_record(rt, {}, init, regular)["ready"] == f"{shown}/{n}"
    del rt.statuses["c1"]
    assert pod_record(rt, {}, init, regular)["ready"] == f"{shown}/{n}"


class _Recorder:
    def __init__(self) -> None:
        self.records: list[dict[str, object]] = []

    def changed_record(self, key: tuple[str, ...], record: dict[str, object]) -> None:
        self.records.append(record)


class _Store:
    def __init__(self) -> None:
        self.statuses: list[dict[str, object]] = []

    def write_status(self, obj: object, status: dict[str, object]) -> bool:
        self.statuses.append(status)
        return True


def test_a_publish_with_the_last_objects_compares_the_other_inputs() -> None:
    """A publish with new statuses or conditions builds the record without gathering
    ``pod_inputs``; the next publish with those very objects then rebuilds once (a
    change of another input, here the IP, is written), and only after that does an
    unchanged Pod write nothing."""
    [pod] = load_bundle(
        [
            (
                "p.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                "spec:\n  containers: [{name: app, image: busybox}]\n",
            )
        ]
    ).pods
    rt = PodRuntime(pod, "uid-1")
    rt.api = object()  # type: ignore[assignment]
    rt.conditions = {"Ready": Condition("Ready", "False")}
    recorder, api = _Recorder(), _Store()
    records = PodRecords(simpy.Environment(), recorder, api)  # type: ignore[arg-type]
    rt.statuses["app"] = ContainerStatus("app", Waiting("ContainerCreating"))
    records.publish_pod(rt)
    assert recorder.records[-1]["podIP"] is None and api.statuses[-1]["podIP"] is None
    rt.network.ip = "10.244.1.2"  # the same objects, another input
    records.publish_pod(rt)
    assert recorder.records[-1]["podIP"] == "10.244.1.2"
    assert api.statuses[-1]["podIP"] == "10.244.1.2"
    written = len(recorder.records), len(api.statuses)
    records.publish_pod(rt)  # nothing changed: nothing built
    assert (len(recorder.records), len(api.statuses)) == written
    rt.statuses["app"] = ContainerStatus("app", Running(5), ready=True, started=True)
    records.publish_pod(rt)
    assert recorder.records[-1]["ready"] == "1/1"
    assert api.statuses[-1]["containerStatuses"][0]["state"] == "running"  # type: ignore[index]
