"""Scheduling in the simulated cluster: placement, FailedScheduling, retries."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle


def run(text: str, until: float = 60) -> list[dict]:
    return Simulation(load_bundle([("x.yaml", text)]), horizon=until).advance(until)


def pod(name: str, memory: str = "", extra: str = "", command: str = "") -> str:
    resources = f"\n    resources: {{requests: {{memory: {memory}}}}}" if memory else ""
    cmd = f"\n    command: {command}" if command else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:{extra}\n"
        f"  containers:\n  - name: c\n    image: busybox:1.36{resources}{cmd}\n"
    )


def test_a_pod_too_big_for_every_node_stays_pending_with_kubernetes_message() -> None:
    records = run(pod("big", memory="16Gi"))
    failed = [r for r in records if r["kind"] == "event" and r["reason"] == "FailedScheduling"]
    assert [(r["t"], r["type"], r["message"], r["source"]) for r in failed] == [
        (0.0, "Warning", "0/3 nodes are available: 3 Insufficient memory.", "default-scheduler")
    ]
    pods = [r for r in records if r["kind"] == "pod"]
    assert pods[-1]["phase"] == "Pending" and pods[-1]["status"] == "Pending"
    assert pods[-1]["node"] is None
    assert pods[-1]["conditions"] == {"PodScheduled": "False"}


def test_node_selector_and_resources_are_both_reported_per_node() -> None:
    nodes = "".join(
        f"apiVersion: v1\nkind: Node\nmetadata:\n  name: n{i}\n  labels: {{disk: {disk}}}\n"
        f"status:\n  allocatable: {{cpu: '2', memory: 1Gi, pods: '10'}}\n---\n"
        for i, disk in ((1, "ssd"), (2, "hdd"), (3, "hdd"))
    )
    records = run(nodes + pod("p", memory="2Gi", extra="\n  nodeSelector: {disk: ssd}"))
    failed = [r["message"] for r in records if r.get("reason") == "FailedScheduling"]
    assert failed == [
        "0/3 nodes are available: 1 Insufficient memory, "
        "2 node(s) didn't match Pod's node affinity/selector."
    ]


def test_an_unschedulable_pod_is_scheduled_when_room_appears() -> None:
    node = (
        "apiVersion: v1\nkind: Node\nmetadata: {name: small}\n"
        "status: {allocatable: {cpu: '1', memory: 1Gi, pods: '110'}}\n---\n"
    )
    first = pod(
        "first",
        memory="768Mi",
        extra="\n  restartPolicy: Never",
        command='["sh", "-c", "sleep 30"]',
    )
    second = pod("second", memory="512Mi")
    records = run(node + first + "---\n" + second, until=120)
    sched = [
        (r["t"], r["reason"], r["object"])
        for r in records
        if r["kind"] == "event" and r["reason"] in ("Scheduled", "FailedScheduling")
    ]
    first_done = next(
        r["t"]
        for r in records
        if r["kind"] == "pod" and r["pod"] == "default/first" and r["phase"] == "Succeeded"
    )
    assert sched == [
        (0.0, "Scheduled", "Pod/default/first"),
        (0.0, "FailedScheduling", "Pod/default/second"),
        (first_done, "Scheduled", "Pod/default/second"),
    ]


def test_spec_node_name_skips_the_scheduler() -> None:
    records = run(pod("pinned", extra="\n  nodeName: node-3"))
    assert not [r for r in records if r.get("reason") in ("Scheduled", "FailedScheduling")]
    assert [r for r in records if r["kind"] == "pod"][-1]["node"] == "node-3"
