"""A run: the cluster, its clock and the record stream."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

import simpy

from .backoff import crash_loop_backoff, image_pull_backoff
from .bundle import Bundle
from .kubelet import PodRuntime, PodWorker
from .model import Container, Node, Pod
from .records import Record, Recorder
from .scheduler import NodeUsage, schedule
from .status import ContainerStatus, Running, Terminated, status_column

SCHEDULER = "default-scheduler"
DEFAULT_HORIZON_S = 3600.0


@dataclass
class NodeState:
    """A node at run time: its scheduler bookkeeping, images and addresses."""

    node: Node
    index: int
    env: simpy.Environment
    usage: NodeUsage = field(init=False)
    images: set[str] = field(default_factory=set)
    pull_lock: simpy.Resource = field(init=False)
    next_ip: int = 2

    def __post_init__(self) -> None:
        self.usage = NodeUsage(self.node)
        self.pull_lock = simpy.Resource(self.env, capacity=1)

    @property
    def node_ip(self) -> str:
        return f"172.18.0.{self.index + 2}"

    def allocate_pod_ip(self) -> str:
        ip = f"10.244.{self.index + 1}.{self.next_ip}"
        self.next_ip += 1
        return ip


class Cluster:
    """The API objects and controllers of one run, on one SimPy clock."""

    def __init__(self, env: simpy.Environment, bundle: Bundle, seed: int) -> None:
        self.env = env
        self.rng = random.Random(seed)
        self.recorder = Recorder(env)
        self.nodes = [NodeState(n, i, env) for i, n in enumerate(bundle.nodes)]
        self.crash_loop_backoff = crash_loop_backoff(lambda: self.env.now)
        self.image_backoff = image_pull_backoff(lambda: self.env.now)
        self.pods: list[PodRuntime] = []
        self.unschedulable: list[PodRuntime] = []
        self.workers: dict[str, PodWorker] = {}
        self._container_ids = 0
        for message in bundle.notices:
            self.recorder.emit("notice", message=message)
        for ns in self.nodes:
            self.recorder.emit(
                "node",
                node=ns.node.name,
                cpu=f"{ns.node.allocatable.milli_cpu}m",
                memory=str(ns.node.allocatable.memory),
                pods=ns.node.max_pods,
                nodeIP=ns.node_ip,
                labels=ns.node.labels,
            )
        for pod in bundle.pods:
            self.create_pod(pod)

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_container_id(self) -> str:
        self._container_ids += 1
        return f"{self.rng.getrandbits(256):064x}"

    # -- API server and scheduler ----------------------------------------------

    def create_pod(self, pod: Pod) -> None:
        rt = PodRuntime(pod, self.new_uid())
        self.pods.append(rt)
        self.publish_pod(rt)
        if pod.spec.node_name:
            node = next((n for n in self.nodes if n.node.name == pod.spec.node_name), None)
            if node is None:
                self.recorder.emit(
                    "notice",
                    message=f'Pod {pod.key} names node "{pod.spec.node_name}", which '
                    "does not exist: no kubelet will ever run it, so it stays Pending",
                )
                return
            self.bind(rt, node, scheduled_event=False)
            return
        self.try_schedule(rt)

    def try_schedule(self, rt: PodRuntime) -> bool:
        chosen, message = schedule(rt.pod, [n.usage for n in self.nodes], self.rng)
        if chosen is None:
            self.recorder.event("Warning", "FailedScheduling", rt.object_ref, message, SCHEDULER)
            rt.conditions = {"PodScheduled": _condition("False")}
            rt.reason = ""
            if rt not in self.unschedulable:
                self.unschedulable.append(rt)
            self.publish_pod(rt)
            return False
        node = next(n for n in self.nodes if n.usage is chosen)
        self.recorder.event(
            "Normal",
            "Scheduled",
            rt.object_ref,
            f"Successfully assigned {rt.pod.namespace}/{rt.pod.name} to {node.node.name}",
            SCHEDULER,
        )
        self.bind(rt, node)
        return True

    def bind(self, rt: PodRuntime, node: NodeState, scheduled_event: bool = True) -> None:
        rt.node = node
        node.usage.add(rt.pod)
        rt.conditions = {"PodScheduled": _condition("True")}
        self.workers[rt.key] = PodWorker(self, rt, node)

    def pod_finished(self, rt: PodRuntime) -> None:
        """A terminal Pod no longer holds resources; retry the Pods waiting for room."""
        if rt.node is not None:
            rt.node.usage.remove(rt.pod)
        waiting, self.unschedulable = self.unschedulable, []
        for other in waiting:
            self.try_schedule(other)

    # -- status records --------------------------------------------------------

    def publish_pod(self, rt: PodRuntime) -> None:
        init, regular = rt.refs()
        ready_condition = rt.conditions.get("Ready")
        status = status_column(
            rt.phase,
            rt.reason,
            init,
            regular,
            rt.statuses,
            ready_condition=ready_condition is not None and ready_condition.status == "True",
        )
        restarts_from = init if status.startswith("Init:") else regular
        self.recorder.changed(
            ("pod", rt.key),
            "pod",
            {
                "pod": rt.key,
                "phase": rt.phase,
                "status": status,
                "ready": f"{sum(1 for c in regular if _ready(rt.statuses.get(c.name)))}"
                f"/{len(regular)}",
                "restarts": sum(
                    rt.statuses[c.name].restart_count
                    for c in restarts_from
                    if c.name in rt.statuses
                ),
                "node": rt.node.node.name if rt.node else None,
                "podIP": rt.pod_ip or None,
                "conditions": {k: c.status for k, c in rt.conditions.items()},
            },
        )

    def publish_container(self, rt: PodRuntime, c: Container, s: ContainerStatus) -> None:
        state = s.state
        self.recorder.changed(
            ("container", rt.key, c.name),
            "container",
            {
                "pod": rt.key,
                "container": c.name,
                "init": c.init,
                "state": s.state_name,
                "reason": getattr(state, "reason", "") or "",
                "message": getattr(state, "message", "") or "",
                "exitCode": state.exit_code if isinstance(state, Terminated) else None,
                "restartCount": s.restart_count,
                "ready": s.ready,
                "started": bool(s.started),
            },
        )


def _ready(s: ContainerStatus | None) -> bool:
    return s is not None and s.ready and isinstance(s.state, Running)


def _condition(status: str):  # type: ignore[no-untyped-def]
    from .status import Condition

    return Condition("PodScheduled", status, "" if status == "True" else "Unschedulable")


class Simulation:
    """One deterministic run of a bundle, advanced in slices of simulated time."""

    def __init__(self, bundle: Bundle, *, seed: int = 0, horizon: float = DEFAULT_HORIZON_S):
        self.env = simpy.Environment()
        self.horizon_ms = round(horizon * 1000)
        self.cluster = Cluster(self.env, bundle, seed)
        self._now_ms = 0

    @property
    def now(self) -> float:
        return self._now_ms / 1000

    @property
    def finished(self) -> bool:
        return self._now_ms >= self.horizon_ms or self.env.peek() == float("inf")

    def advance(self, until: float) -> list[Record]:
        """Run every event up to ``until`` seconds (and the horizon); return new records."""
        limit = min(round(until * 1000), self.horizon_ms)
        env = self.env
        while env.peek() <= limit:
            env.step()
        self._now_ms = max(self._now_ms, limit)
        return self.cluster.recorder.take()


def simulate(bundle: Bundle, *, until: float = DEFAULT_HORIZON_S, seed: int = 0) -> list[Record]:
    """Run ``bundle`` from the start to ``until`` seconds; return every record."""
    return Simulation(bundle, seed=seed, horizon=until).advance(until)
