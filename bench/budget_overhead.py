"""What counting budgets costs ``Simulation.advance``, in the same process.

Runs the same 100-Pod probed bundle for ten simulated minutes twice per
round: once through ``Simulation.advance`` (which counts steps and records and
looks at the budgets), once stepping the same kind of simulation's SimPy
environment bare (no budget checks; the cyclic GC paused as advance pauses
it). Prints the ratio advance / bare over three rounds (min/median/max);
1.00 means the budgets cost nothing.

    .venv/bin/python bench/budget_overhead.py [--pods 100] [--minutes 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cluster_sim import Simulation, load_bundle
from cluster_sim.simulation import _no_cyclic_gc

POD = """apiVersion: v1
kind: Pod
metadata: {{name: web-{i}}}
spec:
  containers:
  - name: app
    image: nginx:1.27
    livenessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 1}}
    readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 1}}
"""


def timed_advance(text: str, until: float) -> float:
    sim = Simulation(load_bundle([("b.yaml", text)]), horizon=until)
    start = time.perf_counter()
    sim.advance(until)
    return time.perf_counter() - start


def timed_bare(text: str, until: float) -> float:
    sim = Simulation(load_bundle([("b.yaml", text)]), horizon=until)
    env, limit = sim.env, round(until * 1000)
    start = time.perf_counter()
    with _no_cyclic_gc():  # as advance runs
        while env.peek() <= limit:
            env.step()
    sim.cluster.recorder.take()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    text = "---\n".join(POD.format(i=i) for i in range(args.pods))
    until = args.minutes * 60
    ratios = []
    for _ in range(3):
        bare = timed_bare(text, until)
        advance = timed_advance(text, until)
        ratios.append(advance / bare)
    print(
        f"{args.pods} probed Pods, {args.minutes:g} simulated minutes: advance / bare loop "
        f"min {min(ratios):.3f}  median {statistics.median(ratios):.3f}  max {max(ratios):.3f}"
    )


if __name__ == "__main__":
    main()
