"""The scheduler's TaintToleration filter for every Pod (not only a DaemonSet's).

Upstream (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go,
v1.33): ``FindMatchingUntoleratedTaint`` over the node's taints in order, only
NoSchedule and NoExecute ones (``DoNotScheduleTaintsFilterFunc``); the reason is
``node(s) had untolerated taint {%s: %s}`` with the taint's key and value. The
default profile runs it after NodeUnschedulable and NodeName and before
NodeAffinity and NodeResourcesFit, and ``RunFilterPlugins`` stops at the first
plugin that rejects a node. ``FitError.Error()`` sorts the histogram as strings.
"""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.placement import untolerated_taint_reason

GPU = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
CONTROL_PLANE = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
DRAINING = {"key": "maintenance", "value": "soon", "effect": "NoExecute"}
SOFT = {"key": "spot", "value": "true", "effect": "PreferNoSchedule"}

# (id, the Pod's tolerations, the node's taints, the filter's reason or None: the node fits)
TABLE: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], str | None]] = [
    ("no taints", [], [], None),
    ("NoSchedule untolerated", [], [GPU], "node(s) had untolerated taint {dedicated: gpu}"),
    (
        "an empty value prints as nothing",
        [],
        [CONTROL_PLANE],
        "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
    ),
    ("NoExecute untolerated", [], [DRAINING], "node(s) had untolerated taint {maintenance: soon}"),
    ("PreferNoSchedule never filters", [], [SOFT], None),
    (
        "Equal with the same value",
        [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}],
        [GPU],
        None,
    ),
    ("operator defaults to Equal", [{"key": "dedicated", "value": "gpu"}], [GPU], None),
    (
        "Equal with another value",
        [{"key": "dedicated", "value": "cpu", "effect": "NoSchedule"}],
        [GPU],
        "node(s) had untolerated taint {dedicated: gpu}",
    ),
    ("Exists on the key, any value", [{"key": "dedicated", "operator": "Exists"}], [GPU], None),
    ("empty key with Exists tolerates everything", [{"operator": "Exists"}], [GPU, DRAINING], None),
    (
        "another effect does not tolerate",
        [{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}],
        [GPU],
        "node(s) had untolerated taint {dedicated: gpu}",
    ),
    (
        "the first untolerated taint in the node's order",
        [{"key": "dedicated", "operator": "Exists"}],
        [GPU, DRAINING, CONTROL_PLANE],
        "node(s) had untolerated taint {maintenance: soon}",
    ),
    (
        "PreferNoSchedule is skipped in the order",
        [],
        [SOFT, GPU],
        "node(s) had untolerated taint {dedicated: gpu}",
    ),
    (
        "a NoExecute toleration with tolerationSeconds still tolerates",
        [
            {
                "key": "maintenance",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 60,
            }
        ],
        [DRAINING],
        None,
    ),
]


@pytest.mark.parametrize(
    ("tolerations", "taints", "reason"),
    [pytest.param(t, n, r, id=i) for i, t, n, r in TABLE],
)
def test_taint_toleration_filter(
    tolerations: list[dict[str, Any]], taints: list[dict[str, Any]], reason: str | None
) -> None:
    assert untolerated_taint_reason(tolerations, taints) == reason


# -- through the simulation: FailedScheduling and placement ----------------------


def node(
    name: str, taints: str = "", memory: str = "4Gi", labels: str = "{}", cordoned: bool = False
) -> str:
    spec = f"  taints: {taints}\n" if taints else ""
    spec += "  unschedulable: true\n" if cordoned else ""
    return (
        f"apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {labels}}}\n"
        f"{'spec:' + chr(10) if spec else ''}{spec}"
        f"status:\n  allocatable: {{cpu: '2', memory: {memory}, pods: '10'}}\n---\n"
    )


def pod(name: str, extra: str = "", memory: str = "") -> str:
    resources = f"\n    resources: {{requests: {{memory: {memory}}}}}" if memory else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:{extra}\n"
        f"  containers:\n  - name: c\n    image: nginx:1.27{resources}\n---\n"
    )


def run(text: str, until: float = 30) -> list[dict[str, Any]]:
    return Simulation(load_bundle([("x.yaml", text)]), horizon=until).advance(until)


def scheduling(records: list[dict[str, Any]], name: str) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event"
        and r["object"] == f"Pod/default/{name}"
        and r["reason"] in ("Scheduled", "FailedScheduling")
    ]


GPU_NODE = node("gpu-1", "[{key: dedicated, value: gpu, effect: NoSchedule}]", memory="16Gi")


def test_the_message_counts_the_tainted_node_beside_the_other_reasons() -> None:
    text = GPU_NODE + node("small-1") + node("small-2") + pod("big", memory="8Gi")
    records = run(text)
    assert scheduling(records, "big") == [
        (
            0.0,
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
            "2 Insufficient memory.",
        )
    ]
    last = [r for r in records if r["kind"] == "pod" and r["pod"] == "default/big"][-1]
    assert (last["phase"], last["node"], last["conditions"]) == (
        "Pending",
        None,
        {"PodScheduled": "False"},
    )


def test_a_matching_toleration_lets_the_pod_on_the_tainted_node() -> None:
    tolerates = (
        "\n  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]"
    )
    text = GPU_NODE + node("small-1") + node("small-2") + pod("big", tolerates, memory="8Gi")
    assert scheduling(run(text), "big") == [
        (0.0, "Scheduled", "Successfully assigned default/big to gpu-1")
    ]


def test_pods_without_a_toleration_never_land_on_the_tainted_node() -> None:
    # The tainted node is the emptiest (LeastAllocated would pick it): it is filtered out.
    text = GPU_NODE + node("small-1") + "".join(pod(f"p{i}") for i in range(6))
    records = run(text)
    placed = {r["message"].rsplit(" ", 1)[-1] for r in records if r.get("reason") == "Scheduled"}
    assert placed == {"small-1"}


def test_every_node_tainted_each_reason_counted() -> None:
    text = (
        GPU_NODE
        + node("cp", "[{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]")
        + node("old", "[{key: maintenance, value: soon, effect: NoExecute}]")
        + pod("web")
    )
    [(_, reason, message)] = scheduling(run(text), "web")
    assert (reason, message) == (
        "FailedScheduling",
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
        "1 node(s) had untolerated taint {maintenance: soon}, "
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
    )


def test_taint_toleration_runs_before_node_affinity_and_after_node_unschedulable() -> None:
    # gpu-1 has the taint and lacks the label: TaintToleration rejects it first.
    # small-1 is cordoned and tainted: NodeUnschedulable rejects it first.
    text = (
        GPU_NODE
        + node("small-1", "[{key: dedicated, value: gpu, effect: NoSchedule}]", cordoned=True)
        + node("small-2", labels="{disk: hdd}")
        + pod("db", "\n  nodeSelector: {disk: ssd}")
    )
    assert scheduling(run(text), "db") == [
        (
            0.0,
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
            "1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.",
        )
    ]


def test_prefer_no_schedule_does_not_keep_a_pod_away() -> None:
    text = node("spot-1", "[{key: spot, value: 'true', effect: PreferNoSchedule}]") + pod("web")
    assert scheduling(run(text), "web") == [
        (0.0, "Scheduled", "Successfully assigned default/web to spot-1")
    ]
