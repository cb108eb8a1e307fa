"""``kubectl get pdb`` and ``kubectl describe pdb`` with kubectl's columns and fields."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text
from tests.cluster_sim.disruption.test_drain_pdb import NODES, PDB, deployment


def _sim() -> Simulation:
    sim = Simulation(load_bundle([("t.yaml", NODES + deployment(3, False) + PDB)]), seed=0)
    sim.advance(60)
    return sim


def test_get_pdb() -> None:
    sim = _sim()
    code, text = kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), "get pdb")
    assert code == 0
    assert text.splitlines() == [
        "NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
        "web    N/A             1                 1                     60s",
    ]


def test_describe_pdb() -> None:
    sim = _sim()
    code, text = kubectl_text(
        sim.store, sim.cluster.recorder, int(sim.now * 1000), "describe pdb web"
    )
    assert code == 0
    assert text.splitlines()[:9] == [
        "Name:             web",
        "Namespace:        default",
        "Max unavailable:  1",
        "Selector:         app=web",
        "Status:",
        "    Allowed disruptions:  1",
        "    Current:              3",
        "    Desired:              2",
        "    Total:                3",
    ]
