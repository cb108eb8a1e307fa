"""What a check says about a Pod, and how several results read as one detail.

Ported from pod-security-admission v0.33 ``policy/checks.go``
(``CheckResult``, ``AggregateCheckResults``, ``ForbiddenDetail``) and
``policy/helpers.go`` (``joinQuote``, ``pluralize``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

UNKNOWN_FORBIDDEN_REASON: Final = "unknown forbidden reason"


@dataclass(frozen=True)
class CheckResult:
    allowed: bool
    forbidden_reason: str = ""
    forbidden_detail: str = ""


ALLOWED: Final = CheckResult(True)


def forbidden(reason: str, detail: str) -> CheckResult:
    return CheckResult(False, reason, detail)


@dataclass(frozen=True)
class AggregateResult:
    """The failed checks of one evaluation, in check order."""

    reasons: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def forbidden_reason(self) -> str:
        return ", ".join(self.reasons)

    def forbidden_detail(self) -> str:
        """``reason (detail), reason, ...``: what follows ``violates PodSecurity "...": ``."""
        return ", ".join(
            f"{reason} ({detail})" if detail else reason
            for reason, detail in zip(self.reasons, self.details, strict=True)
        )


def aggregate(results: Iterable[CheckResult]) -> AggregateResult:
    reasons: list[str] = []
    details: list[str] = []
    for result in results:
        if not result.allowed:
            reasons.append(result.forbidden_reason or UNKNOWN_FORBIDDEN_REASON)
            details.append(result.forbidden_detail)
    return AggregateResult(tuple(reasons), tuple(details))


def join_quote(items: Sequence[str]) -> str:
    """``"a", "b"`` (Go's ``joinQuote``: items quoted as they are, not escaped)."""
    if not items:
        return ""
    return '"' + '", "'.join(items) + '"'


def pluralize(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def containers_phrase(names: Sequence[str]) -> str:
    """``container "a"`` or ``containers "a", "b"``."""
    return f"{pluralize('container', 'containers', len(names))} {join_quote(names)}"
