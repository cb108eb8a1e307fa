"""A Job at the API server: defaulting, validation, and the selector it generates.

Without ``manualSelector: true`` the API server (``pkg/registry/batch/job``'s
``PrepareForCreate``) labels the template with ``batch.kubernetes.io/controller-uid``,
``batch.kubernetes.io/job-name`` and the legacy ``controller-uid``/``job-name``,
and sets the selector to the controller-uid label. The uid exists only once the
object does, so this runs as a store hook inside the create (before any watch
sees the Job).
"""

from __future__ import annotations

from typing import Any

from ...validation import defaults as api_defaults
from ...validation.workloads import (
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_JOB_NAME_LABEL,
    validate_job,
)
from ..context import ControlContext
from ..store import ApiObject, KindInfo, WatchType

LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
SOURCE = "job-controller"


def _default(body: dict[str, Any]) -> None:
    defaulted = api_defaults.job(body)
    spec = defaulted.get("spec")
    if isinstance(spec, dict):
        spec.setdefault("suspend", False)
        spec.setdefault(
            "podReplacementPolicy",
            "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed",
        )
    body.clear()
    body.update(defaulted)


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    if old is not None:
        return []  # the selector is generated now; updates only patch suspend and metadata
    return [str(e) for e in validate_job(manifest)]


def _generate_selector(event: WatchType, job: ApiObject) -> None:
    if event is WatchType.DELETED:
        return
    spec = job.spec
    if spec.get("manualSelector") is True or spec.get("selector"):
        return
    template = spec.setdefault("template", {})
    meta = template.setdefault("metadata", {})
    labels = meta.setdefault("labels", {})
    labels[CONTROLLER_UID_LABEL] = job.uid
    labels[JOB_NAME_LABEL] = job.name
    labels[LEGACY_CONTROLLER_UID_LABEL] = job.uid
    labels[LEGACY_JOB_NAME_LABEL] = job.name
    spec["selector"] = {"matchLabels": {CONTROLLER_UID_LABEL: job.uid}}


def register_job_kind(ctx: ControlContext) -> None:
    if "Job" in ctx.store.kinds:
        return
    ctx.store.register(
        KindInfo("Job", "jobs.batch", "batch/v1", default=_default, validate=_validate)
    )
    ctx.store.hook("Job", _generate_selector)


def is_finished(job: ApiObject) -> str | None:
    """``Complete`` or ``Failed`` when that condition is True, else None."""
    for condition in job.status.get("conditions") or ():
        if condition.get("type") in ("Complete", "Failed") and condition.get("status") == "True":
            return str(condition["type"])
    return None


def finish_time(job: ApiObject) -> int | None:
    for condition in job.status.get("conditions") or ():
        if condition.get("type") in ("Complete", "Failed") and condition.get("status") == "True":
            return int(condition.get("lastTransitionTime") or 0)
    return None


def is_indexed(job: ApiObject) -> bool:
    return job.spec.get("completionMode") == "Indexed"


def restart_policy(job: ApiObject) -> str:
    template = job.spec.get("template") or {}
    spec = template.get("spec") if isinstance(template, dict) else None
    return str((spec or {}).get("restartPolicy") or "Never")
