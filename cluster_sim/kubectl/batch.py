"""kubectl's CronJob operations: ``create job --from=cronjob/NAME`` and suspend/resume.

``trigger`` is ``kubectl create job JOB --from=cronjob/NAME``: a Job from the
CronJob's jobTemplate, annotated ``cronjob.kubernetes.io/instantiate: manual``
and owned by the CronJob (whose controller then reports it as an
``UnexpectedJob``, as a real one does). Without a Job name the playground picks
``<cronjob>-manual-<5 characters>`` (kubectl needs one). ``suspend`` is
``kubectl patch cronjob NAME -p '{"spec":{"suspend":true}}'``. Each returns
the line kubectl prints and hands it to ``ctx.notice``; nothing raises.
"""

from __future__ import annotations

import copy
from typing import Any

from ..controlplane.context import ControlContext
from ..controlplane.podtemplate import controller_ref
from ..controlplane.store import NAME_ALPHABET, ApiError
from .get import KubectlError, not_found, resource

MANUAL_ANNOTATION = "cronjob.kubernetes.io/instantiate"


def _split(key: str) -> tuple[str, str]:
    namespace, _, name = key.rpartition("/")
    return namespace or "default", name


def _say(ctx: ControlContext, text: str) -> str:
    ctx.notice(text)
    return text


def _cron_job(ctx: ControlContext, key: str) -> Any:
    res = resource("cronjob")
    namespace, name = _split(key)
    obj = ctx.store.get("CronJob", namespace, name) if "CronJob" in ctx.store.kinds else None
    if obj is None:
        raise KubectlError(not_found(res, name))
    return obj


def trigger(ctx: ControlContext, key: str, job_name: str = "") -> str:
    """``kubectl create job JOB --from=cronjob/NAME``."""
    try:
        cj = _cron_job(ctx, key)
        name = job_name or (
            f"{cj.name}-manual-" + "".join(ctx.rng.choice(NAME_ALPHABET) for _ in range(5))
        )
        template = cj.spec.get("jobTemplate") or {}
        meta = template.get("metadata") or {} if isinstance(template, dict) else {}
        manifest = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": name,
                "namespace": cj.namespace,
                "labels": dict(meta.get("labels") or {}),
                "annotations": {**(meta.get("annotations") or {}), MANUAL_ANNOTATION: "manual"},
                "ownerReferences": [controller_ref(cj).manifest()],
            },
            "spec": copy.deepcopy(template.get("spec") or {}),
        }
        try:
            ctx.store.create("Job", manifest)
        except ApiError as err:
            raise KubectlError(f"error: failed to create job: {err}") from err
        return _say(ctx, f"job.batch/{name} created")
    except KubectlError as err:
        return _say(ctx, str(err))


def suspend(ctx: ControlContext, key: str, suspended: bool) -> str:
    """``kubectl patch cronjob NAME -p '{"spec":{"suspend":<suspended>}}'``."""
    try:
        cj = _cron_job(ctx, key)
        if bool(cj.spec.get("suspend")) == suspended:
            return _say(ctx, f"cronjob.batch/{cj.name} patched (no change)")
        manifest = cj.manifest()
        manifest["spec"]["suspend"] = suspended
        try:
            ctx.store.update(cj, manifest)
        except ApiError as err:
            raise KubectlError(f"error: {err}") from err
        return _say(ctx, f"cronjob.batch/{cj.name} patched")
    except KubectlError as err:
        return _say(ctx, str(err))
