"""The API server of a run: objects with their metadata, admission and watches.

Every object has what the API server gives it: a uid, a resourceVersion that
grows with each write, a generation that grows with each change of ``spec``,
ownerReferences, finalizers and a deletionTimestamp. ``create`` and ``update``
run the kind's admission (defaulting, then validation, as registered with
``register``); a write that admission refuses raises ``Invalid`` with the API
server's messages.

Watches are delivered as the API server's watch streams deliver them: after
the write, never inside it. Writes queue their events and one dispatch at the
same simulated instant hands them out, oldest first, to every handler of the
kind in the order the handlers registered; events that handlers cause are
appended to the same queue and handed out in the same dispatch. So a
controller's reaction happens at the instant of the change (the simulation's
informers and work queues have no latency), in an order that depends only on
the order of the writes. ``cluster_sim/DESIGN.md`` ("The control plane")
writes this down.
"""

from __future__ import annotations

import builtins
import copy
import random
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import simpy

from .manifest_copy import copy_manifest

# The apiserver's names.SimpleNameGenerator: 5 characters from this alphabet
# (k8s.io/apimachinery/pkg/util/rand: no vowels, no 0, 1, 3).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
GENERATED_SUFFIX = 5
MAX_GENERATE_NAME_PREFIX = 63 - GENERATED_SUFFIX  # maxGeneratedNameLength = 58
FOREGROUND_FINALIZER = "foregroundDeletion"
ORPHAN_FINALIZER = "orphan"


class WatchType(StrEnum):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"


# The watch types read as module constants where every Pod write passes (the status
# write and its hooks): an Enum's member read through its class costs a lookup on the
# class's metaclass, several times a plain attribute's.
ADDED, MODIFIED, DELETED = WatchType.ADDED, WatchType.MODIFIED, WatchType.DELETED
ALL_WRITES = (ADDED, MODIFIED, DELETED)


class Propagation(StrEnum):
    """A delete's ``propagationPolicy``."""

    BACKGROUND = "Background"
    FOREGROUND = "Foreground"
    ORPHAN = "Orphan"


class ApiError(Exception):
    """A request the API server refuses; ``str()`` is its message as kubectl prints it."""


class Invalid(ApiError):
    def __init__(self, kind: str, name: str, causes: list[str]) -> None:
        self.causes = causes
        super().__init__(f'{kind} "{name}" is invalid: {"; ".join(causes)}')


class AlreadyExists(ApiError):
    def __init__(self, resource: str, name: str) -> None:
        super().__init__(f'{resource} "{name}" already exists')


class NotFound(ApiError):
    def __init__(self, resource: str, name: str) -> None:
        super().__init__(f'{resource} "{name}" not found')


@dataclass(frozen=True, slots=True)
class OwnerReference:
    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool = False
    block_owner_deletion: bool = False

    def manifest(self) -> dict[str, Any]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.name,
            "uid": self.uid,
            "controller": self.controller,
            "blockOwnerDeletion": self.block_owner_deletion,
        }

    @classmethod
    def from_manifest(cls, ref: Mapping[str, Any]) -> OwnerReference:
        return cls(
            str(ref.get("apiVersion") or ""),
            str(ref.get("kind") or ""),
            str(ref.get("name") or ""),
            str(ref.get("uid") or ""),
            bool(ref.get("controller")),
            bool(ref.get("blockOwnerDeletion")),
        )


Handler = Callable[[WatchType, "ApiObject"], None]


