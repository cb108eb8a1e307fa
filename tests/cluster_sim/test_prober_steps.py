"""The prober's step called directly, per probe type, in the style of the kubelet's
``pkg/kubelet/prober/worker_test.go`` (TestInitialDelay, TestFailureThreshold,
TestSuccessThreshold, TestOnHoldOnLivenessOrStartupCheckFailure): a running container,
``do_probe`` called back to back at one instant, the cached result after each call.
"""

from __future__ import annotations

import gc

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.prober import EXEC, FAILURE, IDLE, KEEP, SUCCESS, ProbeWorker

POD = """apiVersion: v1
kind: Pod
metadata: {{name: web}}
spec:
  containers:
  - name: web
    image: nginx:1.27
    {kind}Probe: {{{handler}, initialDelaySeconds: {delay}, periodSeconds: 1000,
      successThreshold: {success}, failureThreshold: {failure}}}
"""
HANDLERS = {
    ("httpGet", True): "httpGet: {path: /, port: 80}",
    ("httpGet", False): "httpGet: {path: /, port: 81}",
    ("tcpSocket", True): "tcpSocket: {port: 80}",
    ("tcpSocket", False): "tcpSocket: {port: 81}",
    ("exec", True): "exec: {command: [sh, -c, 'exit 0']}",
    ("exec", False): "exec: {command: [sh, -c, 'echo down; exit 1']}",
    ("grpc", False): "grpc: {port: 81}",
}


def worker(
    handler: str, healthy: bool, kind: str, delay: int = 0, success: int = 1, failure: int = 1
) -> tuple[Simulation, ProbeWorker]:
    text = POD.format(
        kind=kind,
        handler=HANDLERS[handler, healthy],
        delay=delay,
        success=success,
        failure=failure,
    )
    sim = Simulation(load_bundle([("t.yaml", text)]), horizon=600)
    sim.advance(20)  # running, its first probe done at the start (period 1000 s)
    (w,) = sim.cluster.workers["default/web"].probe_workers
    w._timer = None  # its ticker no longer calls the step: the test does
    return sim, w


def step(sim: Simulation, w: ProbeWorker) -> str:
    """One ``doProbe``; an exec probe's command is run to its end."""
    outcome = w.do_probe()
    if outcome is EXEC:
        done = sim.env.process(w.run_exec_probe())
        sim.env.run(until=done)
        outcome = done.value
    return outcome


HANDLER_KINDS = ["httpGet", "tcpSocket", "exec"]


@pytest.mark.parametrize("handler", HANDLER_KINDS)
@pytest.mark.parametrize("kind", ["liveness", "readiness"])
def test_initial_delay(handler: str, kind: str) -> None:
    sim, w = worker(handler, True, kind, delay=100)
    results = [(step(sim, w), w.result) for _ in range(3)]
    assert results == [(KEEP, {"liveness": SUCCESS, "readiness": FAILURE}[kind])] * 3


@pytest.mark.parametrize("handler", HANDLER_KINDS)
def test_failure_threshold(handler: str) -> None:
    sim, w = worker(handler, False, "liveness", failure=3)
    seen = [(step(sim, w), w.result, w.result_run, w.on_hold) for _ in range(4)]
    assert seen == [
        (KEEP, SUCCESS, 1, False),
        (KEEP, SUCCESS, 2, False),
        (KEEP, FAILURE, 0, True),  # the threshold met: on hold, the run counted again
        (IDLE, FAILURE, 0, True),  # on hold until a new container: no probe runs
    ]


@pytest.mark.parametrize("handler", HANDLER_KINDS)
def test_success_threshold(handler: str) -> None:
    sim, w = worker(handler, True, "readiness", success=3)
    # The container's start triggered the readiness probe once: one Success counted.
    assert (w.result, w.last_result, w.result_run) == (FAILURE, SUCCESS, 1)
    seen = [(step(sim, w), w.result, w.result_run) for _ in range(3)]
    assert seen == [(KEEP, FAILURE, 2), (KEEP, SUCCESS, 3), (KEEP, SUCCESS, 4)]


@pytest.mark.parametrize("handler", [*HANDLER_KINDS, "grpc"])
def test_one_failure_puts_liveness_on_hold(handler: str) -> None:
    sim, w = worker(handler, False, "liveness")
    assert (step(sim, w), w.result, w.on_hold, w.result_run) == (KEEP, FAILURE, True, 0)
    written = sim.cluster.recorder.written
    assert step(sim, w) == IDLE  # on hold until a new container: no probe runs, no record
    assert (sim.cluster.recorder.written, w.result, w.result_run) == (written, FAILURE, 0)


@pytest.mark.parametrize("healthy", [True, False])
def test_probe_records_hold_plain_values_the_cyclic_collector_skips(healthy: bool) -> None:
    """A probed hour writes a probe record per Pod and probe period: plain strings and
    numbers (the enums' values, the same JSON), so the collector never walks them."""
    manifest = POD.format(
        kind="readiness",
        handler=HANDLERS[("httpGet", healthy)],
        delay=0,
        success=1,
        failure=3,
    ).replace("periodSeconds: 1000", "periodSeconds: 1")
    sim = Simulation(load_bundle([("web.yaml", manifest)]), seed=0, horizon=30)
    probes = [r for r in sim.advance(30) if r["kind"] == "probe"]
    assert probes and {r["result"] for r in probes} == {"Success" if healthy else "Failure"}
    assert all(type(r["probe"]) is str and type(r["result"]) is str for r in probes)
    assert not any(gc.is_tracked(r) for r in probes)
