"""Node-pressure eviction: the kubelet's eviction manager, for memory.

Every 10 s (the housekeeping period) the manager compares the node's
available memory with the hard threshold ``memory.available<100Mi``. Under
pressure it sets the node's ``MemoryPressure`` condition and evicts one Pod,
ranked as ``rankMemoryPressure`` does: Pods whose usage exceeds their
request first, then lower priority, then the larger usage above request
(kubelet-lifecycle.md §6.3), after a Warning ``EvictionThresholdMet``
("Attempting to reclaim memory") on the Node. A hard eviction gives the Pod
the kubelet's shortest grace period (1 s, then the 2 s minimum), the Pod fails
with reason ``Evicted`` at once, and its containers' usage no longer counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from .clock import LateCall
from .event_reasons import EventReason
from .record_types import TERMINAL_PHASES, EventType

if TYPE_CHECKING:
    import simpy

    from .kubelet.pod_worker import PodWorker
    from .nodestate import NodeState, PodRuntime
    from .records import Recorder

HOUSEKEEPING_MS = 10_000
THRESHOLD = 100 * 1024 * 1024  # evictionHard memory.available<100Mi


def format_memory(value: int) -> str:
    """A quantity as the eviction message prints it (Mi/Ki when exact)."""
    for suffix, unit in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if value and value % unit == 0:
            return f"{value // unit}{suffix}"
    return f"{value // 1024}Ki" if value >= 1024 else str(value)


class EvictionHost(Protocol):
    """What the eviction manager needs from its run (the ``Cluster``)."""

    env: simpy.Environment
    recorder: Recorder

    @property
    def workers(self) -> Mapping[str, PodWorker]: ...  # read-only: Cluster's is a dict

    def publish_node(self, ns: NodeState) -> None: ...


class EvictionManager:
    def __init__(self, cluster: EvictionHost, node: NodeState) -> None:
        self.cluster = cluster
        self.node = node
        self.pressure = False
        self._scheduled = False
        self.used = 0  # bytes charged by the node's running containers

    def usage(self) -> dict[str, int]:
        """Memory in use per Pod on this node (running containers only)."""
        out: dict[str, int] = {}
        for key, worker in self.cluster.workers.items():
            if worker.node is not self.node or worker.rt.phase in TERMINAL_PHASES:
                continue
            used = sum(i.memory for i in worker.instances.values() if i.running)
            if used:
                out[key] = used
        return out

    def available(self) -> int:
        return self.node.node.allocatable.memory - self.used

    def charge(self, delta: int) -> None:
        """A container's usage changed by ``delta`` bytes (negative when it exits)."""
        self.used += delta
        # ``memory_changed``, inlined: every container start and exit comes here, and
        # almost always with a look already scheduled or plenty of memory available
        if self._scheduled or (
            self.node.node.allocatable.memory - self.used >= THRESHOLD and not self.pressure
        ):
            return
        self.memory_changed()

    def memory_changed(self) -> None:
        """Usage changed on the node: look again at the next housekeeping tick."""
        if self._scheduled:
            return
        if self.available() >= THRESHOLD and not self.pressure:
            return
        self._scheduled = True
        now = int(self.cluster.env.now)
        at = (now // HOUSEKEEPING_MS + 1) * HOUSEKEEPING_MS
        LateCall(self.cluster.env, at, self.synchronize)

    def synchronize(self) -> None:
        self._scheduled = False
        available = self.available()
        under = available < THRESHOLD
        if under != self.pressure:
            self.pressure = under
            condition = (
                EventReason.NODE_HAS_INSUFFICIENT_MEMORY
                if under
                else EventReason.NODE_HAS_SUFFICIENT_MEMORY
            )
            name = self.node.node.name
            self.cluster.recorder.event(
                EventType.NORMAL,
                condition,
                f"Node/{name}",
                f"Node {name} status is now: {condition}",
                "kubelet",
            )
            self.cluster.publish_node(self.node)
        if not under:
            return
        # eviction_manager.go: every pass that finds a threshold met says so on the Node,
        # before it ranks the Pods.
        self.cluster.recorder.event(
            EventType.WARNING,
            EventReason.EVICTION_THRESHOLD_MET,
            f"Node/{self.node.node.name}",
            "Attempting to reclaim memory",
            "kubelet",
        )
        victim = self.rank()
        if victim is not None:
            self.evict(victim, available)
        self.memory_changed()

    def rank(self) -> PodRuntime | None:
        usage = self.usage()
        candidates = []
        for key, used in usage.items():
            rt = self.cluster.workers[key].rt
            if rt.deletion_timestamp is not None or rt.reason == "Evicted":
                continue
            request = rt.pod.spec.requests().memory
            priority = int((rt.pod.manifest.get("spec") or {}).get("priority") or 0)
            candidates.append(((used <= request, priority, -(used - request), key), rt))
        if not candidates:
            return None
        return min(candidates, key=lambda c: c[0])[1]

    def evict(self, rt: PodRuntime, available: int) -> None:
        worker = self.cluster.workers[rt.key]
        lines = [
            f"The node was low on resource: memory. Threshold quantity: "
            f"{format_memory(THRESHOLD)}, available: {format_memory(max(available, 0))}. "
        ]
        for c in rt.pod.spec.containers:
            instance = worker.instances.get(c.name)
            if instance is None or not instance.running:
                continue
            request = c.requests.memory
            if instance.memory > request:
                lines.append(
                    f"Container {c.name} was using {format_memory(instance.memory)}, request is "
                    f"{format_memory(request)}, has larger consumption of memory. "
                )
        message = "".join(lines)
        self.cluster.recorder.event(
            EventType.WARNING, EventReason.EVICTED, rt.object_ref, message, "kubelet"
        )
        rt.reason = "Evicted"
        rt.message = message
        worker.evict()
