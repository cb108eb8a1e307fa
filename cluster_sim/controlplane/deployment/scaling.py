"""Proportional scaling (pkg/controller/deployment/sync.go ``scale``, controllers.md §3.7).

Used when the Deployment is paused or its replicas changed (a "scaling event":
an active ReplicaSet's desired-replicas annotation differs from spec.replicas).
Pure: returns the ``Scale``s in upstream's order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .fenceposts import RolloutSpec, max_surge
from .replicasets import (
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    ReplicaSetState,
    Scale,
    active,
    by_creation,
    by_size_newer,
    by_size_older,
    spec_total,
)


def round_half_away(value: float) -> int:
    """``integer.RoundToInt32`` (``math.Round``: halves away from zero)."""
    magnitude = abs(value)
    whole = math.floor(magnitude)
    if magnitude - whole >= 0.5:
        whole += 1
    return whole if value >= 0 else -whole


def find_active_or_latest(
    new_rs: ReplicaSetState | None, old_rss: Sequence[ReplicaSetState]
) -> ReplicaSetState | None:
    """``FindActiveOrLatest``: the only active ReplicaSet, or the newest if none is active."""
    if new_rs is None and not old_rss:
        return None
    newest_first = by_creation(old_rss)[::-1]
    actives = active([*newest_first, new_rs])
    if len(actives) == 0:
        return new_rs if new_rs is not None else newest_first[0]
    if len(actives) == 1:
        return actives[0]
    return None


def is_saturated(spec: RolloutSpec, rs: ReplicaSetState | None) -> bool:
    """``IsSaturated``: the new ReplicaSet runs all replicas, all of them available."""
    if rs is None:
        return False
    desired = rs.int_annotation(DESIRED_REPLICAS)
    return (
        desired is not None
        and rs.replicas == spec.replicas
        and desired == spec.replicas
        and rs.available == spec.replicas
    )


def replica_set_fraction(rs: ReplicaSetState, spec: RolloutSpec, status_replicas: int) -> int:
    """``getReplicaSetFraction``: this ReplicaSet's share of the change."""
    if spec.replicas == 0:
        return -rs.replicas
    max_replicas = spec.replicas + max_surge(spec)
    before = rs.int_annotation(MAX_REPLICAS)
    if not before:
        before = status_replicas
    if not before:
        return 0
    return round_half_away(rs.replicas * max_replicas / before) - rs.replicas


def replica_set_proportion(
    rs: ReplicaSetState, spec: RolloutSpec, status_replicas: int, to_add: int, added: int
) -> int:
    """``GetReplicaSetProportion``: the fraction, bounded by what is left to add or remove."""
    if rs.replicas == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, spec, status_replicas)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def proportional_scale(
    spec: RolloutSpec,
    new_rs: ReplicaSetState | None,
    old_rss: Sequence[ReplicaSetState],
    status_replicas: int,
) -> tuple[list[Scale], list[ReplicaSetState]]:
    """``scale``: the size changes, and every ReplicaSet the controller writes.

    The second list is every ReplicaSet upstream passes to ``scaleReplicaSet``
    (its replicas annotations are refreshed even when its size stays).
    """
    only = find_active_or_latest(new_rs, old_rss)
    if only is not None:
        if only.replicas == spec.replicas:
            return [], []
        return _scale(only, spec.replicas), [only]
    if is_saturated(spec, new_rs):
        olds = active(old_rss)
        return [s for rs in olds for s in _scale(rs, 0)], olds
    if not spec.rolling:
        return [], []
    all_rss = active([*old_rss, new_rs])
    allowed = spec.replicas + max_surge(spec) if spec.replicas > 0 else 0
    to_add = allowed - spec_total(all_rss)
    if to_add > 0:
        all_rss = by_size_newer(all_rss)
    elif to_add < 0:
        all_rss = by_size_older(all_rss)
    sizes: dict[str, int] = {}
    added = 0
    for rs in all_rss:
        if to_add != 0:
            proportion = replica_set_proportion(rs, spec, status_replicas, to_add, added)
            sizes[rs.name] = rs.replicas + proportion
            added += proportion
        else:
            sizes[rs.name] = rs.replicas
    scales: list[Scale] = []
    for i, rs in enumerate(all_rss):
        if i == 0 and to_add != 0:
            sizes[rs.name] = max(0, sizes[rs.name] + to_add - added)
        scales += _scale(rs, sizes[rs.name])
    return scales, all_rss


def _scale(rs: ReplicaSetState, replicas: int) -> list[Scale]:
    if rs.replicas == replicas:
        return []
    change = Scale(rs.name, rs.replicas, replicas)
    rs.replicas = replicas
    return [change]
