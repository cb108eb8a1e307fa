"""Deployments through the whole simulator: the docs' tutorial manifest, verbatim, and its
``set image`` rollout; a rollout blocked by a failing readiness probe, then undone."""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path
from typing import Any

from simrun import of, scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.workloads import rollout_status

DOCS = Path(__file__).parents[1] / "docs_examples" / "controllers"
TUTORIAL = (DOCS / "nginx-deployment.yaml").read_text(encoding="utf-8")
HASH = "[4-9bcdf]{1,10}"


def simulate(text: str, until: float) -> tuple[Simulation, list[dict[str, Any]]]:
    sim = Simulation(load_bundle([("test.yaml", text)]), seed=0, horizon=until)
    return sim, sim.advance(until)


def last_workloads(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["workload"]: r for r in of(records, "workload")}


def test_the_tutorial_deployment_runs_three_pods_of_one_hashed_replica_set() -> None:
    sim, records = simulate(TUTORIAL, 30)
    workloads = last_workloads(records)
    (rs_key,) = [k for k in workloads if k.startswith("ReplicaSet/")]
    rs_name = rs_key.split("/")[-1]
    assert re.fullmatch(rf"nginx-deployment-{HASH}", rs_name)
    rs = workloads[rs_key]
    assert (rs["desired"], rs["current"], rs["ready"]) == (3, 3, 3)
    assert rs["owner"] == "Deployment/default/nginx-deployment"
    d = workloads["Deployment/default/nginx-deployment"]
    assert (d["desired"], d["current"], d["ready"], d["available"], d["updated"]) == (3, 3, 3, 3, 3)
    assert d["revision"] == "1"
    assert d["conditions"]["Available"]["reason"] == "MinimumReplicasAvailable"
    assert d["conditions"]["Progressing"]["reason"] == "NewReplicaSetAvailable"
    pods = sim.store.list("Pod")
    assert len(pods) == 3
    pod_hash = rs_name.removeprefix("nginx-deployment-")
    assert all(p.labels == {"app": "nginx", "pod-template-hash": pod_hash} for p in pods)
    assert all(p.status.get("phase") == "Running" for p in pods)
    events = [
        (r["reason"], r["message"]) for r in of(records, "event", source="deployment-controller")
    ]
    assert events == [("ScalingReplicaSet", f"Scaled up replica set {rs_name} from 0 to 3")]


def test_the_tutorial_set_image_rolls_within_three_available_and_four_pods() -> None:
    action = '{at: 30, setImage: {name: nginx-deployment, container: nginx, image: "nginx:1.16.1"}}'
    _, records = simulate(TUTORIAL + scenario(action, horizon=120), 120)
    workloads = last_workloads(records)
    sets = {k: w for k, w in workloads.items() if k.startswith("ReplicaSet/")}
    assert len(sets) == 2
    by_image = {w["images"][0]: w for w in sets.values()}
    assert (by_image["nginx:1.16.1"]["desired"], by_image["nginx:1.16.1"]["ready"]) == (3, 3)
    assert (by_image["nginx:1.14.2"]["desired"], by_image["nginx:1.14.2"]["current"]) == (0, 0)
    d = workloads["Deployment/default/nginx-deployment"]
    assert (d["revision"], d["updated"], d["available"]) == ("2", 3, 3)
    # Over the whole stream, after each instant: Pods not being deleted, and those Ready.
    state: dict[str, dict[str, Any]] = {}
    lowest_ready, highest_total = 99, 0
    pod_records = [r for r in records if r["kind"] == "pod"]
    for t, batch in groupby(pod_records, key=lambda r: r["t"]):
        for r in batch:
            state[r["pod"]] = r
        alive = [
            r
            for r in state.values()
            if r["deletionTimestamp"] is None and r["phase"] not in ("Succeeded", "Failed")
        ]
        ready = [r for r in alive if r["conditions"].get("Ready") == "True"]
        highest_total = max(highest_total, len(alive))
        if t >= 30:
            lowest_ready = min(lowest_ready, len(ready))
    assert lowest_ready == 3
    assert highest_total == 4
    scaling = [r["message"] for r in of(records, "event", reason="ScalingReplicaSet")]
    assert len(scaling) == 7  # 0 -> 3, then three steps up and three down


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  progressDeadlineSeconds: 60
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: IMAGE
        readinessProbe:
          httpGet: {path: PATH, port: PORT}
          periodSeconds: 5
