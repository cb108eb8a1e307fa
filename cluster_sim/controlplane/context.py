"""What every control-plane client is given: the store, the clock, the record sink."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import simpy

from ..admission.attestation import AttestationPolicy, install
from ..limits import RunLimits
from ..provenance.ledger import Ledger
from ..records import Recorder
from ..registry import Registry
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
    # The run's image registry (issue #16): one per run, pushes recorded in ``recorder``.
    registry: Registry = field(init=False)
    # The run's Grafeas notes and occurrences: its images' birth certificates (issue #16).
    ledger: Ledger = field(init=False)

    def __post_init__(self) -> None:
        self.registry = Registry(self.recorder)
        self.ledger = Ledger(self.recorder.emit, lambda: self.epoch_ms)
        # The attestation webhook on Pod CREATE (off unless a Namespace's label asks).
        install(self.store, AttestationPolicy(self.store, self.registry, self.ledger))

    @property
    def now_ms(self) -> int:
        return int(self.env.now)
