"""What every control-plane client is given: the store, the clock, the record sink."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from ..limits import RunLimits
from ..records import Recorder
from .store import APIStore

EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z, the run's epoch (userland.filesystem.EPOCH)


@dataclass
class ControlContext:
    """The parts of a run a controller may use; nothing of the kubelet.

    ``notice`` writes a ``notice`` record (what kubectl would print to the
    user); ``recorder.event`` writes a Kubernetes Event.
    """

    env: simpy.Environment
    store: APIStore
    recorder: Recorder
    rng: random.Random
    limits: RunLimits
    notice: Callable[[str], None]
    # The wall-clock instant (ms since the Unix epoch) simulated time 0 stands for.
    epoch_ms: int = EPOCH_MS

    @property
    def now_ms(self) -> int:
        return int(self.env.now)
