"""A bare control plane for Deployment tests: store, ReplicaSet controller, GC, Deployment
controller, and a stand-in kubelet.

The stand-in kubelet runs every Pod it sees: ``start_s`` after creation the
Pod is Running, and Ready unless its image is in ``unready_images``; a Pod
marked for deletion is gone ``grace_s`` later. Times are simulated seconds.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

import simpy

from cluster_sim.controlplane.context import ControlContext
from cluster_sim.controlplane.deployment.controller import DeploymentController
from cluster_sim.controlplane.garbage_collector import GarbageCollector
from cluster_sim.controlplane.replicaset import ReplicaSetController
from cluster_sim.controlplane.store import ApiError, ApiObject, APIStore, KindInfo, WatchType
from cluster_sim.limits import DEFAULT_LIMITS
from cluster_sim.records import Recorder


class Rig:
    def __init__(
        self,
        seed: int = 1,
        *,
        start_s: float = 2,
        grace_s: float = 1,
        unready_images: tuple[str, ...] = (),
        max_pods: int | None = None,
    ) -> None:
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
        for cls in (GarbageCollector, ReplicaSetController, DeploymentController):
            cls(self.ctx).start()
        self.start_ms = int(start_s * 1000)
        self.grace_ms = int(grace_s * 1000)
        self.unready_images = set(unready_images)
        self.store.watch("Pod", self._kubelet)
        self._ending: set[str] = set()
        self.records: list[dict[str, Any]] = []
        self.samples: list[tuple[int, int, int]] = []  # (ms, active pods, ready active pods)

    def _admit(self, _manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
        if old is None and self.max_pods is not None and self.store.count("Pod") >= self.max_pods:
            raise ApiError(f"the playground runs at most {self.max_pods} Pods at once")
        return []

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # -- the stand-in kubelet --------------------------------------------------

    def _kubelet(self, event: WatchType, pod: ApiObject) -> None:
        if event is WatchType.ADDED:
            self.later(self.start_ms, lambda: self._run(pod))
        elif pod.deletion_timestamp is not None and pod.uid not in self._ending:
            self._ending.add(pod.uid)
            self.later(self.grace_ms, lambda: self.store.remove(pod))

    def _run(self, pod: ApiObject) -> None:
        if pod.deletion_timestamp is not None or self.store.by_uid(pod.uid) is None:
            return
        images = [c.get("image") for c in pod.spec.get("containers") or ()]
        ready = not any(image in self.unready_images for image in images)
        status = "True" if ready else "False"
        pod.body["spec"]["nodeName"] = "node-1"
        self.store.update_status(
            pod,
            {
                "phase": "Running",
                "conditions": [
                    {"type": "Ready", "status": status, "lastTransitionTime": self.now_ms}
                ],
            },
        )

    # -- driving a run ---------------------------------------------------------

    @property
    def now_ms(self) -> int:
        return int(self.env.now)

    def later(self, delay_ms: int, fn: Callable[[], Any]) -> None:
        timer = self.env.timeout(delay_ms)
        timer.callbacks.append(lambda _e: fn())

    def at(self, t_s: float, fn: Callable[[], Any]) -> None:
        self.later(int(t_s * 1000) - self.now_ms, fn)

    def sample_every(self, step_ms: int = 100) -> None:
        """Count the active and the ready active Pods every ``step_ms`` (after each instant's
        writes: the sampler runs at the end of its instant, behind the controllers)."""

        def tick(_e: Any = None) -> None:
            pods = [p for p in self.store.list("Pod") if p.deletion_timestamp is None]
            ready = [p for p in pods if _ready(p)]
            self.samples.append((self.now_ms, len(pods), len(ready)))
            self.env.timeout(step_ms).callbacks.append(tick)

        self.env.timeout(step_ms // 2).callbacks.append(tick)

    def run(self, until_s: float) -> None:
        self.env.run(until=int(until_s * 1000) + 1)
        self.records += self.recorder.take()

    # -- reading ---------------------------------------------------------------

    def deployment(self, name: str = "web") -> ApiObject:
        d = self.store.get("Deployment", "default", name)
        assert d is not None
        return d

    def replica_sets(self, d: ApiObject) -> list[ApiObject]:
        return [
            rs
            for rs in self.store.list("ReplicaSet")
            if (ref := rs.controller_ref()) is not None and ref.uid == d.uid
        ]

    def sizes(self, d: ApiObject) -> dict[str, tuple[int, int, int]]:
        """name -> (spec.replicas, status.replicas, status.availableReplicas)."""
        return {
            rs.name: (
                rs.spec["replicas"],
                rs.status.get("replicas", 0),
                rs.status.get("availableReplicas", 0),
            )
            for rs in self.replica_sets(d)
        }

    def events(self, reason: str | None = None) -> list[tuple[float, str, str, str]]:
        return [
            (r["t"], r["type"], r["reason"], r["message"])
            for r in self.records
            if r["kind"] == "event"
            and r["source"] == "deployment-controller"
            and (reason is None or r["reason"] == reason)
        ]


def _ready(pod: ApiObject) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.status.get("conditions") or ()
    )


def condition(d: ApiObject, kind: str) -> dict[str, Any] | None:
    return next((c for c in d.status.get("conditions") or () if c["type"] == kind), None)


def deployment(
    name: str = "web",
    replicas: int = 3,
    *,
    image: str = "nginx:1.14.2",
    strategy: dict[str, Any] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
        **spec,
    }
    if strategy is not None:
        body["strategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": body}
