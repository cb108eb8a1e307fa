"""``kubectl get`` rows for Jobs and CronJobs (``printJob``, ``printCronJob`` of printers.go).

Job: STATUS is the first of Complete, Failed, Terminating, Suspended,
FailureTarget, SuccessCriteriaMet that holds, else Running; COMPLETIONS
``<succeeded>/<completions>`` (``/1 of <parallelism>`` in work-queue mode with
parallelism above 1); DURATION from ``startTime`` to ``completionTime`` (or
now), empty before the Job started. CronJob: SCHEDULE, TIMEZONE (``<none>``),
SUSPEND, ACTIVE, LAST SCHEDULE (age, ``<none>``), AGE. Wide adds CONTAINERS,
IMAGES, SELECTOR (a CronJob's selector is its jobTemplate's, ``<none>``).
"""

from __future__ import annotations

from typing import Any, Final

from ..controlplane.store import ApiObject
from .text import format_selector, human_duration

JOB_HEADERS: Final = ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
CRONJOB_HEADERS: Final = [
    "NAME",
    "SCHEDULE",
    "TIMEZONE",
    "SUSPEND",
    "ACTIVE",
    "LAST SCHEDULE",
    "AGE",
]
WIDE: Final = ["CONTAINERS", "IMAGES", "SELECTOR"]


def _true(obj: ApiObject, type_: str) -> bool:
    return any(
        c.get("type") == type_ and c.get("status") == "True"
        for c in obj.status.get("conditions") or ()
    )


def job_status(job: ApiObject) -> str:
    if _true(job, "Complete"):
        return "Complete"
    if _true(job, "Failed"):
        return "Failed"
    if job.deletion_timestamp is not None:
        return "Terminating"
    for type_ in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if _true(job, type_):
            return type_
    return "Running"


def job_completions(job: ApiObject) -> str:
    succeeded = int(job.status.get("succeeded") or 0)
    completions = job.spec.get("completions")
    if isinstance(completions, int):
        return f"{succeeded}/{completions}"
    parallelism = int(job.spec.get("parallelism") or 0)
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def job_duration(job: ApiObject, now_ms: int) -> str:
    start = job.status.get("startTime")
    if start is None:
        return ""
    end = job.status.get("completionTime")
    return human_duration((int(end) if end is not None else now_ms) - int(start))


def _template_spec(spec: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    template = spec.get("template")
    pod = template.get("spec") if isinstance(template, dict) else None
    containers = pod.get("containers") if isinstance(pod, dict) else None
    return [c for c in containers or () if isinstance(c, dict)], spec.get("selector")


def _wide(spec: dict[str, Any]) -> list[str]:
    containers, selector = _template_spec(spec)
    return [
        ",".join(str(c.get("name", "")) for c in containers),
        ",".join(str(c.get("image", "")) for c in containers),
        format_selector(selector) if isinstance(selector, dict) else "<none>",
    ]


def batch_row(obj: ApiObject, now_ms: int, wide: bool) -> list[str]:
    age = human_duration(now_ms - obj.created_ms)
    if obj.kind == "Job":
        cells = [obj.name, job_status(obj), job_completions(obj), job_duration(obj, now_ms), age]
        return cells + (_wide(obj.spec) if wide else [])
    spec = obj.spec
    suspend = spec.get("suspend")
    last = obj.status.get("lastScheduleTime")
    cells = [
        obj.name,
        str(spec.get("schedule") or ""),
        str(spec.get("timeZone") or "<none>"),
        "<unset>" if suspend is None else ("True" if suspend else "False"),
        str(len(obj.status.get("active") or ())),
        human_duration(now_ms - int(last)) if last is not None else "<none>",
        age,
    ]
    template = spec.get("jobTemplate")
    job_spec = template.get("spec") if isinstance(template, dict) else None
    return cells + (_wide(job_spec if isinstance(job_spec, dict) else {}) if wide else [])
