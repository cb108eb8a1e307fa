"""A run is a pure function of its inputs, however the clock is advanced."""

from __future__ import annotations

import json
from pathlib import Path

from cluster_sim import Simulation, load_bundle

MANIFEST = (Path(__file__).parent / "manifests" / "crashloop.yaml").read_text()
SCHEDULING = """
apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: c, image: nginx:1.27}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c, image: nginx:1.27}]}
"""


def stream(text: str, seed: int, slices: list[float]) -> str:
    sim = Simulation(load_bundle([("x.yaml", text)]), seed=seed, horizon=400)
    out = []
    for until in slices:
        out.extend(sim.advance(until))
    return "\n".join(json.dumps(r, sort_keys=True) for r in out)


def test_same_input_and_seed_give_identical_streams() -> None:
    assert stream(MANIFEST, 7, [400]) == stream(MANIFEST, 7, [400])


def test_slicing_the_clock_does_not_change_the_stream() -> None:
    whole = stream(MANIFEST, 0, [400])
    sliced = stream(MANIFEST, 0, [0, 0.5, 1, 2.18, 3.333, 13.41, 50, 399.99, 400, 400])
    assert sliced == whole


def test_the_seed_drives_the_choices_kubernetes_makes_at_random() -> None:
    placements = set()
    for seed in range(8):
        sim = Simulation(load_bundle([("x.yaml", SCHEDULING)]), seed=seed, horizon=60)
        records = sim.advance(60)
        scheduled = [r["message"] for r in records if r.get("reason") == "Scheduled"]
        placements.add(tuple(scheduled))
    assert len(placements) > 1  # ties between equally empty nodes are broken by the seed
