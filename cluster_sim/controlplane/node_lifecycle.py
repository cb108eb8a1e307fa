"""The node lifecycle controller and the taint manager, as a client of the store.

A store hook on Nodes. When a node's kubelet stops heartbeating (its Node
status says ``heartbeat: stopped``; ``Cluster.fail_node`` writes that), the
controller waits the node-monitor grace period (40 s), then records
``NodeNotReady`` for the node, and marks the ``Ready`` condition of each of its
Pods that was Ready False (``MarkPodsNotReady``, with a ``NodeNotReady`` event
for each); after the default 300 s
toleration of ``node.kubernetes.io/unreachable`` the taint manager records
``TaintManagerEviction`` and deletes each Pod still on the node
(``store.delete``: deletionTimestamp, reason ``NodeLost``). With no kubelet to
confirm, those Pods stay Terminating; controllers count only Pods without a
deletionTimestamp, so a ReplicaSet replaces them at that instant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import simpy

from ..clock import LateCall
from ..event_reasons import EventReason
from ..nodestate import NodeState, PodRuntime
from ..record_types import EventType
from ..records import Recorder
from ..status import Condition
from .store import ApiObject, APIStore, WatchType

NODE_MONITOR_GRACE_MS = 40_000  # node-monitor-grace-period
UNREACHABLE_TOLERATION_MS = 300_000  # default tolerationSeconds for unreachable/not-ready


class NodeLifecycleController:
    def __init__(
        self,
        env: simpy.Environment,
        store: APIStore,
        recorder: Recorder,
        nodes: Sequence[NodeState],
        pods: Callable[[], Sequence[PodRuntime]],
        publish: Callable[[PodRuntime], None],
    ) -> None:
        self.env = env
        self.store = store
        self.recorder = recorder
        self.nodes = nodes
        self.pods = pods
        self.publish = publish
        self._silent: set[str] = set()
        self.not_ready: set[str] = set()  # nodes it marked NodeNotReady (Ready=Unknown)

    def start(self) -> None:
        self.store.hook("Node", self._node_written)

    def _node_written(self, kind: WatchType, obj: ApiObject) -> None:
        if kind is not WatchType.MODIFIED or obj.name in self._silent:
            return
        if obj.status.get("heartbeat") != "stopped":
            return
        ns = next((n for n in self.nodes if n.api is obj), None)
        if ns is None:
            return
        self._silent.add(obj.name)
        now = int(self.env.now)
        self._later(now + NODE_MONITOR_GRACE_MS, lambda: self.node_not_ready(ns))
        self._later(
            now + NODE_MONITOR_GRACE_MS + UNREACHABLE_TOLERATION_MS, lambda: self.evict_lost(ns)
        )

    def _later(self, at_ms: int, fn: Callable[[], None]) -> None:
        LateCall(self.env, at_ms, fn)

    def node_not_ready(self, ns: NodeState) -> None:
        self.not_ready.add(ns.node.name)
        if ns.api is not None and not ns.removed:
            conditions = [
                {**c, "status": "Unknown", "reason": "NodeStatusUnknown"}
                if c.get("type") == "Ready"
                else c
                for c in ns.api.status.get("conditions") or []
            ]
            self.store.update_status(ns.api, {**ns.api.status, "conditions": conditions})
        self.recorder.event(
            EventType.NORMAL,
            EventReason.NODE_NOT_READY,
            f"Node/{ns.node.name}",
            f"Node {ns.node.name} status is now: NodeNotReady",
            "node-controller",
        )
        for rt in self.pods():
            if rt.node is ns and not rt.removed:
                self.mark_not_ready(rt)

    def mark_not_ready(self, rt: PodRuntime) -> None:
        """``MarkPodsNotReady`` (pkg/controller/util/node): the Pod's Ready condition only.

        Its status becomes False and its reason stays what it was; ContainersReady
        and the container statuses are the kubelet's, so kubectl's READY still counts
        the containers ready. A Pod whose Ready is not True is not written, and gets
        no event (``UpdatePodCondition`` reports no change).
        """
        ready = rt.conditions.get("Ready")
        if ready is None or ready.status != "True":
            return
        rt.conditions["Ready"] = Condition("Ready", "False", ready.reason, ready.message)
        self.publish(rt)
        self.recorder.event(
            EventType.WARNING,
            EventReason.NODE_NOT_READY,
            rt.object_ref,
            "Node is not ready",
            "node-controller",
        )

    def evict_lost(self, ns: NodeState) -> None:
        for rt in self.pods():
            if rt.node is ns and not rt.removed and rt.deletion_timestamp is None:
                self.recorder.event(
                    EventType.NORMAL,
                    EventReason.TAINT_MANAGER_EVICTION,
                    rt.object_ref,
                    f"Marking for deletion Pod {rt.key}",
                    "taint-eviction-controller",
                )
                rt.reason = "NodeLost"
                self.store.delete("Pod", rt.pod.namespace, rt.pod.name)
