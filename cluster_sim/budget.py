"""A run's budgets, counted as the clock runs (``Simulation.advance``).

The meter is asked every ``CHECK_EVERY`` simulation steps (and whenever the
work budget of the current simulated second could run out sooner), so the
hot loop pays one integer comparison per step. Everything it counts is a
count the simulation already has: steps taken, records written, records
held, container processes' bytes. Nothing is timed, so the same input stops
at the same simulated instant on every machine, however ``advance`` is
sliced.

Windows are whole simulated seconds of the clock: the records and steps of
second ``k`` are those taken while ``k <= t < k + 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .limits import BudgetHit, RunLimits

CHECK_EVERY: Final = 1024
"""Steps between two looks at the records and the memory estimate."""

RECORD_BYTES: Final = 512
"""What one held record costs the simulator, roughly (a dict of ~10 short fields)."""


class BudgetMeter:
    """Counts one run's steps and records per simulated second and in all."""

    def __init__(
        self,
        limits: RunLimits,
        records_written: Callable[[], int],
        footprint: Callable[[], int],
    ) -> None:
        self.limits = limits
        self._records_written = records_written
        self._footprint = footprint
        self.steps = 0
        self._second = 0
        self._second_steps = 0  # steps taken before the current second began
        self._second_records = 0
        self.next_check = min(CHECK_EVERY, limits.events_per_second + 1)

    def check(self, now_ms: float) -> BudgetHit | None:
        """Look at the counts now (``self.steps`` is up to date); a hit, or None."""
        limits = self.limits
        written = self._records_written()
        second = int(now_ms // 1000)
        if second != self._second:
            self._second = second
            self._second_steps = self.steps - 1  # this step belongs to the new second
            self._second_records = written
        t = now_ms / 1000
        hit: BudgetHit | None = None
        if self.steps - self._second_steps > limits.events_per_second:
            hit = BudgetHit(t, "events_per_second", limits.events_per_second)
        elif written - self._second_records > limits.records_per_second:
            hit = BudgetHit(t, "records_per_second", limits.records_per_second)
        elif written > limits.records:
            hit = BudgetHit(t, "records", limits.records)
        elif self._footprint() > limits.memory_bytes:
            hit = BudgetHit(t, "memory_bytes", limits.memory_bytes)
        room = limits.events_per_second - (self.steps - self._second_steps)
        self.next_check = self.steps + max(1, min(CHECK_EVERY, room + 1))
        return hit
