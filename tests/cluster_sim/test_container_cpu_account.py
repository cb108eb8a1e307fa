"""``ContainerInstance.cpu_account``: made when PID 1 first computes, not at every start.

A run that never computes (a crash loop's ``echo; exit``) has no account: its
``resources`` values and its exit must be those a new account would have given.
"""

from __future__ import annotations

import itertools
from dataclasses import astuple
from types import SimpleNamespace
from typing import Any, cast

import simpy
from test_start_exit_builds import _Resources
from test_start_exit_shortcuts import crasher

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.cpu import NodeCpu, cgroup_cpu
from cluster_sim.kubelet.runtime import ContainerInstance

COMPUTER = (
    crasher("busy").replace(
        "'echo starting; exit 1'",
        "'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 3600'",
    )
    + "    resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}\n"
)


def _instances(text: str, seconds: float) -> list[ContainerInstance]:
    sim = Simulation(load_bundle([("x.yaml", text)]), horizon=seconds)
    sim.advance(seconds)
    return [i for w in sim.cluster.workers.values() for i in w.instances.values()]


def test_a_run_that_never_computes_has_no_account() -> None:
    (instance,) = _instances(crasher("crash"), 30)
    assert instance.exit_code == 1 and instance.cpu_account is None
    stats = instance.cfs  # asked for: made then, a new account's counters
    assert (stats.periods, stats.throttled_periods, stats.throttled_ms) == (0, 0, 0)
    assert instance.cpu_account is not None


def test_the_account_made_at_the_first_compute_is_the_one_a_start_made() -> None:
    (instance,) = _instances(COMPUTER, 30)
    account = instance.cpu_account
    assert instance.running and account is not None and account.total_us > 0
    assert (account.weight, account.quota_us) == cgroup_cpu(250, 500)
    assert account.publish == instance.handle.cpu_usage
    assert instance.cfs is account.stats and account.stats.periods > 0


def test_idle_without_an_account_is_what_idle_of_a_new_account_did() -> None:
    """``_idle`` skips ``NodeCpu.idle`` without an account: on a new one it changes nothing."""
    cpu = NodeCpu(simpy.Environment(), 4000)
    idled, new = cpu.account(250, 500, print), cpu.account(250, 500, print)
    cpu.idle(idled)
    assert astuple(idled) == astuple(new) and not cpu.runnable and cpu._rates is None


def test_resources_values_without_an_account_are_a_new_accounts() -> None:
    cpu = NodeCpu(simpy.Environment(), 4000)
    for limit, cpu_used, exit_code in itertools.product((0, 500), (0, 300), (None, 1)):
        given = []
        for account in (None, cpu.account(250, limit, print)):
            worker = _Resources()
            instance = SimpleNamespace(
                memory=4096,
                exit_code=exit_code,
                charged=4096,
                cpu=0,
                cpu_used=cpu_used,
                cpu_throttled=False,
                container=SimpleNamespace(
                    name="app", limits=SimpleNamespace(milli_cpu=limit, memory=0)
                ),
                cpu_account=account,
            )
            worker.resources_changed(cast(Any, instance))
            given.append(worker.given[-1])
        assert given[0] == given[1]
