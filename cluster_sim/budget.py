"""A run's budgets, counted as the clock runs (``Simulation.advance``).

The meter is asked before the first step of every simulated second, and
every ``CHECK_EVERY`` steps within one (sooner when the work budget of the
second could run out first), so the hot loop pays two comparisons per step.
Everything it counts is a count the simulation already has: steps taken, records written, records
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

CHECK_EVERY: Final = 64
"""Steps between two looks at the counts within one simulated second."""

MEMORY_EVERY: Final = 4096
"""Steps between two memory estimates within one simulated second (an estimate
walks the running containers; it is also made at every new second)."""

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
        self.next_second_ms = 1000.0  # the first instant of the next simulated second
        self.last_step_ms = 0.0  # when the last counted step ran (a hit is reported there)
        self._next_memory = MEMORY_EVERY

    def check(self, upcoming_ms: float) -> BudgetHit | None:
        """Look at the counts before the step at ``upcoming_ms``; a hit, or None.

        ``steps`` and ``last_step_ms`` are up to date. What was counted since
        the current second's window began is judged first (a hit is at the
        instant the last step ran, however ``advance`` was sliced), then an
        upcoming step in a new second starts a new window.
        """
        limits = self.limits
        written = self._records_written()
        t = self.last_step_ms / 1000
        hit: BudgetHit | None = None
        if self.steps - self._second_steps > limits.events_per_second:
            hit = BudgetHit(t, "events_per_second", limits.events_per_second)
        elif written - self._second_records > limits.records_per_second:
            hit = BudgetHit(t, "records_per_second", limits.records_per_second)
        elif written > limits.records:
            hit = BudgetHit(t, "records", limits.records)
        second = int(upcoming_ms // 1000)
        if hit is None and (second != self._second or self.steps >= self._next_memory):
            self._next_memory = self.steps + MEMORY_EVERY
            if self._footprint() > limits.memory_bytes:
                hit = BudgetHit(t, "memory_bytes", limits.memory_bytes)
        if second != self._second:
            self._second = second
            self._second_steps = self.steps
            self._second_records = written
            self.next_second_ms = (second + 1) * 1000.0
        room = limits.events_per_second - (self.steps - self._second_steps)
        self.next_check = self.steps + max(1, min(CHECK_EVERY, room + 1))
        return hit
