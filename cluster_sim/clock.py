"""Calls at a simulated instant, after everything else that happens at that instant."""

from __future__ import annotations

from collections.abc import Callable

import simpy

# After SimPy's URGENT (0) and NORMAL (1) events of the same instant.
LATE = simpy.events.EventPriority(2)


class LateCall(simpy.Event):
    """Call ``fn`` at ``at_ms``, after every other event of that instant."""

    def __init__(self, env: simpy.Environment, at_ms: int, fn: Callable[[], None]) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        self.callbacks.append(lambda _event: fn())
        env.schedule(self, LATE, max(0, at_ms - env.now))
