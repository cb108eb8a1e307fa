"""The taint eviction controller (the NoExecute taint manager), as a client of the store.

Upstream ``pkg/controller/tainteviction/taint_eviction.go`` (v1.33). It watches
Nodes and Pods. When a node's NoExecute taints change, every Pod bound to it is
looked at again (``processPodOnNode``); so is a Pod bound to a node with
NoExecute taints, or whose tolerations change:

- a taint no toleration of the Pod tolerates: the Pod is evicted now;
- all tolerated, none with ``tolerationSeconds``: it stays for good (a pending
  eviction is cancelled);
- all tolerated, some with ``tolerationSeconds``: evicted once the smallest of
  them has passed, counted from when the eviction was first planned (a later
  change never postpones it); ``tolerationSeconds <= 0`` means now.

All NoExecute taints gone: pending evictions are cancelled, each with the
Normal event ``TaintManagerEviction`` ``Cancelling deletion of Pod <ns>/<name>``
(also when a Pod with a pending eviction is deleted). An eviction records
``TaintManagerEviction`` ``Marking for deletion Pod <ns>/<name>``, adds the
``DisruptionTarget`` condition (``DeletionByTaintManager``, ``Taint manager:
deleting due to NoExecute taint``) and deletes the Pod with its grace period.
Evictions run after everything else of their instant (upstream's worker queue
runs them "now", asynchronously). A Pod already terminating is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..clock import LateCall
from ..event_reasons import EventReason
from ..placement import node_taints, toleration_tolerates
from ..record_types import EventType
from .context import ControlContext
from .store import DELETED, ApiObject, WatchType

SOURCE = "taint-eviction-controller"
REASON = EventReason.TAINT_MANAGER_EVICTION
DISRUPTION_TARGET = {
    "type": "DisruptionTarget",
    "status": "True",
    "reason": "DeletionByTaintManager",
    "message": "Taint manager: deleting due to NoExecute taint",
}
FOREVER = -1


def no_execute_taints(node_spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``getNoExecuteTaints``: the node's NoExecute taints, in order."""
    return [t for t in node_taints({"spec": node_spec}) if t.get("effect") == "NoExecute"]