"""
GOOD = DEPLOYMENT.replace("IMAGE", "nginx:1.14.2").replace("PATH", "/").replace("PORT", "80")
# The new template's readiness probe asks a port nothing listens on: its Pod is never Ready.
BAD = (
    DEPLOYMENT.replace("IMAGE", "nginx:1.16.1").replace("PATH", "/healthz").replace("PORT", "8080")
)
BLOCKED = (
    GOOD
    + "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
    + "spec:\n  horizon: 200\n  actions:\n  - at: 40\n    apply:\n      manifest: |\n"
    + "".join(f"        {line}\n" for line in BAD.splitlines())
    + "  - {at: 150, rolloutUndo: {name: web}}\n"
)


class Kubectl:
    def __init__(self, sim: Simulation) -> None:
        self.store = sim.store
        self.printed: list[str] = []

    def notice(self, text: str) -> None:
        self.printed.append(text)


def test_a_rollout_blocked_by_readiness_exceeds_its_deadline_then_undo_restores_it() -> None:
    sim = Simulation(load_bundle([("test.yaml", BLOCKED)]), seed=0, horizon=200)
    records = sim.advance(100.999)
    kubectl = Kubectl(sim)
    sets = {r["workload"]: r["images"][0] for r in of(records, "workload", kindOf="ReplicaSet")}
    ((old, _),) = [(k, v) for k, v in sets.items() if v == "nginx:1.14.2"]
    ((bad, _),) = [(k, v) for k, v in sets.items() if v == "nginx:1.16.1"]
    bad_name = bad.split("/")[-1]
    assert rollout_status(kubectl, "web") == (
        'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been '
        "updated..."
    )
    records += sim.advance(101)
    deployment = [r for r in of(records, "workload") if r["workload"] == "Deployment/default/web"]
    exceeded = [
        r
        for r in deployment
        if r["conditions"].get("Progressing", {}).get("reason") == "ProgressDeadlineExceeded"
    ]
    # NewReplicaSetCreated at 40 s, no progress after it: 40 + 60 s deadline + 1 s requeue
    assert exceeded[0]["t"] == 101.0
    assert exceeded[0]["conditions"]["Progressing"] == {
        "status": "False",
        "reason": "ProgressDeadlineExceeded",
        "message": f'ReplicaSet "{bad_name}" has timed out progressing.',
    }
    assert (exceeded[0]["available"], exceeded[0]["updated"]) == (2, 1)  # nothing rolled back
    assert (
        rollout_status(kubectl, "web") == 'error: deployment "web" exceeded its progress deadline'
    )
    records += sim.advance(200)
    assert [r["message"] for r in of(records, "notice") if "rolled back" in r["message"]] == [
        "deployment.apps/web rolled back"
    ]
    final = last_workloads(records)
    assert (final[old]["desired"], final[old]["ready"]) == (2, 2)
    assert (final[bad]["desired"], final[bad]["current"]) == (0, 0)
    d = final["Deployment/default/web"]
    assert (d["revision"], d["updated"], d["available"]) == ("3", 2, 2)
    assert d["conditions"]["Progressing"]["reason"] == "NewReplicaSetAvailable"
    assert of(records, "event", reason="ScalingReplicaSet")[-1]["message"] == (
        f"Scaled down replica set {bad_name} from 1 to 0"
    )
    assert rollout_status(kubectl, "web") == 'deployment "web" successfully rolled out'


def test_a_rollout_is_the_same_run_for_run_and_its_replica_set_names_for_any_seed() -> None:
    action = '{at: 30, setImage: {name: nginx-deployment, container: nginx, image: "nginx:1.16.1"}}'
    text = TUTORIAL + scenario(action, horizon=90)

    def run(seed: int) -> list[dict[str, Any]]:
        return Simulation(load_bundle([("test.yaml", text)]), seed=seed, horizon=90).advance(90)

    first = run(0)
    assert run(0) == first

    def sets(records: list[dict[str, Any]]) -> list[str]:
        return sorted({r["workload"] for r in of(records, "workload", kindOf="ReplicaSet")})

    other = run(7)
    assert sets(other) == sets(first)  # the hash depends on the template only
    pods = {r["pod"] for r in of(first, "pod")}
    assert pods != {r["pod"] for r in of(other, "pod")}  # generated names come from the seed
