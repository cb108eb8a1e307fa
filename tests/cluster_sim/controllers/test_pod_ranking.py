"""Which Pod a ReplicaSet deletes first: upstream's ActivePods / ActivePodsWithRanks tables."""

from __future__ import annotations

from typing import Any

import pytest
from reference_cases import load

from cluster_sim.controlplane.ranking import (
    DELETION_COST_ANNOTATION,
    PodFacts,
    active_pods_less,
    ranked_less,
    sort_active_pods,
)

NOW = 40 * 24 * 3600 * 1000  # any instant well past a month of simulated time
OFFSETS = {
    "now": 0,
    "-1mo": 30 * 24 * 3600 * 1000,  # "now minus 1 calendar month": 30 days, same log2 bucket
    "-2h": 2 * 3600 * 1000,
    "-5h": 5 * 3600 * 1000,
    "-8h": 8 * 3600 * 1000,
}


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return [pytest.param(c, id=f"{i}") for i, c in enumerate(found)]


def at(symbol: str | None) -> int | None:
    return None if symbol is None else NOW - OFFSETS[symbol]


def pod(d: dict[str, Any]) -> PodFacts:
    condition = d["readyCondition"]
    cost = d["annotations"].get(DELETION_COST_ANNOTATION)
    return PodFacts(
        name=d["name"],
        uid="",
        node_name=d["nodeName"],
        phase=d["phase"],
        ready=d["ready"],
        ready_since=at(condition["lastTransitionTime"]) if condition else None,
        max_restarts=max(d["containerRestarts"], default=0),
        created=at(d["creationTimestamp"]),
        deletion_cost=int(cost) if cost is not None else 0,
    )


@pytest.mark.parametrize("case", cases("active_pods_with_ranks_less"))
def test_ranked_less(case: dict[str, Any]) -> None:
    given = case["input"]
    lesser, greater = pod(given["lesser"]), pod(given["greater"])
    r1, r2 = given["lesser_rank"], given["greater_rank"]
    gates = {"deletion_cost": given["gates"]["PodDeletionCost"]}
    assert ranked_less(lesser, r1, greater, r2, NOW, **gates) is case["expected"]["lesser_is_less"]
    assert ranked_less(greater, r2, lesser, r1, NOW, **gates) is case["expected"]["greater_is_less"]


@pytest.mark.parametrize("case", cases("active_pods_with_ranks_equal"))
def test_ranked_equal(case: dict[str, Any]) -> None:
    given = case["input"]
    p1, p2 = pod(given["p1"]), pod(given["p2"])
    r1, r2 = given["ranks"]
    assert ranked_less(p1, r1, p2, r2, NOW) is case["expected"]["p1_less_than_p2"]
    assert ranked_less(p2, r2, p1, r1, NOW) is case["expected"]["p2_less_than_p1"]


# The table names the first five Pods by their property only (see its note).
ACTIVE_PODS = {
    "unscheduled": dict(node_name="", phase="Pending", ready=False),
    "scheduledButPending": dict(node_name="foo", phase="Pending", ready=False),
    "unknownPhase": dict(node_name="foo", phase="Unknown", ready=False),
    "runningButNotReady": dict(node_name="foo", phase="Running", ready=False),
    "runningNoLastTransitionTime": dict(node_name="foo", phase="Running", ready=True),
}


@pytest.mark.parametrize("case", cases("active_pods_order"))
def test_active_pods_order(case: dict[str, Any]) -> None:
    given = case["input"]
    then, now = NOW - 3600_000, NOW
    pods: list[PodFacts] = []
    for name in given["pods_in_any_order"]:
        read = given["pod_definitions_read"].get(name)
        if read is None:
            base = ACTIVE_PODS[name]
            pods.append(PodFacts(name, "", max_restarts=0, created=then, ready_since=None, **base))
            continue
        stamp = {"now": now, "then": then}
        pods.append(
            PodFacts(
                name=name,
                uid="",
                node_name=read["nodeName"],
                phase=read["phase"],
                ready=read["ready"],
                ready_since=stamp[read["readyLTT"]],
                max_restarts=max(read["restarts"]),
                created=stamp[read.get("created", "then")],
            )
        )
    for shuffled in (pods, pods[::-1], pods[3:] + pods[:3]):
        assert [p.name for p in sort_active_pods(shuffled)] == case["expected"]["order"]
    assert not active_pods_less(pods[0], pods[0])
