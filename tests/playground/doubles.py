"""Simulation doubles for the worker pool's tests (importable by spawned workers)."""

from __future__ import annotations

import time
from typing import Any

from cluster_sim import Simulation


class Runaway:
    """A simulation whose clock never moves and whose every advance() costs wall time.

    ``cost`` is the time one advance() takes, on ``clock`` (a test's fake clock
    moves by it; the real one sleeps). It records every call, so a test can count
    how many advance() calls a slice made.
    """

    cost = 0.01
    clock: Any = None

    def __init__(self, bundle: Any, **kwargs: Any) -> None:
        self.now = 0.0
        self.finished = False
        self.seed = 0
        self.horizon = 3600.0
        self.actions: list[dict[str, Any]] = []
        self.calls = 0

    def next_time(self) -> float | None:
        return 0.0

    def advance(self, until: float) -> list[dict[str, Any]]:
        self.calls += 1
        if Runaway.clock is not None:
            Runaway.clock.now += self.cost
        else:
            time.sleep(self.cost)
        return []


class HangsWhenAsked(Simulation):
    """A real simulation, except that an ``advance`` beyond 500 s spins forever."""

    def advance(self, until: float) -> list[dict[str, Any]]:
        if until > 500.0:
            while True:  # busy, as a runaway is: the watchdog counts CPU time
                pass
        return super().advance(until)
