"""A DaemonSet at the API server, and what its Pods get from the controller.

``daemon_pod`` is ``CreatePodTemplate`` plus the node binding of
``ReplaceDaemonSetPodNodeNameNodeAffinity``: the template's Pod with the
``controller-revision-hash`` label, the tolerations ``AddOrUpdateDaemonPodTolerations``
adds, and a required node affinity on ``metadata.name`` so the default
scheduler places it on its node.
"""

from __future__ import annotations

import copy
from typing import Any

from ...validation.sets import daemon_set, validate_daemon_set
from ..context import ControlContext
from ..deployment.hashing import compute_hash
from ..store import ApiObject, KindInfo

SOURCE = "daemonset-controller"
REVISION_LABEL = "controller-revision-hash"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"

# AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util), in its order.
DAEMON_TOLERATIONS: tuple[dict[str, str], ...] = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)
HOST_NETWORK_TOLERATION = {
    "key": "node.kubernetes.io/network-unavailable",
    "operator": "Exists",
    "effect": "NoSchedule",
}


def _default(body: dict[str, Any]) -> None:
    defaulted = daemon_set(body)
    body.clear()
    body.update(defaulted)


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    return [str(e) for e in validate_daemon_set(manifest)]


def register_daemon_set_kind(ctx: ControlContext) -> None:
    if "DaemonSet" in ctx.store.kinds:
        return
    ctx.store.register(
        KindInfo("DaemonSet", "daemonsets.apps", "apps/v1", default=_default, validate=_validate)
    )


def revision_hash(ds: ApiObject) -> str:
    """The ``controller-revision-hash`` of the DaemonSet's current template."""
    collision = ds.status.get("collisionCount")
    return compute_hash(ds.spec.get("template") or {}, collision)


def with_daemon_tolerations(pod_spec: dict[str, Any]) -> None:
    tolerations = [t for t in pod_spec.get("tolerations") or () if isinstance(t, dict)]
    wanted = list(DAEMON_TOLERATIONS)
    if pod_spec.get("hostNetwork"):
        wanted.append(HOST_NETWORK_TOLERATION)
    for toleration in wanted:
        # AddOrUpdateTolerationInPodSpec: an equal key/effect toleration is replaced.
        tolerations = [
            t
            for t in tolerations
            if not (t.get("key") == toleration["key"] and t.get("effect") == toleration["effect"])
        ]
        tolerations.append(dict(toleration))
    pod_spec["tolerations"] = tolerations


def node_affinity_for(pod_spec: dict[str, Any], node: str) -> None:
    """``ReplaceDaemonSetPodNodeNameNodeAffinity``: the required terms become the node's name."""
    affinity = pod_spec.get("affinity")
    affinity = copy.deepcopy(affinity) if isinstance(affinity, dict) else {}
    node_affinity = affinity.get("nodeAffinity")
    if not isinstance(node_affinity, dict):
        node_affinity = affinity["nodeAffinity"] = {}
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]
    }
    pod_spec["affinity"] = affinity
