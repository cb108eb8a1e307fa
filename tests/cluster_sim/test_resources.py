"""Requests, limits, QoS classes, OOM kills and CPU throttling: the docs' examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from simrun import events, last, of, run

DOCS = Path(__file__).parent / "docs_examples"
MiB = 1024 * 1024


def test_docs_memory_within_the_limit_runs() -> None:
    records = run((DOCS / "memory-request-limit.yaml").read_text(), until=60)
    pod = last(records, "pod")
    assert (pod["status"], pod["ready"], pod["restarts"], pod["qosClass"]) == (
        "Running",
        "1/1",
        0,
        "Burstable",
    )
    usage = last(records, "resources")
    assert (usage["memory"], usage["memoryLimit"]) == (150 * MiB + MiB, 200 * MiB)


def test_docs_memory_over_the_limit_is_oom_killed_and_backs_off() -> None:
    records = run((DOCS / "memory-request-limit-2.yaml").read_text(), until=60)
    first = of(records, "container", state="terminated")[0]
    assert (first["reason"], first["exitCode"]) == ("OOMKilled", 137)
    statuses = [r["status"] for r in of(records, "pod")]
    assert "OOMKilled" in statuses
    assert statuses.index("OOMKilled") < statuses.index("CrashLoopBackOff")
    oom = of(records, "oom")[0]
    assert (oom["memory"], oom["limit"]) == (250 * MiB + MiB, 100 * MiB)
    assert events(records, reason="BackOff")


def test_docs_memory_request_bigger_than_any_node_is_unschedulable() -> None:
    records = run((DOCS / "memory-request-limit-3.yaml").read_text(), until=30)
    assert events(records, reason="FailedScheduling") == [
        (0.0, "FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.")
    ]
    assert last(records, "pod")["status"] == "Pending"


def test_docs_cpu_over_the_limit_is_throttled_not_killed() -> None:
    records = run((DOCS / "cpu-request-limit.yaml").read_text(), until=60)
    usage = last(records, "resources")
    assert (usage["cpu"], usage["cpuLimit"], usage["throttled"]) == (1000, 1000, True)
    assert last(records, "pod")["status"] == "Running"
    assert of(records, "container", state="terminated") == []


@pytest.mark.parametrize(
    ("example", "qos"),
    [
        ("qos-pod.yaml", "Guaranteed"),
        ("qos-pod-2.yaml", "Burstable"),
        ("qos-pod-3.yaml", "BestEffort"),
        ("qos-pod-4.yaml", "Burstable"),
    ],
)
def test_docs_qos_classes(example: str, qos: str) -> None:
    records = run((DOCS / example).read_text(), until=20)
    assert {r["qosClass"] for r in of(records, "pod")} == {qos}


def test_limits_only_defaults_requests_and_makes_a_guaranteed_pod() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: limits-only}
spec:
  containers:
  - name: app
    image: nginx
    resources: {limits: {cpu: 500m, memory: 128Mi}}
"""
    assert last(run(text, until=5), "pod")["qosClass"] == "Guaranteed"


def test_a_memory_leak_from_a_scenario_hits_the_limit() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: leaky}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
    resources: {limits: {memory: 100Mi}}
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: leak}
spec:
  faults:
  - {pod: leaky, container: app, memory: {growMiBPerSecond: 10}}
"""
    records = run(text, until=40)
    first = of(records, "container", state="terminated")[0]
    # Started at 2.18 with 1 MiB; 10 MiB more each second: 101 MiB > 100 MiB at 12.18.
    assert (first["t"], first["reason"], first["exitCode"]) == (12.18, "OOMKilled", 137)


def test_node_memory_pressure_evicts_the_pod_over_its_request_first() -> None:
    text = (Path(__file__).parent / "manifests" / "eviction.yaml").read_text()
    records = run(text, until=120)
    # Three stress Pods use 301, 401 and 241 MiB of a 1 GiB node; 40 MiB more at t=30
    # leaves 81 MiB (< 100 MiB): the next housekeeping tick (40 s) evicts one Pod.
    evicted = events(records, reason="Evicted")
    assert [(t, r) for t, r, _ in evicted] == [(40.0, "Evicted")]
    assert evicted[0][2] == (
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 81Mi. "
        "Container app was using 301Mi, request is 0, has larger consumption of memory. "
    )
    assert of(records, "event", reason="Evicted")[0]["object"] == "Pod/default/best-effort"
    # Failed/Evicted is written before the kill; once the container statuses say how it
    # stopped, kubectl's STATUS is that reason (printers.go): Error after the SIGKILL.
    pods = of(records, "pod", pod="default/best-effort")
    shown = [(r["t"], r["phase"], r["status"]) for r in pods]
    assert shown[-2:] == [(40.0, "Failed", "Evicted"), (42.0, "Failed", "Error")]
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(40.0, "killing"), (40.0, "SIGTERM"), (42.0, "SIGKILL")]  # 1 -> 2 s minimum
    assert of(records, "termination", step="killing")[0]["grace"] == 1  # PR #124063's override
    met = events(records, reason="EvictionThresholdMet")
    assert met == [(40.0, "EvictionThresholdMet", "Attempting to reclaim memory")]
    assert of(records, "event", reason="EvictionThresholdMet")[0]["object"] == "Node/small"
    pressure = [(t, r) for t, r, _ in events(records) if r.startswith("NodeHas")]
    assert pressure == [(40.0, "NodeHasInsufficientMemory"), (50.0, "NodeHasSufficientMemory")]
    for survivor in ("default/burstable", "default/guaranteed"):
        assert last(records, "pod", pod=survivor)["status"] == "Running"
