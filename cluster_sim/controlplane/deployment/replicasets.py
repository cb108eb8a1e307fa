"""A Deployment's view of its ReplicaSets: new and old, sizes, revisions, annotations.

Upstream: pkg/controller/deployment/util/deployment_util.go (``FindNewReplicaSet``,
``FindOldReplicaSets``, ``EqualIgnoreHash``, ``SetNewReplicaSetAnnotations``,
``SetReplicasAnnotations``, ``MaxRevision``) and controller_utils.go's sort
orders (controllers.md §3.1). ``ReplicaSetState`` is what the replica
arithmetic (``rolling``, ``recreate``, ``scaling``) reads and changes; the
controller turns it back into writes.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..store import ApiObject
from .hashing import POD_TEMPLATE_HASH_LABEL

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
CHANGE_CAUSE = "kubernetes.io/change-cause"
MAX_REV_HISTORY_CHARS = 2000
# Deployment annotations never copied to its ReplicaSets (annotationsToSkip).
SKIPPED_ANNOTATIONS = frozenset(
    {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
)


@dataclass(slots=True)
class ReplicaSetState:
    """One ReplicaSet as the replica arithmetic sees it (``replicas`` is spec.replicas)."""

    name: str
    created_ms: int = 0
    replicas: int = 0
    status_replicas: int = 0
    ready: int = 0
    available: int = 0
    annotations: dict[str, str] = field(default_factory=dict)
    uid: str = ""

    @classmethod
    def of(cls, rs: ApiObject) -> ReplicaSetState:
        status = rs.status
        return cls(
            name=rs.name,
            created_ms=rs.created_ms,
            replicas=int(rs.spec.get("replicas") or 0),
            status_replicas=int(status.get("replicas") or 0),
            ready=int(status.get("readyReplicas") or 0),
            available=int(status.get("availableReplicas") or 0),
            annotations=dict(rs.annotations),
            uid=rs.uid,
        )

    def int_annotation(self, key: str) -> int | None:
        try:
            return int(self.annotations[key])
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Scale:
    """One change of a ReplicaSet's spec.replicas the controller makes."""

    name: str
    old: int
    new: int

    @property
    def direction(self) -> str:
        return "up" if self.new > self.old else "down"

    def message(self) -> str:
        """The ``ScalingReplicaSet`` event's message (v1.31+ wording: from, then to)."""
        return f"Scaled {self.direction} replica set {self.name} from {self.old} to {self.new}"


def by_creation(rss: Iterable[ReplicaSetState]) -> list[ReplicaSetState]:
    """``ReplicaSetsByCreationTimestamp``: oldest first, ties by name."""
    return sorted(rss, key=lambda rs: (rs.created_ms, rs.name))


def by_size_newer(rss: Iterable[ReplicaSetState]) -> list[ReplicaSetState]:
    """``ReplicaSetsBySizeNewer``: largest first, ties newest first."""
    return sorted(by_creation(rss)[::-1], key=lambda rs: -rs.replicas)


def by_size_older(rss: Iterable[ReplicaSetState]) -> list[ReplicaSetState]:
    """``ReplicaSetsBySizeOlder``: largest first, ties oldest first."""
    return sorted(by_creation(rss), key=lambda rs: -rs.replicas)