@dataclass(eq=False, slots=True)
class ApiObject:
    """One object as the API server holds it: metadata as fields, the rest in ``body``.

    ``body`` is the object without ``metadata`` and ``status`` (``spec``,
    ``data``...). ``status`` is written only through ``APIStore.update_status``.
    """

    kind: str
    namespace: str  # "" for cluster-scoped kinds
    name: str
    uid: str
    body: dict[str, Any]
    created_ms: int
    resource_version: int
    generation: int = 1
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    owner_references: list[OwnerReference] = field(default_factory=list)
    finalizers: list[str] = field(default_factory=list)
    deletion_timestamp: int | None = None
    deletion_grace_seconds: int | None = None
    generate_name: str = ""
    status: dict[str, Any] = field(default_factory=dict)
    # The hooks the kubelet's status writes of this object reach (``APIStore.write_status``):
    # its kind's MODIFIED hooks less those done with this object's
    # (``APIStore.ignore_kubelet_status``).
    status_hooks: tuple[Handler, ...] = ()

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.body.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def ref(self) -> str:
        """``Kind/namespace/name``: how records and events name an object."""
        return f"{self.kind}/{self.key}"

    def controller_ref(self) -> OwnerReference | None:
        return next((r for r in self.owner_references if r.controller), None)

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": self.name}
        if self.generate_name:
            meta["generateName"] = self.generate_name
        if self.namespace:
            meta["namespace"] = self.namespace
        meta["uid"] = self.uid
        meta["resourceVersion"] = str(self.resource_version)
        meta["generation"] = self.generation
        meta["creationTimestamp"] = self.created_ms
        if self.labels:
            meta["labels"] = dict(self.labels)
        if self.annotations:
            meta["annotations"] = dict(self.annotations)
        if self.owner_references:
            meta["ownerReferences"] = [r.manifest() for r in self.owner_references]
        if self.finalizers:
            meta["finalizers"] = list(self.finalizers)
        if self.deletion_timestamp is not None:
            meta["deletionTimestamp"] = self.deletion_timestamp
            meta["deletionGracePeriodSeconds"] = self.deletion_grace_seconds
        return meta

    def manifest(self) -> dict[str, Any]:
        """The whole object as ``kubectl get -o yaml`` shows it (times in ms)."""
        out = {"kind": self.kind, **copy.deepcopy(self.body), "metadata": self.metadata()}
        if self.status:
            out["status"] = copy.deepcopy(self.status)
        return out


DEFAULT_TERMINATION_GRACE_SECONDS = 30  # SetDefaults_PodSpec


def pod_grace_period(obj: ApiObject, requested: int | None) -> int:
    """The Pod strategy's ``CheckGracefulDelete`` (pkg/registry/core/pod/strategy.go).

    The request's grace period, else the Pod's ``terminationGracePeriodSeconds``;
    0 for a Pod no node runs yet or one that has finished; a negative one is 1.
    """
    spec_grace = obj.spec.get("terminationGracePeriodSeconds")
    if requested is not None:
        period = requested
    elif isinstance(spec_grace, int) and not isinstance(spec_grace, bool):
        period = spec_grace
    else:
        period = DEFAULT_TERMINATION_GRACE_SECONDS
    if not obj.spec.get("nodeName") or obj.status.get("phase") in ("Failed", "Succeeded"):
        period = 0
    if period < 0:
        period = 1
    return period


Defaulter = Callable[[dict[str, Any]], None]
Validator = Callable[[dict[str, Any], "ApiObject | None"], list[str]]


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    resource: str  # plural lower-case, as messages name it ("deployments.apps")
    api_version: str
    namespaced: bool = True
    default: Defaulter | None = None
    validate: Validator | None = None
    graceful: bool = False  # deletion waits for a client to ``remove`` it (Pods)


