"""Dead containers leave nothing behind that needs the cyclic collector (issue #15).

A crash-looping container and an exec-probed one run with the collector off,
as ``advance`` runs. Reference counting alone must free every finished
container's filesystem, processes and runtime records: a collection with the
simulation still alive finds none of them. With the simulation deleted, the
filesystem and process side forms no cycle of its own (what is left of it is
held by the simulation's own objects: the cluster, its Pod workers, SimPy).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from simrun import of

from cluster_sim import Simulation, load_bundle

POD = """apiVersion: v1
kind: Pod
metadata: {name: loop}
spec:
  volumes: [{name: scratch, emptyDir: {}}]
  containers:
  - name: crash
    image: busybox
    command: ["sh", "-c", "echo hi > /tmp/x; echo up >> /scratch/log; sleep 1; exit 1"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: probed
    image: busybox
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3600"]
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 5}
"""
# Where the container's filesystem, its processes and their runtime records live.
SIDE = ("cluster_sim.userland.", "cluster_sim.kubelet.runtime", "cluster_sim.kubelet.cpu")
PLAIN = (dict, list, tuple, set, frozenset)


def side(objects: list[Any]) -> Counter[str]:
    return Counter(type(o).__qualname__ for o in objects if type(o).__module__.startswith(SIDE))


@contextmanager
def collector_off() -> Iterator[None]:
    """The collector paused, and what existed before held: only what the test makes can
    become garbage (an earlier test's simulation, released meanwhile, is not counted)."""
    gc.collect()
    gc.disable()
    existing = gc.get_objects()
    try:
        yield
    finally:
        del existing
        gc.enable()


def unreachable() -> list[Any]:
    """What a collection would free now (kept, not freed, to look at)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


def simulate() -> tuple[Simulation, list[dict[str, Any]]]:
    sim = Simulation(load_bundle([("loop.yaml", POD)]), seed=0, horizon=300)
    return sim, sim.advance(300)


def test_finished_containers_are_freed_by_reference_counting() -> None:
    with collector_off():
        sim, records = simulate()
        garbage = unreachable()
    starts = of(records, "event", reason="Started")
    assert len(starts) >= 5  # the crash loop restarted it; probes ran in the other
    assert of(records, "probe")
    assert side(garbage) == Counter()
    del sim


def strongly_connected(objects: list[Any]) -> list[list[Any]]:
    """Tarjan's components of size > 1 among ``objects`` (edges: ``gc.get_referents``)."""
    ids = {id(o) for o in objects}
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[Any] = []
    on_stack: set[int] = set()
    found: list[list[Any]] = []

    def successors(o: Any) -> Iterator[Any]:
        return iter([r for r in gc.get_referents(o) if id(r) in ids])

    for root in objects:
        if id(root) in index:
            continue
        index[id(root)] = low[id(root)] = len(index)
        stack.append(root)
        on_stack.add(id(root))
        work = [(root, successors(root))]
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if id(nxt) not in index:
                    index[id(nxt)] = low[id(nxt)] = len(index)
                    stack.append(nxt)
                    on_stack.add(id(nxt))
                    work.append((nxt, successors(nxt)))
                    break
                if id(nxt) in on_stack:
                    low[id(node)] = min(low[id(node)], index[id(nxt)])
            else:
                work.pop()
                if work:
                    low[id(work[-1][0])] = min(low[id(work[-1][0])], low[id(node)])
                if low[id(node)] == index[id(node)]:
                    component = []
                    while True:
                        item = stack.pop()
                        on_stack.discard(id(item))
                        component.append(item)
                        if item is node:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def test_a_deleted_simulation_leaves_no_cycle_on_the_filesystem_side() -> None:
    with collector_off():
        sim, records = simulate()
        del sim, records
        garbage = unreachable()
    own = [o for o in garbage if isinstance(o, PLAIN) or type(o).__module__.startswith(SIDE)]
    cycles = [side(c) for c in strongly_connected(own)]
    assert [c for c in cycles if c] == []
