"""Active, ready and available Pods, and which Pod a controller deletes first.

``is_pod_active`` (``controller.IsPodActive``): not Succeeded or Failed and no
deletionTimestamp; controllers count only active Pods, so a Pod stuck
Terminating on a failed node is replaced at once. ``is_pod_available``
(``podutil.IsPodAvailable``): Ready for ``minReadySeconds``.

``active_pods_less`` is ``controller.ActivePods.Less`` and ``ranked_less``
``controller.ActivePodsWithRanks.Less`` (v1.33, gates PodDeletionCost and
LogarithmicScaleDown on): "less" means deleted first. ``pods_to_delete`` is
the ReplicaSet controller's ``getPodsToDelete``; DESIGN.md ("ReplicaSets,
ReplicationControllers and garbage collection") says where it departs.
Times are the simulation's milliseconds; ``None`` is Go's zero time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from .store import ApiObject

DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
_NS_PER_MS = 1_000_000


@dataclass(frozen=True, slots=True)
class PodFacts:
    """What the ranking reads of a Pod."""

    name: str
    uid: str
    node_name: str
    phase: str
    ready: bool
    ready_since: int | None  # the Ready condition's lastTransitionTime (ms), None if unset
    max_restarts: int
    created: int | None  # creationTimestamp (ms), None for Go's zero time
    deletion_cost: int = 0


def ready_condition(pod: ApiObject) -> dict[str, Any] | None:
    for condition in pod.status.get("conditions") or ():
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            return condition
    return None


def is_pod_active(pod: ApiObject) -> bool:
    return pod.deletion_timestamp is None and pod.status.get("phase") not in (
        "Succeeded",
        "Failed",
    )


def is_pod_ready(pod: ApiObject) -> bool:
    condition = ready_condition(pod)
    return condition is not None and condition.get("status") == "True"


def available_at(pod: ApiObject, min_ready_seconds: int) -> int | None:
    """The instant (ms) a Ready Pod is or becomes available; None while not Ready.

    Upstream: Ready and (``minReadySeconds`` is 0 or lastTransitionTime +
    minReadySeconds is before now). Its lastTransitionTime has whole seconds
    and its clock nanoseconds; the simulator's both have milliseconds, and a
    Pod is available from exactly ``minReadySeconds`` after it became Ready.
    """
    condition = ready_condition(pod)
    if condition is None or condition.get("status") != "True":
        return None
    if min_ready_seconds <= 0:
        return 0
    since = condition.get("lastTransitionTime")
    if since is None:
        return None
    return int(since) + min_ready_seconds * 1000


def is_pod_available(pod: ApiObject, min_ready_seconds: int, now_ms: int) -> bool:
    at = available_at(pod, min_ready_seconds)
    return at is not None and at <= now_ms


def _deletion_cost(pod: ApiObject) -> int:
    value = pod.annotations.get(DELETION_COST_ANNOTATION)
    if value is None:
        return 0
    try:
        cost = int(value)
    except ValueError:
        return 0
    return cost if -(2**31) <= cost < 2**31 else 0


def facts(pod: ApiObject) -> PodFacts:
    condition = ready_condition(pod)
    ready = condition is not None and condition.get("status") == "True"
    since = condition.get("lastTransitionTime") if ready and condition is not None else None
    restarts = [int(c.get("restartCount") or 0) for c in pod.status.get("containerStatuses") or ()]
    return PodFacts(
        name=pod.name,
        uid=pod.uid,
        node_name=str(pod.spec.get("nodeName") or ""),
        phase=str(pod.status.get("phase") or "Pending"),
        ready=ready,
        ready_since=int(since) if since is not None else None,
        max_restarts=max(restarts, default=0),
        created=pod.created_ms,
        deletion_cost=_deletion_cost(pod),
    )


def _after_or_zero(t1: int | None, t2: int | None) -> bool:
    """``afterOrZero``: t1 after t2, a zero time counting as after any other."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _log_rank_diff(t1: int, t2: int, now: int) -> int:
    """``logarithmicRankDiff``: floor(log2(now - t)) in nanoseconds, -1 if not in the past."""
    d1, d2 = (now - t1) * _NS_PER_MS, (now - t2) * _NS_PER_MS
    r1 = int(math.log2(d1)) if d1 > 0 else -1
    r2 = int(math.log2(d2)) if d2 > 0 else -1
    return r1 - r2


