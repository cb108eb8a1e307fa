"""A gone Pod's kubelet side is freed by reference counting, not left to the cyclic collector.

Issue #15: nothing a run leaves behind should need the cyclic collector. A
probe worker refers to itself (the timer callback it keeps) and to its pod
worker, which lists it; a pod worker lists its container instances, which
refer back to it. ``ProbeWorker.stop`` and ``PodWorker.release`` cut those
links when the Pod is gone. The run below crash-loops, probes (httpGet and
exec) and deletes Pods with the collector off, then asks the collector what
it would have had to free.

``PodVolumes`` and ``PodFiles`` hold their worker weakly, and a dead
container's filesystem, processes and runtime handle hold no cycle either
(test_container_cycles.py): while a run goes on, the collector would find
nothing at all to free. Only the simulation itself (cluster, controllers,
store, clock) is one cyclic graph, freed by one collection when it is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle

PODS = """apiVersion: v1
kind: Pod
metadata: {{name: crash-{i}}}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo starting; exit 1']
---
apiVersion: v1
kind: Pod
metadata: {{name: web-{i}}}
spec:
  containers:
  - name: web
    image: nginx:1.27
    readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 5}}
    livenessProbe: {{tcpSocket: {{port: 80}}, periodSeconds: 5}}
---
apiVersion: v1
kind: Pod
metadata: {{name: ex-{i}}}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'touch /tmp/ok; sleep 20; rm /tmp/ok; sleep 3600']
    livenessProbe: {{exec: {{command: [cat, /tmp/ok]}}, periodSeconds: 5}}
    readinessProbe: {{exec: {{command: [cat, /tmp/ok]}}, periodSeconds: 5}}
"""


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The cyclic collector off for the test's run, as ``Simulation.advance`` has it.

    Earlier tests' simulations are collected first, to the last: a pass that runs
    finalizers (a suspended SimPy process's generator is closed by its collection)
    can leave what they touched for the next pass, and the garbage this test asks
    for must be its own run's only.
    """
    while gc.collect():
        pass
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _cyclic_garbage() -> list[Any]:
    """What the cyclic collector would free now (unreachable objects in cycles)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    found = list(gc.garbage)
    gc.garbage.clear()
    gc.set_debug(0)
    return found


def _reaches(start: Any, target: Any, among: set[int]) -> bool:
    """Whether ``target`` is reachable from ``start`` through objects in ``among``."""
    todo, seen = [start], {id(start)}
    while todo:
        obj = todo.pop()
        if obj is target:
            return True
        for ref in gc.get_referents(obj):
            if id(ref) in among and id(ref) not in seen:
                seen.add(id(ref))
                todo.append(ref)
    return False


def _run_and_delete() -> Simulation:
    text = "---\n".join(PODS.format(i=i) for i in range(4))
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=300)
    sim.advance(100)
    for i in range(4):
        for name in ("crash", "web", "ex"):
            sim.act("delete", {"pod": f"{name}-{i}"})
    sim.advance(300)
    assert not sim.cluster.workers  # every Pod is gone
    return sim


@pytest.mark.usefixtures("collector_off")
def test_gone_pods_probe_and_pod_workers_leave_no_cycle_of_their_own() -> None:
    sim = _run_and_delete()
    dead = _cyclic_garbage()
    assert sim.cluster.pods == []
    assert [o for o in dead if type(o).__name__ == "ProbeWorker"] == []
    among = {id(o) for o in dead}
    for worker in (o for o in dead if type(o).__name__ == "PodWorker"):
        back = {
            name
            for name, value in vars(worker).items()
            if id(value) in among and _reaches(value, worker, among)
        }
        assert back == set(), back


@pytest.mark.usefixtures("collector_off")
def test_a_running_simulation_leaves_nothing_for_the_collector() -> None:
    """Crash loops, probes and deleted Pods; then Pods that go on: no cyclic garbage."""
    sim = _run_and_delete()
    assert [type(o).__name__ for o in _cyclic_garbage()] == []
    text = "---\n".join(PODS.format(i=i) for i in range(2))
    live = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=600)
    live.advance(600)
    assert len(live.cluster.workers) == 6
    assert [type(o).__name__ for o in _cyclic_garbage()] == []
    assert sim.cluster.pods == []
