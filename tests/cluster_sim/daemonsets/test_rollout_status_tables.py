"""kubectl's rollout-status tables for DaemonSets and StatefulSets (controllers-cases.json)."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim.controlplane.daemonset.rollout_status import daemon_set_rollout_status
from cluster_sim.controlplane.statefulset.rollout_status import stateful_set_rollout_status
from tests.cluster_sim.reference_cases import load


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return [pytest.param(c["input"], c["expected"], id=c["input"]["name"]) for c in found]


@pytest.mark.parametrize(("given", "expected"), cases("rollout_status_daemonset"))
def test_rollout_status_daemonset(given: dict[str, Any], expected: dict[str, Any]) -> None:
    got = daemon_set_rollout_status(
        given["daemonSetName"], given["generation"], given["strategy"], given["status"]
    )
    assert (got.message, got.done) == (expected["message"], expected["done"])
    assert got.error == expected.get("error")


@pytest.mark.parametrize(("given", "expected"), cases("rollout_status_statefulset"))
def test_rollout_status_statefulset(given: dict[str, Any], expected: dict[str, Any]) -> None:
    got = stateful_set_rollout_status(
        given["generation"],
        given["specReplicas"],
        given["strategy"],
        given["partition"],
        given["status"],
    )
    assert (got.message, got.done) == (expected["message"], expected["done"])
    assert (got.error is not None) == expected["error"]