def active(rss: Iterable[ReplicaSetState | None]) -> list[ReplicaSetState]:
    """``FilterActiveReplicaSets``: spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and rs.replicas > 0]


def spec_total(rss: Iterable[ReplicaSetState | None]) -> int:
    return sum(rs.replicas for rs in rss if rs is not None)


def status_total(rss: Iterable[ReplicaSetState | None]) -> int:
    return sum(rs.status_replicas for rs in rss if rs is not None)


def available_total(rss: Iterable[ReplicaSetState | None]) -> int:
    return sum(rs.available for rs in rss if rs is not None)


def ready_total(rss: Iterable[ReplicaSetState | None]) -> int:
    return sum(rs.ready for rs in rss if rs is not None)


def revision_of(annotations: Mapping[str, str]) -> int:
    try:
        return int(annotations.get(REVISION, "0") or 0)
    except ValueError:
        return 0


def max_revision(rss: Iterable[ApiObject]) -> int:
    return max((revision_of(rs.annotations) for rs in rss), default=0)


def template_without_hash(template: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(template))
    meta = out.get("metadata")
    if isinstance(meta, dict):
        labels = meta.get("labels")
        if isinstance(labels, dict):
            labels.pop(POD_TEMPLATE_HASH_LABEL, None)
            if not labels:
                meta.pop("labels")
        if not meta:
            out.pop("metadata")
    return out


def equal_ignore_hash(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """``EqualIgnoreHash``: equal templates once the pod-template-hash label is dropped.

    Compared part by part, without copying (it runs for every ReplicaSet on every sync).
    """
    if a.keys() - {"metadata"} != b.keys() - {"metadata"}:
        return False
    if any(a[key] != b[key] for key in a if key != "metadata"):
        return False
    meta_a, meta_b = a.get("metadata") or {}, b.get("metadata") or {}
    if not isinstance(meta_a, Mapping) or not isinstance(meta_b, Mapping):
        return meta_a == meta_b
    if any(
        meta_a.get(key) != meta_b.get(key)
        for key in (meta_a.keys() | meta_b.keys()) - {"labels"}
        if meta_a.get(key) or meta_b.get(key)
    ):
        return False
    return _labels_without_hash(meta_a.get("labels")) == _labels_without_hash(meta_b.get("labels"))


def _labels_without_hash(labels: Any) -> dict[str, Any]:
    if not isinstance(labels, Mapping):
        return {}
    return {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}


def find_new(deployment: ApiObject, rss: Sequence[ApiObject]) -> ApiObject | None:
    """``FindNewReplicaSet``: the oldest ReplicaSet whose template is the Deployment's."""
    template = deployment.spec.get("template") or {}
    ordered = sorted(rss, key=lambda rs: (rs.created_ms, rs.name))
    return next(
        (rs for rs in ordered if equal_ignore_hash(rs.spec.get("template") or {}, template)),
        None,
    )


def copy_deployment_annotations(deployment: ApiObject, annotations: dict[str, str]) -> bool:
    """``copyDeploymentAnnotationsToReplicaSet``; True if ``annotations`` changed."""
    changed = False
    for key, value in deployment.annotations.items():
        if key in SKIPPED_ANNOTATIONS or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    return changed


def set_replicas_annotations(annotations: dict[str, str], desired: int, max_total: int) -> bool:
    """``SetReplicasAnnotations``; True if either changed."""
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(max_total))):
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed


def set_new_rs_annotations(
    deployment: ApiObject,
    annotations: dict[str, str],
    new_revision: int,
    *,
    exists: bool,
    replicas: tuple[int, int],
) -> bool:
    """``SetNewReplicaSetAnnotations``: copied annotations, revision (only raised),
    revision-history when an old revision is reused, and for a new ReplicaSet the
    desired/max replicas (``replicas``). True if anything changed."""
    changed = copy_deployment_annotations(deployment, annotations)
    had = REVISION in annotations
    old_text = annotations.get(REVISION, "")
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return changed
    if old < new_revision:
        annotations[REVISION] = str(new_revision)
        changed = True
        if had:
            history = annotations.get(REVISION_HISTORY, "")
            if not history:
                annotations[REVISION_HISTORY] = old_text
            else:
                parts = history.split(",")
                total = len(history) + len(old_text) + 1
                start = 0
                while total > MAX_REV_HISTORY_CHARS and start < len(parts):
                    total -= len(parts[start]) + 1
                    start += 1
                if total <= MAX_REV_HISTORY_CHARS:
                    annotations[REVISION_HISTORY] = ",".join([*parts[start:], old_text])
    if not exists and set_replicas_annotations(annotations, *replicas):
        changed = True
    return changed
