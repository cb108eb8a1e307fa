"""The ReplicaSet and ReplicationController controllers (``pkg/controller/replicaset``).

One controller class serves both kinds, as upstream runs the same code for
ReplicationControllers through a conversion adapter: only the kind, the
selector (a label selector, or an RC's plain map) and the events' source
(``replicaset-controller`` / ``replication-controller``) differ.

A sync (``syncReplicaSet``): claim the active Pods (adopt matching orphans,
release owned Pods that no longer match), create or delete Pods to match
``spec.replicas`` (creates in slow-start batches of 1, 2, 4...; deletes in
the ranking of ``ranking.pods_to_delete``; at most 500 per sync), then write
the status computed from the Pods claimed before the creates and deletes.
Syncs are batched per instant: every owner touched by the watch events of an
instant is synced once, after them, in creation order (DESIGN.md, "ReplicaSets,
ReplicationControllers and garbage collection").

The Pod watch is registered when the first ReplicaSet (or RC) appears, so a
run of bare Pods pays nothing for this controller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..event_reasons import EventReason
from ..record_types import EventType
from ..validation import defaults as api_defaults
from ..validation.workloads import validate_replica_set, validate_replication_controller
from .context import ControlContext
from .podtemplate import controller_ref, pod_from_template
from .ranking import available_at, is_pod_active, pods_to_delete
from .selectors import Selector, label_selector, map_selector, subset_of
from .store import ApiError, ApiObject, KindInfo, NotFound, WatchType

BURST_REPLICAS = 500  # burstReplicas: creates or deletes per sync
SLOW_START_INITIAL_BATCH = 1  # controller.SlowStartInitialBatchSize
RETRY_BASE_MS = 5  # the work queue's per-item exponential back-off: 5 ms, doubling...
RETRY_MAX_MS = 1000 * 1000  # ...up to 1,000 s


@dataclass(frozen=True, slots=True)
class Family:
    """What differs between ReplicaSets and ReplicationControllers."""

    kind: str
    resource: str
    api_version: str
    source: str
    selector: Callable[[ApiObject], Selector]
    default: Callable[[dict[str, Any]], dict[str, Any]]
    validate: Callable[[dict[str, Any]], list[Any]]


REPLICA_SET = Family(
    "ReplicaSet",
    "replicasets.apps",
    "apps/v1",
    "replicaset-controller",
    lambda rs: label_selector(rs.spec.get("selector")),
    api_defaults.replica_set,
    validate_replica_set,
)
REPLICATION_CONTROLLER = Family(
    "ReplicationController",
    "replicationcontrollers",
    "v1",
    "replication-controller",
    lambda rc: map_selector(rc.spec.get("selector")),
    api_defaults.replication_controller,
    validate_replication_controller,
)


def register_kind(ctx: ControlContext, family: Family) -> None:
    """The kind in the run's store, with its defaulting and validation (once)."""
    if family.kind in ctx.store.kinds:
        return

    def default(body: dict[str, Any]) -> None:
        defaulted = family.default(body)
        body.clear()
        body.update(defaulted)

    def validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
        return [str(e) for e in family.validate(manifest)]

    ctx.store.register(
        KindInfo(
            family.kind,
            family.resource,
            family.api_version,
            default=default,
            validate=validate,
        )
    )


def replicas_of(owner: ApiObject) -> int:
    value = owner.spec.get("replicas")
    return int(value) if isinstance(value, int) else 1


