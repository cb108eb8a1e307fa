"""A node's CPUs: containers' CPU work turned into elapsed time, as the kernel shares it.

A container's program yields ``Compute`` actions (``userland.cpu``): so much
CPU work done. ``NodeCpu.run`` lets the simulated time pass that this work
takes on this node, now:

- **Weights.** Runnable containers share the node's cores in proportion to
  their cgroup v2 ``cpu.weight``, which the kubelet derives from the CPU
  request (``MilliCPUToShares``, then runc's shares-to-weight conversion;
  BestEffort gets the minimum, 2 shares, weight 1). A single-threaded
  process uses at most one core: the node's capacity is water-filled, so
  what a container cannot use goes to the others.
- **CFS bandwidth.** A container with a CPU limit gets ``limit x 100 ms``
  of CPU per 100 ms period (``cpu.max``); once used up it is throttled, not
  runnable, until the period ends. ``CfsStats`` counts ``nr_periods``,
  ``nr_throttled`` and the throttled time, as ``cpu.stat`` does.
- **Usage.** Once a container has been runnable for a whole second, the CPU
  it used in each whole simulated second is published at the end of that
  second (``resources`` records: millicores, and whether it was throttled),
  and once more as 0 after an idle second: a busy container shows 1000m (or
  its limit) without a record per quantum. Shorter bursts are not shown.

Exact and simple rather than clever: a container's rate is fixed for each
quantum of work when it starts, from the containers runnable at that instant,
and periods are aligned on the node's clock (multiples of 100 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import simpy

PERIOD_MS = 100  # cpu.cfs_period_us, the kubelet's default 100 ms
SECOND_MS = 1_000
MIN_SHARES = 2  # cm.MinShares
SHARES_PER_CPU = 1024  # cm.SharesPerCPU
MAX_SHARES = 262_144  # cm.MaxShares
CORE_MILLI = 1_000  # what one single-threaded process can use at most
CHUNK_US = 10_000  # work is scheduled (and metered) in pieces of at most 10 ms of CPU

SimGen = Generator[simpy.Event, Any, Any]


def milli_cpu_to_shares(milli_cpu: int) -> int:
    """``cm.MilliCPUToShares``: cpu.shares from a CPU request (0 -> the minimum, 2)."""
    if milli_cpu == 0:
        return MIN_SHARES
    shares = milli_cpu * SHARES_PER_CPU // 1000
    return min(max(shares, MIN_SHARES), MAX_SHARES)


def shares_to_weight(shares: int) -> int:
    """runc's ``ConvertCPUSharesToCgroupV2Value``: cgroup v1 shares to cgroup v2 cpu.weight."""
    return 1 + ((shares - 2) * 9999) // 262_142


def milli_cpu_to_quota_us(milli_cpu: int) -> int:
    """``cm.MilliCPUToQuota``: CPU time per 100 ms period for a limit (at least 1 ms)."""
    return max(milli_cpu * PERIOD_MS, 1000)


@lru_cache(maxsize=256)
def cgroup_cpu(request_milli: int, limit_milli: int) -> tuple[int, int | None]:
    """A container's ``cpu.weight`` and ``cpu.max`` quota (None: no limit) from its CPU
    request and limit. Cached: a crash loop's every start asks again with the same two."""
    weight = shares_to_weight(milli_cpu_to_shares(request_milli))
    quota = milli_cpu_to_quota_us(limit_milli) if limit_milli else None
    return weight, quota


@dataclass
class CfsStats:
    """``cpu.stat``'s bandwidth counters."""

    periods: int = 0  # nr_periods: periods in which the container ran
    throttled_periods: int = 0  # nr_throttled
    throttled_ms: int = 0  # throttled_usec, in ms


@dataclass(eq=False, slots=True)
class CpuAccount:
    """One container's CPU cgroup on a node."""

    weight: int
    quota_us: int | None  # per period; None: no limit
    publish: Callable[[int, bool], None]  # (millicores used last second, throttled then)
    stats: CfsStats = field(default_factory=CfsStats)
    used_us: int = 0  # CPU used in the current period
    period: int = -1
    carry_ms: float = 0.0  # elapsed time owed below the clock's 1 ms
    window_us: int = 0  # CPU used in the current second
    window_throttled: bool = False
    metering: bool = False
    busy_since: int | None = None  # runnable without blocking since then
    total_us: int = 0  # cpuacct.usage


