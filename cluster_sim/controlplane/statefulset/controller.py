"""The StatefulSet controller: ordinal Pods with stable names, storage and order.

A sync (``defaultStatefulSetControl.UpdateStatefulSet``) looks at the Pods
``<set>-0`` ... ``<set>-<replicas-1>`` and the condemned ones above:

* a missing ordinal gets its claims (``<template>-<set>-<ordinal>``, created
  once, kept afterwards) and then its Pod; a Failed or Succeeded Pod is
  deleted and made again. With ``OrderedReady`` the sync stops at the first
  ordinal that is missing, terminating or not Running and Ready: ``web-1`` is
  created only once ``web-0`` is Running and Ready. ``Parallel`` goes on.
* condemned Pods (ordinal >= replicas) go highest first; ``OrderedReady``
  deletes one at a time, only while every kept Pod is Running and Ready,
  and waits for it to be gone.
* a RollingUpdate then replaces Pods whose revision is not the update
  revision, from the highest ordinal down to ``partition``, one at a time,
  waiting for each replacement to be Running and Ready. Ordinals below the
  partition are made from the current revision's template.

The status is ``computeReplicaStatus`` plus ``completeRollingUpdate``. Pods
are watched from the first StatefulSet on; syncs are batched per instant.
"""

from __future__ import annotations

import copy
from typing import Any

from ...event_reasons import EventReason
from ...record_types import EventType
from ..context import ControlContext
from ..podtemplate import controller_ref
from ..ranking import is_pod_ready
from ..store import AlreadyExists, ApiError, ApiObject, NotFound, WatchType
from .claims import ClaimBinder
from .kind import (
    REVISION_LABEL,
    SOURCE,
    claim_manifest,
    claim_name,
    claim_templates,
    ordinal_of,
    register_stateful_set_kind,
    revision_name,
    stateful_pod,
)


def running_and_ready(pod: ApiObject) -> bool:
    return pod.status.get("phase") == "Running" and is_pod_ready(pod)


def _finished(pod: ApiObject) -> bool:
    return pod.status.get("phase") in ("Failed", "Succeeded")


