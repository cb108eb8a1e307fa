"""The Job controller's Pod-failure back-off (``pkg/controller/job/backoff_utils.go``).

After ``n`` failures since the last success, the next Pod waits
``DEFAULT_BACKOFF_MS * 2**(n-1)``, capped at ``MAX_BACKOFF_MS``, counted from
the last failure's finish time. ``MAX_BACKOFF_MS`` is 10 minutes as in the
v1.31-era source the reference read (the kubernetes.io Job page says 6
minutes; see DESIGN.md, "Jobs").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_BACKOFF_MS = 10_000  # DefaultJobPodFailureBackOff
MAX_BACKOFF_MS = 600_000  # MaxJobPodFailureBackOff
INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"


@dataclass(slots=True)
class BackoffRecord:
    """``backoffRecord``: failures since the last success and when the last one finished."""

    failures_after_last_success: int = 0
    last_failure_ms: int | None = None
    last_success_ms: int | None = None

    def saw_failure(self, finished_ms: int) -> None:
        if self.last_success_ms is not None and finished_ms < self.last_success_ms:
            return
        self.failures_after_last_success += 1
        if self.last_failure_ms is None or finished_ms > self.last_failure_ms:
            self.last_failure_ms = finished_ms

    def saw_success(self, finished_ms: int) -> None:
        if self.last_success_ms is None or finished_ms > self.last_success_ms:
            self.last_success_ms = finished_ms
        if self.last_failure_ms is None or finished_ms >= self.last_failure_ms:
            self.failures_after_last_success = 0
            self.last_failure_ms = None


def backoff_delay(failures: int, default_ms: int, max_ms: int) -> int:
    """The delay after ``failures`` consecutive failures (0 when there is none)."""
    if failures <= 0:
        return 0
    delay = default_ms
    for _ in range(failures - 1):
        delay *= 2
        if delay >= max_ms:
            return max_ms
    return min(delay, max_ms)


def remaining_backoff(
    failures: int,
    last_failure_ms: int | None,
    now_ms: int,
    default_ms: int = DEFAULT_BACKOFF_MS,
    max_ms: int = MAX_BACKOFF_MS,
) -> int:
    """``getRemainingTime``: what is left of the back-off (0 when it has passed)."""
    if failures <= 0 or last_failure_ms is None:
        return 0
    left = backoff_delay(failures, default_ms, max_ms) - (now_ms - last_failure_ms)
    return max(0, left)


def _status_of(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    status = pod.get("status")
    return status if isinstance(status, Mapping) else pod


def finished_time(pod: Mapping[str, Any]) -> int:
    """``getFinishedTime`` of a Pod manifest (times in ms).

    The latest ``finishedAt`` when every container (init containers included)
    has terminated with one; else the Ready=False condition's time; else the
    deletionTimestamp less the grace period; else the creationTimestamp.
    """
    status = _status_of(pod)
    meta = _v if isinstance(_v := pod.get("metadata"), Mapping) else pod
    latest: int | None = None
    complete = True
    statuses = [
        *(status.get("containerStatuses") or ()),
        *(status.get("initContainerStatuses") or ()),
    ]
    for cs in statuses:
        terminated = cs.get("terminated")
        if not isinstance(terminated, Mapping) or terminated.get("finishedAt") is None:
            complete = False
            break
        at = int(terminated["finishedAt"])
        latest = at if latest is None else max(latest, at)
    if complete and latest is not None:
        return latest
    for condition in status.get("conditions") or ():
        if (
            condition.get("type") == "Ready"
            and condition.get("status") == "False"
            and condition.get("lastTransitionTime") is not None
        ):
            return int(condition["lastTransitionTime"])
    deleted = meta.get("deletionTimestamp")
    if deleted is not None:
        grace = meta.get("deletionGracePeriodSeconds")
        return int(deleted) - 1000 * int(grace or 0)
    return int(meta.get("creationTimestamp") or 0)


def remaining_backoff_per_index(
    last_failed_pod: Mapping[str, Any] | None,
    now_ms: int,
    default_ms: int = DEFAULT_BACKOFF_MS,
    max_ms: int = MAX_BACKOFF_MS,
) -> int:
    """``getRemainingTimePerIndex``: the back-off of one index from its last failed Pod."""
    if last_failed_pod is None:
        return 0
    meta = last_failed_pod.get("metadata")
    meta = meta if isinstance(meta, Mapping) else last_failed_pod
    annotations = meta.get("annotations") or {}
    failures = (
        _int(annotations.get(INDEX_FAILURE_COUNT))
        + _int(annotations.get(INDEX_IGNORED_FAILURE_COUNT))
        + 1
    )
    return remaining_backoff(failures, finished_time(last_failed_pod), now_ms, default_ms, max_ms)


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
