"""Wall-clock pacing of a simulation: which simulated time should be reached now."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class Pacer:
    """Maps wall-clock time to a simulated target time at a given speed.

    The target is ``anchor_sim + (clock() - anchor_wall) * speed``. The anchor is
    the start of the run, moved to the current target on every speed change, so
    a change never makes the target jump or go backwards. The target never
    exceeds ``horizon``. The clock is injected so that tests need not sleep.

    A paused pacer holds its target still; ``resume`` continues from where it was
    paused (or from a later simulated time, after a step or a fast-forward),
    without counting the wall time spent paused.
    """

    __slots__ = ("_anchor_sim", "_anchor_wall", "_clock", "_paused", "_speed", "horizon")

    def __init__(
        self,
        speed: float,
        *,
        horizon: float,
        start: float = 0.0,
        clock: Clock = time.monotonic,
    ) -> None:
        _check_speed(speed)
        if horizon < start:
            raise ValueError(f"horizon must not be before start, got {horizon} < {start}")
        self._clock = clock
        self._speed = float(speed)
        self._anchor_sim = float(start)
        self._anchor_wall = clock()
        self._paused = False
        self.horizon = float(horizon)

    def __repr__(self) -> str:
        state = ", paused" if self._paused else ""
        return f"Pacer(speed={self._speed}, target={self.target()}, horizon={self.horizon}{state})"

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def target(self) -> float:
        """Simulated time the run should have reached by now."""
        if self._paused:
            return min(self.horizon, self._anchor_sim)
        elapsed = self._clock() - self._anchor_wall
        return min(self.horizon, self._anchor_sim + max(0.0, elapsed) * self._speed)

    def pause(self, at: float | None = None) -> None:
        """Hold the target at ``at`` (default: the current target)."""
        self._anchor_sim = self.target() if at is None else min(self.horizon, float(at))
        self._anchor_wall = self._clock()
        self._paused = True

    def resume(self, at: float | None = None) -> None:
        """Run on from ``at`` (default: where the target was held)."""
        self._anchor_sim = self.target() if at is None else min(self.horizon, float(at))
        self._anchor_wall = self._clock()
        self._paused = False

    def set_speed(self, speed: float) -> None:
        """Continue from the current target at a new speed."""
        _check_speed(speed)
        self._anchor_sim = self.target()
        self._anchor_wall = self._clock()
        self._speed = float(speed)

    def wall_until_horizon(self) -> float:
        """Wall seconds left before the target reaches the horizon (infinite when paused)."""
        left = self.horizon - self.target()
        if self._paused and left > 0:
            return float("inf")
        return left / self._speed


def _check_speed(speed: float) -> None:
    if not speed > 0:
        raise ValueError(f"speed must be positive, got {speed!r}")
