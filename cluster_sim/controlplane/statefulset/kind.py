"""A StatefulSet at the API server, and the Pods and claims its controller makes.

``stateful_pod`` is ``newVersionedStatefulSetPod``: the template's Pod named
``<set>-<ordinal>`` with the identity labels (``statefulset.kubernetes.io/pod-name``,
``apps.kubernetes.io/pod-index``, ``controller-revision-hash`` ``<set>-<hash>``),
``hostname`` = its name and ``subdomain`` = ``serviceName`` (``updateIdentity``),
and a ``persistentVolumeClaim`` volume per claim template (``updateStorage``).
"""

from __future__ import annotations

import copy
from typing import Any

from ...validation.sets import stateful_set, validate_stateful_set
from ..context import ControlContext
from ..deployment.hashing import compute_hash
from ..podtemplate import controller_ref, pod_from_template
from ..store import ApiObject, KindInfo

SOURCE = "statefulset-controller"
REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def _default(body: dict[str, Any]) -> None:
    defaulted = stateful_set(body)
    body.clear()
    body.update(defaulted)


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    return [str(e) for e in validate_stateful_set(manifest)]


def register_stateful_set_kind(ctx: ControlContext) -> None:
    if "StatefulSet" in ctx.store.kinds:
        return
    ctx.store.register(
        KindInfo(
            "StatefulSet", "statefulsets.apps", "apps/v1", default=_default, validate=_validate
        )
    )


def revision_name(sts: ApiObject, template: Any) -> str:
    """The ControllerRevision name ``<set>-<hash>``, the Pods' ``controller-revision-hash``."""
    return f"{sts.name}-{compute_hash(template or {}, sts.status.get('collisionCount') or None)}"


def claim_templates(sts: ApiObject) -> list[dict[str, Any]]:
    return [t for t in sts.spec.get("volumeClaimTemplates") or () if isinstance(t, dict)]


def claim_name(template: dict[str, Any], sts: ApiObject, ordinal: int) -> str:
    """``getPersistentVolumeClaimName``: ``<template>-<set>-<ordinal>``."""
    name = (template.get("metadata") or {}).get("name") or ""
    return f"{name}-{sts.name}-{ordinal}"


def claim_manifest(template: dict[str, Any], sts: ApiObject, ordinal: int) -> dict[str, Any]:
    meta = template.get("metadata") or {}
    labels = dict((sts.spec.get("selector") or {}).get("matchLabels") or {})
    labels.update(meta.get("labels") or {})
    manifest: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": claim_name(template, sts, ordinal),
            "namespace": sts.namespace,
            "labels": labels,
        },
        "spec": copy.deepcopy(template.get("spec") or {}),
    }
    policy = sts.spec.get("persistentVolumeClaimRetentionPolicy") or {}
    if policy.get("whenDeleted") == "Delete":
        manifest["metadata"]["ownerReferences"] = [controller_ref(sts).manifest()]
    return manifest


def stateful_pod(sts: ApiObject, template: Any, revision: str, ordinal: int) -> dict[str, Any]:
    manifest = pod_from_template(sts, template)
    meta = manifest["metadata"]
    name = f"{sts.name}-{ordinal}"
    del meta["generateName"]
    meta["name"] = name
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    labels[REVISION_LABEL] = revision
    spec = manifest["spec"]
    spec["hostname"] = name
    if sts.spec.get("serviceName"):
        spec["subdomain"] = sts.spec["serviceName"]
    templates = claim_templates(sts)
    if templates:
        claimed = {str((t.get("metadata") or {}).get("name")) for t in templates}
        volumes = [v for v in spec.get("volumes") or () if v.get("name") not in claimed]
        for t in templates:
            volumes.append(
                {
                    "name": (t.get("metadata") or {}).get("name"),
                    "persistentVolumeClaim": {"claimName": claim_name(t, sts, ordinal)},
                }
            )
        spec["volumes"] = volumes
    return manifest


def ordinal_of(sts: ApiObject, pod: ApiObject) -> int | None:
    """``getParentNameAndOrdinal``: the ordinal of ``<set>-<n>``, None for another name."""
    prefix = f"{sts.name}-"
    if not pod.name.startswith(prefix):
        return None
    tail = pod.name[len(prefix) :]
    return int(tail) if tail.isdigit() else None
