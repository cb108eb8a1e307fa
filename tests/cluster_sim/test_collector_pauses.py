"""The cyclic collector pauses while a run is built and while its clock runs, and no longer.

Building a large cluster is a bulk load of long-lived objects: left on, the collector
makes one full pass after another over a growing heap (at 5,000 Pods most of the
constructor's time). ``advance`` pauses it the same way. Either way it is back on, as
the caller had it, when the call returns or raises.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.simulation import ActionError

POD = """apiVersion: v1
kind: Pod
metadata: {{name: web-{i}}}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def bundle(pods: int) -> Any:
    return load_bundle([("pods.yaml", "---\n".join(POD.format(i=i) for i in range(pods)))])


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations the collector passes over, as it starts each pass."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was = gc.isenabled()
    gc.enable()
    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)
        if not was:
            gc.disable()


def test_building_a_run_makes_no_collector_pass(collections: list[int]) -> None:
    b = bundle(60)
    gc.collect()
    collections.clear()
    Simulation(b, seed=0)
    passes = len(collections)  # read before anything here allocates
    # One young pass at most: the one the collector makes as it resumes. Left on
    # through the build, it makes nine for these 60 Pods.
    assert passes <= 1
    assert gc.isenabled()


def test_the_collector_runs_again_once_the_run_is_built(collections: list[int]) -> None:
    sim = Simulation(bundle(5), seed=0)
    collections.clear()
    garbage = [[] for _ in range(5000)]  # enough allocations for a young pass
    del garbage
    assert collections, "the collector stayed paused after the constructor returned"
    sim.advance(1)
    assert gc.isenabled()


def test_a_constructor_that_raises_leaves_the_collector_on() -> None:
    with pytest.raises(ActionError):
        Simulation(bundle(1), seed=0, actions=[{"t": 1, "action": "no-such-action"}])
    assert gc.isenabled()


CRASH_LOOP = """apiVersion: v1
kind: Pod
metadata: {{name: crash-{i}}}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo starting; exit 1"]
"""


def test_what_a_slice_leaves_alive_skips_the_young_generations(
    collections: list[int],
) -> None:
    """The objects a slice allocated and kept go to the oldest generation unscanned.

    Otherwise the collector's first pass after ``advance`` walks every one of them
    (the run's workers, statuses, records) to find no garbage: 0.2 s after a
    1,000-Pod hour.
    """
    text = "---\n".join(CRASH_LOOP.format(i=i) for i in range(30))
    sim = Simulation(load_bundle([("pods.yaml", text)]), seed=0)
    gc.collect()
    collections.clear()
    records = sim.advance(600)
    young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
    tracked = sum(1 for r in records if gc.is_tracked(r))
    assert tracked > 1000  # the records alone, for scale
    assert young < 200
    assert collections == []
