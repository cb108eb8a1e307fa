"""The garbage collector: dependents whose owners are gone, and cascading deletion.

As ``pkg/controller/garbagecollector``: an object is garbage when every one of
its ownerReferences names an owner that no longer exists (by uid); it is then
deleted (background, or foreground if it is itself an owner waiting for its
own dependents). A delete's ``propagationPolicy`` decides what happens to the
dependents of the object deleted:

- Background: the owner is gone at once; its dependents become garbage here.
- Foreground: the owner stays, with a deletionTimestamp and the
  ``foregroundDeletion`` finalizer, while its dependents are deleted; the
  finalizer comes off (and the owner goes) when no dependent with
  ``blockOwnerDeletion`` is left (a Terminating Pod still blocks).
- Orphan: the owner's entry is taken off every dependent's ownerReferences,
  then the ``orphan`` finalizer comes off and the owner goes.

It watches the kinds that own things (Deployments, ReplicaSets,
ReplicationControllers; Jobs and the rest of issue #12 join ``OWNER_KINDS``)
and, once one of them exists, Pods: a run of bare Pods pays nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from .context import ControlContext
from .store import (
    FOREGROUND_FINALIZER,
    ORPHAN_FINALIZER,
    ApiError,
    ApiObject,
    Propagation,
    WatchType,
)

OWNER_KINDS: tuple[str, ...] = (
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "DaemonSet",
    "StatefulSet",
)
DEPENDENT_ONLY_KINDS: tuple[str, ...] = ("Pod", "PersistentVolumeClaim")


def waits_for_dependents(obj: ApiObject) -> bool:
    """``isDeletingDependents``: deleted in the foreground, its finalizer still on."""
    return obj.deletion_timestamp is not None and FOREGROUND_FINALIZER in obj.finalizers


class GarbageCollector:
    """See the module docstring."""

    def __init__(self, ctx: ControlContext, owner_kinds: Sequence[str] = OWNER_KINDS) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.owner_kinds = tuple(owner_kinds)
        self._dependents_watched = False

    def start(self) -> None:
        for kind in self.owner_kinds:
            self.store.watch(kind, self._on_object)

    def _on_object(self, event: WatchType, obj: ApiObject) -> None:
        if not self._dependents_watched:
            self._dependents_watched = True
            for kind in DEPENDENT_ONLY_KINDS:
                self.store.watch(kind, self._on_object)
        if event is WatchType.DELETED:
            for dependent in self.store.dependents(obj.uid):
                self.attempt_to_delete(dependent)
            self._unblock_owners_of(obj)
            return
        if obj.deletion_timestamp is not None:
            if ORPHAN_FINALIZER in obj.finalizers and obj.kind in self.owner_kinds:
                self._orphan_dependents(obj)
            elif waits_for_dependents(obj):
                self._delete_dependents(obj)
            return
        if event is WatchType.ADDED and obj.owner_references:
            self.attempt_to_delete(obj)

    # -- an object whose owners may be gone ------------------------------------

    def attempt_to_delete(self, item: ApiObject) -> None:
        """``attemptToDeleteItem``: delete ``item`` if none of its owners is left (solid)."""
        if not item.owner_references or self.store.by_uid(item.uid) is not item:
            return
        solid, gone_or_waiting = [], []
        for ref in item.owner_references:
            owner = self.store.by_uid(ref.uid)
            if owner is None or waits_for_dependents(owner):
                gone_or_waiting.append(ref)
            else:
                solid.append(ref)
        if solid:
            if gone_or_waiting:
                self.store.set_owner_references(item, solid)
            return
        if item.deletion_timestamp is not None:
            return
        policy = Propagation.BACKGROUND
        if ORPHAN_FINALIZER in item.finalizers:
            policy = Propagation.ORPHAN
        elif FOREGROUND_FINALIZER in item.finalizers:
            policy = Propagation.FOREGROUND
        elif self.store.dependents(item.uid) and any(
            (o := self.store.by_uid(r.uid)) is not None and waits_for_dependents(o)
            for r in item.owner_references
        ):
            policy = Propagation.FOREGROUND  # its owner waits: so does it, for its own
        try:
            self.store.delete(item.kind, item.namespace, item.name, policy)
        except ApiError:
            return  # gone meanwhile

    # -- owners being deleted --------------------------------------------------

    def _orphan_dependents(self, owner: ApiObject) -> None:
        for dependent in self.store.dependents(owner.uid):
            refs = [r for r in dependent.owner_references if r.uid != owner.uid]
            self.store.set_owner_references(dependent, refs)
        self.store.remove_finalizer(owner, ORPHAN_FINALIZER)

    def _delete_dependents(self, owner: ApiObject) -> None:
        for dependent in self.store.dependents(owner.uid):
            self.attempt_to_delete(dependent)
        self._finish_if_unblocked(owner)

    def _finish_if_unblocked(self, owner: ApiObject) -> None:
        """Take ``foregroundDeletion`` off once no dependent blocks the owner's deletion."""
        for dependent in self.store.dependents(owner.uid):
            for ref in dependent.owner_references:
                if ref.uid == owner.uid and ref.block_owner_deletion:
                    return
        self.store.remove_finalizer(owner, FOREGROUND_FINALIZER)

    def _unblock_owners_of(self, gone: ApiObject) -> None:
        for ref in gone.owner_references:
            owner = self.store.by_uid(ref.uid)
            if owner is not None and waits_for_dependents(owner):
                self._finish_if_unblocked(owner)