class NodeCpu:
    """The CPUs of one node, shared by the containers running on it."""

    def __init__(self, env: simpy.Environment, capacity_milli: int) -> None:
        self.env = env
        self.capacity = max(capacity_milli, 1)
        self.runnable: dict[CpuAccount, None] = {}  # insertion order: deterministic
        self._rates: dict[CpuAccount, float] | None = None

    def account(
        self, request_milli: int, limit_milli: int, publish: Callable[[int, bool], None]
    ) -> CpuAccount:
        return CpuAccount(*cgroup_cpu(request_milli, limit_milli), publish)

    # -- runnable set ------------------------------------------------------------

    def _join(self, account: CpuAccount) -> None:
        if account not in self.runnable:
            self.runnable[account] = None
            self._rates = None

    def _leave(self, account: CpuAccount) -> None:
        if account in self.runnable:
            del self.runnable[account]
            self._rates = None

    def idle(self, account: CpuAccount) -> None:
        """The container's process blocked (a sleep) or exited: it stops competing."""
        if account in self.runnable:  # ``_leave``, inlined: every exit and sleep comes here
            del self.runnable[account]
            self._rates = None
        account.busy_since = None
        if not account.metering:  # a short burst: not metered (see ``run``)
            account.window_us, account.window_throttled = 0, False

    def rate(self, account: CpuAccount) -> float:
        """Millicores ``account`` gets now: its weight's share, at most one core."""
        if self._rates is None:
            self._rates = self._water_fill()
        return self._rates[account]

    def _water_fill(self) -> dict[CpuAccount, float]:
        rates: dict[CpuAccount, float] = {}
        left = float(self.capacity)
        pending = list(self.runnable)
        while pending:
            total = sum(a.weight for a in pending)
            full = [a for a in pending if left * a.weight >= CORE_MILLI * total]
            if not full:
                for a in pending:
                    rates[a] = left * a.weight / total
                break
            for a in full:
                rates[a] = float(CORE_MILLI)
                left -= CORE_MILLI
            pending = [a for a in pending if a not in full]
        return rates

    # -- work ----------------------------------------------------------------------

    def run(self, account: CpuAccount, cpu_us: int) -> SimGen:
        """Let the time pass that ``cpu_us`` of work takes ``account`` on this node."""
        env = self.env
        self._join(account)
        if account.busy_since is None:
            account.busy_since = int(env.now)
        elif not account.metering and env.now - account.busy_since >= SECOND_MS:
            # Runnable for a whole second: metered from now on. Shorter bursts
            # (a script's work between two sleeps) are averaged away, as the
            # kubelet's 10 s cAdvisor housekeeping would.
            account.metering = True
            account.window_us, account.window_throttled = 0, False  # metered from now
            env.process(self._meter(account))
        remaining = cpu_us
        while remaining > 0:
            now = int(env.now)
            chunk = remaining
            if account.quota_us is not None:
                period = now // PERIOD_MS
                if period != account.period:
                    account.period, account.used_us = period, 0
                    account.stats.periods += 1
                room = account.quota_us - account.used_us
                if room <= 0:  # throttled: off the run queue until the period ends
                    wait = (period + 1) * PERIOD_MS - now
                    account.stats.throttled_periods += 1
                    account.stats.throttled_ms += wait
                    account.window_throttled = True
                    self._leave(account)
                    try:
                        yield env.timeout(wait)
                    finally:
                        self._join(account)
                    continue
                chunk = min(remaining, room)
            chunk = min(chunk, CHUNK_US)
            elapsed = chunk / self.rate(account) + account.carry_ms
            ms = int(elapsed)
            account.carry_ms = elapsed - ms
            account.used_us += chunk
            account.window_us += chunk
            account.total_us += chunk
            remaining -= chunk
            if ms:
                yield env.timeout(ms)

    def _meter(self, account: CpuAccount) -> SimGen:
        """Publish each whole second's usage; stop after publishing an idle second."""
        env = self.env
        while True:
            now = int(env.now)
            yield env.timeout((now // SECOND_MS + 1) * SECOND_MS - now)
            used, throttled = account.window_us, account.window_throttled
            account.window_us, account.window_throttled = 0, False
            account.publish(used // 1000, throttled)  # us per 1,000 ms = millicores
            if not used and not throttled:
                account.metering = False
                return


def node_cpu(node_state: Any) -> NodeCpu:
    """The CPU scheduler of a node (``nodestate.NodeState``), made on first use and kept
    on the node (``NodeState.cpu_scheduler``)."""
    scheduler: NodeCpu | None = node_state.cpu_scheduler
    if scheduler is None:
        scheduler = NodeCpu(node_state.env, node_state.node.allocatable.milli_cpu)
        node_state.cpu_scheduler = scheduler
    return scheduler