def matching_tolerations(
    taints: list[dict[str, Any]], tolerations: Any
) -> tuple[bool, list[dict[str, Any]]]:
    """``GetMatchingTolerations``: are all taints tolerated, and by which (first) tolerations."""
    given = [t for t in tolerations if isinstance(t, dict)] if isinstance(tolerations, list) else []
    used: list[dict[str, Any]] = []
    for taint in taints:
        match = next((t for t in given if toleration_tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def min_toleration_ms(tolerations: list[dict[str, Any]]) -> int:
    """``getMinTolerationTime`` in ms: 0 for none or a non-positive one, ``FOREVER`` if unset."""
    if not tolerations:
        return 0
    smallest: int | None = None
    for toleration in tolerations:
        seconds = toleration.get("tolerationSeconds")
        if seconds is None or isinstance(seconds, bool) or not isinstance(seconds, int | float):
            continue
        if seconds <= 0:
            return 0
        smallest = int(seconds) if smallest is None else min(smallest, int(seconds))
    return FOREVER if smallest is None else smallest * 1000


@dataclass(slots=True)
class Planned:
    """A pending eviction (upstream's ``TimedWorker``): created at, fires at."""

    created_ms: int
    fire_ms: int
    cancelled: bool = False


class TaintEvictionController:
    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.tainted: dict[str, list[dict[str, Any]]] = {}  # node -> its NoExecute taints
        self.planned: dict[str, Planned] = {}  # "ns/name" -> the pending eviction
        # Pod uid (no key to format on each write) -> (nodeName, repr of its tolerations,
        # the tolerations object seen, the spec's nodeName value as it was seen)
        self.seen: dict[str, tuple[str, str, Any, Any]] = {}

    def start(self) -> None:
        store = self.ctx.store
        # Store hooks, not watches: no write is made inside them (an eviction is a later
        # call), and a run pays no extra simulation event for this controller.
        store.hook("Node", self._node_written)
        store.hook("Pod", self._pod_written)
        # The nodes and Pods of the input exist already: look at them as a starting
        # controller's informers would (a Node manifest's NoExecute taints).
        for pod in store.list("Pod"):
            tolerations = pod.spec.get("tolerations")
            raw_node = pod.spec.get("nodeName")
            self.seen[pod.uid] = (str(raw_node or ""), repr(tolerations), tolerations, raw_node)
        for node in store.list("Node"):
            self._node_written(WatchType.ADDED, node)

    # -- watches -----------------------------------------------------------------

    def _node_written(self, kind: WatchType, obj: ApiObject) -> None:
        name = obj.name
        if kind is WatchType.DELETED:
            self.tainted.pop(name, None)
            return
        taints = no_execute_taints(obj.spec)
        if taints == self.tainted.get(name, []):
            return
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        pods = self.ctx.store.list("Pod", where=lambda p: p.spec.get("nodeName") == name)
        for pod in pods:
            if taints:
                self._process(pod, taints)
            else:
                self._cancel(pod.key)

    def _pod_written(self, kind: WatchType, obj: ApiObject) -> None:
        if kind is DELETED:
            self.seen.pop(obj.uid, None)
            self._cancel(obj.key)
            return
        spec = obj.body.get("spec")  # ``obj.spec`` written out: a hook of every Pod write
        if not isinstance(spec, dict):
            spec = {}
        raw_node = spec.get("nodeName")
        tolerations = spec.get("tolerations")
        seen = self.seen.get(obj.uid)
        # Most Pod writes change neither: the same nodeName value (no ``str`` of it
        # needed), the same tolerations object, no repr needed. Nothing edits a stored
        # Pod's tolerations in place (a spec write, ``APIStore.update``, stores a deep
        # copy: a new list), so the object seen standing for its repr is invalidated by
        # any change of them.
        if seen is None or seen[3] != raw_node or seen[2] is not tolerations:
            self._pod_changed(obj, seen, raw_node, tolerations)
        if raw_node:
            # Bound: the nodeName stays and the tolerations change only in a spec write,
            # which comes here as well. The kubelet's status writes, which come only to
            # show a binding (``Cluster.bind`` sets nodeName in place), have no more to
            # tell: it skips them from now on (the store's ``ignore_kubelet_status``).
            self.ctx.store.ignore_kubelet_status(obj, self._pod_written)

    def _pod_changed(
        self,
        obj: ApiObject,
        seen: tuple[str, str, Any, Any] | None,
        raw_node: Any,
        tolerations: Any,
    ) -> None:
        """A new Pod, a new binding or new tolerations: look again if their meaning changed."""
        node = str(raw_node or "")
        now = (node, repr(tolerations), tolerations, raw_node)
        self.seen[obj.uid] = now
        if seen is not None and seen[:2] == now[:2]:
            return
        taints = self.tainted.get(node)
        if node and taints:
            self._process(obj, taints)

    # -- processPodOnNode --------------------------------------------------------

    def _process(self, pod: ApiObject, taints: list[dict[str, Any]]) -> None:
        key = pod.key
        now = self.ctx.now_ms
        tolerated, used = matching_tolerations(taints, pod.spec.get("tolerations"))
        if not tolerated:
            self._cancel(key)
            self._plan(key, now, now)
            return
        wait = min_toleration_ms(used)
        if wait == FOREVER:
            self._cancel(key)
            return
        created, fire = now, now + wait
        pending = self.planned.get(key)
        if pending is not None and not pending.cancelled:
            created = pending.created_ms
            if created + wait < fire:
                return  # the eviction planned earlier comes first: it stands
            self._cancel(key)
        self._plan(key, created, fire)

    def _plan(self, key: str, created_ms: int, fire_ms: int) -> None:
        planned = Planned(created_ms, fire_ms)
        self.planned[key] = planned
        LateCall(self.ctx.env, fire_ms, lambda: self._evict(key, planned))

    def _cancel(self, key: str) -> None:
        """``cancelWorkWithEvent``: only a pending (not yet fired) eviction has an event."""
        pending = self.planned.pop(key, None)
        if pending is None or pending.cancelled:
            return
        pending.cancelled = True
        self.ctx.recorder.event(
            EventType.NORMAL, REASON, f"Pod/{key}", f"Cancelling deletion of Pod {key}", SOURCE
        )

    def _evict(self, key: str, planned: Planned) -> None:
        if planned.cancelled or self.planned.get(key) is not planned:
            return
        planned.cancelled = True  # fired: a later cancel has nothing to cancel
        namespace, _, name = key.partition("/")
        store = self.ctx.store
        pod = store.get("Pod", namespace, name)
        if pod is None or pod.deletion_timestamp is not None:
            return
        self.ctx.recorder.event(
            EventType.NORMAL, REASON, pod.ref, f"Marking for deletion Pod {key}", SOURCE
        )
        conditions = [
            c for c in pod.status.get("conditions") or () if c.get("type") != "DisruptionTarget"
        ]
        conditions.append({**DISRUPTION_TARGET, "lastTransitionTime": self.ctx.now_ms})
        store.update_status(pod, {**pod.status, "conditions": conditions})
        store.delete("Pod", namespace, name)
