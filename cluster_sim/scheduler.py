"""The scheduler's filter and score steps, for the plugins the playground has.

Filters run per node in the default profile's order and stop at the first
plugin that rejects the node (as ``RunFilterPlugins`` does): NodeUnschedulable,
NodeName, TaintToleration (the node manifest's NoSchedule/NoExecute taints),
NodeAffinity (nodeSelector), NodeResourcesFit. Scoring is
NodeResourcesFit's LeastAllocated strategy; ties between equally good nodes
are broken by the run's seeded random generator, where kube-scheduler picks
at random.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .model import Node, Pod, Resources
from .placement import (
    UNSCHEDULABLE_TAINT,
    matches_required_affinity,
    node_taints,
    tolerates,
    untolerated_taint_reason,
)

# Scoring treats a container without requests as asking for this much
# (pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest/DefaultMemoryRequest).
NON_ZERO_MILLI_CPU = 100
NON_ZERO_MEMORY = 200 * 1024 * 1024


@dataclass(slots=True)
class NodeUsage:
    """What the scheduler's cache knows of a node: the pods bound to it."""

    node: Node
    requested: Resources = field(default_factory=Resources)
    non_zero_requested: Resources = field(default_factory=Resources)
    pods: int = 0
    unschedulable: bool = False
    # The Node's spec.taints as the API server has them now (a taint action changes them).
    taints: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.unschedulable = self.unschedulable or self.node.unschedulable
        self.taints = self.taints or node_taints(self.node.manifest)

    def add(self, pod: Pod) -> None:
        self.requested = self.requested + pod.spec.requests()
        self.non_zero_requested = self.non_zero_requested + non_zero_requests(pod)
        self.pods += 1

    def remove(self, pod: Pod) -> None:
        r = pod.spec.requests()
        nz = non_zero_requests(pod)
        self.requested = Resources(
            self.requested.milli_cpu - r.milli_cpu, self.requested.memory - r.memory
        )
        self.non_zero_requested = Resources(
            self.non_zero_requested.milli_cpu - nz.milli_cpu,
            self.non_zero_requested.memory - nz.memory,
        )
        self.pods -= 1


def non_zero_requests(pod: Pod) -> Resources:
    total = Resources()
    for c in pod.spec.containers:
        total = total + Resources(
            c.requests.milli_cpu or NON_ZERO_MILLI_CPU, c.requests.memory or NON_ZERO_MEMORY
        )
    return total


_UNSCHEDULABLE = {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}


def filter_node(pod: Pod, usage: NodeUsage, want: Resources) -> list[str]:
    """The reasons ``usage.node`` cannot take ``pod`` (empty: it fits).

    ``want``: the Pod's requests (``pod.spec.requests()``), summed once per scheduling
    cycle rather than once per node.
    """
    node = usage.node
    spec = pod.manifest.get("spec") if isinstance(pod.manifest, dict) else None
    spec = spec if isinstance(spec, dict) else {}
    if usage.unschedulable and not tolerates(spec.get("tolerations"), _UNSCHEDULABLE):
        return ["node(s) were unschedulable"]
    if pod.spec.node_name and pod.spec.node_name != node.name:
        return ["node(s) didn't match the requested node name"]
    taint = untolerated_taint_reason(spec.get("tolerations"), usage.taints)
    if taint is not None:
        return [taint]
    if any(node.labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        return ["node(s) didn't match Pod's node affinity/selector"]
    if spec.get("affinity") and not matches_required_affinity(spec, node.name, node.labels):
        return ["node(s) didn't match Pod's node affinity/selector"]
    return insufficient_resources(want, usage)


def insufficient_resources(want: Resources, usage: NodeUsage) -> list[str]:
    """NodeResourcesFit's reasons for a Pod requesting ``want``, in the order fit.go checks them."""
    reasons = []
    if usage.pods + 1 > usage.node.max_pods:
        reasons.append("Too many pods")
    free = usage.node.allocatable
    if want.milli_cpu and usage.requested.milli_cpu + want.milli_cpu > free.milli_cpu:
        reasons.append("Insufficient cpu")
    if want.memory and usage.requested.memory + want.memory > free.memory:
        reasons.append("Insufficient memory")
    return reasons


def least_allocated_score(want: Resources, usage: NodeUsage) -> int:
    """NodeResourcesLeastAllocated for a Pod whose non-zero requests are ``want``."""
    scores = []
    for requested, capacity in (
        (usage.non_zero_requested.milli_cpu + want.milli_cpu, usage.node.allocatable.milli_cpu),
        (usage.non_zero_requested.memory + want.memory, usage.node.allocatable.memory),
    ):
        if capacity == 0 or requested > capacity:
            scores.append(0)
        else:
            scores.append((capacity - requested) * 100 // capacity)
    return sum(scores) // len(scores)


def fit_error(num_nodes: int, reasons: dict[str, list[str]]) -> str:
    """FitError.Error(): ``0/3 nodes are available: 3 Insufficient memory.``"""
    histogram = Counter(r for node_reasons in reasons.values() for r in node_reasons)
    parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
    return f"0/{num_nodes} nodes are available: {', '.join(parts)}."


def schedule(pod: Pod, usages: list[NodeUsage], rng: random.Random) -> tuple[NodeUsage | None, str]:
    """Pick a node for ``pod``; return it, or None and the FailedScheduling message."""
    feasible: list[NodeUsage] = []
    reasons: dict[str, list[str]] = {}
    want = pod.spec.requests()
    for usage in usages:
        problems = filter_node(pod, usage, want)
        if problems:
            reasons[usage.node.name] = problems
        else:
            feasible.append(usage)
    if not feasible:
        return None, fit_error(len(usages), reasons)
    non_zero = non_zero_requests(pod)
    scored = [(least_allocated_score(non_zero, u), u) for u in feasible]
    best = max(score for score, _ in scored)
    winners = [u for score, u in scored if score == best]
    return (winners[0] if len(winners) == 1 else rng.choice(winners)), ""
