"""The DaemonSet controller: one Pod per eligible node, rolling updates, status.

A sync (``syncDaemonSet``): claim the DaemonSet's Pods and group them by
their target node (``nodeName``, or the ``metadata.name`` node affinity the
controller gives them before they are scheduled); for every Node, in name
order, decide with ``should_run`` (nodeSelector, required node affinity,
taints against the template's tolerations plus the ones a DaemonSet adds)
whether a Pod should run there and whether an existing one may keep running
(``NodeShouldRunDaemonPod``); create the missing Pods (slow-start batches),
delete failed Pods, surplus Pods and Pods on nodes they no longer fit. When
that left nothing to do, a RollingUpdate replaces old-revision Pods, at most
``maxUnavailable`` unavailable at once (``rollingUpdate`` with maxSurge 0).
The status counts are ``updateDaemonSetStatus``'s.

Pods and Nodes are watched from the first DaemonSet on, so runs without one
pay nothing. Syncs are batched per instant like the ReplicaSet controller's.
"""

from __future__ import annotations

import math
from typing import Any

from ...event_reasons import EventReason
from ...placement import (
    matches_node_selector,
    matches_required_affinity,
    target_node_name,
    untolerated_taint,
)
from ...record_types import EventType
from ..context import ControlContext
from ..podtemplate import pod_from_template
from ..ranking import available_at, is_pod_ready
from ..selectors import Selector, label_selector
from ..store import ApiError, ApiObject, NotFound, WatchType
from .kind import (
    REVISION_LABEL,
    SOURCE,
    TEMPLATE_GENERATION_LABEL,
    node_affinity_for,
    register_daemon_set_kind,
    revision_hash,
    with_daemon_tolerations,
)

SLOW_START_INITIAL_BATCH = 1
FAILED_POD_BACKOFF_MS = 1_000  # failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min)
FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000


def _node_facts(node: ApiObject) -> tuple[Any, ...]:
    return (
        tuple(sorted(node.labels.items())),
        repr(node.spec.get("taints")),
        bool(node.spec.get("unschedulable")),
    )


