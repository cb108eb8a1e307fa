"""``kubectl describe`` for DaemonSets, StatefulSets and PersistentVolumeClaims.

``DaemonSetDescriber``, ``StatefulSetDescriber`` (with ``describeVolumeClaimTemplates``)
and ``PersistentVolumeClaimDescriber`` of kubectl's describe.go. Registered into
``describe.DESCRIBERS`` by ``command_line``, as ``describe_batch`` is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..controlplane.store import ApiObject, APIStore
from ..records import EventSeries
from .describe import Writer, _annotations, _events, _labels, pod_template, pods_status
from .get_sets import access_modes
from .text import format_labels, format_selector, rfc1123z


def _selector(obj: ApiObject) -> Mapping[str, Any]:
    selector = obj.spec.get("selector")
    return selector if isinstance(selector, Mapping) else {}


def _n(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def describe_daemon_set(
    store: APIStore, ds: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    template = _v if isinstance(_v := ds.spec.get("template"), Mapping) else {}
    pod_spec = _v if isinstance(_v := template.get("spec"), Mapping) else {}
    node_selector = pod_spec.get("nodeSelector")
    status = ds.status
    w = Writer()
    w.write(0, f"Name:\t{ds.name}\n")
    w.write(0, f"Selector:\t{format_selector(_selector(ds))}\n")
    w.write(
        0,
        "Node-Selector:\t"
        f"{format_labels(node_selector if isinstance(node_selector, Mapping) else None)}\n",
    )
    _labels(w, "Labels", ds.labels)
    _annotations(w, "Annotations", ds.annotations)
    w.write(0, f"Desired Number of Nodes Scheduled: {_n(status.get('desiredNumberScheduled'))}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {_n(status.get('currentNumberScheduled'))}\n")
    w.write(
        0,
        "Number of Nodes Scheduled with Up-to-date Pods: "
        f"{_n(status.get('updatedNumberScheduled'))}\n",
    )
    w.write(
        0,
        f"Number of Nodes Scheduled with Available Pods: {_n(status.get('numberAvailable'))}\n",
    )
    w.write(0, f"Number of Nodes Misscheduled: {_n(status.get('numberMisscheduled'))}\n")
    w.write(0, f"Pods Status:\t{pods_status(store, ds, _selector(ds))}\n")
    pod_template(w, template)
    _events(w, events, now_ms)
    return w.text()


def _claim_templates(w: Writer, templates: Any) -> None:
    claims = [t for t in templates or () if isinstance(t, Mapping)]
    if not claims:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for claim in claims:
        meta = _v if isinstance(_v := claim.get("metadata"), Mapping) else {}
        spec = _v if isinstance(_v := claim.get("spec"), Mapping) else {}
        w.write(1, f"Name:\t{meta.get('name') or ''}\n")
        w.write(1, f"StorageClass:\t{spec.get('storageClassName') or ''}\n")
        w.write(1, f"Labels:\t{format_labels(meta.get('labels')).replace(',', chr(10) + chr(9))}\n")
        annotations = meta.get("annotations") or {}
        shown = "\n\t".join(f"{k}: {annotations[k]}" for k in sorted(annotations)) or "<none>"
        w.write(1, f"Annotations:\t{shown}\n")
        requests = (spec.get("resources") or {}).get("requests") or {}
        w.write(1, f"Capacity:\t{requests.get('storage') or '<default>'}\n")
        w.write(1, f"Access Modes:\t[{' '.join(str(m) for m in spec.get('accessModes') or ())}]\n")


def describe_stateful_set(
    store: APIStore, sts: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec = sts.spec
    strategy = _v if isinstance(_v := spec.get("updateStrategy"), Mapping) else {}
    w = Writer()
    w.write(0, f"Name:\t{sts.name}\n")
    w.write(0, f"Namespace:\t{sts.namespace}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(sts.created_ms)}\n")
    w.write(0, f"Selector:\t{format_selector(_selector(sts))}\n")
    _labels(w, "Labels", sts.labels)
    _annotations(w, "Annotations", sts.annotations)
    w.write(
        0,
        f"Replicas:\t{_n(spec.get('replicas'))} desired | {_n(sts.status.get('replicas'))} total\n",
    )
    w.write(0, f"Update Strategy:\t{strategy.get('type') or ''}\n")
    rolling = strategy.get("rollingUpdate")
    if isinstance(rolling, Mapping) and rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{rolling['partition']}\n")
    w.write(0, f"Pods Status:\t{pods_status(store, sts, _selector(sts))}\n")
    pod_template(w, spec.get("template"))
    _claim_templates(w, spec.get("volumeClaimTemplates"))
    _events(w, events, now_ms)
    return w.text()


def _used_by(store: APIStore, claim: ApiObject) -> str:
    users = [
        pod.name
        for pod in store.list("Pod", claim.namespace)
        if any(
            isinstance(v, Mapping)
            and (v.get("persistentVolumeClaim") or {}).get("claimName") == claim.name
            for v in pod.spec.get("volumes") or ()
        )
    ]
    return "\n\t".join(sorted(users)) or "<none>"


def describe_claim(
    store: APIStore, claim: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec, status = claim.spec, claim.status
    bound = status.get("phase") == "Bound"
    w = Writer()
    w.write(0, f"Name:\t{claim.name}\n")
    w.write(0, f"Namespace:\t{claim.namespace}\n")
    w.write(0, f"StorageClass:\t{spec.get('storageClassName') or ''}\n")
    phase = "Terminating" if claim.deletion_timestamp is not None else status.get("phase")
    w.write(0, f"Status:\t{phase or 'Pending'}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName') or ''}\n")
    _labels(w, "Labels", claim.labels)
    _annotations(w, "Annotations", claim.annotations)
    w.write(0, f"Finalizers:\t[{' '.join(claim.finalizers)}]\n")
    capacity = (status.get("capacity") or {}).get("storage") if bound else ""
    w.write(0, f"Capacity:\t{capacity or ''}\n")
    w.write(0, f"Access Modes:\t{access_modes(status.get('accessModes')) if bound else ''}\n")
    w.write(0, f"VolumeMode:\t{spec.get('volumeMode') or 'Filesystem'}\n")
    w.write(0, f"Used By:\t{_used_by(store, claim)}\n")
    _events(w, events, now_ms)
    return w.text()


SET_DESCRIBERS: Final = {
    "DaemonSet": describe_daemon_set,
    "StatefulSet": describe_stateful_set,
    "PersistentVolumeClaim": describe_claim,
}
