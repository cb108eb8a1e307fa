"""What every control-plane client is given: the store, the clock, the record sink."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from ..limits import RunLimits
from ..records import Recorder
from .store import APIStore


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

    @property
    def now_ms(self) -> int:
        return int(self.env.now)