def should_run(ds: ApiObject, node: ApiObject) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: (shouldRun, shouldContinueRunning) of ``ds`` on ``node``."""
    template = ds.spec.get("template") or {}
    spec = dict(template.get("spec") or {}) if isinstance(template, dict) else {}
    if spec.get("nodeName") and spec["nodeName"] != node.name:
        return False, False
    if not matches_node_selector(spec, node.labels) or not matches_required_affinity(
        spec, node.name, node.labels
    ):
        return False, False
    with_daemon_tolerations(spec)
    tolerations = spec.get("tolerations")
    taints = node.spec.get("taints")
    if untolerated_taint(tolerations, taints, ("NoExecute",)) is not None:
        return False, False
    if untolerated_taint(tolerations, taints, ("NoSchedule",)) is not None:
        return False, True
    return True, True


def max_unavailable(ds: ApiObject, desired: int) -> int:
    """``updatedDesiredNodeCounts``: maxUnavailable scaled (rounded up); 1 if both are 0."""
    rolling = (ds.spec.get("updateStrategy") or {}).get("rollingUpdate") or {}
    value = rolling.get("maxUnavailable", 1)
    if isinstance(value, str) and value.endswith("%"):
        result = math.ceil(int(value[:-1]) * desired / 100)
    else:
        result = int(value or 0)
    return result if result > 0 else 1


class DaemonSetController:
    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._seq: dict[str, int] = {}
        self._created = 0
        self._synced_rv: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._pass_pending = False
        self._watching = False
        self._nodes: dict[str, tuple[Any, ...]] = {}
        self._wakes: dict[str, int] = {}
        self._backoff: dict[tuple[str, str], tuple[int, int]] = {}  # (uid, node) -> delay, at

    def start(self) -> None:
        register_daemon_set_kind(self.ctx)
        self.store.watch("DaemonSet", self._on_ds)

    # -- watches -----------------------------------------------------------

    def _on_ds(self, event: WatchType, ds: ApiObject) -> None:
        if event is WatchType.DELETED:
            for table in (self._seq, self._synced_rv, self._wakes):
                table.pop(ds.uid, None)
            self._dirty.discard(ds.uid)
            return
        if event is WatchType.ADDED:
            self._created += 1
            self._seq[ds.uid] = self._created
            if not self._watching:
                self._watching = True
                self._nodes = {n.name: _node_facts(n) for n in self.store.list("Node")}
                self.store.watch("Pod", self._on_pod)
                self.store.watch("Node", self._on_node)
        elif self._synced_rv.get(ds.uid) == ds.resource_version:
            return
        self._mark(ds.uid)

    def _on_pod(self, event: WatchType, pod: ApiObject) -> None:
        ref = pod.controller_ref()
        if ref is not None and ref.kind == "DaemonSet" and ref.uid in self._seq:
            self._mark(ref.uid)

    def _on_node(self, event: WatchType, node: ApiObject) -> None:
        if event is WatchType.DELETED:
            self._nodes.pop(node.name, None)
        else:
            facts = _node_facts(node)
            if self._nodes.get(node.name) == facts:
                return
            self._nodes[node.name] = facts
        for uid in self._seq:
            self._mark(uid)

    def _mark(self, uid: str) -> None:
        self._dirty.add(uid)
        if not self._pass_pending:
            self._pass_pending = True
            event = self.ctx.env.event()
            event.callbacks.append(self._run_pass)
            event.succeed()

    def _run_pass(self, _event: Any = None) -> None:
        self._pass_pending = False
        batch = sorted(self._dirty, key=self._seq.__getitem__)
        self._dirty.clear()
        for uid in batch:
            ds = self.store.by_uid(uid)
            if ds is not None and ds.kind == "DaemonSet":
                self.sync(ds)

    def _wake(self, uid: str, at_ms: int) -> None:
        pending = self._wakes.get(uid)
        if pending is not None and self.ctx.now_ms < pending <= at_ms:
            return
        self._wakes[uid] = at_ms
        timer = self.ctx.env.timeout(max(0, at_ms - self.ctx.now_ms))
        timer.callbacks.append(lambda _e: self._woken(uid, at_ms))

    def _woken(self, uid: str, at_ms: int) -> None:
        if self._wakes.get(uid) == at_ms:
            del self._wakes[uid]
            if uid in self._seq:
                self._mark(uid)

    # -- a sync ------------------------------------------------------------

    def _claim(self, ds: ApiObject, selector: Selector) -> dict[str, list[ApiObject]]:
        by_node: dict[str, list[ApiObject]] = {}
        for pod in self.store.dependents(ds.uid):
            ref = pod.controller_ref()
            if pod.kind != "Pod" or ref is None or ref.uid != ds.uid:
                continue
            if pod.status.get("phase") == "Succeeded" or not selector(pod.labels):
                continue
            node = target_node_name(pod.spec)
            if node:
                by_node.setdefault(node, []).append(pod)
        for pods in by_node.values():
            pods.sort(key=lambda p: (p.created_ms, p.name))
        return by_node

    def sync(self, ds: ApiObject) -> None:
        selector = label_selector(ds.spec.get("selector"))
        by_node = self._claim(ds, selector)
        nodes = sorted(self.store.list("Node"), key=lambda n: n.name)
        current = revision_hash(ds)
        if ds.deletion_timestamp is None:
            changed = self._manage(ds, nodes, by_node)
            strategy = (ds.spec.get("updateStrategy") or {}).get("type")
            if not changed and strategy == "RollingUpdate":
                self._rolling_update(ds, nodes, by_node, current)
            if changed:
                by_node = self._claim(ds, selector)
        self._write_status(ds, nodes, by_node, current)

    def _manage(
        self, ds: ApiObject, nodes: list[ApiObject], by_node: dict[str, list[ApiObject]]
    ) -> bool:
        """``manage``: the nodes needing a Pod and the Pods to delete; True if it wrote."""
        needing: list[str] = []
        doomed: list[ApiObject] = []
        for node in nodes:
            run, keep = should_run(ds, node)
            pods = by_node.get(node.name, [])
            if run and not pods:
                needing.append(node.name)  # a terminating or failed Pod still counts
            elif keep:
                running = []
                for pod in pods:
                    if pod.deletion_timestamp is not None:
                        continue
                    if pod.status.get("phase") == "Failed":
                        if self._failed_pod_may_go(ds, node.name):
                            self._event(
                                ds,
                                EventType.WARNING,
                                EventReason.FAILED_DAEMON_POD,
                                f"Found failed daemon pod {pod.namespace}/{pod.name} on node "
                                f"{node.name}, will try to kill it",
                            )
                            doomed.append(pod)
                        continue
                    running.append(pod)
                doomed.extend(running[1:])  # more than one: keep the oldest
            else:
                doomed.extend(p for p in pods if p.deletion_timestamp is None)
        self._create(ds, needing)
        self._delete(ds, doomed)
        return bool(needing or doomed)

    def _failed_pod_may_go(self, ds: ApiObject, node: str) -> bool:
        """``failedPodsBackoff`` (1 s doubling to 15 min per DaemonSet and node)."""
        now = self.ctx.now_ms
        key = (ds.uid, node)
        entry = self._backoff.get(key)
        if entry is not None and now - entry[1] < entry[0]:
            self._wake(ds.uid, entry[1] + entry[0])
            return False
        if entry is None or now - entry[1] > 2 * FAILED_POD_BACKOFF_MAX_MS:
            delay = FAILED_POD_BACKOFF_MS
        else:
            delay = min(entry[0] * 2, FAILED_POD_BACKOFF_MAX_MS)
        self._backoff[key] = (delay, now)
        return True

    def _create(self, ds: ApiObject, nodes: list[str]) -> None:
        batch = min(len(nodes), SLOW_START_INITIAL_BATCH)
        start = 0
        current = revision_hash(ds)
        while batch > 0:
            failed = False
            for node in nodes[start : start + batch]:
                manifest = pod_from_template(ds, ds.spec.get("template"))
                labels = manifest["metadata"].setdefault("labels", {})
                labels[REVISION_LABEL] = current
                labels[TEMPLATE_GENERATION_LABEL] = str(ds.generation)
                with_daemon_tolerations(manifest["spec"])
                node_affinity_for(manifest["spec"], node)
                try:
                    pod = self.store.create("Pod", manifest)
                except ApiError as e:
                    self._event(
                        ds, EventType.WARNING, EventReason.FAILED_CREATE, f"Error creating: {e}"
                    )
                    failed = True
                    continue
                self._event(
                    ds, EventType.NORMAL, EventReason.SUCCESSFUL_CREATE, f"Created pod: {pod.name}"
                )
            if failed:
                return
            start += batch
            batch = min(2 * batch, len(nodes) - start)

    def _delete(self, ds: ApiObject, pods: list[ApiObject]) -> None:
        for pod in pods:
            try:
                self.store.delete("Pod", pod.namespace, pod.name)
            except NotFound:
                continue
            except ApiError as e:
                self._event(
                    ds, EventType.WARNING, EventReason.FAILED_DELETE, f"Error deleting: {e}"
                )
                continue
            self._event(
                ds, EventType.NORMAL, EventReason.SUCCESSFUL_DELETE, f"Deleted pod: {pod.name}"
            )

    def _rolling_update(
        self,
        ds: ApiObject,
        nodes: list[ApiObject],
        by_node: dict[str, list[ApiObject]],
        current: str,
    ) -> None:
        """``rollingUpdate`` with maxSurge 0: replace old Pods, maxUnavailable at a time."""
        now = self.ctx.now_ms
        min_ready = int(ds.spec.get("minReadySeconds") or 0)
        eligible = [n for n in nodes if should_run(ds, n)[0]]
        limit = max_unavailable(ds, len(eligible))
        unavailable = 0
        allowed: list[ApiObject] = []
        candidates: list[ApiObject] = []
        for node in eligible:
            pods = [p for p in by_node.get(node.name, []) if p.deletion_timestamp is None]
            new = [p for p in pods if p.labels.get(REVISION_LABEL) == current]
            old = [p for p in pods if p.labels.get(REVISION_LABEL) != current]
            if (not new and not old) or (new and old):
                unavailable += 1
            elif new:
                at = available_at(new[0], min_ready)
                if at is None or at > now:
                    unavailable += 1
            else:
                at = available_at(old[0], min_ready)
                if at is None or at > now:
                    allowed.append(old[0])
                    unavailable += 1
                elif unavailable < limit:
                    candidates.append(old[0])
        remaining = min(max(0, limit - unavailable), len(candidates))
        self._delete(ds, allowed + candidates[:remaining])

    def _write_status(
        self,
        ds: ApiObject,
        nodes: list[ApiObject],
        by_node: dict[str, list[ApiObject]],
        current: str,
    ) -> None:
        now = self.ctx.now_ms
        min_ready = int(ds.spec.get("minReadySeconds") or 0)
        desired = scheduled = misscheduled = ready = available = updated = 0
        next_available: int | None = None
        for node in nodes:
            run, _ = should_run(ds, node)
            pods = [p for p in by_node.get(node.name, []) if p.deletion_timestamp is None]
            if run:
                desired += 1
            if not pods:
                continue
            if not run:
                misscheduled += 1
                continue
            scheduled += 1
            pod = pods[0]
            if is_pod_ready(pod):
                ready += 1
                at = available_at(pod, min_ready)
                if at is not None and at <= now:
                    available += 1
                elif at is not None and (next_available is None or at < next_available):
                    next_available = at
            if pod.labels.get(REVISION_LABEL) == current:
                updated += 1
        status: dict[str, Any] = {
            "currentNumberScheduled": scheduled,
            "numberMisscheduled": misscheduled,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": ds.generation,
            "updatedNumberScheduled": updated,
            "numberAvailable": available,
            "numberUnavailable": desired - available,
        }
        if self.store.update_status(ds, status):
            self._synced_rv[ds.uid] = ds.resource_version
        if next_available is not None:
            self._wake(ds.uid, next_available)

    def _event(self, ds: ApiObject, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, ds.ref, message, SOURCE)
