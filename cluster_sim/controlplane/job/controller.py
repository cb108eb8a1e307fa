"""The Job controller (``pkg/controller/job/job_controller.go``'s ``syncJob``).

A sync of one Job, in upstream's order:

1. Count the Pods that finished since the last sync (``Succeeded``, ``Failed``,
   or deleted before succeeding) into ``status.succeeded``/``failed`` (Indexed:
   ``completedIndexes``) and take their ``batch.kubernetes.io/job-tracking``
   finalizer off; ``podFailurePolicy`` may ignore a failure or fail the Job.
2. Decide whether the Job is finished: a ``FailJob`` rule, ``failed >
   backoffLimit`` (restartPolicy OnFailure: the restarts of its Pods reach it),
   ``activeDeadlineSeconds`` passed, failed indexes, or enough successes.
   Terminal conditions come in two steps as in v1.33: ``FailureTarget`` (or
   ``SuccessCriteriaMet``) first, the active Pods deleted, then ``Failed``
   (``Complete``) once no Pod of the Job is left running or terminating.
3. Otherwise ``manageJob``: delete surplus Pods, or, once the Pod-failure
   back-off has passed, create the missing ones (slow-start batches).
4. Write the status; record the events.

The Pod watch is registered when the first Job appears (bare-Pod runs pay
nothing). Syncs are batched per instant like the ReplicaSet controller's.
"""

from __future__ import annotations

import copy
from typing import Any

from ...event_reasons import ConditionReason, EventReason
from ...record_types import EventType
from ..context import ControlContext
from ..podtemplate import pod_from_template
from ..ranking import facts, is_pod_active, is_pod_ready, sort_active_pods
from ..store import ApiError, ApiObject, NotFound, WatchType
from .backoff import BackoffRecord, finished_time, remaining_backoff
from .failure_policy import Action, match
from .indexes import format_intervals, index_of, parse_intervals
from .kind import (
    COMPLETION_INDEX,
    SOURCE,
    TRACKING_FINALIZER,
    is_finished,
    is_indexed,
    register_job_kind,
    restart_policy,
)

MAX_POD_CREATE_DELETE_PER_SYNC = 500
MAX_GENERATED_NAME = 58
INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"

# A finished Job's condition (reason, message); a failed one's is its event's too.
Outcome = tuple[EventReason | ConditionReason, str]
BACKOFF_LIMIT_EXCEEDED: Outcome = (
    EventReason.BACKOFF_LIMIT_EXCEEDED,
    "Job has reached the specified backoff limit",
)
DEADLINE_EXCEEDED: Outcome = (
    EventReason.DEADLINE_EXCEEDED,
    "Job was active longer than specified deadline",
)
FAILED_INDEXES: Outcome = (EventReason.FAILED_INDEXES, "Job has failed indexes")
MAX_FAILED_INDEXES: Outcome = (
    EventReason.MAX_FAILED_INDEXES_EXCEEDED,
    "Job has exceeded the specified maximal number of failed indexes",
)
COMPLETIONS_REACHED: Outcome = (
    ConditionReason("CompletionsReached"),  # SuccessCriteriaMet's: no event
    "Reached expected number of succeeded pods",
)


def _pod_manifest(job: ApiObject, index: int | None, index_failures: int) -> dict[str, Any]:
    """The Pod ``manageJob`` creates: the template, the tracking finalizer, the index."""
    manifest = pod_from_template(job, job.spec.get("template"))
    meta = manifest["metadata"]
    meta["finalizers"] = [*(meta.get("finalizers") or ()), TRACKING_FINALIZER]
    if index is None:
        return manifest
    suffix = f"-{index}-"
    prefix = job.name + suffix
    if len(prefix) > MAX_GENERATED_NAME:
        prefix = job.name[: MAX_GENERATED_NAME - len(suffix)] + suffix
    meta["generateName"] = prefix
    meta["annotations"] = {**(meta.get("annotations") or {}), COMPLETION_INDEX: str(index)}
    if index_failures:
        meta["annotations"][INDEX_FAILURE_COUNT] = str(index_failures)
    meta["labels"] = {**(meta.get("labels") or {}), COMPLETION_INDEX: str(index)}
    spec = manifest["spec"]
    spec["hostname"] = f"{job.name}-{index}"[:63].rstrip("-")
    env = {
        "name": "JOB_COMPLETION_INDEX",
        "valueFrom": {"fieldRef": {"fieldPath": f"metadata.annotations['{COMPLETION_INDEX}']"}},
    }
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or ():
            if isinstance(container, dict):
                variables = container.setdefault("env", [])
                if not any(v.get("name") == "JOB_COMPLETION_INDEX" for v in variables):
                    variables.append(copy.deepcopy(env))
    return manifest


