"""Numbers as the page writes them, for tests that compare against its text."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_fixed_1(seconds: float) -> str:
    """JavaScript's ``seconds.toFixed(1)``: an exact tie goes up (10.25 is "10.3"),
    where Python's ``f"{10.25:.1f}"`` rounds it half to even ("10.2").

    A moment read off a running page (a pause, the live edge) lands on such a tie
    now and then: 10.25 s failed a CI run once.
    """
    return str(Decimal(seconds).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