class APIStore:
    """The objects of one run, on its SimPy clock; see the module docstring."""

    def __init__(self, env: simpy.Environment, rng: random.Random, new_uid: Callable[[], str]):
        self.env = env
        self.rng = rng
        self.new_uid = new_uid
        self.kinds: dict[str, KindInfo] = {}
        self._objects: dict[str, dict[tuple[str, str], ApiObject]] = {}
        self._by_uid: dict[str, ApiObject] = {}
        self._dependents: dict[str, list[ApiObject]] = {}
        self._handlers: dict[str, list[Handler]] = {}
        self._hooks: dict[str, dict[WatchType, list[Handler]]] = {}  # kind -> type -> hooks
        self._status_hooks: dict[str, list[Handler]] = {}  # those kubelet status writes reach
        self._queue: deque[tuple[WatchType, ApiObject]] = deque()
        self._dispatching = False
        self._dispatch_scheduled = False
        self.revision = 0

    # -- kinds and watches ---------------------------------------------------

    def register(self, info: KindInfo) -> None:
        self.kinds[info.kind] = info
        self._objects.setdefault(info.kind, {})

    def watch(self, kind: str, handler: Handler) -> None:
        """Call ``handler(type, obj)`` after every write of ``kind`` (see the module docstring)."""
        self._handlers.setdefault(kind, []).append(handler)

    def hook(
        self, kind: str, handler: Handler, *, types: Collection[WatchType] = ALL_WRITES
    ) -> None:
        """Call ``handler(type, obj)`` inside every write of ``kind`` of one of ``types``,
        before it returns.

        For the run's node side only (the scheduler's and the kubelets' view of
        Pods, see DESIGN.md "The control plane"): a bare Pod is bound and
        started in the call that creates it, exactly as before the store
        existed. Controllers use ``watch``.

        The kubelet's own status writes (``write_status``, three a container start) reach
        a MODIFIED hook until it says it is done with that object's
        (``ignore_kubelet_status``): decided once per object, not at every write.
        """
        by_type = self._hooks.setdefault(kind, {t: [] for t in ALL_WRITES})
        for t in types:
            by_type[t].append(handler)
        if MODIFIED in types:
            self._status_hooks.setdefault(kind, []).append(handler)
            for obj in self._objects.get(kind, {}).values():
                obj.status_hooks = (*obj.status_hooks, handler)

    def ignore_kubelet_status(self, obj: ApiObject, handler: Handler) -> None:
        """``handler`` (a hook) has no use for ``obj``'s later kubelet status writes; it still
        sees its other writes."""
        obj.status_hooks = tuple(h for h in obj.status_hooks if h != handler)

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind, ()))

    # -- reads -----------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> ApiObject | None:
        return self._objects.get(kind, {}).get((namespace, name))

    def by_uid(self, uid: str) -> ApiObject | None:
        return self._by_uid.get(uid)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        where: Callable[[ApiObject], bool] | None = None,
    ) -> builtins.list[ApiObject]:
        """Objects of ``kind`` in creation order, optionally in one namespace and matching."""
        objs: Iterable[ApiObject] = self._objects.get(kind, {}).values()
        if namespace is not None:
            objs = (o for o in objs if o.namespace == namespace)
        if where is not None:
            objs = (o for o in objs if where(o))
        return list(objs)

    def dependents(self, owner_uid: str) -> builtins.list[ApiObject]:
        """Objects with an ownerReference to ``owner_uid``, in creation order."""
        return list(self._dependents.get(owner_uid, ()))

    # -- writes ----------------------------------------------------------------

    def create(
        self, kind: str, manifest: Mapping[str, Any], *, uid: str | None = None
    ) -> ApiObject:
        """Admit and store a new object; raise ``ApiError`` as the API server would.

        ``uid`` is for objects the run mirrors into the store with a uid of
        their own (it draws nothing from the run's generator).
        """
        info = self._info(kind)
        body = copy_manifest(dict(manifest))
        meta = body.pop("metadata", None) or {}
        status = body.pop("status", None)
        body.pop("kind", None)
        body.setdefault("apiVersion", info.api_version)
        namespace = str(meta.get("namespace") or "default") if info.namespaced else ""
        name = str(meta.get("name") or "")
        generate_name = str(meta.get("generateName") or "")
        if not name and generate_name:
            name = self._generate(kind, namespace, generate_name)
        if info.default is not None:
            info.default(body)
        if info.validate is not None:
            causes = info.validate({**body, "metadata": {**meta, "name": name}}, None)
            if causes:
                raise Invalid(info.kind, name or generate_name, causes)
        if not name:
            raise Invalid(
                info.kind, "", ["metadata.name: Required value: name or generateName is required"]
            )
        if (namespace, name) in self._objects[kind]:
            raise AlreadyExists(info.resource, name)
        self.revision += 1
        obj = ApiObject(
            kind=kind,
            namespace=namespace,
            name=name,
            uid=uid if uid is not None else self.new_uid(),
            body=body,
            created_ms=int(self.env.now),
            resource_version=self.revision,
            labels={str(k): str(v) for k, v in (meta.get("labels") or {}).items()},
            annotations={str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
            owner_references=[
                OwnerReference.from_manifest(r) for r in meta.get("ownerReferences") or []
            ],
            finalizers=[str(f) for f in meta.get("finalizers") or []],
            generate_name=generate_name,
            status=dict(status) if isinstance(status, dict) else {},
            status_hooks=tuple(self._status_hooks.get(kind, ())),
        )
        self._objects[kind][(namespace, name)] = obj
        self._by_uid[obj.uid] = obj
        for ref in obj.owner_references:
            self._dependents.setdefault(ref.uid, []).append(obj)
        self._notify(WatchType.ADDED, obj)
        return obj

    def update(self, obj: ApiObject, manifest: Mapping[str, Any]) -> ApiObject:
        """Replace ``obj``'s body and metadata (not status); a changed spec grows generation."""
        info = self._info(obj.kind)
        body = copy.deepcopy(dict(manifest))
        meta = body.pop("metadata", None) or {}
        body.pop("status", None)
        body.pop("kind", None)
        body.setdefault("apiVersion", obj.body.get("apiVersion", info.api_version))
        if info.default is not None:
            info.default(body)
        if info.validate is not None:
            causes = info.validate({**body, "metadata": {**meta, "name": obj.name}}, obj)
            if causes:
                raise Invalid(info.kind, obj.name, causes)
        if body.get("spec") != obj.body.get("spec"):
            obj.generation += 1
        obj.body = body
        if "labels" in meta:
            obj.labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        if "annotations" in meta:
            obj.annotations = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
        if "ownerReferences" in meta:
            self.set_owner_references(
                obj,
                [OwnerReference.from_manifest(r) for r in meta["ownerReferences"] or []],
                notify=False,
            )
        self._touch(obj)
        return obj

    def patch_metadata(
        self,
        obj: ApiObject,
        *,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        """Replace ``obj``'s labels and/or annotations (those given)."""
        if labels is not None:
            obj.labels = dict(labels)
        if annotations is not None:
            obj.annotations = dict(annotations)
        self._touch(obj)

    def set_owner_references(
        self, obj: ApiObject, refs: builtins.list[OwnerReference], *, notify: bool = True
    ) -> None:
        """Replace ``obj``'s ownerReferences (adoption, release, orphaning)."""
        for ref in obj.owner_references:
            siblings = self._dependents.get(ref.uid)
            if siblings is not None and obj in siblings:
                siblings.remove(obj)
        obj.owner_references = list(refs)
        for ref in obj.owner_references:
            self._dependents.setdefault(ref.uid, []).append(obj)
        if notify:
            self._touch(obj)

    def update_status(self, obj: ApiObject, status: Mapping[str, Any]) -> bool:
        """Write ``obj``'s status; nothing happens (no event) if it is unchanged."""
        if obj.status == status:
            return False
        obj.status = dict(status)
        self._touch(obj)
        return True

    def write_status(self, obj: ApiObject, status: dict[str, Any]) -> bool:
        """The kubelet's status write: ``update_status`` with a status built for this write
        that no one else holds or edits (once a publish), stored as it is, not copied.

        Watches see it as any write; of the hooks, only ``obj.status_hooks`` (``hook``).
        """
        if obj.status == status:
            return False
        obj.status = status
        # ``_touch`` written out: this is the kubelet's write, 3 a container start
        self.revision += 1
        obj.resource_version = self.revision
        if self._handlers.get(obj.kind):
            self._enqueue(MODIFIED, obj)
        for hook in obj.status_hooks:
            hook(MODIFIED, obj)
        return True

    def delete(
        self,
        kind: str,
        namespace: str,
        name: str,
        propagation: Propagation = Propagation.BACKGROUND,
        grace_seconds: int | None = None,
    ) -> ApiObject:
        """Delete as the API server does; raise ``NotFound``.

        Foreground and Orphan add their finalizer and leave the object with a
        deletionTimestamp for the garbage collector; a graceful kind (Pods)
        is marked with the grace period ``pod_grace_period`` gives and waits
        for its kubelet to ``remove`` it, unless that period is 0: then it goes
        now, as the API server deletes a Pod without grace (``kubectl delete
        --force --grace-period=0``, an unbound or finished Pod); anything else
        without finalizers goes now (Background: the garbage collector then
        deletes its dependents).
        """
        info = self._info(kind)
        obj = self.get(kind, namespace, name)
        if obj is None:
            raise NotFound(info.resource, name)
        if obj.deletion_timestamp is not None:
            if info.graceful and grace_seconds == 0 and not obj.finalizers:
                # ``BeforeDelete`` only shortens a pending graceful delete; to 0 it is a
                # force delete (a Pod stuck Terminating on a dead node goes at once).
                obj.deletion_grace_seconds = 0
                self.remove(obj)
            return obj
        if propagation is Propagation.FOREGROUND and FOREGROUND_FINALIZER not in obj.finalizers:
            obj.finalizers.append(FOREGROUND_FINALIZER)
        elif propagation is Propagation.ORPHAN and ORPHAN_FINALIZER not in obj.finalizers:
            obj.finalizers.append(ORPHAN_FINALIZER)
        if info.graceful:
            period = pod_grace_period(obj, grace_seconds)
            obj.deletion_timestamp = int(self.env.now)
            obj.deletion_grace_seconds = period
            if period == 0 and not obj.finalizers:
                # A graceless delete (a force delete, or nothing left to stop): the
                # object goes at once; its kubelet learns of it from DELETED alone.
                self.remove(obj)
                return obj
            self._touch(obj)
            return obj
        if obj.finalizers:
            obj.deletion_timestamp = int(self.env.now)
            obj.deletion_grace_seconds = 0
            self._touch(obj)
            return obj
        self.remove(obj)
        return obj

    def remove_finalizer(self, obj: ApiObject, finalizer: str) -> None:
        """Take ``finalizer`` off; an object being deleted with none left goes."""
        if finalizer not in obj.finalizers:
            return
        obj.finalizers.remove(finalizer)
        info = self.kinds[obj.kind]
        if obj.deletion_timestamp is not None and not obj.finalizers and not info.graceful:
            self.remove(obj)
        else:
            self._touch(obj)

    def remove(self, obj: ApiObject) -> None:
        """The object is gone from the store (DELETED to its watchers)."""
        if self._objects.get(obj.kind, {}).pop((obj.namespace, obj.name), None) is None:
            return
        self._by_uid.pop(obj.uid, None)
        for ref in obj.owner_references:
            siblings = self._dependents.get(ref.uid)
            if siblings is not None and obj in siblings:
                siblings.remove(obj)
        if obj.deletion_timestamp is None:
            obj.deletion_timestamp = int(self.env.now)
        self.revision += 1
        obj.resource_version = self.revision
        self._notify(WatchType.DELETED, obj)

    # -- internals -------------------------------------------------------------

    def _info(self, kind: str) -> KindInfo:
        info = self.kinds.get(kind)
        if info is None:
            raise ApiError(f'the server doesn\'t have a resource type "{kind.lower()}"')
        return info

    def _generate(self, kind: str, namespace: str, prefix: str) -> str:
        prefix = prefix[:MAX_GENERATE_NAME_PREFIX]
        while True:
            suffix = "".join(self.rng.choice(NAME_ALPHABET) for _ in range(GENERATED_SUFFIX))
            if (namespace, prefix + suffix) not in self._objects[kind]:
                return prefix + suffix

    def _touch(self, obj: ApiObject) -> None:
        self.revision += 1
        obj.resource_version = self.revision
        self._notify(WatchType.MODIFIED, obj)

    def _notify(self, kind: WatchType, obj: ApiObject) -> None:
        if self._handlers.get(obj.kind):
            self._enqueue(kind, obj)
        hooks = self._hooks.get(obj.kind)
        if hooks:
            for hook in hooks[kind]:
                hook(kind, obj)

    def _enqueue(self, kind: WatchType, obj: ApiObject) -> None:
        """For the watches: delivered by one dispatch at this instant (module docstring)."""
        self._queue.append((kind, obj))
        if not self._dispatching and not self._dispatch_scheduled:
            self._dispatch_scheduled = True
            event = self.env.event()
            event.callbacks.append(self._dispatch)
            event.succeed()

    def _dispatch(self, _event: simpy.Event | None = None) -> None:
        self._dispatch_scheduled = False
        self._dispatching = True
        try:
            while self._queue:
                kind, obj = self._queue.popleft()
                for handler in list(self._handlers.get(obj.kind, ())):
                    handler(kind, obj)
        finally:
            self._dispatching = False