def _restarts(pod: ApiObject) -> int:
    return sum(
        int(cs.get("restartCount") or 0)
        for key in ("initContainerStatuses", "containerStatuses")
        for cs in pod.status.get(key) or ()
    )


def _condition(conditions: list[dict[str, Any]], type_: str) -> dict[str, Any] | None:
    return next(
        (c for c in conditions if c.get("type") == type_ and c.get("status") == "True"), None
    )


class JobState:
    """What the controller remembers of one Job between syncs (as upstream's caches)."""

    def __init__(self, seq: int) -> None:
        self.seq = seq
        self.counted: set[str] = set()
        self.gone: dict[str, ApiObject] = {}
        self.backoff = BackoffRecord()
        self.index_failures: dict[int, int] = {}
        self.index_last_failure: dict[int, int] = {}  # finish time of the index's last failure
        self.failed_indexes: set[int] = set()
        self.fail_message: Outcome | None = None
        self.synced_rv = -1
        self.wake_at: int | None = None


class JobController:
    """Runs every Job's Pods to completion; see the module docstring."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._jobs: dict[str, JobState] = {}
        self._created = 0
        self._dirty: set[str] = set()
        self._pass_pending = False
        self._pods_watched = False

    def start(self) -> None:
        register_job_kind(self.ctx)
        self.store.watch("Job", self._on_job)

    # -- watches and the work queue ----------------------------------------------

    def _on_job(self, event: WatchType, job: ApiObject) -> None:
        if event is WatchType.DELETED:
            self._jobs.pop(job.uid, None)
            self._dirty.discard(job.uid)
            return
        state = self._jobs.get(job.uid)
        if state is None:
            self._created += 1
            state = self._jobs[job.uid] = JobState(self._created)
            if not self._pods_watched:
                self._pods_watched = True
                self.store.watch("Pod", self._on_pod)
        elif state.synced_rv == job.resource_version:
            return
        self._mark(job.uid)

    def _on_pod(self, event: WatchType, pod: ApiObject) -> None:
        ref = pod.controller_ref()
        if ref is None or ref.kind != "Job":
            return
        state = self._jobs.get(ref.uid)
        if state is None:
            return
        if event is WatchType.DELETED and pod.uid not in state.counted:
            state.gone[pod.uid] = pod
        self._mark(ref.uid)

    def _mark(self, uid: str) -> None:
        self._dirty.add(uid)
        if not self._pass_pending:
            self._pass_pending = True
            event = self.ctx.env.event()
            event.callbacks.append(self._run_pass)
            event.succeed()

    def _run_pass(self, _event: Any = None) -> None:
        self._pass_pending = False
        batch = sorted(
            (uid for uid in self._dirty if uid in self._jobs), key=lambda u: self._jobs[u].seq
        )
        self._dirty.clear()
        for uid in batch:
            job = self.store.by_uid(uid)
            if job is not None and job.kind == "Job":
                self.sync(job)

    def _wake(self, job: ApiObject, at_ms: int) -> None:
        state = self._jobs[job.uid]
        if state.wake_at is not None and self.ctx.now_ms < state.wake_at <= at_ms:
            return
        state.wake_at = at_ms
        timer = self.ctx.env.timeout(max(0, at_ms - self.ctx.now_ms))
        uid = job.uid
        timer.callbacks.append(lambda _e: self._woken(uid, at_ms))

    def _woken(self, uid: str, at_ms: int) -> None:
        state = self._jobs.get(uid)
        if state is not None and state.wake_at == at_ms:
            state.wake_at = None
            self._mark(uid)

    # -- a sync ------------------------------------------------------------------

    def sync(self, job: ApiObject) -> None:
        state = self._jobs[job.uid]
        now = self.ctx.now_ms
        spec = job.spec
        status = copy.deepcopy(job.status)
        conditions: list[dict[str, Any]] = list(status.get("conditions") or ())
        pods = [
            p
            for p in self.store.dependents(job.uid)
            if p.kind == "Pod" and (r := p.controller_ref()) is not None and r.uid == job.uid
        ]
        if is_finished(job) is not None:
            self._release(pods)
            return
        indexed = is_indexed(job)
        completions = spec.get("completions")
        completions = int(completions) if isinstance(completions, int) else None
        succeeded = int(status.get("succeeded") or 0)
        failed = int(status.get("failed") or 0)
        completed = parse_intervals(status.get("completedIndexes"))
        policy = spec.get("podFailurePolicy")
        only_failed = spec.get("podReplacementPolicy") == "Failed"
        finishing = _condition(conditions, "FailureTarget") or _condition(
            conditions, "SuccessCriteriaMet"
        )
        per_index_limit = spec.get("backoffLimitPerIndex")

        # 1. count what finished
        for pod in [*pods, *state.gone.values()]:
            if pod.uid in state.counted:
                continue
            phase = pod.status.get("phase")
            deleted = pod.deletion_timestamp is not None or pod.uid in state.gone
            index = index_of(pod, completions or 0) if indexed else None
            if phase == "Succeeded":
                if indexed:
                    if index is None or index in completed:
                        state.counted.add(pod.uid)
                        continue
                    completed.add(index)
                succeeded += 1
                state.backoff.saw_success(finished_time(pod.manifest()))
            elif phase == "Failed" or (deleted and (not only_failed or finishing is not None)):
                found = match(policy, pod) if phase == "Failed" else None
                action = found.action if found is not None else Action.COUNT
                if action is Action.FAIL_JOB and state.fail_message is None and finishing is None:
                    state.fail_message = (EventReason.POD_FAILURE_POLICY, found.message)  # type: ignore[union-attr]
                if action is not Action.IGNORE:
                    failed += 1
                    state.backoff.saw_failure(finished_time(pod.manifest()))
                if index is not None:
                    if action is Action.FAIL_INDEX:
                        state.failed_indexes.add(index)
                    elif action is not Action.IGNORE:
                        state.index_failures[index] = state.index_failures.get(index, 0) + 1
                        at = finished_time(pod.manifest())
                        last = state.index_last_failure.get(index)
                        state.index_last_failure[index] = at if last is None else max(last, at)
                        if (
                            isinstance(per_index_limit, int)
                            and state.index_failures[index] > per_index_limit
                        ):
                            state.failed_indexes.add(index)
            else:
                continue
            state.counted.add(pod.uid)
            state.gone.pop(pod.uid, None)
            if pod.uid in (p.uid for p in pods) and TRACKING_FINALIZER in pod.finalizers:
                self.store.remove_finalizer(pod, TRACKING_FINALIZER)
        state.gone.clear()

        active = [p for p in pods if is_pod_active(p)]
        terminating = [
            p
            for p in pods
            if p.deletion_timestamp is not None
            and p.status.get("phase") not in ("Succeeded", "Failed")
        ]
        suspended = spec.get("suspend") is True
        if "startTime" not in status and not suspended:
            status["startTime"] = now

        # 2. is it finished?
        # (target condition, reason, message)
        outcome: tuple[str, EventReason | ConditionReason, str] | None = None
        if finishing is not None:
            outcome = (
                str(finishing["type"]),
                ConditionReason(finishing.get("reason", "")),
                finishing.get("message", ""),
            )
        elif state.fail_message is not None:
            outcome = ("FailureTarget", *state.fail_message)
        elif (failed > int(spec.get("backoffLimit") or 0) and per_index_limit is None) or (
            self._past_backoff_on_failure(job, active)
        ):
            outcome = ("FailureTarget", *BACKOFF_LIMIT_EXCEEDED)
        elif self._past_deadline(job, status, now, suspended):
            outcome = ("FailureTarget", *DEADLINE_EXCEEDED)
        elif (
            indexed
            and completions is not None
            and (failed_indexes := self._indexes_failed(job, state, completed, completions))
        ):
            outcome = ("FailureTarget", *failed_indexes)
        elif self._complete(indexed, completions, succeeded, completed, active):
            outcome = ("SuccessCriteriaMet", *COMPLETIONS_REACHED)

        if outcome is not None:
            target, reason, message = outcome
            if _condition(conditions, target) is None:
                conditions.append(self._new_condition(target, reason, message, now))
            if target == "FailureTarget" and active:
                self._delete(job, active)
                terminating += active
                failed += sum(1 for p in active if p.uid not in state.counted)
                state.counted.update(p.uid for p in active)
                active = []
            if not active and not terminating:
                final = "Failed" if target == "FailureTarget" else "Complete"
                conditions.append(self._new_condition(final, reason, message, now))
                if final == "Complete":
                    status["completionTime"] = now
                    self._event(job, EventType.NORMAL, EventReason.COMPLETED, "Job completed")
                    if completions is not None and succeeded > completions:
                        self._event(
                            job,
                            EventType.WARNING,
                            EventReason.TOO_MANY_SUCCEEDED_PODS,
                            "Too many succeeded pods running after completion count reached",
                        )
                else:
                    self._event(job, EventType.WARNING, reason, message)
                for pod in pods:
                    if TRACKING_FINALIZER in pod.finalizers:
                        self.store.remove_finalizer(pod, TRACKING_FINALIZER)
        else:
            active = self._manage(job, state, active, succeeded, completed, completions, suspended)
            conditions = self._suspension(job, conditions, suspended, status, now)

        # 3. the status
        status["active"] = len(active)
        status["ready"] = sum(1 for p in active if is_pod_ready(p))
        status["terminating"] = len(terminating)
        status["succeeded"] = succeeded
        status["failed"] = failed
        if indexed:
            status["completedIndexes"] = format_intervals(completed)
            if per_index_limit is not None or state.failed_indexes:
                status["failedIndexes"] = format_intervals(state.failed_indexes)
        if conditions:
            status["conditions"] = conditions
        for key in ("active", "succeeded", "failed"):
            if not status[key]:
                del status[key]
        if self.store.update_status(job, status):
            state.synced_rv = job.resource_version

    # -- the finish checks --------------------------------------------------------

    def _past_backoff_on_failure(self, job: ApiObject, active: list[ApiObject]) -> bool:
        """``pastBackoffLimitOnFailure``: restartPolicy OnFailure counts restarts in place."""
        if restart_policy(job) != "OnFailure":
            return False
        restarts = sum(_restarts(p) for p in active)
        limit = int(job.spec.get("backoffLimit") or 0)
        return restarts > 0 if limit == 0 else restarts >= limit

    def _past_deadline(
        self, job: ApiObject, status: dict[str, Any], now: int, suspended: bool
    ) -> bool:
        deadline = job.spec.get("activeDeadlineSeconds")
        start = status.get("startTime")
        if not isinstance(deadline, int) or start is None or suspended:
            return False
        at = int(start) + deadline * 1000
        if now >= at:
            return True
        self._wake(job, at)
        return False

    def _indexes_failed(
        self, job: ApiObject, state: JobState, completed: set[int], completions: int
    ) -> Outcome | None:
        if not state.failed_indexes:
            return None
        limit = job.spec.get("maxFailedIndexes")
        if isinstance(limit, int) and len(state.failed_indexes) > limit:
            return MAX_FAILED_INDEXES
        if len(completed | state.failed_indexes) >= completions:
            return FAILED_INDEXES
        return None

    @staticmethod
    def _complete(
        indexed: bool,
        completions: int | None,
        succeeded: int,
        completed: set[int],
        active: list[ApiObject],
    ) -> bool:
        if indexed:
            return completions is not None and len(completed) >= completions
        if completions is None:
            return succeeded > 0 and not active
        return succeeded >= completions and not active

    # -- manageJob ----------------------------------------------------------------

    def _manage(
        self,
        job: ApiObject,
        state: JobState,
        active: list[ApiObject],
        succeeded: int,
        completed: set[int],
        completions: int | None,
        suspended: bool,
    ) -> list[ApiObject]:
        if job.deletion_timestamp is not None:
            return active
        if suspended:
            self._delete(job, active)
            return []
        parallelism = int(job.spec.get("parallelism") or 0)
        indexed = is_indexed(job)
        if indexed and completions is not None:
            done = completed | state.failed_indexes
            want = max(0, min(parallelism, completions - len(done)))
        elif completions is None:
            want = len(active) if succeeded > 0 else parallelism
        else:
            want = max(0, min(completions - succeeded, parallelism))
        if len(active) > want:
            surplus = self._surplus(job, active, completed, completions, len(active) - want)
            self._delete(job, surplus)
            gone = {p.uid for p in surplus}
            return [p for p in active if p.uid not in gone]
        diff = min(want - len(active), MAX_POD_CREATE_DELETE_PER_SYNC)
        if diff <= 0:
            return active
        now = self.ctx.now_ms
        per_index = isinstance(job.spec.get("backoffLimitPerIndex"), int)
        if not per_index:
            left = remaining_backoff(
                state.backoff.failures_after_last_success, state.backoff.last_failure_ms, now
            )
            if left > 0:
                self._wake(job, now + left)
                return active
        indexes: list[int | None] = [None] * diff
        if indexed and completions is not None:
            taken = (
                completed
                | state.failed_indexes
                | {i for p in active if (i := index_of(p, completions)) is not None}
            )
            ready: list[int | None] = []
            for i in range(completions):
                if i in taken:
                    continue
                # backoffLimitPerIndex: each index waits out its own back-off
                left = (
                    remaining_backoff(
                        state.index_failures.get(i, 0), state.index_last_failure.get(i), now
                    )
                    if per_index
                    else 0
                )
                if left > 0:
                    self._wake(job, now + left)
                    continue
                ready.append(i)
            indexes = ready[:diff]
        return active + self._create(job, state, indexes)

    def _surplus(
        self,
        job: ApiObject,
        active: list[ApiObject],
        completed: set[int],
        completions: int | None,
        count: int,
    ) -> list[ApiObject]:
        """The Pods to delete: duplicates and done indexes first, then ``ActivePods`` order."""
        first: list[ApiObject] = []
        if is_indexed(job) and completions is not None:
            seen: set[int] = set()
            for pod in active:
                index = index_of(pod, completions)
                if index is None or index in completed or index in seen:
                    first.append(pod)
                elif index is not None:
                    seen.add(index)
        by_uid = {p.uid: p for p in active}
        ordered = [by_uid[f.uid] for f in sort_active_pods(facts(p) for p in active)]
        rest = [p for p in ordered if p not in first]
        return (first + rest)[:count]

    def _create(
        self, job: ApiObject, state: JobState, indexes: list[int | None]
    ) -> list[ApiObject]:
        created: list[ApiObject] = []
        batch = 1
        pending = list(indexes)
        while pending:
            chunk, pending = pending[:batch], pending[batch:]
            error = False
            for index in chunk:
                failures = state.index_failures.get(index, 0) if index is not None else 0
                try:
                    pod = self.store.create("Pod", _pod_manifest(job, index, failures))
                except ApiError as e:
                    self._event(
                        job, EventType.WARNING, EventReason.FAILED_CREATE, f"Error creating: {e}"
                    )
                    error = True
                    continue
                created.append(pod)
                self._event(
                    job, EventType.NORMAL, EventReason.SUCCESSFUL_CREATE, f"Created pod: {pod.name}"
                )
            if error:
                break
            batch *= 2
        return created

    def _delete(self, job: ApiObject, pods: list[ApiObject]) -> None:
        for pod in pods[:MAX_POD_CREATE_DELETE_PER_SYNC]:
            try:
                self.store.delete("Pod", pod.namespace, pod.name)
            except NotFound:
                continue
            except ApiError as e:
                self._event(
                    job, EventType.WARNING, EventReason.FAILED_DELETE, f"Error deleting: {e}"
                )
                continue
            self._event(
                job, EventType.NORMAL, EventReason.SUCCESSFUL_DELETE, f"Deleted pod: {pod.name}"
            )

    def _suspension(
        self,
        job: ApiObject,
        conditions: list[dict[str, Any]],
        suspended: bool,
        status: dict[str, Any],
        now: int,
    ) -> list[dict[str, Any]]:
        current = next((c for c in conditions if c.get("type") == "Suspended"), None)
        if suspended and (current is None or current.get("status") != "True"):
            conditions = [c for c in conditions if c.get("type") != "Suspended"]
            conditions.append(
                self._new_condition("Suspended", "JobSuspended", "Job suspended", now)
            )
            self._event(job, EventType.NORMAL, EventReason.SUSPENDED, "Job suspended")
        elif not suspended and current is not None and current.get("status") == "True":
            conditions = [c for c in conditions if c.get("type") != "Suspended"]
            resumed = self._new_condition("Suspended", "JobResumed", "Job resumed", now)
            resumed["status"] = "False"
            conditions.append(resumed)
            status["startTime"] = now
            self._event(job, EventType.NORMAL, EventReason.RESUMED, "Job resumed")
        return conditions

    def _release(self, pods: list[ApiObject]) -> None:
        for pod in pods:
            if TRACKING_FINALIZER in pod.finalizers:
                self.store.remove_finalizer(pod, TRACKING_FINALIZER)

    @staticmethod
    def _new_condition(type_: str, reason: str, message: str, now: int) -> dict[str, Any]:
        return {
            "type": type_,
            "status": "True",
            "lastProbeTime": now,
            "lastTransitionTime": now,
            "reason": reason,
            "message": message,
        }

    def _event(
        self,
        job: ApiObject,
        type_: EventType,
        reason: EventReason | ConditionReason,
        message: str,
    ) -> None:
        self.ctx.recorder.event(type_, reason, job.ref, message, SOURCE)