class StatefulSetController:
    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.binder = ClaimBinder(ctx)
        self._seq: dict[str, int] = {}
        self._created = 0
        self._synced_rv: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._pass_pending = False
        self._watching = False
        self._templates: dict[str, dict[str, Any]] = {}  # uid -> revision -> template

    def start(self) -> None:
        register_stateful_set_kind(self.ctx)
        self.binder.start()
        self.store.watch("StatefulSet", self._on_sts)

    def _on_sts(self, event: WatchType, sts: ApiObject) -> None:
        if event is WatchType.DELETED:
            for table in (self._seq, self._synced_rv, self._templates):
                table.pop(sts.uid, None)
            self._dirty.discard(sts.uid)
            return
        if event is WatchType.ADDED:
            self._created += 1
            self._seq[sts.uid] = self._created
            if not self._watching:
                self._watching = True
                self.store.watch("Pod", self._on_pod)
        elif self._synced_rv.get(sts.uid) == sts.resource_version:
            return
        self._mark(sts.uid)

    def _on_pod(self, event: WatchType, pod: ApiObject) -> None:
        ref = pod.controller_ref()
        if ref is not None and ref.kind == "StatefulSet" and ref.uid in self._seq:
            self._mark(ref.uid)

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
            sts = self.store.by_uid(uid)
            if sts is not None and sts.kind == "StatefulSet":
                self.sync(sts)

    # -- a sync ------------------------------------------------------------

    def _pods(self, sts: ApiObject) -> dict[int, ApiObject]:
        pods: dict[int, ApiObject] = {}
        for pod in self.store.dependents(sts.uid):
            ref = pod.controller_ref()
            if pod.kind != "Pod" or ref is None or ref.uid != sts.uid:
                continue
            ordinal = ordinal_of(sts, pod)
            if ordinal is not None:
                pods[ordinal] = pod
        return pods

    def sync(self, sts: ApiObject) -> None:
        template = sts.spec.get("template") or {}
        update = revision_name(sts, template)
        known = self._templates.setdefault(sts.uid, {})
        known.setdefault(update, copy.deepcopy(template))
        current = str(sts.status.get("currentRevision") or update)
        if sts.deletion_timestamp is None:
            self._update(sts, self._pods(sts), current, update)
        self._write_status(sts, self._pods(sts), current, update)

    def _partition(self, sts: ApiObject) -> int:
        strategy = sts.spec.get("updateStrategy") or {}
        if strategy.get("type") != "RollingUpdate":
            return 0
        return int((strategy.get("rollingUpdate") or {}).get("partition") or 0)

    def _update(
        self, sts: ApiObject, pods: dict[int, ApiObject], current: str, update: str
    ) -> None:
        replicas = int(_v if (_v := sts.spec.get("replicas")) is not None else 1)
        ordered = sts.spec.get("podManagementPolicy") != "Parallel"
        partition = self._partition(sts)
        healthy = True
        for ordinal in range(replicas):
            pod = pods.get(ordinal)
            if pod is None:
                revision = current if ordinal < partition else update
                self._create(sts, ordinal, revision)
                healthy = False
                if ordered:
                    return
                continue
            if _finished(pod) and pod.deletion_timestamp is None:
                failed = pod.status.get("phase") == "Failed"
                self._event(
                    sts,
                    EventType.WARNING if failed else EventType.NORMAL,
                    EventReason.RECREATING_FAILED_POD
                    if failed
                    else EventReason.RECREATING_TERMINATED_POD,
                    f"StatefulSet {sts.namespace}/{sts.name} is recreating "
                    f"{'failed' if failed else 'terminated'} Pod {pod.name}",
                )
                self._delete(sts, pod)
                healthy = False
                if ordered:
                    return
                continue
            if pod.deletion_timestamp is not None or not running_and_ready(pod):
                healthy = False
                if ordered:
                    return
        condemned = sorted((o for o in pods if o >= replicas), reverse=True)
        for ordinal in condemned:
            pod = pods[ordinal]
            if pod.deletion_timestamp is not None:
                if ordered:
                    return
                continue
            if ordered and not healthy:
                return
            self._delete(sts, pod)
            if ordered:
                return
        if not healthy or condemned:
            return
        if (sts.spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
            return
        for ordinal in range(replicas - 1, partition - 1, -1):
            pod = pods[ordinal]
            if pod.labels.get(REVISION_LABEL) != update:
                self._delete(sts, pod)
                return

    def _create(self, sts: ApiObject, ordinal: int, revision: str) -> None:
        templates = self._templates.get(sts.uid, {})
        template = templates.get(revision) or sts.spec.get("template") or {}
        manifest = stateful_pod(sts, template, revision, ordinal)
        pod_name = manifest["metadata"]["name"]
        for claim_template in claim_templates(sts):
            name = claim_name(claim_template, sts, ordinal)
            if self.store.get("PersistentVolumeClaim", sts.namespace, name) is not None:
                continue
            try:
                self.store.create(
                    "PersistentVolumeClaim", claim_manifest(claim_template, sts, ordinal)
                )
            except AlreadyExists:
                continue
            except ApiError as e:
                message = (
                    f"create Claim {name} for Pod {pod_name} in StatefulSet {sts.name} "
                    f"failed error: {e}"
                )
                self._event(sts, EventType.WARNING, EventReason.FAILED_CREATE, message)
                return
            self._event(
                sts,
                EventType.NORMAL,
                EventReason.SUCCESSFUL_CREATE,
                f"create Claim {name} Pod {pod_name} in StatefulSet {sts.name} success",
            )
        try:
            self.store.create("Pod", manifest)
        except ApiError as e:
            self._event(
                sts,
                EventType.WARNING,
                EventReason.FAILED_CREATE,
                f"create Pod {pod_name} in StatefulSet {sts.name} failed error: {e}",
            )
            return
        self._event(
            sts,
            EventType.NORMAL,
            EventReason.SUCCESSFUL_CREATE,
            f"create Pod {pod_name} in StatefulSet {sts.name} successful",
        )

    def _delete(self, sts: ApiObject, pod: ApiObject) -> None:
        replicas = int(sts.spec.get("replicas") or 0)
        policy = sts.spec.get("persistentVolumeClaimRetentionPolicy") or {}
        ordinal = ordinal_of(sts, pod)
        if policy.get("whenScaled") == "Delete" and ordinal is not None and ordinal >= replicas:
            self._claims_owned_by(sts, pod, ordinal)
        try:
            self.store.delete("Pod", pod.namespace, pod.name)
        except NotFound:
            return
        except ApiError as e:
            self._event(
                sts,
                EventType.WARNING,
                EventReason.FAILED_DELETE,
                f"delete Pod {pod.name} in StatefulSet {sts.name} failed error: {e}",
            )
            return
        self._event(
            sts,
            EventType.NORMAL,
            EventReason.SUCCESSFUL_DELETE,
            f"delete Pod {pod.name} in StatefulSet {sts.name} successful",
        )

    def _claims_owned_by(self, sts: ApiObject, pod: ApiObject, ordinal: int) -> None:
        """whenScaled: Delete: a condemned Pod's claims get it as their owner (GC'd with it)."""
        for claim_template in claim_templates(sts):
            claim = self.store.get(
                "PersistentVolumeClaim", sts.namespace, claim_name(claim_template, sts, ordinal)
            )
            if claim is None:
                continue
            ref = controller_ref(pod)
            refs = [r for r in claim.owner_references if not r.controller]
            self.store.set_owner_references(claim, [*refs, ref])

    def _write_status(
        self, sts: ApiObject, pods: dict[int, ApiObject], current: str, update: str
    ) -> None:
        replicas = ready = available = current_count = updated = 0
        for pod in pods.values():
            replicas += 1
            if running_and_ready(pod):
                ready += 1
                available += 1
            if pod.deletion_timestamp is None:
                revision = pod.labels.get(REVISION_LABEL)
                if revision == current:
                    current_count += 1
                if revision == update:
                    updated += 1
        wanted = int(_v if (_v := sts.spec.get("replicas")) is not None else 1)
        if updated == wanted and ready == wanted and replicas == wanted:
            current, current_count = update, updated  # completeRollingUpdate
        status: dict[str, Any] = {
            "observedGeneration": sts.generation,
            "replicas": replicas,
            "readyReplicas": ready,
            "currentReplicas": current_count,
            "updatedReplicas": updated,
            "currentRevision": current,
            "updateRevision": update,
            "collisionCount": 0,
            "availableReplicas": available,
        }
        if self.store.update_status(sts, status):
            self._synced_rv[sts.uid] = sts.resource_version

    def _event(self, sts: ApiObject, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, sts.ref, message, SOURCE)
