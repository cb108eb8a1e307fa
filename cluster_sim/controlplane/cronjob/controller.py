"""The CronJob controller (``cronjob_controllerv2.go``'s ``syncCronJob`` and cleanup).

A sync, in upstream's order: reconcile ``status.active`` with the Jobs the
CronJob owns (``SawCompletedJob``, ``MissingJob``, ``UnexpectedJob``); stop if
deleting or suspended; find the most recent scheduled time (``TooManyMissedTimes``
past 100 misses); skip it when ``startingDeadlineSeconds`` has passed
(``MissSchedule``) or its Job exists; apply ``concurrencyPolicy`` (Forbid:
``JobAlreadyActive`` and that run is lost; Replace: delete the active Jobs);
create ``<cronjob>-<scheduled minutes since the Unix epoch>``; delete finished
Jobs beyond the history limits; requeue 100 ms after the next tick.

Simulated time 0 is the wall-clock instant ``ctx.epoch_ms`` (2026-01-01T00:00:00Z
unless the Scenario's ``startTime`` says otherwise). Status times are simulated
milliseconds, like every other timestamp of the run.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from ...event_reasons import EventReason
from ...record_types import EventType
from ...validation import defaults as api_defaults
from ...validation.batch import validate_cron_job
from ..context import ControlContext
from ..podtemplate import controller_ref
from ..store import AlreadyExists, ApiError, ApiObject, KindInfo, NotFound, Propagation, WatchType
from .schedule import (
    Missed,
    ScheduleError,
    most_recent_schedule_time,
    next_schedule_time_duration,
    parse,
    zone_of,
)

SOURCE = "cronjob-controller"
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"


def _default(body: dict[str, Any]) -> None:
    defaulted = api_defaults.cron_job(body)
    body.clear()
    body.update(defaulted)


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    if old is not None:
        return []
    return [str(e) for e in validate_cron_job(manifest)]


def register_cron_job_kind(ctx: ControlContext) -> None:
    if "CronJob" not in ctx.store.kinds:
        ctx.store.register(
            KindInfo("CronJob", "cronjobs.batch", "batch/v1", default=_default, validate=_validate)
        )


def job_finished(job: ApiObject) -> str | None:
    for c in job.status.get("conditions") or ():
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return str(c["type"])
    return None


def job_from_template(
    cron_job: ApiObject, name: str, annotations: dict[str, str]
) -> dict[str, Any]:
    """``getJobFromTemplate2``: the jobTemplate's metadata and spec, owned by the CronJob."""
    template = cron_job.spec.get("jobTemplate") or {}
    meta = template.get("metadata") or {} if isinstance(template, dict) else {}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": cron_job.namespace,
            "labels": dict(meta.get("labels") or {}),
            "annotations": {**(meta.get("annotations") or {}), **annotations},
            "ownerReferences": [controller_ref(cron_job).manifest()],
        },
        "spec": copy.deepcopy(template.get("spec") or {}),
    }


