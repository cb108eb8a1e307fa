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
    # ``schedule``'s last verdict here for a plain Pod: (the node, requested,
    # non_zero_requested, the Pod's CPU and memory requests then its non-zero ones,
    # NodeResourcesFit's reasons, the LeastAllocated score). The node and both Resources
    # are frozen and replaced on change (``add`` and ``remove`` replace them with ``pods``),
    # so the same objects and numbers give the same verdict.
    scored: tuple[Node, Resources, Resources, tuple[int, ...], list[str], int] | None = field(
        default=None, compare=False, repr=False
    )

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
    """The requests scoring counts (``PodSpec.non_zero_requests``, summed once per spec)."""
    return pod.spec.non_zero_requests()


_UNSCHEDULABLE = {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}


def filter_node(pod: Pod, usage: NodeUsage, want: Resources) -> list[str]:
    """The reasons ``usage.node`` cannot take ``pod`` (empty: it fits).

    ``want``: the Pod's requests (``pod.spec.requests()``), summed once per scheduling
    cycle rather than once per node.
    """
    return PodFilter(pod, want).reasons(usage)


class PodFilter:
    """The filters for one Pod, its manifest read once per scheduling cycle, not per node."""

    __slots__ = ("affinity", "node_name", "pod", "selector", "spec", "tolerations", "want")

    def __init__(self, pod: Pod, want: Resources) -> None:
        spec = pod.manifest.get("spec") if isinstance(pod.manifest, dict) else None
        self.spec: dict[str, Any] = spec if isinstance(spec, dict) else {}
        self.pod = pod
        self.want = want
        self.tolerations = self.spec.get("tolerations")
        self.node_name = pod.spec.node_name
        self.selector = tuple(pod.spec.node_selector.items())
        self.affinity = bool(self.spec.get("affinity"))

    def reasons(self, usage: NodeUsage) -> list[str]:
        """``filter_node``'s answer for ``usage.node``."""
        node = usage.node
        if usage.unschedulable and not tolerates(self.tolerations, _UNSCHEDULABLE):
            return ["node(s) were unschedulable"]
        if self.node_name and self.node_name != node.name:
            return ["node(s) didn't match the requested node name"]
        if usage.taints:  # an untainted node (most) has nothing to tolerate
            taint = untolerated_taint_reason(self.tolerations, usage.taints)
            if taint is not None:
                return [taint]
        if self.selector:
            labels = node.labels
            if any(labels.get(k) != v for k, v in self.selector):
                return ["node(s) didn't match Pod's node affinity/selector"]
        if self.affinity and not matches_required_affinity(self.spec, node.name, node.labels):
            return ["node(s) didn't match Pod's node affinity/selector"]
        return insufficient_resources(self.want, usage)


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
    """NodeResourcesLeastAllocated for a Pod whose non-zero requests are ``want``:
    the mean of the CPU and memory scores (integer division, as the plugin's)."""
    requested = usage.non_zero_requested
    capacity = usage.node.allocatable
    return (
        _least_requested(requested.milli_cpu + want.milli_cpu, capacity.milli_cpu)
        + _least_requested(requested.memory + want.memory, capacity.memory)
    ) // 2


def _least_requested(requested: int, capacity: int) -> int:
    """``leastRequestedScore``: the free share of ``capacity`` after ``requested``, 0-100."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * 100 // capacity


def fit_error(num_nodes: int, reasons: dict[str, list[str]]) -> str:
    """FitError.Error(): ``0/3 nodes are available: 3 Insufficient memory.``"""
    histogram = Counter(r for node_reasons in reasons.values() for r in node_reasons)
    parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
    return f"0/{num_nodes} nodes are available: {', '.join(parts)}."


def schedule(pod: Pod, usages: list[NodeUsage], rng: random.Random) -> tuple[NodeUsage | None, str]:
    """Pick a node for ``pod``; return it, or None and the FailedScheduling message.

    Filter and score in one pass over the nodes, the best-scored feasible nodes kept in
    the nodes' order (``winners``), as filtering every node, then scoring the feasible
    ones, then keeping those with the best score would. A node that only
    NodeResourcesFit can reject (schedulable, untainted, and a Pod with no node name,
    selector or affinity: most nodes for most Pods) goes to that filter alone: this loop
    runs once per node for every Pod, and a 5,000-Pod run has 50 nodes.
    """
    want = pod.spec.requests()
    pod_filter = PodFilter(pod, want)
    plain = not (pod_filter.node_name or pod_filter.selector or pod_filter.affinity)
    non_zero = non_zero_requests(pod)
    reasons: dict[str, list[str]] = {}
    best = -1
    winners: list[NodeUsage] = []
    # A node only NodeResourcesFit can reject takes its last verdict while nothing it was
    # made of changed (``NodeUsage.scored``): this loop runs once per node for every Pod
    # (5,000 Pods on 50 nodes), and most nodes did not change since the last Pod
    sizes = (want.milli_cpu, want.memory, non_zero.milli_cpu, non_zero.memory)
    for usage in usages:
        if plain and not usage.unschedulable and not usage.taints:
            scored = usage.scored
            if (
                scored is None
                or scored[0] is not usage.node
                or scored[1] is not usage.requested
                or scored[2] is not usage.non_zero_requested
                or scored[3] != sizes
            ):
                problems = insufficient_resources(want, usage)
                score = 0 if problems else least_allocated_score(non_zero, usage)
                made_of = (usage.node, usage.requested, usage.non_zero_requested, sizes)
                usage.scored = scored = (*made_of, problems, score)
            problems, score = scored[4], scored[5]
        else:
            problems = pod_filter.reasons(usage)
            score = 0 if problems else least_allocated_score(non_zero, usage)
        if problems:
            reasons[usage.node.name] = problems
            continue
        if score > best:
            best = score
            winners = [usage]
        elif score == best:
            winners.append(usage)
    if not winners:
        return None, fit_error(len(usages), reasons)
    return (winners[0] if len(winners) == 1 else rng.choice(winners)), ""
