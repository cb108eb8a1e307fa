"""The docs' "Specifying a Disruption Budget for your Application" manifest, verbatim.

kubernetes.io/docs/tasks/run-application/configure-pdb: with no matching Pods,
``kubectl get poddisruptionbudgets`` shows ``zk-pdb 2 N/A 0``; once three are
Ready, the status reads currentHealthy 3, desiredHealthy 2, disruptionsAllowed 1,
expectedPods 3.
"""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text

DOCS = Path(__file__).parent.parent / "docs_examples" / "controllers"
PDB = (DOCS / "zookeeper-pod-disruption-budget-minavailable.yaml").read_text()
ZOOKEEPER = """---
apiVersion: apps/v1
kind: Deployment
metadata: {name: zk}
spec:
  replicas: 3
  selector: {matchLabels: {app: zookeeper}}
  template:
    metadata: {labels: {app: zookeeper}}
    spec:
      containers: [{name: zk, image: nginx:1.27}]
"""


def test_a_budget_without_pods_allows_nothing() -> None:
    sim = Simulation(load_bundle([("zk.yaml", PDB)]), seed=0)
    records = sim.advance(7)
    _, text = kubectl_text(sim.store, sim.cluster.recorder, 7000, "get poddisruptionbudgets")
    assert text.splitlines() == [
        "NAME     MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
        "zk-pdb   2               N/A               0                     7s",
    ]
    assert [
        (r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["object"] == "PodDisruptionBudget/default/zk-pdb"
    ] == [("NoPods", "No matching pods found")]


def test_three_ready_pods_allow_one_disruption() -> None:
    sim = Simulation(load_bundle([("zk.yaml", PDB + ZOOKEEPER)]), seed=0)
    sim.advance(60)
    pdb = sim.store.get("PodDisruptionBudget", "default", "zk-pdb")
    assert pdb is not None
    status = {k: v for k, v in pdb.status.items() if k != "conditions"}
    assert status == {
        "currentHealthy": 3,
        "desiredHealthy": 2,
        "disruptionsAllowed": 1,
        "expectedPods": 3,
        "observedGeneration": 1,
    }