class CronJobController:
    """Creates a CronJob's Jobs at its scheduled times; see the module docstring."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._seq: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._pending = False
        self._wakes: dict[str, int] = {}
        self._synced_rv: dict[str, int] = {}

    def start(self) -> None:
        register_cron_job_kind(self.ctx)
        self.store.watch("CronJob", self._on_cron_job)
        self.store.watch("Job", self._on_job)

    # -- clock -------------------------------------------------------------------

    def wall(self, sim_ms: int) -> datetime:
        return datetime.fromtimestamp((self.ctx.epoch_ms + sim_ms) / 1000, UTC)

    def sim_ms(self, wall: datetime) -> int:
        return round(wall.timestamp() * 1000) - self.ctx.epoch_ms

    # -- watches -----------------------------------------------------------------

    def _on_cron_job(self, event: WatchType, cj: ApiObject) -> None:
        if event is WatchType.DELETED:
            self._seq.pop(cj.uid, None)
            self._wakes.pop(cj.uid, None)
            return
        if cj.uid not in self._seq:
            self._seq[cj.uid] = len(self._seq) + 1 + max(self._seq.values(), default=0)
        elif self._synced_rv.get(cj.uid) == cj.resource_version:
            return
        self._mark(cj.uid)

    def _on_job(self, event: WatchType, job: ApiObject) -> None:
        ref = job.controller_ref()
        if ref is not None and ref.kind == "CronJob" and ref.uid in self._seq:
            self._mark(ref.uid)

    def _mark(self, uid: str) -> None:
        self._dirty.add(uid)
        if not self._pending:
            self._pending = True
            event = self.ctx.env.event()
            event.callbacks.append(self._run)
            event.succeed()

    def _run(self, _event: Any = None) -> None:
        self._pending = False
        batch = sorted((u for u in self._dirty if u in self._seq), key=self._seq.__getitem__)
        self._dirty.clear()
        for uid in batch:
            cj = self.store.by_uid(uid)
            if cj is not None and cj.kind == "CronJob":
                self.sync(cj)

    def _wake(self, uid: str, at_ms: int) -> None:
        pending = self._wakes.get(uid)
        if pending is not None and self.ctx.now_ms < pending <= at_ms:
            return
        self._wakes[uid] = at_ms
        timer = self.ctx.env.timeout(max(0, at_ms - self.ctx.now_ms))
        timer.callbacks.append(lambda _e: self._woken(uid, at_ms))

    def _woken(self, uid: str, at_ms: int) -> None:
        if self._wakes.get(uid) == at_ms:
            del self._wakes[uid]
            if uid in self._seq:
                self._mark(uid)

    # -- a sync ------------------------------------------------------------------

    def sync(self, cj: ApiObject) -> None:
        status = copy.deepcopy(cj.status)
        jobs = [
            j
            for j in self.store.dependents(cj.uid)
            if j.kind == "Job" and (r := j.controller_ref()) is not None and r.uid == cj.uid
        ]
        self._reconcile(cj, status, jobs)
        if cj.deletion_timestamp is None and not cj.spec.get("suspend"):
            self._schedule(cj, status)
        self._write(cj, status)
        if cj.deletion_timestamp is None:
            self._cleanup(cj, jobs)

    def _reconcile(self, cj: ApiObject, status: dict[str, Any], jobs: list[ApiObject]) -> None:
        active = list(status.get("active") or ())
        active_uids = {a.get("uid") for a in active}
        for job in jobs:
            finished = job_finished(job)
            if job.uid in active_uids and finished is not None:
                active = [a for a in active if a.get("uid") != job.uid]
                self._event(
                    cj,
                    EventType.NORMAL,
                    EventReason.SAW_COMPLETED_JOB,
                    f"Saw completed job: {job.name}, condition: {finished}",
                )
            elif job.uid not in active_uids and finished is None:
                self._event(
                    cj,
                    EventType.WARNING,
                    EventReason.UNEXPECTED_JOB,
                    f"Saw a job that the controller did not create or forgot: {job.name}",
                )
            if finished == "Complete":
                done = job.status.get("completionTime")
                last = status.get("lastSuccessfulTime")
                if done is not None and (last is None or done > last):
                    status["lastSuccessfulTime"] = done
        owned = {j.uid for j in jobs}
        for entry in list(active):
            if entry.get("uid") not in owned:
                active.remove(entry)
                self._event(
                    cj,
                    EventType.NORMAL,
                    EventReason.MISSING_JOB,
                    f"Active job went missing: {entry.get('name')}",
                )
        if active:
            status["active"] = active
        else:
            status.pop("active", None)

    def _schedule(self, cj: ApiObject, status: dict[str, Any]) -> None:
        now_ms = self.ctx.now_ms
        now = self.wall(now_ms)
        try:
            schedule = parse(str(cj.spec.get("schedule") or ""), cj.spec.get("timeZone"))
        except ScheduleError as e:
            zone = cj.spec.get("timeZone")
            if zone:
                try:
                    zone_of(zone)
                except ScheduleError:
                    self._event(
                        cj,
                        EventType.WARNING,
                        EventReason.UNKNOWN_TIME_ZONE,
                        f'invalid timeZone: "{zone}": {e}',
                    )
                    return
            self._event(
                cj,
                EventType.WARNING,
                EventReason.UNPARSEABLE_SCHEDULE,
                f'unparseable schedule: "{cj.spec.get("schedule")}" : {e}',
            )
            return
        created = self.wall(cj.created_ms)
        last_ms = status.get("lastScheduleTime")
        last = self.wall(int(last_ms)) if last_ms is not None else None
        deadline = cj.spec.get("startingDeadlineSeconds")
        deadline = int(deadline) if isinstance(deadline, int) else None
        try:
            recent = most_recent_schedule_time(schedule, created, last, deadline, now, True)
        except ScheduleError as e:
            self._event(
                cj,
                EventType.WARNING,
                EventReason.INVALID_SCHEDULE,
                f"invalid schedule: {cj.spec.get('schedule')} : {e}",
            )
            return
        wait = next_schedule_time_duration(schedule, created, last, deadline, now)
        self._wake(cj.uid, now_ms + int(wait / timedelta(milliseconds=1)))
        if recent.missed is Missed.MANY:
            self._event(
                cj,
                EventType.WARNING,
                EventReason.TOO_MANY_MISSED_TIMES,
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds "
                "or check clock skew",
            )
        scheduled = recent.most_recent
        if scheduled is None:
            return
        if deadline is not None and scheduled + timedelta(seconds=deadline) < now:
            self._event(
                cj,
                EventType.WARNING,
                EventReason.MISS_SCHEDULE,
                "Missed scheduled time to start a job: "
                + scheduled.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            )
            return
        name = f"{cj.name}-{int(scheduled.timestamp()) // 60}"
        active = list(status.get("active") or ())
        scheduled_ms = self.sim_ms(scheduled)
        if any(a.get("name") == name for a in active) or last_ms == scheduled_ms:
            return
        policy = cj.spec.get("concurrencyPolicy") or "Allow"
        if policy == "Forbid" and active:
            self._event(
                cj,
                EventType.NORMAL,
                EventReason.JOB_ALREADY_ACTIVE,
                "Not starting job because prior execution is running and concurrency policy "
                "is Forbid",
            )
            return
        if policy == "Replace":
            for entry in active:
                try:
                    self.store.delete(
                        "Job", cj.namespace, str(entry.get("name")), Propagation.BACKGROUND
                    )
                except NotFound:
                    pass
                except ApiError as e:
                    self._event(
                        cj, EventType.WARNING, EventReason.FAILED_DELETE, f"Deleted job: {e}"
                    )
                    return
                self._event(
                    cj,
                    EventType.NORMAL,
                    EventReason.SUCCESSFUL_DELETE,
                    f"Deleted job {entry.get('name')}",
                )
            active = []
        zone = zone_of(cj.spec.get("timeZone")) or UTC
        stamp = scheduled.astimezone(zone).isoformat().replace("+00:00", "Z")
        try:
            job = self.store.create(
                "Job", job_from_template(cj, name, {SCHEDULED_TIMESTAMP: stamp})
            )
        except AlreadyExists:
            existing = self.store.get("Job", cj.namespace, name)
            ref = existing.controller_ref() if existing is not None else None
            if existing is None or ref is None or ref.uid != cj.uid:
                return
            job = existing
        except ApiError as e:
            self._event(
                cj, EventType.WARNING, EventReason.FAILED_CREATE, f"Error creating job: {e}"
            )
            return
        else:
            self._event(
                cj, EventType.NORMAL, EventReason.SUCCESSFUL_CREATE, f"Created job {job.name}"
            )
        active.append(
            {
                "kind": "Job",
                "namespace": job.namespace,
                "name": job.name,
                "uid": job.uid,
                "apiVersion": "batch/v1",
            }
        )
        status["active"] = active
        status["lastScheduleTime"] = scheduled_ms

    def _write(self, cj: ApiObject, status: dict[str, Any]) -> None:
        if self.store.update_status(cj, status):
            self._synced_rv[cj.uid] = cj.resource_version

    def _cleanup(self, cj: ApiObject, jobs: list[ApiObject]) -> None:
        """``cleanupFinishedJobs``: keep the newest finished Jobs within the history limits."""
        for outcome, key in (
            ("Complete", "successfulJobsHistoryLimit"),
            ("Failed", "failedJobsHistoryLimit"),
        ):
            limit = cj.spec.get(key)
            if not isinstance(limit, int):
                continue
            done = [j for j in jobs if job_finished(j) == outcome and j.deletion_timestamp is None]
            if len(done) <= limit:
                continue
            done.sort(
                key=lambda j: (j.status.get("startTime") is None, j.status.get("startTime") or 0)
            )
            for job in done[: len(done) - limit]:
                try:
                    self.store.delete("Job", job.namespace, job.name, Propagation.BACKGROUND)
                except NotFound:
                    continue
                except ApiError as e:
                    self._event(
                        cj, EventType.WARNING, EventReason.FAILED_DELETE, f"Deleted job: {e}"
                    )
                    continue
                self._event(
                    cj, EventType.NORMAL, EventReason.SUCCESSFUL_DELETE, f"Deleted job {job.name}"
                )

    def _event(self, cj: ApiObject, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, cj.ref, message, SOURCE)
