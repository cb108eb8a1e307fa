"""A bare control plane for controller tests: a store on a SimPy clock, no kubelet.

Pods created here are not run: a test writes their status by hand, as a
kubelet would through ``update_status``, and removes them as a kubelet
confirms a deletion.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import simpy

from cluster_sim.controlplane.context import ControlContext
from cluster_sim.controlplane.garbage_collector import GarbageCollector
from cluster_sim.controlplane.replicaset import ReplicaSetController, ReplicationManager
from cluster_sim.controlplane.store import ApiError, ApiObject, APIStore, KindInfo
from cluster_sim.controlplane.workload_records import WorkloadRecords
from cluster_sim.limits import DEFAULT_LIMITS
from cluster_sim.records import Recorder


class Rig:
    def __init__(self, seed: int = 1, max_pods: int | None = None) -> None:
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.store = APIStore(self.env, self.rng, self.new_uid)
        self.max_pods = max_pods
        self.store.register(KindInfo("Pod", "pods", "v1", validate=self._admit, graceful=True))
        self.recorder = Recorder(self.env)
        self.notices: list[str] = []
        self.ctx = ControlContext(
            self.env, self.store, self.recorder, self.rng, DEFAULT_LIMITS, self.notices.append
        )
        self.controllers = [
            cls(self.ctx)
            for cls in (GarbageCollector, ReplicaSetController, ReplicationManager, WorkloadRecords)
        ]
        for controller in self.controllers:
            controller.start()
        self.records: list[dict[str, Any]] = []

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _admit(self, manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
        if old is None and self.max_pods is not None:
            live = self.store.count("Pod")
            if live + 1 > self.max_pods:
                raise ApiError(
                    f"the playground runs at most {self.max_pods:,} Pods at once; "
                    f"this would make {live + 1:,}"
                )
        if not (manifest.get("spec") or {}).get("containers"):
            return ["spec.containers: Required value"]
        return []

    def run(self, until_s: float) -> None:
        """Run through everything that happens at ``until_s`` (SimPy's ``until`` is exclusive)."""
        self.env.run(until=int(until_s * 1000) + 1)
        self.records += self.recorder.take()

    def pods(self, owner: ApiObject | None = None) -> list[ApiObject]:
        pods = self.store.list("Pod")
        if owner is None:
            return pods
        return [p for p in pods if (r := p.controller_ref()) is not None and r.uid == owner.uid]

    def active(self, owner: ApiObject) -> list[ApiObject]:
        return [p for p in self.pods(owner) if p.deletion_timestamp is None]

    def events(self, reason: str | None = None) -> list[tuple[float, str, str, str, str]]:
        return [
            (r["t"], r["type"], r["reason"], r["object"], r["message"])
            for r in self.records
            if r["kind"] == "event" and (reason is None or r["reason"] == reason)
        ]

    def sources(self) -> set[str]:
        return {r["source"] for r in self.records if r["kind"] == "event"}

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["kind"] == kind]


def at(rig: Rig, t_s: float, fn: Any) -> None:
    """Run ``fn()`` at simulated second ``t_s``."""
    timer = rig.env.timeout(int(t_s * 1000) - int(rig.env.now))
    timer.callbacks.append(lambda _e: fn())


def set_pod(
    rig: Rig,
    pod: ApiObject,
    *,
    phase: str = "Running",
    ready: bool = True,
    node: str = "node-1",
    restarts: int = 0,
) -> None:
    """What the kubelet writes: node binding, phase, Ready with its transition time."""
    pod.body.setdefault("spec", {})["nodeName"] = node
    now = int(rig.env.now)
    old = next((c for c in pod.status.get("conditions") or () if c["type"] == "Ready"), None)
    status = "True" if ready else "False"
    since = old["lastTransitionTime"] if old and old["status"] == status else now
    rig.store.update_status(
        pod,
        {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": status, "lastTransitionTime": since}],
            "containerStatuses": [
                {"name": "app", "ready": ready, "restartCount": restarts, "state": {}}
            ],
        },
    )


def replica_set(
    name: str,
    replicas: int,
    *,
    labels: dict[str, str] | None = None,
    min_ready: int = 0,
    image: str = "nginx:1.14.2",
) -> dict[str, Any]:
    labels = labels or {"app": name}
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {
            "metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
    }
    if min_ready:
        spec["minReadySeconds"] = min_ready
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name}, "spec": spec}


def replication_controller(name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"app": name},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.14.2"}]},
            },
        },
    }
