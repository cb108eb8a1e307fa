"""The Recreate strategy's rules (pkg/controller/deployment/recreate.go, controllers.md §3.6).

Old ReplicaSets go to 0 first; the new one is created (at full size) only
when no old Pod is left that is not Succeeded or Failed, terminating Pods
included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .replicasets import ReplicaSetState, Scale, active, status_total
from .rolling import scale_to

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def scale_down_old_for_recreate(old_rss: Sequence[ReplicaSetState]) -> list[Scale]:
    """``scaleDownOldReplicaSetsForRecreate``: every active old ReplicaSet to 0."""
    return [s for rs in active(old_rss) for s in scale_to(rs, 0)]


def old_pods_running(old_rss: Sequence[ReplicaSetState], old_pod_phases: Iterable[str]) -> bool:
    """``oldPodsRunning``: an old ReplicaSet still counts Pods, or one of its Pods is
    in any phase but Succeeded/Failed (Pending, Running, Unknown, terminating or not)."""
    if status_total(old_rss) > 0:
        return True
    return any(phase not in TERMINAL_PHASES for phase in old_pod_phases)
