"""maxSurge and maxUnavailable: intstr scaling and ``ResolveFenceposts``.

Upstream: apimachinery ``intstr.GetScaledValueFromIntOrPercent`` and
pkg/controller/deployment/util ``ResolveFenceposts``, ``MaxUnavailable``,
``MaxSurge`` (controllers.md §3.4).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

IntOrString = int | str

_NUMBER = re.compile(r"^[+-]?[0-9]+$")


class StrategyType(StrEnum):
    ROLLING_UPDATE = "RollingUpdate"
    RECREATE = "Recreate"


class IntOrPercentError(ValueError):
    """An int-or-string that is neither an int nor ``"<n>%"`` (upstream's error text)."""


def scaled_value(value: IntOrString | None, total: int, round_up: bool) -> int:
    """``GetScaledValueFromIntOrPercent``: ints pass through, ``"N%"`` scales ``total``."""
    if value is None:
        raise IntOrPercentError("nil value for IntOrString")
    if isinstance(value, bool):
        raise IntOrPercentError(
            "invalid value for IntOrString: invalid type: neither int nor percentage"
        )
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise IntOrPercentError(
            "invalid value for IntOrString: invalid type: string is not a percentage"
        )
    if not _NUMBER.match(value[:-1]):
        raise IntOrPercentError(
            f'invalid value for IntOrString: invalid value "{value}": '
            f'strconv.Atoi: parsing "{value[:-1]}": invalid syntax'
        )
    percent = int(value[:-1])
    scaled = float(percent) * float(total) / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def resolve_fenceposts(
    max_surge: IntOrString | None, max_unavailable: IntOrString | None, desired: int
) -> tuple[int, int]:
    """``ResolveFenceposts``: (surge, unavailable); both 0 makes unavailable 1."""
    surge = scaled_value(max_surge if max_surge is not None else 0, desired, True)
    unavailable = scaled_value(
        max_unavailable if max_unavailable is not None else 0, desired, False
    )
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


@dataclass(frozen=True, slots=True)
class RolloutSpec:
    """The parts of a Deployment's spec the replica arithmetic reads."""

    replicas: int
    strategy: StrategyType = StrategyType.ROLLING_UPDATE
    max_surge: IntOrString | None = "25%"
    max_unavailable: IntOrString | None = "25%"

    @classmethod
    def of(cls, spec: Mapping[str, Any]) -> RolloutSpec:
        strategy = spec.get("strategy") or {}
        kind = StrategyType(strategy.get("type") or StrategyType.ROLLING_UPDATE)
        rolling = strategy.get("rollingUpdate") or {}
        return cls(
            replicas=int(spec.get("replicas") or 0),
            strategy=kind,
            max_surge=rolling.get("maxSurge"),
            max_unavailable=rolling.get("maxUnavailable"),
        )

    @property
    def rolling(self) -> bool:
        return self.strategy is StrategyType.ROLLING_UPDATE


def max_unavailable(spec: RolloutSpec) -> int:
    """``MaxUnavailable``: 0 for Recreate or no replicas, else at most ``replicas``."""
    if not spec.rolling or spec.replicas == 0:
        return 0
    _, unavailable = resolve_fenceposts(spec.max_surge, spec.max_unavailable, spec.replicas)
    return min(unavailable, spec.replicas)


def max_surge(spec: RolloutSpec) -> int:
    """``MaxSurge``: 0 for Recreate."""
    if not spec.rolling:
        return 0
    surge, _ = resolve_fenceposts(spec.max_surge, spec.max_unavailable, spec.replicas)
    return surge


def min_available(spec: RolloutSpec) -> int:
    return spec.replicas - max_unavailable(spec)
