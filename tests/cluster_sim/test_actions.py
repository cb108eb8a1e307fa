"""Live actions: taken between advance() calls, logged, and replayed exactly."""

from __future__ import annotations

import json

import pytest
from simrun import events, last, of

from cluster_sim import Simulation, load_bundle
from cluster_sim.actions import ActionError

WEB = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx:1.27
    livenessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5, failureThreshold: 2}
    resources: {limits: {memory: 128Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""


def bundle():  # type: ignore[no-untyped-def]
    return load_bundle([("live.yaml", WEB)])


def live_run() -> tuple[list[dict], list[dict]]:
    sim = Simulation(bundle(), seed=3, horizon=200)
    records = sim.advance(20.5)
    sim.act("unhealthy", {"pod": "web", "container": "app"})
    records += sim.advance(33)
    sim.act("healthy", {"pod": "web"})
    records += sim.advance(50)
    sim.act("kill", {"pod": "sleeper", "container": "app", "exitCode": 3})
    records += sim.advance(60)
    sim.act("fillMemory", {"pod": "web", "container": "app", "mib": 200})
    records += sim.advance(90)
    sim.act("delete", {"pod": "sleeper", "gracePeriodSeconds": 5})
    records += sim.advance(200)
    return records, sim.actions


def dumps(records: list[dict]) -> str:
    return "\n".join(json.dumps(r, sort_keys=True) for r in records)


def test_a_replayed_action_log_gives_the_same_stream() -> None:
    records, log = live_run()
    replay = Simulation(bundle(), seed=3, horizon=200, actions=log)
    assert dumps(replay.advance(200)) == dumps(records)
    assert [a["t"] for a in log] == [20.5, 33.0, 50.0, 60.0, 90.0]


def test_unhealthy_makes_probes_fail_and_the_kubelet_restarts_the_container() -> None:
    records, _ = live_run()
    failures = [r["t"] for r in of(records, "probe", pod="default/web", result="Failure")]
    assert failures[:2] == [25.0, 30.0]
    assert (30.0, "Killing", "Container app failed liveness probe, will be restarted") in events(
        records, object="Pod/default/web"
    )


def test_kill_fill_memory_and_delete() -> None:
    records, _ = live_run()
    killed = of(records, "container", pod="default/sleeper", state="terminated")[0]
    assert (killed["t"], killed["exitCode"], killed["reason"]) == (50.0, 3, "Error")
    oom = of(records, "oom", pod="default/web")
    assert oom and oom[0]["t"] == 60.0
    assert [r["t"] for r in of(records, "deleted")] == [96.0]  # SIGKILL at 95 (grace 5), relist


def test_unknown_actions_are_refused_with_a_plain_message() -> None:
    sim = Simulation(bundle(), horizon=10)
    with pytest.raises(ActionError, match="unknown action 'explode'"):
        sim.act("explode", {})
    with pytest.raises(ActionError, match="kill needs container"):
        sim.act("kill", {"pod": "web"})
    sim.act("delete", {"pod": "nope"})
    assert last(sim.advance(10), "notice")["message"] == 'delete: pods "nope" not found'


def test_a_failed_node_loses_its_pods() -> None:
    text = (
        WEB
        + "---\n"
        + """apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: outage}
spec:
  nodes: 1
  actions:
  - {at: 20, failNode: node-1}
"""
    )
    records = Simulation(load_bundle([("x.yaml", text)]), horizon=400).advance(400)
    assert (60.0, "NodeNotReady", "Node is not ready") in events(records, object="Pod/default/web")
    evictions = events(records, reason="TaintManagerEviction")
    assert [t for t, _, _ in evictions] == [360.0, 360.0]
    assert last(records, "pod", pod="default/web")["status"] == "Unknown"
    assert of(records, "deleted") == []  # no kubelet left to confirm