def _template_labels(owner: ApiObject) -> dict[str, str]:
    template = owner.spec.get("template") or {}
    meta = template.get("metadata") if isinstance(template, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return {str(k): str(v) for k, v in (labels or {}).items()}


class ReplicaSetController:
    """Keeps ``spec.replicas`` Pods of every ReplicaSet; see the module docstring."""

    FAMILY = REPLICA_SET

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.family = self.FAMILY
        self._owners: dict[str, dict[str, ApiObject]] = {}  # namespace -> uid -> owner
        self._seq: dict[str, int] = {}  # uid -> creation order
        self._created = 0
        self._synced_rv: dict[str, int] = {}
        self._orphans: dict[str, dict[str, dict[str, str]]] | None = None  # ns -> uid -> labels
        self._dirty: set[str] = set()
        self._pass_pending = False
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, int] = {}
        self._wakes: dict[str, int] = {}
        self._selectors: dict[str, tuple[int, Selector]] = {}  # uid -> (generation, compiled)

    def start(self) -> None:
        register_kind(self.ctx, self.family)
        self.store.watch(self.family.kind, self._on_owner)

    # -- watch handlers --------------------------------------------------------

    def _on_owner(self, event: WatchType, owner: ApiObject) -> None:
        uid = owner.uid
        if event is WatchType.DELETED:
            self._owners.get(owner.namespace, {}).pop(uid, None)
            for table in (
                self._seq,
                self._synced_rv,
                self._failures,
                self._retry_at,
                self._wakes,
                self._selectors,
            ):
                table.pop(uid, None)
            self._dirty.discard(uid)
            return
        if event is WatchType.ADDED:
            self._owners.setdefault(owner.namespace, {})[uid] = owner
            self._created += 1
            self._seq[uid] = self._created
            if self._orphans is None:
                self._watch_pods()
        elif self._synced_rv.get(uid) == owner.resource_version:
            return  # our own status write
        self._mark(uid)

    def _watch_pods(self) -> None:
        self._orphans = {}
        for pod in self.store.list("Pod"):
            if pod.controller_ref() is None and is_pod_active(pod):
                self._orphans.setdefault(pod.namespace, {})[pod.uid] = dict(pod.labels)
        self.store.watch("Pod", self._on_pod)

    def _on_pod(self, event: WatchType, pod: ApiObject) -> None:
        ref = pod.controller_ref()
        orphans = self._orphans
        assert orphans is not None
        in_ns = orphans.get(pod.namespace)
        if ref is not None:
            if in_ns is not None:
                in_ns.pop(pod.uid, None)
            if ref.kind == self.family.kind and ref.uid in self._seq:
                self._mark(ref.uid)
            return
        if event is WatchType.DELETED or not is_pod_active(pod):
            if in_ns is not None:
                in_ns.pop(pod.uid, None)
            return
        if in_ns is None:
            in_ns = orphans[pod.namespace] = {}
        before = in_ns.get(pod.uid)
        if before is not None and before == pod.labels:
            return  # an orphan's status changed: nobody wants it more than before
        in_ns[pod.uid] = dict(pod.labels)
        for owner in self._owners.get(pod.namespace, {}).values():
            if self.selector(owner)(pod.labels):
                self._mark(owner.uid)

    # -- the work queue --------------------------------------------------------

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
            owner = self.store.by_uid(uid)
            if owner is not None and owner.kind == self.family.kind:
                self.sync(owner)

    def _wake(self, uid: str, at_ms: int) -> None:
        """Sync ``uid`` again at ``at_ms`` (the earliest wanted time wins)."""
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

    # -- a sync ----------------------------------------------------------------

    def selector(self, owner: ApiObject) -> Selector:
        """The owner's selector, compiled once per generation (an RC's may change)."""
        cached = self._selectors.get(owner.uid)
        if cached is not None and cached[0] == owner.generation:
            return cached[1]
        selector = self.family.selector(owner)
        self._selectors[owner.uid] = (owner.generation, selector)
        return selector

    def claim(self, owner: ApiObject) -> list[ApiObject]:
        """``claimPods``: the active Pods this owner controls after adoption and release."""
        selector = self.selector(owner)
        deleting = owner.deletion_timestamp is not None
        claimed: list[ApiObject] = []
        for pod in self.store.dependents(owner.uid):
            ref = pod.controller_ref()
            if pod.kind != "Pod" or ref is None or ref.uid != owner.uid:
                continue
            if not is_pod_active(pod):
                continue
            if deleting or selector(pod.labels):
                claimed.append(pod)
                continue
            refs = [r for r in pod.owner_references if r.uid != owner.uid]
            self.store.set_owner_references(pod, refs)  # released
        orphans = (self._orphans or {}).get(owner.namespace)
        if orphans and not deleting:
            for uid, labels in list(orphans.items()):
                if not selector(labels):
                    continue
                orphan = self.store.by_uid(uid)
                if (
                    orphan is None
                    or orphan.controller_ref() is not None
                    or not is_pod_active(orphan)
                ):
                    continue
                del orphans[uid]
                self.store.set_owner_references(
                    orphan, [*orphan.owner_references, controller_ref(owner)]
                )  # adopted
                claimed.append(orphan)
        return claimed

    def sync(self, owner: ApiObject) -> None:
        claimed = self.claim(owner)
        error: ApiError | None = None
        diff = len(claimed) - replicas_of(owner)
        if owner.deletion_timestamp is None and diff != 0:
            error = self._manage(owner, claimed, diff)
        self._write_status(owner, claimed, diff, error)

    def _manage(self, owner: ApiObject, claimed: list[ApiObject], diff: int) -> ApiError | None:
        now = self.ctx.now_ms
        uid = owner.uid
        if diff < 0:
            retry = self._retry_at.get(uid)
            if retry is not None and retry > now:
                return None  # backing off after a failed create (DESIGN.md)
            error = self._create(owner, min(-diff, BURST_REPLICAS))
            if error is None:
                self._failures.pop(uid, None)
                self._retry_at.pop(uid, None)
                return None
            failures = self._failures.get(uid, 0)
            self._failures[uid] = failures + 1
            delay = min(RETRY_BASE_MS * 2**failures, RETRY_MAX_MS)
            self._retry_at[uid] = now + delay
            self._wake(uid, now + delay)
            return error
        related = self._related_pods(owner, claimed)
        error = None
        for pod in pods_to_delete(claimed, related, min(diff, BURST_REPLICAS), now):
            try:
                self.store.delete("Pod", pod.namespace, pod.name)
            except NotFound:
                continue
            except ApiError as e:
                self._event(
                    owner, EventType.WARNING, EventReason.FAILED_DELETE, f"Error deleting: {e}"
                )
                error = error or e
                continue
            self._event(
                owner, EventType.NORMAL, EventReason.SUCCESSFUL_DELETE, f"Deleted pod: {pod.name}"
            )
        return error

    def _create(self, owner: ApiObject, count: int) -> ApiError | None:
        """``slowStartBatch``: batches of 1, 2, 4...; the first batch with a failure ends it."""
        remaining = count
        batch = min(remaining, SLOW_START_INITIAL_BATCH)
        while batch > 0:
            first_error: ApiError | None = None
            for _ in range(batch):
                try:
                    pod = self.store.create(
                        "Pod", pod_from_template(owner, owner.spec.get("template"))
                    )
                except ApiError as e:
                    self._event(
                        owner, EventType.WARNING, EventReason.FAILED_CREATE, f"Error creating: {e}"
                    )
                    first_error = first_error or e
                    continue
                self._event(
                    owner,
                    EventType.NORMAL,
                    EventReason.SUCCESSFUL_CREATE,
                    f"Created pod: {pod.name}",
                )
            if first_error is not None:
                return first_error
            remaining -= batch
            batch = min(2 * batch, remaining)
        return None

    def _related_pods(self, owner: ApiObject, claimed: list[ApiObject]) -> list[ApiObject]:
        """``getIndirectlyRelatedPods``: the Pods of every sibling under the same controller."""
        ref = owner.controller_ref()
        if ref is None:
            return claimed
        seen: dict[str, ApiObject] = {}
        for sibling in self.store.dependents(ref.uid):
            if sibling.kind != owner.kind:
                continue
            for pod in self.store.dependents(sibling.uid):
                if pod.kind == "Pod":
                    seen.setdefault(pod.uid, pod)
        return list(seen.values())

    def _write_status(
        self, owner: ApiObject, claimed: list[ApiObject], diff: int, error: ApiError | None
    ) -> None:
        """``calculateStatus`` over the Pods claimed before this sync's creates and deletes."""
        now = self.ctx.now_ms
        min_ready = int(owner.spec.get("minReadySeconds") or 0)
        fully = subset_of(_template_labels(owner))
        fully_labeled = ready = available = 0
        next_available: int | None = None
        for pod in claimed:
            if fully(pod.labels):
                fully_labeled += 1
            at = available_at(pod, min_ready)
            if at is None:
                continue
            ready += 1
            if at <= now:
                available += 1
            elif next_available is None or at < next_available:
                next_available = at
        status: dict[str, Any] = {"replicas": len(claimed)}
        if fully_labeled:
            status["fullyLabeledReplicas"] = fully_labeled
        if ready:
            status["readyReplicas"] = ready
        if available:
            status["availableReplicas"] = available
        status["observedGeneration"] = owner.generation
        conditions = [
            c for c in owner.status.get("conditions") or () if c.get("type") != "ReplicaFailure"
        ]
        failure = next(
            (c for c in owner.status.get("conditions") or () if c.get("type") == "ReplicaFailure"),
            None,
        )
        if error is not None:
            conditions.append(
                failure
                or {
                    "type": "ReplicaFailure",
                    "status": "True",
                    "lastTransitionTime": now,
                    "reason": "FailedCreate" if diff < 0 else "FailedDelete",
                    "message": str(error),
                }
            )
        elif failure is not None and (
            owner.deletion_timestamp is not None or self._retry_at.get(owner.uid, -1) > now
        ):
            conditions.append(failure)  # no create was tried: nothing succeeded either
        if conditions:
            status["conditions"] = conditions
        if self.store.update_status(owner, status):
            self._synced_rv[owner.uid] = owner.resource_version
        if next_available is not None:
            self._wake(owner.uid, next_available)

    def _event(self, owner: ApiObject, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, owner.ref, message, self.family.source)


class ReplicationManager(ReplicaSetController):
    """The same controller for ReplicationControllers (``pkg/controller/replication``)."""

    FAMILY = REPLICATION_CONTROLLER
