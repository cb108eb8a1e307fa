"""The setup path's shortcuts answer as the code they skip.

A thousand-Pod run creates and schedules every Pod in its first instant: the QoS
class of a Pod without resources is BestEffort without the defaulting copy, a
PodSpec sums its requests once, and the scheduler reads a Pod's manifest once per
cycle (``PodFilter``) instead of once per node. Each is compared here with the
long way round, over the ComputePodQOS reference table and over hand-made nodes.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from typing import Any

import pytest
from test_qos import params, pod_spec

from cluster_sim import load_bundle
from cluster_sim.cluster import uuid4_text
from cluster_sim.limits import DEFAULT_LIMITS
from cluster_sim.model import NON_ZERO_MEMORY, NON_ZERO_MILLI_CPU, Pod, Resources
from cluster_sim.nodestate import defaulted_resources, pod_qos_class
from cluster_sim.qos import BEST_EFFORT, compute_pod_qos
from cluster_sim.scheduler import (
    NodeUsage,
    filter_node,
    fit_error,
    least_allocated_score,
    schedule,
)

SPECS: list[dict[str, Any]] = [
    {"containers": [{"name": "a"}]},
    {"containers": [{"name": "a", "resources": {}}]},
    {"containers": [{"name": "a", "resources": {"requests": {}}}]},
    {"containers": [{"name": "a", "resources": {"requests": {"cpu": "0"}}}]},
    {"containers": [{"name": "a", "resources": {"limits": {"memory": "1Gi"}}}]},
    {
        "containers": [{"name": "a"}],
        "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "100m"}}}],
    },
    {"containers": [{"name": "a"}], "resources": {"requests": {"cpu": "1"}}},
    {
        "containers": [
            {
                "name": "a",
                "resources": {
                    "requests": {"cpu": "1", "memory": "1Gi"},
                    "limits": {"cpu": "1", "memory": "1Gi"},
                },
            }
        ]
    },
]


@pytest.mark.parametrize("spec", SPECS)
def test_pod_qos_class_is_compute_pod_qos_of_the_defaulted_spec(spec: dict[str, Any]) -> None:
    assert pod_qos_class(spec) == compute_pod_qos(defaulted_resources(spec))


@pytest.mark.parametrize("case", params("qos/ComputePodQOS"))
def test_pod_qos_class_over_the_reference_table(case: dict[str, Any]) -> None:
    spec = pod_spec(case["input"])  # as the playground runs: PodLevelResources on
    assert pod_qos_class(spec) == compute_pod_qos(defaulted_resources(spec))


def test_a_pod_without_resources_is_best_effort() -> None:
    assert pod_qos_class({"containers": [{"name": "a", "image": "busybox"}]}) == BEST_EFFORT


def pods(text: str) -> list[Pod]:
    bundle = load_bundle([("t.yaml", text)], DEFAULT_LIMITS)
    return list(bundle.pods)


POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: i, image: busybox, resources: {requests: {cpu: "2", memory: 64Mi}}}
  containers:
  - {name: a, image: busybox, resources: {requests: {cpu: 250m}}}
  - {name: b, image: busybox, resources: {requests: {memory: 1Gi}}}
"""


def test_podspec_sums_its_requests_once_as_the_scheduler_counts_them() -> None:
    (pod,) = pods(POD)
    # max(sum of containers, largest init container), per resource
    assert pod.spec.requests() == Resources(2000, 1 << 30)
    # scoring: regular containers only, an unset request counted at the default
    assert pod.spec.non_zero_requests() == Resources(
        250 + NON_ZERO_MILLI_CPU, NON_ZERO_MEMORY + (1 << 30)
    )


NODES = """apiVersion: v1
kind: Node
metadata: {name: n1, labels: {disk: ssd}}
spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}
status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
---
apiVersion: v1
kind: Node
metadata: {name: n2, labels: {disk: hdd}}
status: {allocatable: {cpu: "1", memory: 1Gi, pods: "110"}}
"""

FILTERED = [
    (
        "spec: {containers: [{name: a, image: x}]}",
        [["node(s) had untolerated taint {dedicated: gpu}"], []],
    ),
    (
        "spec: {tolerations: [{key: dedicated, operator: Exists}],"
        " containers: [{name: a, image: x}]}",
        [[], []],
    ),
    (
        "spec: {nodeSelector: {disk: ssd}, tolerations: [{operator: Exists}],"
        " containers: [{name: a, image: x}]}",
        [[], ["node(s) didn't match Pod's node affinity/selector"]],
    ),
    (
        "spec: {tolerations: [{operator: Exists}], containers: [{name: a, image: x,"
        " resources: {requests: {cpu: '2', memory: 2Gi}}}]}",
        [[], ["Insufficient cpu", "Insufficient memory"]],
    ),
]


