"""A Pod manifest from a workload's Pod template, as upstream's ``GetPodFromTemplate``.

The Pod gets the template's labels, annotations and finalizers, the
template's spec, the owner's namespace, ``generateName`` ``<owner>-`` (the API
server appends five characters, see ``store.APIStore._generate``) and one
ownerReference to its owner with ``controller`` and ``blockOwnerDeletion``
set (``metav1.NewControllerRef``). Nothing else is added: for a
Deployment's ReplicaSet the template already carries ``pod-template-hash``.
"""

from __future__ import annotations

import copy
from typing import Any

from ..validation.rules import name_is_dns_subdomain
from .store import ApiObject, OwnerReference


def controller_ref(owner: ApiObject) -> OwnerReference:
    """``metav1.NewControllerRef(owner, gvk)``."""
    return OwnerReference(
        api_version=str(owner.body.get("apiVersion") or ""),
        kind=owner.kind,
        name=owner.name,
        uid=owner.uid,
        controller=True,
        block_owner_deletion=True,
    )


def pods_prefix(controller_name: str) -> str:
    """``getPodsPrefix``: ``<name>-``, or ``<name>`` when that is not a valid name prefix."""
    prefix = f"{controller_name}-"
    return controller_name if name_is_dns_subdomain(prefix, prefix=True) else prefix


def pod_from_template(owner: ApiObject, template: Any) -> dict[str, Any]:
    """The manifest a controller sends to the API server to create one Pod of ``owner``."""
    template = template if isinstance(template, dict) else {}
    meta = _v if isinstance(_v := template.get("metadata"), dict) else {}
    metadata: dict[str, Any] = {
        "generateName": pods_prefix(owner.name),
        "namespace": owner.namespace,
        "ownerReferences": [controller_ref(owner).manifest()],
    }
    for key in ("labels", "annotations", "finalizers"):
        value = meta.get(key)
        if value:
            metadata[key] = copy.deepcopy(value)
    spec = template.get("spec")
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": copy.deepcopy(spec) if isinstance(spec, dict) else {},
    }