def _compare_times(
    t1: int | None, t2: int | None, uid1: str, uid2: str, now: int | None, log_scale: bool
) -> bool:
    if not log_scale or now is None or t1 is None or t2 is None:
        return _after_or_zero(t1, t2)
    diff = _log_rank_diff(t1, t2, now)
    if diff == 0:
        return uid1 < uid2
    return diff < 0


def active_pods_less(a: PodFacts, b: PodFacts) -> bool:
    """``ActivePods.Less``: whether ``a`` goes before ``b``."""
    if (a.node_name == "") != (b.node_name == ""):
        return a.node_name == ""
    pa, pb = _PHASE_ORDINAL.get(a.phase, 0), _PHASE_ORDINAL.get(b.phase, 0)
    if pa != pb:
        return pa < pb
    if a.ready != b.ready:
        return not a.ready
    if a.ready and b.ready and a.ready_since != b.ready_since:
        return _after_or_zero(a.ready_since, b.ready_since)
    if a.max_restarts != b.max_restarts:
        return a.max_restarts > b.max_restarts
    if a.created != b.created:
        return _after_or_zero(a.created, b.created)
    return False


def ranked_less(
    a: PodFacts,
    rank_a: int,
    b: PodFacts,
    rank_b: int,
    now: int | None,
    *,
    deletion_cost: bool = True,
    log_scale: bool = True,
) -> bool:
    """``ActivePodsWithRanks.Less``: whether ``a`` (with ``rank_a``) is deleted before ``b``."""
    if (a.node_name == "") != (b.node_name == ""):
        return a.node_name == ""
    pa, pb = _PHASE_ORDINAL.get(a.phase, 0), _PHASE_ORDINAL.get(b.phase, 0)
    if pa != pb:
        return pa < pb
    if a.ready != b.ready:
        return not a.ready
    if deletion_cost and a.deletion_cost != b.deletion_cost:
        return a.deletion_cost < b.deletion_cost
    if rank_a != rank_b:
        return rank_a > rank_b
    if a.ready and b.ready and a.ready_since != b.ready_since:
        return _compare_times(a.ready_since, b.ready_since, a.uid, b.uid, now, log_scale)
    if a.max_restarts != b.max_restarts:
        return a.max_restarts > b.max_restarts
    if a.created != b.created:
        return _compare_times(a.created, b.created, a.uid, b.uid, now, log_scale)
    return False


def sort_active_pods(pods: Iterable[PodFacts]) -> list[PodFacts]:
    def cmp(a: PodFacts, b: PodFacts) -> int:
        return -1 if active_pods_less(a, b) else (1 if active_pods_less(b, a) else 0)

    return sorted(pods, key=cmp_to_key(cmp))


def pods_to_delete(
    filtered: Sequence[ApiObject], related: Iterable[ApiObject], diff: int, now_ms: int
) -> list[ApiObject]:
    """``getPodsToDelete``: the ``diff`` Pods of ``filtered`` deleted first.

    A Pod's rank is the number of active ``related`` Pods (the owner's and,
    for a Deployment's ReplicaSet, its siblings') on its node. The sort is
    stable over ``filtered``'s order (creation order), where Go's is not.
    """
    if diff >= len(filtered):
        return list(filtered)
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            node = str(pod.spec.get("nodeName") or "")
            on_node[node] = on_node.get(node, 0) + 1
    ranked = [(facts(p), p) for p in filtered]
    ranks = {id(f): on_node.get(f.node_name, 0) for f, _ in ranked}

    def cmp(x: tuple[PodFacts, ApiObject], y: tuple[PodFacts, ApiObject]) -> int:
        a, b = x[0], y[0]
        if ranked_less(a, ranks[id(a)], b, ranks[id(b)], now_ms):
            return -1
        if ranked_less(b, ranks[id(b)], a, ranks[id(a)], now_ms):
            return 1
        return 0

    ranked.sort(key=cmp_to_key(cmp))
    return [p for _, p in ranked[:diff]]