@pytest.mark.parametrize(("spec", "expected"), FILTERED)
def test_filter_node_reasons_per_node(spec: str, expected: list[list[str]]) -> None:
    bundle = load_bundle(
        [("t.yaml", NODES + f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\n{spec}\n")],
        DEFAULT_LIMITS,
    )
    (pod,) = bundle.pods
    usages = [NodeUsage(node) for node in bundle.nodes]
    assert [filter_node(pod, u, pod.spec.requests()) for u in usages] == expected


def test_least_allocated_score_is_the_mean_of_the_free_shares() -> None:
    bundle = load_bundle([("t.yaml", NODES)], DEFAULT_LIMITS)
    usage = NodeUsage(bundle.nodes[1])  # 1 CPU, 1Gi
    # cpu: (1000-250)*100//1000 = 75; memory: (1Gi-768Mi)*100//1Gi = 25; (75+25)//2
    assert least_allocated_score(Resources(250, 768 << 20), usage) == 50
    # more than the node has scores 0 for that resource
    assert least_allocated_score(Resources(2000, 0), usage) == (0 + 100) // 2


def schedule_the_long_way(
    pod: Pod, usages: list[NodeUsage], rng: random.Random
) -> tuple[NodeUsage | None, str]:
    """Filter every node, score the feasible ones, keep the best in the nodes' order."""
    reasons = {u.node.name: filter_node(pod, u, pod.spec.requests()) for u in usages}
    feasible = [u for u in usages if not reasons[u.node.name]]
    if not feasible:
        return None, fit_error(len(usages), {k: v for k, v in reasons.items() if v})
    scored = [(least_allocated_score(pod.spec.non_zero_requests(), u), u) for u in feasible]
    best = max(score for score, _ in scored)
    winners = [u for score, u in scored if score == best]
    return (winners[0] if len(winners) == 1 else rng.choice(winners)), ""


SCHEDULED_PODS = [
    "spec: {containers: [{name: a, image: x}]}",
    "spec: {containers: [{name: a, image: x, resources: {requests: {cpu: 700m}}}]}",
    "spec: {containers: [{name: a, image: x, resources: {requests: {memory: 3Gi}}}]}",
    "spec: {nodeSelector: {disk: ssd}, containers: [{name: a, image: x}]}",
    "spec: {nodeName: n3, containers: [{name: a, image: x}]}",
    "spec: {tolerations: [{operator: Exists}], containers: [{name: a, image: x,"
    " resources: {requests: {cpu: 1500m, memory: 1Gi}}}]}",
]


@pytest.mark.parametrize("seed", range(40))
def test_schedule_in_one_pass_picks_as_filtering_then_scoring_does(seed: int) -> None:
    """Random nodes (tainted, cordoned, full, of several sizes), partly filled, and Pods of
    every filter: the one-pass ``schedule`` chooses the node the long way chooses (the same
    random tie-break, drawn from generators in the same state) or fails with its message."""
    rng = random.Random(seed)
    docs = []
    for i in range(rng.randint(1, 12)):
        taints = "spec: {taints: [{key: k, effect: NoSchedule}]}\n" if rng.random() < 0.2 else ""
        cordon = "spec: {unschedulable: true}\n" if not taints and rng.random() < 0.1 else ""
        cpu, memory = rng.choice(["1", "2", "4"]), rng.choice(["1Gi", "2Gi", "4Gi"])
        pods_max = rng.choice(["2", "110"])
        docs.append(
            f"apiVersion: v1\nkind: Node\nmetadata: {{name: n{i}, labels: {{disk: "
            f"{rng.choice(['ssd', 'hdd'])}}}}}\n{taints}{cordon}"
            f"status: {{allocatable: {{cpu: '{cpu}', memory: {memory}, pods: '{pods_max}'}}}}\n"
        )
    for j, spec in enumerate(SCHEDULED_PODS * 3):
        docs.append(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{j}}}\n{spec}\n")
    bundle = load_bundle([("t.yaml", "---\n".join(docs))], DEFAULT_LIMITS)
    usages = [NodeUsage(node) for node in bundle.nodes]
    one_pass, long_way = random.Random(seed), random.Random(seed)
    for pod in bundle.pods:
        chosen, message = schedule(pod, usages, one_pass)
        assert (chosen, message) == schedule_the_long_way(pod, usages, long_way)
        if chosen is not None:
            chosen.add(pod)  # the next Pod sees this one's requests, as the cache would
    assert one_pass.getstate() == long_way.getstate()


def test_a_nodes_kept_score_is_taken_again_only_for_the_same_capacity_and_pod_size() -> None:
    """``NodeUsage.scored`` keeps a node's last LeastAllocated score: a node whose capacity
    changed (a new ``Node``), or a Pod of another size, is scored anew, as the long way does.
    Two nodes score alike until one grows: the long way then picks it, no tie to draw."""
    docs = [
        f"apiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\n"
        "status: {allocatable: {cpu: '4', memory: 4Gi, pods: '110'}}\n"
        for i in range(2)
    ]
    docs += [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{j}}}\n{SCHEDULED_PODS[k]}\n"
        for j, k in enumerate([0, 0, 2])  # the last requests 3Gi: another size
    ]
    bundle = load_bundle([("t.yaml", "---\n".join(docs))], DEFAULT_LIMITS)
    usages = [NodeUsage(node) for node in bundle.nodes]
    first, second, bigger = bundle.pods
    one_pass, long_way = random.Random(5), random.Random(5)
    assert schedule(first, usages, one_pass) == schedule_the_long_way(first, usages, long_way)
    assert all(u.scored is not None for u in usages)  # both scored, neither bound yet
    grown = usages[1]
    grown.node = dataclasses.replace(grown.node, allocatable=Resources(8000, 16 << 30))
    chosen, message = schedule(second, usages, one_pass)
    assert (chosen, message) == schedule_the_long_way(second, usages, long_way)
    assert chosen is grown and one_pass.getstate() == long_way.getstate()
    assert schedule(bigger, usages, one_pass) == schedule_the_long_way(bigger, usages, long_way)
    assert one_pass.getstate() == long_way.getstate()


def test_uuid4_text_is_the_uuid_modules_text() -> None:
    rng = random.Random(7)
    for bits in [0, (1 << 128) - 1, *(rng.getrandbits(128) for _ in range(500))]:
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
