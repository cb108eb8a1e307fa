"""The eviction subresource against a budget: 429 with its cause, or accepted and recorded."""

from __future__ import annotations

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.eviction_api import VIOLATION, evict
from cluster_sim.errors import BundleError
from tests.cluster_sim.disruption.test_drain_pdb import NODES, deployment

BUDGET = """---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: %s
  selector: {matchLabels: {app: web}}
"""


def _sim(min_available: str) -> Simulation:
    text = NODES + deployment(3, False) + BUDGET % min_available
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0)
    sim.advance(60)
    return sim


def _pods(sim: Simulation) -> list[str]:
    return sorted(p.name for p in sim.store.list("Pod") if p.deletion_timestamp is None)


def test_a_budget_with_no_room_answers_429_with_its_cause() -> None:
    sim = _sim("3")
    answer = evict(sim.cluster.ctx, "default", _pods(sim)[0])
    assert (answer.code, answer.message, answer.cause) == (
        429,
        VIOLATION,
        "The disruption budget web needs 3 healthy pods and has 3 currently",
    )
    assert len(_pods(sim)) == 3


def test_an_accepted_eviction_spends_the_budget_and_marks_the_pod() -> None:
    sim = _sim('"67%"')  # 67% of 3 = 2.01, rounded up: 3
    pdb = sim.store.get("PodDisruptionBudget", "default", "web")
    assert pdb is not None and pdb.status["desiredHealthy"] == 3
    sim = _sim('"66%"')  # 1.98 rounds up to 2: one disruption allowed
    name = _pods(sim)[0]
    first = evict(sim.cluster.ctx, "default", name)
    assert first.code == 201
    pod = sim.store.get("Pod", "default", name)
    assert pod is not None and pod.deletion_timestamp == 60_000
    target = [c for c in pod.status["conditions"] if c["type"] == "DisruptionTarget"]
    assert [(c["status"], c["reason"]) for c in target] == [("True", "EvictionByEvictionAPI")]
    pdb = sim.store.get("PodDisruptionBudget", "default", "web")
    assert pdb is not None
    assert pdb.status["disruptionsAllowed"] == 0
    assert pdb.status["disruptedPods"] == {name: 60_000}
    second = evict(sim.cluster.ctx, "default", _pods(sim)[1])
    assert second.code == 429
    assert evict(sim.cluster.ctx, "default", "nope").code == 404


def test_budget_validation_speaks_kubernetes() -> None:
    text = NODES + BUDGET % '"120%"'
    with pytest.raises(BundleError) as caught:
        load_bundle([("t.yaml", text)])
    assert 'spec.minAvailable: Invalid value: "120%": must not be greater than 100%' in str(
        caught.value
    )
