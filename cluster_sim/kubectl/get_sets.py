"""``kubectl get`` rows for DaemonSets, StatefulSets and PersistentVolumeClaims (printers.go).

DaemonSet (``printDaemonSet``): DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE
from the status, NODE SELECTOR the template's ``nodeSelector`` (``<none>``);
wide adds CONTAINERS, IMAGES, SELECTOR. StatefulSet (``printStatefulSet``):
READY ``<readyReplicas>/<replicas>``; wide adds CONTAINERS, IMAGES.
PersistentVolumeClaim (``printPersistentVolumeClaim``): STATUS (the phase,
``Terminating`` once deleted), VOLUME, CAPACITY, ACCESS MODES in short form
(RWO, ROX, RWX, RWOP), STORAGECLASS, VOLUMEATTRIBUTESCLASS (``<unset>``);
wide adds VOLUMEMODE.
"""

from __future__ import annotations

from typing import Any, Final

from ..controlplane.store import ApiObject
from .text import format_labels, format_selector, human_duration

SET_KINDS: Final = ("DaemonSet", "StatefulSet", "PersistentVolumeClaim")
DAEMONSET_HEADERS: Final = [
    "NAME",
    "DESIRED",
    "CURRENT",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "NODE SELECTOR",
    "AGE",
]
STATEFULSET_HEADERS: Final = ["NAME", "READY", "AGE"]
PVC_HEADERS: Final = [
    "NAME",
    "STATUS",
    "VOLUME",
    "CAPACITY",
    "ACCESS MODES",
    "STORAGECLASS",
    "VOLUMEATTRIBUTESCLASS",
    "AGE",
]
DAEMONSET_WIDE: Final = ["CONTAINERS", "IMAGES", "SELECTOR"]
STATEFULSET_WIDE: Final = ["CONTAINERS", "IMAGES"]
PVC_WIDE: Final = ["VOLUMEMODE"]
SET_HEADERS: Final = {
    "DaemonSet": (DAEMONSET_HEADERS, DAEMONSET_WIDE),
    "StatefulSet": (STATEFULSET_HEADERS, STATEFULSET_WIDE),
    "PersistentVolumeClaim": (PVC_HEADERS, PVC_WIDE),
}
_ACCESS_MODES: Final = {
    "ReadWriteOnce": "RWO",
    "ReadOnlyMany": "ROX",
    "ReadWriteMany": "RWX",
    "ReadWriteOncePod": "RWOP",
}


def _n(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _pod_spec(obj: ApiObject) -> dict[str, Any]:
    template = obj.spec.get("template")
    spec = template.get("spec") if isinstance(template, dict) else None
    return spec if isinstance(spec, dict) else {}


def _containers(obj: ApiObject) -> list[str]:
    containers = [c for c in _pod_spec(obj).get("containers") or () if isinstance(c, dict)]
    return [
        ",".join(str(c.get("name", "")) for c in containers),
        ",".join(str(c.get("image", "")) for c in containers),
    ]


def access_modes(modes: Any) -> str:
    """``helper.GetAccessModesAsString``: each mode once, in kubectl's order."""
    given = set(modes or ())
    return ",".join(short for mode, short in _ACCESS_MODES.items() if mode in given)


def sets_row(obj: ApiObject, now_ms: int, wide: bool) -> list[str]:
    status = obj.status
    age = human_duration(now_ms - obj.created_ms)
    if obj.kind == "DaemonSet":
        node_selector = _pod_spec(obj).get("nodeSelector")
        cells = [
            obj.name,
            str(_n(status.get("desiredNumberScheduled"))),
            str(_n(status.get("currentNumberScheduled"))),
            str(_n(status.get("numberReady"))),
            str(_n(status.get("updatedNumberScheduled"))),
            str(_n(status.get("numberAvailable"))),
            format_labels(node_selector if isinstance(node_selector, dict) else None),
            age,
        ]
        if wide:
            selector = obj.spec.get("selector")
            cells += [
                *_containers(obj),
                format_selector(selector if isinstance(selector, dict) else None),
            ]
        return cells
    if obj.kind == "StatefulSet":
        replicas = obj.spec.get("replicas")
        cells = [obj.name, f"{_n(status.get('readyReplicas'))}/{_n(replicas)}", age]
        return cells + (_containers(obj) if wide else [])
    spec = obj.spec
    phase = "Terminating" if obj.deletion_timestamp is not None else status.get("phase")
    bound = status.get("phase") == "Bound"
    cells = [
        obj.name,
        str(phase or "Pending"),
        str(spec.get("volumeName") or ""),
        str((status.get("capacity") or {}).get("storage") or "") if bound else "",
        access_modes(status.get("accessModes")) if bound else "",
        str(spec.get("storageClassName") or ""),
        str(spec.get("volumeAttributesClassName") or "<unset>"),
        age,
    ]
    return cells + ([str(spec.get("volumeMode") or "Filesystem")] if wide else [])
