"""The Deployment controller: a client of the store that rolls ReplicaSets.

A sync (``syncDeployment``, controllers.md §3.2): claim the ReplicaSets
(adopt matching orphans, release owned ones that no longer match); a
Deployment being deleted only gets its status; then the paused conditions;
a paused Deployment or a scaling event is ``sync``ed (proportional scaling,
history clean-up when paused, status); otherwise the strategy's rollout
(``rolling``/``recreate``) and ``syncRolloutStatus``.

Syncs are batched per instant like the ReplicaSet controller's: every
Deployment touched by the watch events of an instant is synced once after
them, in creation order, and again if its own writes touch it (the store's
watches have no latency, so a rollout step follows the availability that
allows it at the same instant); its own status writes do not bring it back
(upstream's resync after one changes nothing but schedules the stuck-rollout
check, which is done right after the write here). A stuck rollout is looked
at again one second after its progress deadline (``requeueStuckDeployment``). DESIGN.md,
"Deployments", writes the choices down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...event_reasons import EventReason
from ...record_types import EventType
from ..context import ControlContext
from ..podtemplate import controller_ref
from ..selectors import label_selector
from ..store import AlreadyExists, ApiError, ApiObject, WatchType
from . import progress
from .fenceposts import RolloutSpec, StrategyType, max_surge
from .hashing import POD_TEMPLATE_HASH_LABEL, compute_hash
from .history import history_to_delete
from .kind import KIND, register_kind
from .progress import PROGRESSING, DeploymentFacts, Reason
from .recreate import old_pods_running, scale_down_old_for_recreate
from .replicasets import (
    DESIRED_REPLICAS,
    REVISION,
    ReplicaSetState,
    Scale,
    active,
    equal_ignore_hash,
    find_new,
    max_revision,
    set_new_rs_annotations,
    set_replicas_annotations,
)
from .rolling import new_rs_new_replicas, reconcile_new_replica_set, reconcile_old_replica_sets
from .scaling import proportional_scale

SOURCE = "deployment-controller"
REPLICA_SET = "ReplicaSet"


class DeploymentController:
    """Rolls every Deployment's ReplicaSets; see the module docstring."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._seq: dict[str, int] = {}  # uid -> creation order
        self._created = 0
        self._dirty: set[str] = set()
        self._pass_pending = False
        self._wakes: dict[str, int] = {}
        self._watching_pods = False
        self._orphans: dict[str, dict[str, ApiObject]] = {}  # namespace -> uid -> ReplicaSet
        self._own_writes: dict[str, int] = {}  # uid -> resourceVersion of our status write

    def start(self) -> None:
        register_kind(self.store)
        if REPLICA_SET in self.store.kinds:
            for rs in self.store.list(REPLICA_SET):
                if rs.controller_ref() is None:
                    self._orphans.setdefault(rs.namespace, {})[rs.uid] = rs
        self.store.watch(KIND, self._on_deployment)
        self.store.watch(REPLICA_SET, self._on_replica_set)

    # -- watch handlers --------------------------------------------------------

    def _on_deployment(self, event: WatchType, d: ApiObject) -> None:
        if event is WatchType.DELETED:
            for table in (self._seq, self._wakes, self._own_writes):
                table.pop(d.uid, None)
            self._dirty.discard(d.uid)
            return
        if self._own_writes.get(d.uid) == d.resource_version:
            return  # our own status write: nothing a sync would do differently
        if d.uid not in self._seq:
            self._created += 1
            self._seq[d.uid] = self._created
        if not self._watching_pods and RolloutSpec.of(d.spec).strategy is StrategyType.RECREATE:
            self._watching_pods = True
            self.store.watch("Pod", self._on_pod)
        self._mark(d.uid)

    def _on_replica_set(self, event: WatchType, rs: ApiObject) -> None:
        ref = rs.controller_ref()
        orphans = self._orphans.setdefault(rs.namespace, {})
        if ref is not None or event is WatchType.DELETED:
            orphans.pop(rs.uid, None)
        if ref is not None:
            if ref.kind == KIND and ref.uid in self._seq:
                self._mark(ref.uid)
            return
        if event is WatchType.DELETED:
            return
        orphans[rs.uid] = rs
        for d in self.store.list(KIND, rs.namespace):
            if d.uid in self._seq and label_selector(d.spec.get("selector"))(rs.labels):
                self._mark(d.uid)

    def _on_pod(self, _event: WatchType, pod: ApiObject) -> None:
        """Recreate waits for the old Pods to be gone: look again when one changes."""
        ref = pod.controller_ref()
        if ref is None or ref.kind != REPLICA_SET:
            return
        rs = self.store.by_uid(ref.uid)
        owner = rs.controller_ref() if rs is not None else None
        if owner is None or owner.uid not in self._seq:
            return
        d = self.store.by_uid(owner.uid)
        if d is not None and RolloutSpec.of(d.spec).strategy is StrategyType.RECREATE:
            self._mark(d.uid)

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
            d = self.store.by_uid(uid)
            if d is not None and d.kind == KIND:
                self.sync(d)

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

    def sync(self, d: ApiObject) -> None:
        """``syncDeployment``."""
        rss = self.claim(d)
        if d.deletion_timestamp is not None:
            new_rs, olds = self._new_and_old(d, rss, create=False)
            self._sync_status(d, new_rs, olds)
            return
        self._check_paused_conditions(d)
        if d.spec.get("paused"):
            self._sync(d, rss)
            return
        if self._is_scaling_event(d, rss):
            self._sync(d, rss)
            return
        if RolloutSpec.of(d.spec).strategy is StrategyType.RECREATE:
            self._rollout_recreate(d, rss)
        else:
            self._rollout_rolling(d, rss)

    def claim(self, d: ApiObject) -> list[ApiObject]:
        """``getReplicaSetsForDeployment``: owned ReplicaSets after adoption and release."""
        selector = label_selector(d.spec.get("selector"))
        deleting = d.deletion_timestamp is not None
        claimed: list[ApiObject] = []
        for rs in self.store.dependents(d.uid):
            ref = rs.controller_ref()
            if rs.kind != REPLICA_SET or ref is None or ref.uid != d.uid:
                continue
            if selector(rs.labels) or deleting:
                claimed.append(rs)
            else:
                refs = [r for r in rs.owner_references if r.uid != d.uid]
                self.store.set_owner_references(rs, refs)  # released
        if deleting:
            return claimed
        orphans = self._orphans.get(d.namespace) or {}
        for uid, rs in sorted(orphans.items(), key=lambda item: item[1].created_ms):
            if rs.controller_ref() is not None or self.store.by_uid(uid) is not rs:
                orphans.pop(uid, None)
                continue
            if rs.deletion_timestamp is None and selector(rs.labels):
                orphans.pop(uid, None)
                self.store.set_owner_references(rs, [*rs.owner_references, controller_ref(d)])
                claimed.append(rs)  # adopted
        return claimed

    # -- new and old ReplicaSets -----------------------------------------------

    def _new_and_old(
        self, d: ApiObject, rss: list[ApiObject], *, create: bool
    ) -> tuple[ApiObject | None, list[ApiObject]]:
        """``getAllReplicaSetsAndSyncRevision``."""
        existing = find_new(d, rss)
        olds = [rs for rs in rss if rs is not existing]
        return self._new_replica_set(d, existing, olds, create), olds

    def _new_replica_set(
        self, d: ApiObject, existing: ApiObject | None, olds: list[ApiObject], create: bool
    ) -> ApiObject | None:
        """``getNewReplicaSet``: sync the new ReplicaSet's annotations, or create it."""
        new_revision = max_revision(olds) + 1
        facts = self._facts(d)
        if existing is not None:
            annotations = dict(existing.annotations)
            changed = set_new_rs_annotations(
                d, annotations, new_revision, exists=True, replicas=(0, 0)
            )
            min_ready = d.spec.get("minReadySeconds") or 0
            if changed or (existing.spec.get("minReadySeconds") or 0) != min_ready:
                manifest = existing.manifest()
                manifest["spec"]["minReadySeconds"] = min_ready
                manifest["metadata"]["annotations"] = annotations
                self.store.update(existing, manifest)
                return existing
            self._set_revision(d, existing.annotations.get(REVISION, ""))
            if facts.has_deadline and progress.get_condition(d.status, PROGRESSING) is None:
                status = dict(d.status)
                progress.set_condition(
                    status,
                    progress.condition(
                        PROGRESSING,
                        "True",
                        Reason.FOUND_NEW_RS,
                        f'Found new replica set "{existing.name}"',
                        self.ctx.now_ms,
                    ),
                )
                self._write_status(d, status)
            return existing
        if not create:
            return None
        return self._create_new_replica_set(d, olds, new_revision, facts)

    def _create_new_replica_set(
        self, d: ApiObject, olds: list[ApiObject], new_revision: int, facts: DeploymentFacts
    ) -> ApiObject | None:
        template = d.spec.get("template") or {}
        collision = d.status.get("collisionCount")
        pod_hash = compute_hash(template, collision)
        labels = {**((template.get("metadata") or {}).get("labels") or {})}
        labels[POD_TEMPLATE_HASH_LABEL] = pod_hash
        new_template = {**template, "metadata": {**(template.get("metadata") or {})}}
        new_template["metadata"]["labels"] = labels
        selector = dict(d.spec.get("selector") or {})
        selector["matchLabels"] = {
            **(selector.get("matchLabels") or {}),
            POD_TEMPLATE_HASH_LABEL: pod_hash,
        }
        name = f"{d.name}-{pod_hash}"
        rollout = facts.rollout
        states = [ReplicaSetState.of(rs) for rs in olds]
        candidate = ReplicaSetState(name)
        replicas = new_rs_new_replicas(rollout, [*states, candidate], candidate)
        annotations: dict[str, str] = {}
        set_new_rs_annotations(
            d,
            annotations,
            new_revision,
            exists=False,
            replicas=(rollout.replicas, rollout.replicas + max_surge(rollout)),
        )
        manifest = {
            "apiVersion": "apps/v1",
            "kind": REPLICA_SET,
            "metadata": {
                "name": name,
                "namespace": d.namespace,
                "labels": dict(labels),
                "annotations": annotations,
                "ownerReferences": [controller_ref(d).manifest()],
            },
            "spec": {
                "replicas": replicas,
                "minReadySeconds": d.spec.get("minReadySeconds") or 0,
                "selector": selector,
                "template": new_template,
            },
        }
        try:
            created = self.store.create(REPLICA_SET, manifest)
        except AlreadyExists:
            found = self.store.get(REPLICA_SET, d.namespace, name)
            ref = found.controller_ref() if found is not None else None
            if (
                found is not None
                and ref is not None
                and ref.uid == d.uid
                and equal_ignore_hash(template, found.spec.get("template") or {})
            ):
                return found
            status = dict(d.status)
            status["collisionCount"] = int(collision or 0) + 1
            self._write_status(d, status)
            self._mark(d.uid)  # upstream returns the error: a requeue, with a new name
            return None
        except ApiError as err:
            message = f'Failed to create new replica set "{name}": {err}'
            if facts.has_deadline:
                status = dict(d.status)
                progress.set_condition(
                    status,
                    progress.condition(
                        PROGRESSING, "False", Reason.FAILED_RS_CREATE, message, self.ctx.now_ms
                    ),
                )
                self._write_status(d, status)
            self._event(d, EventType.WARNING, EventReason.REPLICA_SET_CREATE_ERROR, message)
            return None
        if replicas > 0:
            self._event(
                d,
                EventType.NORMAL,
                EventReason.SCALING_REPLICA_SET,
                Scale(name, 0, replicas).message(),
            )
        self._set_revision(d, str(new_revision))
        if facts.has_deadline:
            status = dict(d.status)
            progress.set_condition(
                status,
                progress.condition(
                    PROGRESSING,
                    "True",
                    Reason.NEW_RS_CREATED,
                    f'Created new replica set "{name}"',
                    self.ctx.now_ms,
                ),
            )
            self._write_status(d, status)
        return created

    def _set_revision(self, d: ApiObject, revision: str) -> None:
        """``SetDeploymentRevision``."""
        if d.annotations.get(REVISION) != revision:
            self.store.patch_metadata(d, annotations={**d.annotations, REVISION: revision})

    # -- scaling ---------------------------------------------------------------

    def _apply(
        self,
        d: ApiObject,
        scales: Sequence[Scale],
        touched: Sequence[ReplicaSetState] = (),
    ) -> bool:
        """Write each ``Scale`` (``scaleReplicaSet``), with the replicas annotations,
        and refresh those annotations on ``touched``; True if a size changed."""
        rollout = RolloutSpec.of(d.spec)
        wanted = (rollout.replicas, rollout.replicas + max_surge(rollout))
        sizes = {s.name: s for s in scales}
        names = [s.name for s in scales] + [rs.name for rs in touched if rs.name not in sizes]
        for name in names:
            rs = self.store.get(REPLICA_SET, d.namespace, name)
            if rs is None:
                continue
            annotations = dict(rs.annotations)
            changed = set_replicas_annotations(annotations, *wanted)
            scale = sizes.get(name)
            if scale is None and not changed:
                continue
            manifest = rs.manifest()
            manifest["metadata"]["annotations"] = annotations
            if scale is not None:
                manifest["spec"]["replicas"] = scale.new
            try:
                self.store.update(rs, manifest)
            except ApiError:
                continue
            if scale is not None:
                self._event(d, EventType.NORMAL, EventReason.SCALING_REPLICA_SET, scale.message())
        return bool(scales)

    def _is_scaling_event(self, d: ApiObject, rss: list[ApiObject]) -> bool:
        """``isScalingEvent``: an active ReplicaSet was sized for other replicas."""
        new_rs, olds = self._new_and_old(d, rss, create=False)
        replicas = RolloutSpec.of(d.spec).replicas
        for rs in active(ReplicaSetState.of(r) for r in [*olds, *([new_rs] if new_rs else [])]):
            desired = rs.int_annotation(DESIRED_REPLICAS)
            if desired is not None and desired != replicas:
                return True
        return False

    def _sync(self, d: ApiObject, rss: list[ApiObject]) -> None:
        """``sync``: proportional scaling, history clean-up when paused, status."""
        new_rs, olds = self._new_and_old(d, rss, create=False)
        rollout = RolloutSpec.of(d.spec)
        new_state = ReplicaSetState.of(new_rs) if new_rs is not None else None
        old_states = [ReplicaSetState.of(rs) for rs in olds]
        scales, touched = proportional_scale(
            rollout, new_state, old_states, int(d.status.get("replicas") or 0)
        )
        self._apply(d, scales, touched)
        if d.spec.get("paused"):
            self._cleanup(d, olds)
        self._sync_status(d, new_rs, olds)

    def _sync_status(self, d: ApiObject, new_rs: ApiObject | None, olds: list[ApiObject]) -> None:
        """``syncDeploymentStatus``."""
        new_state = ReplicaSetState.of(new_rs) if new_rs is not None else None
        states = [ReplicaSetState.of(rs) for rs in olds] + [new_state]
        status = progress.calculate_status(
            self._facts(d), states, new_state, d.status, self.ctx.now_ms
        )
        self._write_status(d, status)

    def _check_paused_conditions(self, d: ApiObject) -> None:
        """``checkPausedConditions``: Progressing Unknown DeploymentPaused / DeploymentResumed."""
        if not self._facts(d).has_deadline:
            return
        cond = progress.get_condition(d.status, PROGRESSING)
        if cond is not None and cond.get("reason") == Reason.TIMED_OUT:
            return
        paused_cond = cond is not None and cond.get("reason") == Reason.PAUSED
        paused = bool(d.spec.get("paused"))
        if paused and not paused_cond:
            reason, message = Reason.PAUSED, "Deployment is paused"
        elif not paused and paused_cond:
            reason, message = Reason.RESUMED, "Deployment is resumed"
        else:
            return
        status = dict(d.status)
        progress.set_condition(
            status, progress.condition(PROGRESSING, "Unknown", reason, message, self.ctx.now_ms)
        )
        self._write_status(d, status)

    def _cleanup(self, d: ApiObject, olds: list[ApiObject]) -> None:
        """``cleanupDeployment``: old ReplicaSets past revisionHistoryLimit go (no event)."""
        limit = d.spec.get("revisionHistoryLimit")
        for rs in history_to_delete(olds, int(limit) if limit is not None else None):
            if self.store.get(REPLICA_SET, rs.namespace, rs.name) is rs:
                self.store.delete(REPLICA_SET, rs.namespace, rs.name)

    # -- the strategies --------------------------------------------------------

    def _rollout_rolling(self, d: ApiObject, rss: list[ApiObject]) -> None:
        """``rolloutRolling``: scale up if possible, else down if possible, else clean up."""
        new_rs, olds = self._new_and_old(d, rss, create=True)
        if new_rs is None:
            return  # a create failed or collided; its status write brings the next sync
        rollout = RolloutSpec.of(d.spec)
        new_state = ReplicaSetState.of(new_rs)
        old_states = [ReplicaSetState.of(rs) for rs in olds]
        all_states = [*old_states, new_state]
        if not self._apply(d, reconcile_new_replica_set(rollout, all_states, new_state)):
            scales = reconcile_old_replica_sets(rollout, all_states, active(old_states), new_state)
            if not self._apply(d, scales):
                facts = self._facts(d)
                if progress.deployment_complete(facts, d.status):
                    self._cleanup(d, olds)
        self._sync_rollout_status(d, new_rs, olds)

    def _rollout_recreate(self, d: ApiObject, rss: list[ApiObject]) -> None:
        """``rolloutRecreate``: old ReplicaSets to 0, wait for their Pods, then the new one."""
        new_rs, olds = self._new_and_old(d, rss, create=False)
        old_states = [ReplicaSetState.of(rs) for rs in olds]
        if self._apply(d, scale_down_old_for_recreate(old_states)):
            self._sync_rollout_status(d, new_rs, olds)
            return
        new_uid = new_rs.uid if new_rs is not None else None
        phases = [
            str(pod.status.get("phase") or "")
            for rs in olds
            for pod in self.store.dependents(rs.uid)
            if pod.kind == "Pod"
            and (ref := pod.controller_ref()) is not None
            and ref.uid == rs.uid
            and rs.uid != new_uid
        ]
        if old_pods_running([ReplicaSetState.of(rs) for rs in olds], phases):
            self._sync_rollout_status(d, new_rs, olds)
            return
        if new_rs is None:
            new_rs, olds = self._new_and_old(d, rss, create=True)
            if new_rs is None:
                return
        rollout = RolloutSpec.of(d.spec)
        state = ReplicaSetState.of(new_rs)
        if state.replicas != rollout.replicas:
            self._apply(d, [Scale(new_rs.name, state.replicas, rollout.replicas)])
        if progress.deployment_complete(self._facts(d), d.status):
            self._cleanup(d, olds)
        self._sync_rollout_status(d, new_rs, olds)

    # -- status ----------------------------------------------------------------

    def _sync_rollout_status(
        self, d: ApiObject, new_rs: ApiObject | None, olds: list[ApiObject]
    ) -> None:
        """``syncRolloutStatus``: write the status, or requeue a rollout that may time out."""
        facts = self._facts(d)
        new_state = ReplicaSetState.of(new_rs) if new_rs is not None else None
        states = [ReplicaSetState.of(rs) for rs in olds] + [new_state]
        status = progress.rollout_status(
            facts, states, new_state, d.status, self.ctx.now_ms, self._replica_failure(olds, new_rs)
        )
        self._write_status(d, status)
        # What upstream's resync after this write would do (DESIGN.md, "Deployments").
        after = progress.requeue_after_ms(facts, d.status, status, self.ctx.now_ms)
        if after is not None:
            self._wake(d.uid, self.ctx.now_ms + after)

    @staticmethod
    def _replica_failure(olds: list[ApiObject], new_rs: ApiObject | None) -> dict[str, Any] | None:
        """``getReplicaFailures``: the new ReplicaSet's ReplicaFailure condition first."""
        ordered = ([new_rs] if new_rs is not None else []) + olds
        for rs in ordered:
            for cond in rs.status.get("conditions") or ():
                if cond.get("type") == "ReplicaFailure":
                    return {
                        "type": "ReplicaFailure",
                        "status": cond.get("status", "True"),
                        "lastUpdateTime": cond.get("lastTransitionTime"),
                        "lastTransitionTime": cond.get("lastTransitionTime"),
                        "reason": cond.get("reason", ""),
                        "message": cond.get("message", ""),
                    }
        return None

    def _write_status(self, d: ApiObject, status: dict[str, Any]) -> bool:
        """``UpdateStatus``; the write does not bring this controller back (see the docstring)."""
        if not self.store.update_status(d, status):
            return False
        self._own_writes[d.uid] = d.resource_version
        return True

    def _facts(self, d: ApiObject) -> DeploymentFacts:
        return DeploymentFacts.of(d.name, d.spec, d.generation)

    def _event(self, d: ApiObject, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, d.ref, message, SOURCE)
