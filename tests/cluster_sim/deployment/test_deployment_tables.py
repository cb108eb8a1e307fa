"""Upstream's Deployment test tables (controllers-cases.json), one parametrized test each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from reference_cases import load

from cluster_sim.controlplane.deployment.fenceposts import (
    IntOrPercentError,
    RolloutSpec,
    StrategyType,
    max_unavailable,
    resolve_fenceposts,
    scaled_value,
)
from cluster_sim.controlplane.deployment.progress import (
    DeploymentFacts,
    deployment_complete,
    deployment_progressing,
    deployment_timed_out,
)
from cluster_sim.controlplane.deployment.replicasets import ReplicaSetState
from cluster_sim.controlplane.deployment.rolling import (
    cleanup_unhealthy_replicas,
    new_rs_new_replicas,
    reconcile_new_replica_set,
    reconcile_old_replica_sets,
    scale_down_old_replica_sets,
)
from cluster_sim.controlplane.deployment.rollout_status import deployment_rollout_status


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return [
        pytest.param(c["input"], c["expected"], id=c["input"].get("name") or str(i))
        for i, c in enumerate(found)
    ]


def rolling(replicas: int, surge: Any, unavailable: Any) -> RolloutSpec:
    return RolloutSpec(replicas, StrategyType.ROLLING_UPDATE, surge, unavailable)


@pytest.mark.parametrize(("given", "expected"), cases("intstr_scaled_value"))
def test_intstr_scaled_value(given: dict[str, Any], expected: dict[str, Any]) -> None:
    if expected["error"]:
        with pytest.raises(IntOrPercentError, match="invalid value for IntOrString"):
            scaled_value(given["value"], given["total"], given["round_up"])
    else:
        assert scaled_value(given["value"], given["total"], given["round_up"]) == expected["value"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_resolve_fenceposts"))
def test_resolve_fenceposts(given: dict[str, Any], expected: dict[str, Any]) -> None:
    if expected["error"]:
        with pytest.raises(IntOrPercentError):
            resolve_fenceposts(given["maxSurge"], given["maxUnavailable"], given["desired"])
    else:
        assert resolve_fenceposts(given["maxSurge"], given["maxUnavailable"], given["desired"]) == (
            expected["surge"],
            expected["unavailable"],
        )


@pytest.mark.parametrize(("given", "expected"), cases("deployment_max_unavailable"))
def test_max_unavailable(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = RolloutSpec(
        given["replicas"] or 0,
        StrategyType(given["strategy"]),
        given["maxSurge"],
        given["maxUnavailable"],
    )
    assert max_unavailable(spec) == expected["maxUnavailable"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_new_rs_new_replicas"))
def test_new_rs_new_replicas(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = RolloutSpec(
        given["deploymentReplicas"],
        StrategyType(given["strategy"]),
        given["maxSurge"],
        given["maxUnavailable"],
    )
    others = [
        ReplicaSetState(f"old-{i}", replicas=n) for i, n in enumerate(given["allRSsSpecReplicas"])
    ]
    new_rs = ReplicaSetState("new", replicas=given["newRSReplicas"])
    assert new_rs_new_replicas(spec, others, new_rs) == expected["newRSReplicas"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_reconcile_new_rs"))
def test_reconcile_new_replica_set(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = rolling(given["deploymentReplicas"], given["maxSurge"], given["maxUnavailable"])
    new_rs = ReplicaSetState("foo-new", created_ms=1000, replicas=given["newRSReplicas"])
    old_rs = ReplicaSetState("foo-old", created_ms=0, replicas=given["oldRSReplicas"])
    scales = reconcile_new_replica_set(spec, [new_rs, old_rs], new_rs)
    assert bool(scales) is expected["scaled"]
    assert new_rs.replicas == expected["newRSReplicas"]
    if scales:
        assert scales[0].name == "foo-new" and scales[0].new == expected["newRSReplicas"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_reconcile_old_rss"))
def test_reconcile_old_replica_sets(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = rolling(given["deploymentReplicas"], given["maxSurge"], given["maxUnavailable"])
    old_rs = ReplicaSetState(
        "foo-old", created_ms=0, replicas=given["oldRSReplicas"], available=given["oldRSAvailable"]
    )
    new_rs = ReplicaSetState(
        "foo-new",
        created_ms=1000,
        replicas=given["newRSReplicas"],
        available=given["newRSAvailable"],
    )
    scales = reconcile_old_replica_sets(spec, [old_rs, new_rs], [old_rs], new_rs)
    assert bool(scales) is expected["scaled"]
    assert old_rs.replicas == expected["oldRSReplicas"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_cleanup_unhealthy"))
def test_cleanup_unhealthy_replicas(given: dict[str, Any], expected: dict[str, Any]) -> None:
    old_rs = ReplicaSetState(
        "foo-old", replicas=given["oldRSReplicas"], available=given["oldRSAvailable"]
    )
    assert given["oldRSReplicas"] - given["oldRSAvailable"] == given["unhealthy"]
    scales, cleaned = cleanup_unhealthy_replicas([old_rs], given["maxCleanupCount"])
    assert cleaned == expected["cleanedUp"]
    assert old_rs.replicas == given["oldRSReplicas"] - expected["cleanedUp"]
    assert len(scales) == (1 if expected["cleanedUp"] else 0)


@pytest.mark.parametrize(("given", "expected"), cases("deployment_scale_down_old_rss"))
def test_scale_down_old_replica_sets(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = rolling(given["deploymentReplicas"], given["maxSurge"], given["maxUnavailable"])
    old_rs = ReplicaSetState(
        "foo-old", replicas=given["oldRSReplicas"], available=given["availableReplicasAllRSs"]
    )
    scales, _ = scale_down_old_replica_sets(spec, [old_rs], [old_rs])
    assert bool(scales) is expected["scaled"]
    assert old_rs.replicas == expected["oldRSReplicas"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_complete"))
def test_deployment_complete(given: dict[str, Any], expected: dict[str, Any]) -> None:
    facts = DeploymentFacts(
        "foo",
        rolling(given["specReplicas"], given["maxSurge"], given["maxUnavailable"]),
        given["generation"],
        600,
    )
    status = {
        "replicas": given["statusReplicas"],
        "updatedReplicas": given["updatedReplicas"],
        "availableReplicas": given["availableReplicas"],
        "observedGeneration": given["observedGeneration"],
    }
    assert deployment_complete(facts, status) is expected["complete"]


@pytest.mark.parametrize(("given", "expected"), cases("deployment_progressing"))
def test_deployment_progressing(given: dict[str, Any], expected: dict[str, Any]) -> None:
    assert deployment_progressing(given["oldStatus"], given["newStatus"]) is expected["progressing"]


def _ms(text: str | None) -> int:
    if text is None:
        return 0
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


@pytest.mark.parametrize(("given", "expected"), cases("deployment_timed_out"))
def test_deployment_timed_out(given: dict[str, Any], expected: dict[str, Any]) -> None:
    facts = DeploymentFacts("foo", rolling(1, 1, 0), 1, given["progressDeadlineSeconds"])
    cond = dict(given["condition"])
    cond["lastUpdateTime"] = _ms(cond["lastUpdateTime"])
    status = {"conditions": [cond]}
    assert deployment_timed_out(facts, status, _ms(given["now"])) is expected["timedOut"]


@pytest.mark.parametrize(("given", "expected"), cases("rollout_status_deployment"))
def test_rollout_status_deployment(given: dict[str, Any], expected: dict[str, Any]) -> None:
    got = deployment_rollout_status(
        given["deploymentName"], given["generation"], given["specReplicas"], given["status"]
    )
    assert (got.message, got.done, got.error) == (expected["message"], expected["done"], None)
