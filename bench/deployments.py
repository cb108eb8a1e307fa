"""100 Deployments x 10 replicas, a rolling update of all of them and a node failure, one hour.

The run: 100 nginx Deployments of 10 replicas each (readiness probe every
10 s, RollingUpdate 25 %/25 %) on 12 nodes; at 10 min every Deployment's
image changes (``setImage``: 100 rolling updates at once); at 30 min one node
fails (its Pods are evicted 340 s later and re-created elsewhere by their
ReplicaSets). Prints the wall time of the simulated hour, the SimPy events it
processed, the records it wrote, and the ratio against a bare SimPy loop
processing the same number of timeouts in the same process (as
``sim_throughput.py`` does), plus what the run ended with (so a broken
controller cannot pass for a fast one).

    .venv/bin/python bench/deployments.py [--deployments 100] [--replicas 10] [--hours 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim_throughput import LIMITS, run_bare_simpy

from cluster_sim import Simulation, load_bundle

DEPLOYMENT = """apiVersion: apps/v1
kind: {kind}
metadata: {{name: web-{i}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web-{i}}}}}
  template:
    metadata: {{labels: {{app: web-{i}}}}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 10}}
"""
NODE = """apiVersion: v1
kind: Node
metadata: {{name: node-{i}}}
status: {{allocatable: {{cpu: "64", memory: 256Gi, pods: "250"}}}}
"""
ROLLOUT_AT_S = 600
FAIL_AT_S = 1800


def bundle_text(deployments: int, replicas: int, nodes: int, kind: str = "Deployment") -> str:
    docs = [NODE.format(i=i) for i in range(1, nodes + 1)]
    docs += [DEPLOYMENT.format(i=i, replicas=replicas, kind=kind) for i in range(deployments)]
    actions = [
        f"  - {{at: {ROLLOUT_AT_S}, setImage: "
        f'{{kind: {kind}, name: web-{i}, container: nginx, image: "nginx:1.16.1"}}}}'
        for i in range(deployments)
    ]
    actions.append(f"  - {{at: {FAIL_AT_S}, failNode: node-1}}")
    docs.append(
        "apiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: bench}\n"
        "spec:\n  actions:\n" + "\n".join(actions) + "\n"
    )
    return "---\n".join(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=12)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument(
        "--kind",
        default="Deployment",
        choices=("Deployment", "ReplicaSet"),
        help="ReplicaSet: the same run without the Deployment controller (setImage then "
        "changes only the template of Pods to come)",
    )
    args = parser.parse_args()
    seconds = args.hours * 3600
    text = bundle_text(args.deployments, args.replicas, args.nodes, args.kind)
    bundle = load_bundle([("bench.yaml", text)], LIMITS)
    start = time.perf_counter()
    sim = Simulation(bundle, seed=0, horizon=seconds, limits=LIMITS)
    records = sim.advance(seconds)
    sim_s = time.perf_counter() - start
    events = next(sim.env._eid)  # SimPy's event counter: events scheduled in the run
    stopped = sim.stopped_by
    lanes: dict[str, dict] = {}
    for r in records:
        if r["kind"] == "workload":
            lanes[r["workload"]] = r
        elif r["kind"] == "deleted":
            lanes.pop(r.get("workload", ""), None)
    n_records = len(records)
    del records
    bare_s = run_bare_simpy(events, args.deployments * args.replicas)
    deploys = [r for r in lanes.values() if r["kindOf"] == args.kind]
    rollouts_done = sum(
        1
        for r in deploys
        if r["desired"] == r["available"] == args.replicas and r["updated"] in (None, args.replicas)
    )
    ready = sum(r["ready"] for r in deploys)
    print(
        f"{args.deployments} {args.kind}s x {args.replicas} replicas, setImage at "
        f"{ROLLOUT_AT_S} s, node-1 fails at {FAIL_AT_S} s, {seconds:.0f} simulated s"
    )
    print(f"{'events':>10} {'records':>10} {'sim s':>8} {'bare s':>8} {'ratio':>7}")
    print(f"{events:>10} {n_records:>10} {sim_s:>8.3f} {bare_s:>8.3f} {sim_s / bare_s:>6.2f}x")
    print(
        f"at the end: {rollouts_done}/{len(deploys)} {args.kind}s complete and available, "
        f"{ready} Pods ready" + (f"; STOPPED by {stopped.label}" if stopped else "")
    )


if __name__ == "__main__":
    main()
