"""The pod worker skips the publish after a sync whose last step published (issue #15).

``PodWorker.run`` publishes after every sync; a crash loop's start and back-off
syncs end with a ``set_status`` that published in the same step, so that publish
would compare and write nothing, and the worker leaves it out
(``PodWorkerBase.published_this_step``). Each test holds the runs with the skip to
the runs that publish after every sync, record for record.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import simpy
from digests.scenario_digests import digest, inputs, key

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.pod_worker_base import PodWorkerBase

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from sim_throughput import LIMITS, POD, bundle_text  # noqa: E402

# A Pod whose syncs start an init container, a sidecar and a container with a failing
# postStart hook, restart them and kill on a failing liveness probe; then it is deleted.
HOOKS_AND_SIDECARS = """\
apiVersion: v1
kind: Pod
metadata: {name: busy}
spec:
  initContainers:
  - {name: init, image: busybox, command: ["sh", "-c", "echo init"]}
  - name: side
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "sleep 7; exit 3"]
  containers:
  - name: hooked
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
    lifecycle:
      postStart: {exec: {command: ["sh", "-c", "exit 1"]}}
  - name: probed
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
    livenessProbe: {exec: {command: ["false"]}, periodSeconds: 5}
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: s}
spec:
  horizon: 400
  actions:
  - {at: 300, delete: {pod: busy}}
"""


def _never_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PodWorkerBase, "published_this_step", lambda self: False)


def _counting_skips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    skips = [0]
    check = PodWorkerBase.published_this_step

    def counted(self: PodWorkerBase) -> bool:
        skip = check(self)
        skips[0] += skip
        return skip

    monkeypatch.setattr(PodWorkerBase, "published_this_step", counted)
    return skips


def _records(text: str, horizon: float, limits: object = None) -> list[str]:
    bundle = load_bundle([("t.yaml", text)], *([limits] if limits else []))
    sim = Simulation(bundle, seed=0, horizon=horizon, **({"limits": limits} if limits else {}))
    return [repr(r) for t in range(30, int(horizon) + 1, 30) for r in sim.advance(float(t))]


@pytest.mark.parametrize(
    "text,horizon,limits",
    [(bundle_text(3, POD), 3600, LIMITS), (HOOKS_AND_SIDECARS, 400, None)],
    ids=["crash-loops", "hooks-and-sidecars"],
)
def test_skipped_publishes_would_have_written_nothing(
    text: str, horizon: float, limits: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    skips = _counting_skips(monkeypatch)
    with_skips = _records(text, horizon, limits)
    assert skips[0] >= 10  # the shortcut is taken, not just harmless
    monkeypatch.undo()
    _never_skip(monkeypatch)
    assert with_skips == _records(text, horizon, limits)


def test_a_crash_loop_skips_the_publish_after_its_start_and_its_back_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skips = _counting_skips(monkeypatch)
    bundle = load_bundle([("t.yaml", bundle_text(1, POD))], LIMITS)
    sim = Simulation(bundle, seed=0, horizon=3600, limits=LIMITS)
    records = sim.advance(3600)
    starts = sum(1 for r in records if r.get("reason") == "Started")
    backoffs = sum(1 for r in records if r.get("reason") == "BackOff")
    assert starts > 10
    assert skips[0] == starts + backoffs


def test_a_status_write_from_another_process_is_not_the_workers_publish() -> None:
    """A status write outside the worker's steps (a container's exit runs in the container's
    process) is not one the worker's next sync can count on: what changed since is not
    known to it."""
    bundle = load_bundle([("t.yaml", bundle_text(1, POD))], LIMITS)
    sim = Simulation(bundle, seed=0, horizon=60, limits=LIMITS)
    sim.advance(30)
    [worker] = sim.cluster.workers.values()
    s = worker.rt.statuses["app"]
    worker.set_status(worker.container("app"), s)  # outside any process's step
    assert worker._published_in is None
    assert not worker.published_this_step()


SAMPLE = [p for p in inputs() if any(w in p.read_text() for w in ("lifecycle", "Probe"))]


@pytest.mark.parametrize("path", SAMPLE, ids=key)
def test_scenarios_with_hooks_and_probes_print_the_same_with_and_without_skips(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_skips = digest(path)
    _never_skip(monkeypatch)
    assert with_skips == digest(path)


def test_a_step_is_read_from_the_fields_simpys_properties_return() -> None:
    """``_step`` reads ``env._active_proc`` and ``process._target`` for SimPy's
    ``active_process`` and ``target``: the same objects, in a step and outside one."""
    env = simpy.Environment()
    seen: list[tuple[object, object]] = []

    def steps() -> simpy.events.ProcessGenerator:
        for delay in (0, 5, 5):
            process = env.active_process
            assert process is not None
            seen.append((env._active_proc, process._target))
            assert env._active_proc is process
            assert process._target is process.target
            yield env.timeout(delay)

    process = env.process(steps())
    assert env._active_proc is env.active_process is None
    env.run()
    assert len({id(target) for _, target in seen}) == 3  # a new event at every step
    assert process._target is process.target
