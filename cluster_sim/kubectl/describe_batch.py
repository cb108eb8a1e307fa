"""``kubectl describe`` for Jobs and CronJobs (``JobDescriber``, ``CronJobDescriber``).

Registered into ``describe.DESCRIBERS`` by ``command_line`` (this module imports
``describe`` for its helpers, so ``describe`` cannot import it back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..controlplane.store import ApiObject, APIStore
from ..records import EventSeries
from .describe import (
    Writer,
    _annotations,
    _controlled_by,
    _events,
    _labels,
    pod_template,
)
from .get_batch import job_completions
from .text import format_selector, human_duration, rfc1123z


def _pods_statuses(job: ApiObject) -> str:
    s = job.status
    return (
        f"{int(s.get('active') or 0)} Active ({int(s.get('ready') or 0)} Ready) / "
        f"{int(s.get('succeeded') or 0)} Succeeded / {int(s.get('failed') or 0)} Failed"
    )


def _job_body(w: Writer, spec: Mapping[str, Any], indent: str = "") -> None:
    selector = spec.get("selector")
    w.write(0, f"{indent}Selector:\t{format_selector(selector) if selector else '<unset>'}\n")
    if "parallelism" in spec:
        w.write(0, f"{indent}Parallelism:\t{spec['parallelism']}\n")
    completions = spec.get("completions")
    w.write(0, f"{indent}Completions:\t{completions if completions is not None else '<unset>'}\n")
    w.write(0, f"{indent}Completion Mode:\t{spec.get('completionMode') or 'NonIndexed'}\n")
    w.write(0, f"{indent}Suspend:\t{'true' if spec.get('suspend') else 'false'}\n")
    w.write(0, f"{indent}Backoff Limit:\t{spec.get('backoffLimit', 6)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"{indent}Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"{indent}TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")


def describe_job(
    store: APIStore, job: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    w = Writer()
    w.write(0, f"Name:\t{job.name}\n")
    w.write(0, f"Namespace:\t{job.namespace}\n")
    _labels(w, "Labels", job.labels)
    _annotations(w, "Annotations", job.annotations)
    controller = _controlled_by(job)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    _job_body(w, job.spec)
    status = job.status
    if status.get("startTime") is not None:
        w.write(0, f"Start Time:\t{rfc1123z(int(status['startTime']))}\n")
    if status.get("completionTime") is not None:
        w.write(0, f"Completed At:\t{rfc1123z(int(status['completionTime']))}\n")
        took = int(status["completionTime"]) - int(status.get("startTime") or 0)
        w.write(0, f"Duration:\t{human_duration(took)}\n")
    w.write(0, f"Pods Statuses:\t{_pods_statuses(job)}\n")
    if job.spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{status.get('completedIndexes') or '<none>'}\n")
    pod_template(w, job.spec.get("template"))
    _events(w, events, now_ms)
    return w.text()


def describe_cron_job(
    store: APIStore, cj: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec = cj.spec
    w = Writer()
    w.write(0, f"Name:\t{cj.name}\n")
    w.write(0, f"Namespace:\t{cj.namespace}\n")
    _labels(w, "Labels", cj.labels)
    _annotations(w, "Annotations", cj.annotations)
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', 'Allow')}\n")
    w.write(0, f"Suspend:\t{'True' if spec.get('suspend') else 'False'}\n")
    for title, key in (
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ):
        w.write(0, f"{title}:\t{spec.get(key, '<unset>')}\n")
    deadline = spec.get("startingDeadlineSeconds")
    w.write(
        0, f"Starting Deadline Seconds:\t{f'{deadline}s' if deadline is not None else '<unset>'}\n"
    )
    template = _v if isinstance(_v := spec.get("jobTemplate"), Mapping) else {}
    job_spec = _v if isinstance(_v := template.get("spec"), Mapping) else {}
    _job_body(w, job_spec)
    pod_template(w, job_spec.get("template"))
    last = cj.status.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{rfc1123z(int(last)) if last is not None else '<unset>'}\n")
    active = [a.get("name") for a in cj.status.get("active") or ()]
    w.write(0, f"Active Jobs:\t{', '.join(str(a) for a in active) if active else '<none>'}\n")
    _events(w, events, now_ms)
    return w.text()


BATCH_DESCRIBERS: Final = {"Job": describe_job, "CronJob": describe_cron_job}
__all__ = ["BATCH_DESCRIBERS", "describe_cron_job", "describe_job", "job_completions"]
