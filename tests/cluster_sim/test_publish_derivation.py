"""The status manager derives phase and conditions at every publish (issue #15).

It used to skip the derivation when the spec, phase, sandbox, statuses and
conditions were the objects it had last derived from; now the memoised
derivation runs every time. That is exact because a derivation from what a
derivation left is a fixed point: the same phase and equal conditions (the
very same objects while the memo holds them), so a publish right after a
publish writes nothing, and a condition a controller writes in between is
replaced by the next publish exactly as before.
"""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.pod_worker import PodWorker
from cluster_sim.status import Condition

BUNDLE = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: app, image: busybox, command: [sh, -c, 'echo starting; exit 1']}]
---
apiVersion: v1
kind: Pod
metadata: {name: sidecar}
spec:
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, 'exit 0']}
  - {name: side, image: busybox, restartPolicy: Always, command: [sh, -c, 'sleep 3600']}
  containers: [{name: app, image: busybox, command: [sh, -c, 'sleep 20; exit 0']}]
---
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox, command: [sh, -c, 'sleep 5; exit 3']}]
"""


def _workers(sim: Simulation) -> list[PodWorker]:
    return list(sim.cluster.workers.values())


def test_a_publish_right_after_a_publish_derives_the_same_and_writes_nothing() -> None:
    sim = Simulation(load_bundle([("x.yaml", BUNDLE)]), horizon=300)
    for at in (0.5, 2, 3, 5, 8, 12, 25, 40, 90, 200, 300):
        sim.advance(at)
        for worker in _workers(sim):
            rt = worker.rt
            manager = worker.status_manager
            manager.publish()
            phase, conditions = rt.phase, dict(rt.conditions)
            written = sim.cluster.recorder.written
            version = rt.api.resource_version if rt.api is not None else None
            manager.publish()
            assert rt.phase == phase, (at, rt.key)
            assert list(rt.conditions) == list(conditions), (at, rt.key)
            for name, condition in conditions.items():
                assert rt.conditions[name] is condition, (at, rt.key, name)
            # with the memo forgotten: new objects, equal values, still nothing written
            manager._memo.clear()
            manager.publish()
            assert rt.conditions == conditions, (at, rt.key)
            assert sim.cluster.recorder.written == written, (at, rt.key)
            if rt.api is not None:
                assert rt.api.resource_version == version, (at, rt.key)


def test_a_condition_written_between_publishes_is_derived_again() -> None:
    """The node lifecycle controller's Ready=False (say) stands until the kubelet's
    next publish, which derives Ready from the containers again."""
    sim = Simulation(load_bundle([("x.yaml", BUNDLE)]), horizon=300)
    sim.advance(40)
    worker = next(w for w in _workers(sim) if w.rt.pod.name == "sidecar")
    rt = worker.rt
    derived = rt.conditions["Ready"]
    rt.conditions["Ready"] = Condition("Ready", "False", "NodeStatusUnknown", "gone")
    worker.status_manager.publish()
    assert rt.conditions["Ready"] is derived
