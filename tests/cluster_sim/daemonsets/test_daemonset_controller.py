"""The DaemonSet controller through whole runs: one Pod per eligible node, following nodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.store import ApiObject
from cluster_sim.kubectl.command_line import kubectl_text
from cluster_sim.kubectl.workloads import rollout_status

DOCS = Path(__file__).parent.parent / "docs_examples" / "controllers"

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
{extra}
      containers:
      - {{name: a, image: busybox:1.36, command: ["sleep", "3600"]}}
"""


def ds(extra: str = "      terminationGracePeriodSeconds: 5") -> str:
    return DS.format(extra=extra)


def run(
    *texts: str, until: float, scenario: str = "", horizon: float = 0
) -> tuple[Simulation, list[dict[str, Any]]]:
    docs = [(f"{i}.yaml", t) for i, t in enumerate(texts)]
    if scenario:
        docs.append(("scenario.yaml", scenario))
    sim = Simulation(load_bundle(docs), seed=0, horizon=horizon or until)
    return sim, sim.advance(until)


def pods_by_node(sim: Simulation, namespace: str = "default") -> dict[str, str]:
    return {
        str(p.spec.get("nodeName")): p.name
        for p in sim.store.list("Pod", namespace)
        if p.deletion_timestamp is None
    }


def status(sim: Simulation, name: str, namespace: str = "default") -> dict[str, Any]:
    obj = sim.store.get("DaemonSet", namespace, name)
    assert isinstance(obj, ApiObject)
    return obj.status


def events(records: list[dict[str, Any]], ref: str) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["object"] == ref
    ]


def test_the_docs_fluentd_daemonset_runs_one_pod_per_node() -> None:
    text = (DOCS / "daemonset.yaml").read_text()
    sim, records = run(text, until=30)
    placed = pods_by_node(sim, "kube-system")
    assert sorted(placed) == ["node-1", "node-2", "node-3"]
    assert events(records, "DaemonSet/kube-system/fluentd-elasticsearch") == [
        (0.0, "SuccessfulCreate", f"Created pod: {placed[n]}")
        for n in ("node-1", "node-2", "node-3")
    ]
    assert status(sim, "fluentd-elasticsearch", "kube-system") == {
        "currentNumberScheduled": 3,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 3,
        "numberReady": 3,
        "observedGeneration": 1,
        "updatedNumberScheduled": 3,
        "numberAvailable": 3,
        "numberUnavailable": 0,
    }
    pod = sim.store.get("Pod", "kube-system", placed["node-2"])
    assert pod is not None
    assert pod.spec["affinity"]["nodeAffinity"] == {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-2"]}]}
            ]
        }
    }
    assert [t["key"] for t in pod.spec["tolerations"]] == [
        "node-role.kubernetes.io/control-plane",
        "node-role.kubernetes.io/master",
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure",
        "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
    ]
    logs = [r["line"] for r in records if r["kind"] == "log" and placed["node-1"] in r["pod"]]
    assert logs[-1] == "[info]: fluentd worker is now running worker=0"


NODES = """\
apiVersion: v1
kind: Node
metadata: {name: cp, labels: {node-role.kubernetes.io/control-plane: ""}}
spec:
  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
---
apiVersion: v1
kind: Node
metadata: {name: worker-1, labels: {disk: ssd}}
---
apiVersion: v1
kind: Node
metadata: {name: worker-2}
"""


def test_a_control_plane_taint_keeps_pods_off_unless_tolerated() -> None:
    sim, _ = run(NODES, ds(), until=5)
    assert sorted(pods_by_node(sim)) == ["worker-1", "worker-2"]
    assert status(sim, "agent")["desiredNumberScheduled"] == 2
    docs_sim, _ = run(NODES, (DOCS / "daemonset.yaml").read_text(), until=5)
    assert sorted(pods_by_node(docs_sim, "kube-system")) == ["cp", "worker-1", "worker-2"]


def test_a_node_selector_picks_the_nodes() -> None:
    sim, _ = run(NODES, ds("      nodeSelector: {disk: ssd}"), until=5)
    assert sorted(pods_by_node(sim)) == ["worker-1"]
    assert status(sim, "agent")["desiredNumberScheduled"] == 1


SCENARIO = """\
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: nodes}
spec:
  actions:
  - {at: 10, addNode: {name: node-4}}
  - {at: 20, cordon: node-1}
  - {at: 21, delete: {pod: %s, gracePeriodSeconds: 0}}
  - {at: 30, removeNode: node-2}
"""


