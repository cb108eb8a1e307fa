"""PersistentVolumeClaims at the API server, bound at once by the default StorageClass.

The playground has one StorageClass, ``standard`` (the default one, as kind's
``rancher.io/local-path``), with ``volumeBindingMode: Immediate`` so a claim
is provisioned and bound the instant it is created: ``spec.volumeName``
``pvc-<uid>``, ``spec.storageClassName`` ``standard`` when unset, status
``Bound`` with the requested capacity and access modes. The data lives in the
run's claim volume (``Cluster.claim``, keyed by namespace and claim name), so
it outlives every Pod that mounts the claim and comes back with the claim.
"""

from __future__ import annotations

import copy
from typing import Any

from ..context import ControlContext
from ..store import ApiObject, KindInfo, WatchType

DEFAULT_STORAGE_CLASS = "standard"
PROVISIONER = "rancher.io/local-path"


def _default(body: dict[str, Any]) -> None:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        spec = body["spec"] = {}
    spec.setdefault("volumeMode", "Filesystem")
    if not spec.get("storageClassName"):
        spec["storageClassName"] = DEFAULT_STORAGE_CLASS


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    if old is not None:
        return []
    spec = _v if isinstance(_v := manifest.get("spec"), dict) else {}
    causes = []
    if not spec.get("accessModes"):
        causes.append("spec.accessModes: Required value: at least 1 access mode is required")
    requests = (spec.get("resources") or {}).get("requests") or {}
    if not requests.get("storage"):
        causes.append("spec.resources[storage]: Required value")
    return causes


def claim_volume_name(claim: ApiObject) -> str:
    return f"pvc-{claim.uid}"


class ClaimBinder:
    """The persistent-volume controller and the default provisioner, in one step."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx

    def start(self) -> None:
        register_claim_kind(self.ctx)
        self.ctx.store.watch("PersistentVolumeClaim", self._written)

    def _written(self, event: WatchType, claim: ApiObject) -> None:
        self._record(claim, deleted=event is WatchType.DELETED)
        if event is not WatchType.ADDED or claim.status.get("phase") == "Bound":
            return
        spec = claim.spec
        spec["volumeName"] = claim_volume_name(claim)
        requests = (spec.get("resources") or {}).get("requests") or {}
        claim.annotations.setdefault("pv.kubernetes.io/bind-completed", "yes")
        claim.annotations.setdefault("pv.kubernetes.io/bound-by-controller", "yes")
        claim.annotations.setdefault("volume.kubernetes.io/storage-provisioner", PROVISIONER)
        self.ctx.store.update_status(
            claim,
            {
                "phase": "Bound",
                "accessModes": copy.deepcopy(spec.get("accessModes") or []),
                "capacity": {"storage": str(requests.get("storage") or "")},
            },
        )

    def _record(self, claim: ApiObject, deleted: bool) -> None:
        """The ``claim`` record: what the page shows of a claim, on change."""
        ref = claim.controller_ref()
        status = claim.status
        fields = {
            "claim": claim.key,
            "phase": status.get("phase") or "Pending",
            "volume": claim.spec.get("volumeName"),
            "capacity": (status.get("capacity") or {}).get("storage"),
            "accessModes": list(status.get("accessModes") or ()),
            "storageClass": claim.spec.get("storageClassName"),
            "owner": f"{ref.kind}/{claim.namespace}/{ref.name}" if ref is not None else None,
            "deleting": claim.deletion_timestamp is not None,
            "deleted": deleted,
        }
        self.ctx.recorder.changed(("claim", claim.key), "claim", fields)


def register_claim_kind(ctx: ControlContext) -> None:
    if "PersistentVolumeClaim" in ctx.store.kinds:
        return
    ctx.store.register(
        KindInfo(
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            "v1",
            default=_default,
            validate=_validate,
        )
    )
