"""The RollingUpdate arithmetic (pkg/controller/deployment/rolling.go, deployment_util.go).

Pure functions over ``ReplicaSetState``s: each returns the ``Scale``s to make,
in upstream's order, and updates the states it scaled (as upstream replaces
``oldRSs[i]`` with the updated ReplicaSet). controllers.md §3.5.
"""

from __future__ import annotations

from collections.abc import Sequence

from .fenceposts import RolloutSpec, max_surge, max_unavailable
from .replicasets import ReplicaSetState, Scale, available_total, by_creation, spec_total


def scale_to(rs: ReplicaSetState, replicas: int) -> list[Scale]:
    """``scaleReplicaSetAndRecordEvent``: nothing if the size is already ``replicas``."""
    if rs.replicas == replicas:
        return []
    change = Scale(rs.name, rs.replicas, replicas)
    rs.replicas = replicas
    return [change]


def new_rs_new_replicas(
    spec: RolloutSpec, all_rss: Sequence[ReplicaSetState], new_rs: ReplicaSetState
) -> int:
    """``NewRSNewReplicas``: how far the new ReplicaSet may grow now."""
    if not spec.rolling:
        return spec.replicas
    max_total = spec.replicas + max_surge(spec)
    current = spec_total(all_rss)
    if current >= max_total:
        return new_rs.replicas
    return new_rs.replicas + min(max_total - current, spec.replicas - new_rs.replicas)


def reconcile_new_replica_set(
    spec: RolloutSpec, all_rss: Sequence[ReplicaSetState], new_rs: ReplicaSetState
) -> list[Scale]:
    """``reconcileNewReplicaSet``: scale the new ReplicaSet up (or down to replicas)."""
    if new_rs.replicas == spec.replicas:
        return []
    if new_rs.replicas > spec.replicas:
        return scale_to(new_rs, spec.replicas)
    return scale_to(new_rs, new_rs_new_replicas(spec, all_rss, new_rs))


def cleanup_unhealthy_replicas(
    old_rss: Sequence[ReplicaSetState], max_cleanup: int
) -> tuple[list[Scale], int]:
    """``cleanupUnhealthyReplicas``: drop old replicas that are not available, oldest first."""
    scales: list[Scale] = []
    done = 0
    for rs in by_creation(old_rss):
        if done >= max_cleanup:
            break
        if rs.replicas == 0 or rs.replicas == rs.available:
            continue
        count = min(max_cleanup - done, rs.replicas - rs.available)
        scales += scale_to(rs, rs.replicas - count)
        done += count
    return scales, done


def scale_down_old_replica_sets(
    spec: RolloutSpec, all_rss: Sequence[ReplicaSetState], old_rss: Sequence[ReplicaSetState]
) -> tuple[list[Scale], int]:
    """``scaleDownOldReplicaSetsForRollingUpdate``: keep at least minAvailable available."""
    min_available = spec.replicas - max_unavailable(spec)
    available = available_total(all_rss)
    if available <= min_available:
        return [], 0
    budget = available - min_available
    scales: list[Scale] = []
    done = 0
    for rs in by_creation(old_rss):
        if done >= budget:
            break
        if rs.replicas == 0:
            continue
        count = min(rs.replicas, budget - done)
        scales += scale_to(rs, rs.replicas - count)
        done += count
    return scales, done


def reconcile_old_replica_sets(
    spec: RolloutSpec,
    all_rss: Sequence[ReplicaSetState],
    old_rss: Sequence[ReplicaSetState],
    new_rs: ReplicaSetState,
) -> list[Scale]:
    """``reconcileOldReplicaSets`` (``old_rss``: the active old ReplicaSets)."""
    if spec_total(old_rss) == 0:
        return []
    all_pods = spec_total(all_rss)
    min_available = spec.replicas - max_unavailable(spec)
    new_unavailable = new_rs.replicas - new_rs.available
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return []
    scales, _ = cleanup_unhealthy_replicas(old_rss, max_scaled_down)
    more, _ = scale_down_old_replica_sets(spec, [*old_rss, new_rs], old_rss)
    return scales + more
