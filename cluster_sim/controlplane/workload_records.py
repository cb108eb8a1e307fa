"""``workload`` records: what the page draws in a workload's lane.

One record per change of a Deployment, ReplicaSet or ReplicationController
(through ``Recorder.changed``: one per instant at most, and none when nothing
the page shows changed), and a ``deleted`` record when the object is gone::

    {"workload": "Deployment/default/web", "kindOf": "Deployment",
     "owner": None, "desired": 3, "current": 3, "ready": 2, "available": 2,
     "updated": 3, "revision": "1", "images": ["nginx:1.14.2"], "paused": False,
     "conditions": {"Available": {"status", "reason", "message"}}, "deleting": False}

``owner`` is the controller ownerReference as ``Kind/namespace/name``;
``updated`` is None for kinds without ``status.updatedReplicas``; missing
status counts are 0. Another kind joins by adding a ``Shape`` to ``SHAPES``
(a Job's or a DaemonSet's counts live in other status fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .context import ControlContext
from .store import ApiObject, WatchType

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"


def _count(obj: ApiObject, field: str) -> int:
    value = obj.status.get(field)
    return int(value) if isinstance(value, int) else 0


def _desired(obj: ApiObject) -> int:
    value = obj.spec.get("replicas")
    return int(value) if isinstance(value, int) else 1


@dataclass(frozen=True, slots=True)
class Shape:
    """Where one kind keeps the counts a lane shows."""

    desired: Callable[[ApiObject], int]
    current: Callable[[ApiObject], int]
    ready: Callable[[ApiObject], int]
    available: Callable[[ApiObject], int]
    updated: Callable[[ApiObject], int | None]


REPLICAS = Shape(
    desired=_desired,
    current=lambda o: _count(o, "replicas"),
    ready=lambda o: _count(o, "readyReplicas"),
    available=lambda o: _count(o, "availableReplicas"),
    updated=lambda o: None,
)
SHAPES: dict[str, Shape] = {
    "Deployment": Shape(
        REPLICAS.desired,
        REPLICAS.current,
        REPLICAS.ready,
        REPLICAS.available,
        lambda o: _count(o, "updatedReplicas"),
    ),
    "ReplicaSet": REPLICAS,
    "ReplicationController": REPLICAS,
    # Jobs: desired = completions (parallelism in work-queue mode), current = active Pods.
    "Job": Shape(
        desired=lambda o: int(
            _v
            if isinstance(_v := o.spec.get("completions"), int)
            else o.spec.get("parallelism") or 0
        ),
        current=lambda o: _count(o, "active"),
        ready=lambda o: _count(o, "ready"),
        available=lambda o: 0,
        updated=lambda o: None,
    ),
    # CronJobs: current = active Jobs; the rest is in BATCH_FIELDS.
    "CronJob": Shape(
        desired=lambda o: 0,
        current=lambda o: len(o.status.get("active") or ()),
        ready=lambda o: 0,
        available=lambda o: 0,
        updated=lambda o: None,
    ),
    # DaemonSets: desired = nodes that should run a Pod, current = those that do.
    "DaemonSet": Shape(
        desired=lambda o: _count(o, "desiredNumberScheduled"),
        current=lambda o: _count(o, "currentNumberScheduled"),
        ready=lambda o: _count(o, "numberReady"),
        available=lambda o: _count(o, "numberAvailable"),
        updated=lambda o: _count(o, "updatedNumberScheduled"),
    ),
    "StatefulSet": Shape(
        REPLICAS.desired,
        REPLICAS.current,
        REPLICAS.ready,
        REPLICAS.available,
        lambda o: _count(o, "updatedReplicas"),
    ),
}


def _job_fields(o: ApiObject) -> dict[str, Any]:
    completions = o.spec.get("completions")
    return {
        "succeeded": _count(o, "succeeded"),
        "failed": _count(o, "failed"),
        "completions": completions if isinstance(completions, int) else None,
        "parallelism": int(o.spec.get("parallelism") or 0),
        "indexed": o.spec.get("completionMode") == "Indexed",
        "completedIndexes": o.status.get("completedIndexes"),
        "startTime": o.status.get("startTime"),
        "completionTime": o.status.get("completionTime"),
        "paused": bool(o.spec.get("suspend")),
    }


def _cron_job_fields(o: ApiObject) -> dict[str, Any]:
    template = o.spec.get("jobTemplate")
    job_spec = template.get("spec") if isinstance(template, dict) else None
    pod = (job_spec or {}).get("template") if isinstance(job_spec, dict) else None
    spec = pod.get("spec") if isinstance(pod, dict) else None
    containers = spec.get("containers") if isinstance(spec, dict) else None
    active = [a for a in o.status.get("active") or () if isinstance(a, dict)]
    return {
        "active": len(active),
        "activeJobs": [str(a.get("name")) for a in active],
        "lastScheduleTime": o.status.get("lastScheduleTime"),
        "lastSuccessfulTime": o.status.get("lastSuccessfulTime"),
        "suspended": bool(o.spec.get("suspend")),
        "paused": bool(o.spec.get("suspend")),
        "schedule": o.spec.get("schedule"),
        "timeZone": o.spec.get("timeZone"),
        "images": [str(c.get("image") or "") for c in containers or () if isinstance(c, dict)],
    }


def _daemon_set_fields(o: ApiObject) -> dict[str, Any]:
    template = o.spec.get("template")
    spec = template.get("spec") if isinstance(template, dict) else None
    selector = spec.get("nodeSelector") if isinstance(spec, dict) else None
    return {
        "misscheduled": _count(o, "numberMisscheduled"),
        "nodeSelector": dict(selector) if isinstance(selector, dict) else {},
        "strategy": (o.spec.get("updateStrategy") or {}).get("type"),
    }


def _stateful_set_fields(o: ApiObject) -> dict[str, Any]:
    strategy = o.spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    return {
        "serviceName": o.spec.get("serviceName"),
        "podManagementPolicy": o.spec.get("podManagementPolicy"),
        "strategy": strategy.get("type"),
        "partition": rolling.get("partition") if isinstance(rolling, dict) else None,
        "currentRevision": o.status.get("currentRevision"),
        "updateRevision": o.status.get("updateRevision"),
        "claimTemplates": [
            str((t.get("metadata") or {}).get("name"))
            for t in o.spec.get("volumeClaimTemplates") or ()
            if isinstance(t, dict)
        ],
    }


# Fields a kind adds to (or overrides in) its record.
BATCH_FIELDS: dict[str, Callable[[ApiObject], dict[str, Any]]] = {
    "Job": _job_fields,
    "CronJob": _cron_job_fields,
    "DaemonSet": _daemon_set_fields,
    "StatefulSet": _stateful_set_fields,
}


def _images(obj: ApiObject) -> list[str]:
    template = obj.spec.get("template")
    spec = template.get("spec") if isinstance(template, dict) else None
    containers = spec.get("containers") if isinstance(spec, dict) else None
    return [str(c.get("image") or "") for c in containers or () if isinstance(c, dict)]


def workload_fields(obj: ApiObject, shape: Shape) -> dict[str, Any]:
    ref = obj.controller_ref()
    return {
        "workload": obj.ref,
        "kindOf": obj.kind,
        "owner": f"{ref.kind}/{obj.namespace}/{ref.name}" if ref is not None else None,
        "desired": shape.desired(obj),
        "current": shape.current(obj),
        "ready": shape.ready(obj),
        "available": shape.available(obj),
        "updated": shape.updated(obj),
        "revision": obj.annotations.get(REVISION_ANNOTATION),
        "images": _images(obj),
        "paused": bool(obj.spec.get("paused")),
        "conditions": {
            str(c.get("type")): {
                "status": c.get("status"),
                "reason": c.get("reason"),
                "message": c.get("message"),
            }
            for c in obj.status.get("conditions") or ()
        },
        "deleting": obj.deletion_timestamp is not None,
    }


class WorkloadRecords:
    """Writes the ``workload`` and ``deleted`` records of the kinds in ``SHAPES``."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx

    def start(self) -> None:
        for kind in SHAPES:
            self.ctx.store.watch(kind, self._on_workload)

    def _on_workload(self, event: WatchType, obj: ApiObject) -> None:
        if event is WatchType.DELETED:
            self.ctx.recorder.emit("deleted", workload=obj.ref)
            return
        fields = workload_fields(obj, SHAPES[obj.kind])
        extra = BATCH_FIELDS.get(obj.kind)
        if extra is not None:
            fields.update(extra(obj))
        self.ctx.recorder.changed(("workload", obj.ref), "workload", fields)