def test_pods_follow_nodes_that_join_leave_or_are_cordoned() -> None:
    first, _ = run(ds(), until=1)
    on_node_1 = pods_by_node(first)["node-1"]
    sim, records = run(ds(), until=9, scenario=SCENARIO % on_node_1, horizon=90)
    assert sorted(pods_by_node(sim)) == ["node-1", "node-2", "node-3"]
    records += sim.advance(15)
    placed = pods_by_node(sim)
    assert sorted(placed) == ["node-1", "node-2", "node-3", "node-4"]
    assert events(records, "DaemonSet/default/agent")[-1] == (
        10.0,
        "SuccessfulCreate",
        f"Created pod: {placed['node-4']}",
    )
    assert status(sim, "agent")["desiredNumberScheduled"] == 4
    records = sim.advance(25)
    replaced = pods_by_node(sim)["node-1"]
    assert replaced != on_node_1  # a cordoned node still runs its daemon Pod
    # The new Pod comes once the old one is gone from the API server (at 24 s), not before.
    assert events(records, "DaemonSet/default/agent") == [
        (24.0, "SuccessfulCreate", f"Created pod: {replaced}")
    ]
    assert any(
        r["kind"] == "event" and r["reason"] == "Scheduled" and replaced in r["object"]
        for r in records
    )
    sim.advance(40)
    assert status(sim, "agent")["desiredNumberScheduled"] == 3
    assert status(sim, "agent")["currentNumberScheduled"] == 3
    assert "node-2" in pods_by_node(sim)  # until the Pod GC's quarantine ends, at 80 s
    records = sim.advance(85)
    assert sorted(pods_by_node(sim)) == ["node-1", "node-3", "node-4"]
    assert events(records, "DaemonSet/default/agent") == []


def test_a_rolling_update_replaces_one_node_at_a_time() -> None:
    sim, _ = run(ds(), until=10, horizon=120)
    old = pods_by_node(sim)
    sim.act(
        "setImage",
        {"kind": "DaemonSet", "name": "agent", "container": "a", "image": "busybox:1.37"},
    )
    records = sim.advance(60)
    new = pods_by_node(sim)
    assert sorted(new) == ["node-1", "node-2", "node-3"]
    assert not set(new.values()) & set(old.values())
    changes = [
        (t, reason, message.split(": ")[1])
        for t, reason, message in events(records, "DaemonSet/default/agent")
    ]
    # maxUnavailable 1: each old Pod goes only once the previous node's new Pod is available.
    assert [(reason, pod) for _, reason, pod in changes] == [
        ("SuccessfulDelete", old["node-1"]),
        ("SuccessfulCreate", new["node-1"]),
        ("SuccessfulDelete", old["node-2"]),
        ("SuccessfulCreate", new["node-2"]),
        ("SuccessfulDelete", old["node-3"]),
        ("SuccessfulCreate", new["node-3"]),
    ]
    assert changes[0][0] == 10.0 and changes[2][0] > changes[1][0]
    assert (
        rollout_status(sim.cluster.ctx, "agent", "ds")
        == 'daemon set "agent" successfully rolled out'
    )


def test_kubectl_get_and_describe_ds() -> None:
    sim, _ = run(NODES, ds("      nodeSelector: {disk: ssd}"), until=30)
    text = kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), "get ds")[1]
    assert text.splitlines() == [
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE",
        "agent   1         1         1       1            1           disk=ssd        30s",
    ]
    text = kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), "describe ds agent")[
        1
    ]
    assert "Node-Selector:  disk=ssd\n" in text
    assert "Desired Number of Nodes Scheduled: 1\n" in text
    assert "Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in text


def test_a_failed_daemon_pod_is_killed_and_replaced_once_gone() -> None:
    sim, _ = run(ds(), until=10, horizon=60)
    first = pods_by_node(sim)["node-1"]
    pod = sim.store.get("Pod", "default", first)
    assert pod is not None
    sim.store.update_status(pod, {**pod.status, "phase": "Failed"})  # as an eviction leaves it
    records = sim.advance(30)
    found = events(records, "DaemonSet/default/agent")
    assert found[:2] == [
        (
            10.0,
            "FailedDaemonPod",
            f"Found failed daemon pod default/{first} on node node-1, will try to kill it",
        ),
        (10.0, "SuccessfulDelete", f"Deleted pod: {first}"),
    ]
    replacement = pods_by_node(sim)["node-1"]
    assert found[2:] == [(found[2][0], "SuccessfulCreate", f"Created pod: {replacement}")]
    # A failed Pod is deleted without grace (CheckGracefulDelete gives 0): it leaves the API
    # server at once, and the replacement comes in that instant, after it.
    gone = [r["t"] for r in records if r["kind"] == "deleted" and r["pod"] == f"default/{first}"]
    assert gone == [10.0] and found[2][0] == 10.0
