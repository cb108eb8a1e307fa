"""A Deployment's status and its Progressing/Available conditions.

Upstream: sync.go ``calculateStatus``, progress.go ``syncRolloutStatus`` and
``requeueStuckDeployment``, deployment_util.go ``DeploymentComplete``,
``DeploymentProgressing``, ``DeploymentTimedOut``, ``SetDeploymentCondition``
(controllers.md §3.8). Times are the simulation's milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ...validation.rules import MAX_INT32
from .fenceposts import RolloutSpec, max_unavailable
from .replicasets import ReplicaSetState, available_total, ready_total, spec_total, status_total

PROGRESSING = "Progressing"
AVAILABLE = "Available"
REPLICA_FAILURE = "ReplicaFailure"


class Reason(StrEnum):
    NEW_RS_CREATED = "NewReplicaSetCreated"
    FOUND_NEW_RS = "FoundNewReplicaSet"
    RS_UPDATED = "ReplicaSetUpdated"
    NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
    TIMED_OUT = "ProgressDeadlineExceeded"
    PAUSED = "DeploymentPaused"
    RESUMED = "DeploymentResumed"
    FAILED_RS_CREATE = "ReplicaSetCreateError"
    MIN_AVAILABLE = "MinimumReplicasAvailable"
    MIN_UNAVAILABLE = "MinimumReplicasUnavailable"


@dataclass(frozen=True, slots=True)
class DeploymentFacts:
    """What the status rules read of the Deployment itself."""

    name: str
    rollout: RolloutSpec
    generation: int
    progress_deadline: int | None  # seconds; None: not set

    @classmethod
    def of(cls, name: str, spec: Mapping[str, Any], generation: int) -> DeploymentFacts:
        deadline = spec.get("progressDeadlineSeconds")
        return cls(
            name,
            RolloutSpec.of(spec),
            generation,
            int(deadline) if deadline is not None else None,
        )

    @property
    def has_deadline(self) -> bool:
        """``HasProgressDeadline``: set and not MaxInt32."""
        return self.progress_deadline is not None and self.progress_deadline != MAX_INT32


def condition(kind: str, status: str, reason: str, message: str, now_ms: int) -> dict[str, Any]:
    """``NewDeploymentCondition``."""
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": now_ms,
        "lastTransitionTime": now_ms,
        "reason": str(reason),
        "message": message,
    }


def get_condition(status: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
    for cond in status.get("conditions") or ():
        if isinstance(cond, dict) and cond.get("type") == kind:
            return cond
    return None


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """``SetDeploymentCondition``: no change if status and reason are the same; the
    transition time stays when only the reason changes; the condition goes last."""
    current = get_condition(status, cond["type"])
    if current is not None and current["status"] == cond["status"]:
        if current["reason"] == cond["reason"]:
            return
        cond = {**cond, "lastTransitionTime": current["lastTransitionTime"]}
    remove_condition(status, cond["type"])
    status.setdefault("conditions", []).append(cond)


def remove_condition(status: dict[str, Any], kind: str) -> None:
    conditions = [c for c in status.get("conditions") or () if c.get("type") != kind]
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)


def calculate_status(
    facts: DeploymentFacts,
    all_rss: Sequence[ReplicaSetState | None],
    new_rs: ReplicaSetState | None,
    previous: Mapping[str, Any],
    now_ms: int,
) -> dict[str, Any]:
    """``calculateStatus``: counts from the ReplicaSets and the Available condition."""
    available = available_total(all_rss)
    status: dict[str, Any] = {
        "observedGeneration": facts.generation,
        "replicas": status_total(all_rss),
        "updatedReplicas": status_total([new_rs]),
        "readyReplicas": ready_total(all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(0, spec_total(all_rss) - available),
    }
    if "collisionCount" in previous:
        status["collisionCount"] = previous["collisionCount"]
    conditions = [dict(c) for c in previous.get("conditions") or ()]  # flat: a shallow copy
    if conditions:
        status["conditions"] = conditions
    if available >= facts.rollout.replicas - max_unavailable(facts.rollout):
        cond = condition(
            AVAILABLE,
            "True",
            Reason.MIN_AVAILABLE,
            "Deployment has minimum availability.",
            now_ms,
        )
    else:
        cond = condition(
            AVAILABLE,
            "False",
            Reason.MIN_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now_ms,
        )
    set_condition(status, cond)
    return status


def deployment_complete(facts: DeploymentFacts, status: Mapping[str, Any]) -> bool:
    """``DeploymentComplete``: every replica updated and available, spec observed."""
    replicas = facts.rollout.replicas
    return (
        int(status.get("updatedReplicas") or 0) == replicas
        and int(status.get("replicas") or 0) == replicas
        and int(status.get("availableReplicas") or 0) == replicas
        and int(status.get("observedGeneration") or 0) >= facts.generation
    )


def deployment_progressing(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """``DeploymentProgressing``: more updated, fewer old, more ready or more available."""

    def n(status: Mapping[str, Any], key: str) -> int:
        return int(status.get(key) or 0)

    old_old = n(old, "replicas") - n(old, "updatedReplicas")
    new_old = n(new, "replicas") - n(new, "updatedReplicas")
    return (
        n(new, "updatedReplicas") > n(old, "updatedReplicas")
        or new_old < old_old
        or n(new, "readyReplicas") > n(old, "readyReplicas")
        or n(new, "availableReplicas") > n(old, "availableReplicas")
    )


def deployment_timed_out(facts: DeploymentFacts, status: Mapping[str, Any], now_ms: int) -> bool:
    """``DeploymentTimedOut``: the last progress is older than the deadline (strictly)."""
    if not facts.has_deadline:
        return False
    cond = get_condition(status, PROGRESSING)
    if cond is None or cond.get("reason") == Reason.NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == Reason.TIMED_OUT:
        return True
    assert facts.progress_deadline is not None
    return int(cond["lastUpdateTime"]) + facts.progress_deadline * 1000 < now_ms


def rs_or_deployment(facts: DeploymentFacts, new_rs: ReplicaSetState | None) -> str:
    return f'ReplicaSet "{new_rs.name}"' if new_rs is not None else f'Deployment "{facts.name}"'


def rollout_status(
    facts: DeploymentFacts,
    all_rss: Sequence[ReplicaSetState | None],
    new_rs: ReplicaSetState | None,
    previous: Mapping[str, Any],
    now_ms: int,
    replica_failure: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``syncRolloutStatus``'s new status (the caller writes it if it differs)."""
    status = calculate_status(facts, all_rss, new_rs, previous, now_ms)
    if not facts.has_deadline:
        remove_condition(status, PROGRESSING)
    current = get_condition(previous, PROGRESSING)
    complete_before = (
        status["replicas"] == status["updatedReplicas"]
        and current is not None
        and current.get("reason") == Reason.NEW_RS_AVAILABLE
    )
    if facts.has_deadline and not complete_before:
        subject = rs_or_deployment(facts, new_rs)
        if deployment_complete(facts, status):
            set_condition(
                status,
                condition(
                    PROGRESSING,
                    "True",
                    Reason.NEW_RS_AVAILABLE,
                    f"{subject} has successfully progressed.",
                    now_ms,
                ),
            )
        elif deployment_progressing(previous, status):
            cond = condition(
                PROGRESSING, "True", Reason.RS_UPDATED, f"{subject} is progressing.", now_ms
            )
            if current is not None:
                if current.get("status") == "True":
                    cond["lastTransitionTime"] = current["lastTransitionTime"]
                remove_condition(status, PROGRESSING)
            set_condition(status, cond)
        elif deployment_timed_out(facts, status, now_ms):
            set_condition(
                status,
                condition(
                    PROGRESSING,
                    "False",
                    Reason.TIMED_OUT,
                    f"{subject} has timed out progressing.",
                    now_ms,
                ),
            )
    if replica_failure is not None:
        set_condition(status, replica_failure)
    else:
        remove_condition(status, REPLICA_FAILURE)
    return status


def requeue_after_ms(
    facts: DeploymentFacts, previous: Mapping[str, Any], status: Mapping[str, Any], now_ms: int
) -> int | None:
    """``requeueStuckDeployment``: when to look again for a timeout (None: never).

    Upstream requeues one second after the deadline; under a second left, a
    rate-limited requeue. The simulator uses the deadline plus one second in
    both cases (DESIGN.md, "Deployments").
    """
    current = get_condition(previous, PROGRESSING)
    if not facts.has_deadline or current is None:
        return None
    if deployment_complete(facts, status) or current.get("reason") == Reason.TIMED_OUT:
        return None
    assert facts.progress_deadline is not None
    at = int(current["lastUpdateTime"]) + facts.progress_deadline * 1000 + 1000
    # Past it, this sync has already judged the timeout (a complete rollout that lost Pods
    # keeps NewReplicaSetAvailable and never times out): waking each millisecond would
    # change nothing until another event does.
    return at - now_ms if at > now_ms else None
