"""kube-scheduler as a client of the store: it places Pods that have no node.

A store hook on Pods: a Pod written without ``spec.nodeName`` (and not bound
yet) is scheduled at the instant of its creation, with the same filters,
scores and tie-break draws as before the store existed
(``cluster_sim.scheduler``). A Pod that fits nowhere gets ``FailedScheduling``
and the ``PodScheduled=False/Unschedulable`` condition and waits in the
unschedulable queue; the queue is retried when room appears (a Pod finishes or
goes, a node is uncordoned or added), oldest first. Binding hands the Pod to
its node's kubelet (``bind``) and sets ``spec.nodeName`` in the store.

A store hook on Nodes keeps each node's taints as the TaintToleration filter
sees them; a taint taken off (or changed) retries the waiting Pods.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from ..event_reasons import EventReason
from ..nodestate import NodeState, PodRuntime
from ..placement import node_taints
from ..record_types import EventType
from ..records import Recorder
from ..scheduler import schedule
from ..status import Condition
from .store import ADDED, ApiObject, APIStore, WatchType

SCHEDULER = "default-scheduler"
# The members this module writes, bound once: an enum member read as a class attribute
# costs a descriptor call each time (a thousand Pods schedule in one instant)
NORMAL = EventType.NORMAL
WARNING = EventType.WARNING
SCHEDULED = EventReason.SCHEDULED
FAILED_SCHEDULING = EventReason.FAILED_SCHEDULING


class Scheduler:
    def __init__(
        self,
        store: APIStore,
        recorder: Recorder,
        rng: random.Random,
        nodes: Sequence[NodeState],
        runtime_of: Callable[[str], PodRuntime | None],
        publish: Callable[[PodRuntime], None],
        bind: Callable[[PodRuntime, NodeState], None],
    ) -> None:
        self.store = store
        self.recorder = recorder
        self.rng = rng
        self.nodes = nodes
        self.runtime_of = runtime_of
        self.publish = publish
        self.bind = bind
        self.unschedulable: list[PodRuntime] = []

    def start(self) -> None:
        self.store.hook("Pod", self._pod_added, types=(ADDED,))
        self.store.hook("Node", self._node_written)

    def _node_written(self, kind: WatchType, obj: ApiObject) -> None:
        if kind is not WatchType.MODIFIED:
            return
        ns = next((n for n in self.nodes if n.api is obj and not n.removed), None)
        if ns is None:
            return
        taints = node_taints({"spec": obj.spec})
        if taints == ns.usage.taints:
            return
        lifted = any(t not in taints for t in ns.usage.taints)
        ns.usage.taints = taints
        if lifted:
            self.retry_unschedulable()

    def _pod_added(self, _kind: WatchType, obj: ApiObject) -> None:
        """A new Pod: placed now unless it names its node (or the Cluster bound it)."""
        rt = self.runtime_of(obj.uid)
        if rt is None or rt.node is not None or rt.pod.spec.node_name:
            return
        self.try_schedule(rt)

    def try_schedule(self, rt: PodRuntime) -> bool:
        nodes = [n for n in self.nodes if not n.removed]
        chosen, message = schedule(rt.pod, [n.usage for n in nodes], self.rng)
        if chosen is None:
            self.recorder.event(WARNING, FAILED_SCHEDULING, rt.object_ref, message, SCHEDULER)
            rt.conditions = {
                "PodScheduled": Condition("PodScheduled", "False", "Unschedulable", message)
            }
            rt.reason = ""
            if rt not in self.unschedulable:
                self.unschedulable.append(rt)
            self.publish(rt)
            return False
        node = next(n for n in nodes if n.usage is chosen)
        self.recorder.event(
            NORMAL,
            SCHEDULED,
            rt.object_ref,
            f"Successfully assigned {rt.pod.namespace}/{rt.pod.name} to {node.node.name}",
            SCHEDULER,
        )
        self.bind(rt, node)
        return True

    def forget(self, rt: PodRuntime) -> None:
        """A waiting Pod was deleted before it found a node."""
        if rt in self.unschedulable:
            self.unschedulable.remove(rt)

    def retry_unschedulable(self) -> None:
        waiting, self.unschedulable = self.unschedulable, []
        for other in waiting:
            if not other.removed:
                self.try_schedule(other)
