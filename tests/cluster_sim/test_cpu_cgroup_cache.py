"""``kubelet.cpu.cgroup_cpu``: the cached cgroup values against the kubelet's conversions."""

from __future__ import annotations

import simpy

from cluster_sim.kubelet.cpu import (
    NodeCpu,
    cgroup_cpu,
    milli_cpu_to_quota_us,
    milli_cpu_to_shares,
    shares_to_weight,
)


def test_cached_cgroup_values_are_the_kubelets_conversions() -> None:
    """MilliCPUToShares, the shares-to-weight conversion and MilliCPUToQuota, uncached."""
    for request in (0, 1, 2, 5, 100, 250, 999, 1000, 1500, 64_000, 300_000):
        for limit in (0, 1, 9, 10, 100, 500, 1000, 2000):
            for _ in range(2):  # computed, then cached
                weight = shares_to_weight(milli_cpu_to_shares(request))
                quota = milli_cpu_to_quota_us(limit) if limit else None
                assert cgroup_cpu(request, limit) == (weight, quota)


def test_accounts_share_the_values_not_the_cgroup() -> None:
    cpu = NodeCpu(simpy.Environment(), 4000)
    a, b = cpu.account(250, 500, print), cpu.account(250, 500, print)
    assert (a.weight, a.quota_us) == (b.weight, b.quota_us) == cgroup_cpu(250, 500) == (10, 50_000)
    assert a is not b and a.stats is not b.stats  # each container its own cgroup
