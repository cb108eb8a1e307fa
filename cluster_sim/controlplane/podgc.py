"""The Pod garbage collector's orphan sweep (``gcOrphaned``), as a client of the store.

Pods bound to a Node that no longer exists are force-deleted: the collector
runs every 20 s (``gcCheckPeriod``, ticks at multiples of 20 s from the start);
the first run after a Node is deleted queues its name for the 40 s
quarantine (``quarantineTime``), and the run that finds it still missing
after that marks each of its Pods ``Failed`` with the condition
``DisruptionTarget=True`` (reason ``DeletionByPodGC``, message ``PodGC: node
no longer exists``) and deletes it with a grace period of 0: gone at once,
no kubelet confirms. So a node deleted at t loses its Pods at
``(t // 20 s + 1) * 20 s + 40 s``. (Its terminated-Pod threshold sweep,
12,500 Pods by default, is out of reach of the playground's runs.)
"""

from __future__ import annotations

from typing import Any

from ..clock import LateCall
from .context import ControlContext
from .store import ApiObject, WatchType

GC_CHECK_PERIOD_MS = 20_000
QUARANTINE_MS = 40_000
DISRUPTION_TARGET = {
    "type": "DisruptionTarget",
    "status": "True",
    "reason": "DeletionByPodGC",
    "message": "PodGC: node no longer exists",
}


def orphan_sweep_at(deleted_ms: int) -> int:
    """When the Pods of a Node deleted at ``deleted_ms`` are force-deleted."""
    noticed = (deleted_ms // GC_CHECK_PERIOD_MS + 1) * GC_CHECK_PERIOD_MS
    return noticed + QUARANTINE_MS


class PodGarbageCollector:
    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx

    def start(self) -> None:
        self.ctx.store.hook("Node", self._node_written)

    def _node_written(self, kind: WatchType, obj: ApiObject) -> None:
        if kind is WatchType.DELETED:
            name = obj.name
            LateCall(self.ctx.env, orphan_sweep_at(self.ctx.now_ms), lambda: self.sweep(name))

    def sweep(self, node: str) -> None:
        store = self.ctx.store
        if store.get("Node", "", node) is not None:  # a Node of that name is back
            return
        for pod in store.list("Pod", where=lambda p: p.spec.get("nodeName") == node):
            status: dict[str, Any] = dict(pod.status)
            conditions = [
                c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"
            ]
            conditions.append({**DISRUPTION_TARGET, "lastTransitionTime": self.ctx.now_ms})
            status["conditions"] = conditions
            status["phase"] = "Failed"
            store.update_status(pod, status)
            store.delete("Pod", pod.namespace, pod.name, grace_seconds=0)
            store.remove(pod)  # grace period 0: the API server deletes it at once
