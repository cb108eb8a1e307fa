"""kubectl drain against PodDisruptionBudgets, through whole runs: what the user reads."""

from __future__ import annotations

from typing import Any

from cluster_sim import Simulation, load_bundle
from tests.cluster_sim.simrun import of, run, scenario

NODES = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
"""


def deployment(replicas: int, pin: bool) -> str:
    selector = "      nodeSelector: {kubernetes.io/hostname: node-1}\n" if pin else ""
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{selector}      containers:
      - name: web
        image: nginx:1.27
        readinessProbe: {{httpGet: {{path: /, port: 80}}, initialDelaySeconds: 5}}
"""


PDB = """---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
"""


def notices(records: list[dict[str, Any]]) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in of(records, "notice")]


def pods_on(sim: Simulation, node: str) -> list[str]:
    return sorted(
        p.name
        for p in sim.store.list("Pod", where=lambda p: p.spec.get("nodeName") == node)
        if p.deletion_timestamp is None
    )


def test_budget_status_counts_the_ready_pods() -> None:
    sim = Simulation(load_bundle([("t.yaml", NODES + deployment(3, False) + PDB)]), seed=0)
    sim.advance(60)
    pdb = sim.store.get("PodDisruptionBudget", "default", "web")
    assert pdb is not None
    status = pdb.status
    assert (
        status["expectedPods"],
        status["desiredHealthy"],
        status["currentHealthy"],
        status["disruptionsAllowed"],
    ) == (3, 2, 3, 1)
    condition = status["conditions"][0]
    assert (condition["type"], condition["status"], condition["reason"]) == (
        "DisruptionAllowed",
        "True",
        "SufficientPods",
    )


def test_drain_waits_for_the_budget_while_the_replacement_is_pinned_away() -> None:
    records = run(NODES + deployment(2, True) + PDB + scenario("{at: 30, drain: node-1}"), 50)
    said = notices(records)
    first, second = sorted({m.split("/")[-1] for _, m in said if m.startswith("evicting pod")})
    refused = (
        f'error when evicting pods/"{second}" -n "default" (will retry after 5s): '
        "Cannot evict pod as it would violate the pod's disruption budget."
    )
    assert said[:4] == [
        (30.0, "node/node-1 cordoned"),
        (30.0, f"evicting pod default/{first}"),
        (30.0, f"evicting pod default/{second}"),
        (30.0, refused),
    ]
    assert (32.0, f"pod/{first} evicted") in said
    # retried every 5 s while the replacement cannot run anywhere (pinned to the cordoned node)
    retries = [t for t, m in said if m == f"evicting pod default/{second}"]
    assert retries == [30.0, 35.0, 40.0, 45.0, 50.0]
    assert not any(m == "node/node-1 drained" for _, m in said)


def test_drain_finishes_once_the_replacement_is_ready_elsewhere() -> None:
    sim = Simulation(
        load_bundle([("t.yaml", NODES + deployment(2, False) + PDB)]),
        seed=0,
        horizon=200,
    )
    sim.advance(30)
    on_node_1 = pods_on(sim, "node-1")
    assert on_node_1  # the scheduler spread them; the same run, drained at 30 s:
    text = NODES + deployment(2, False) + PDB + scenario("{at: 30, drain: node-1}", horizon=200)
    said = notices(run(text, 200))
    assert said[0] == (30.0, "node/node-1 cordoned")
    assert said[-1][1] == "node/node-1 drained"
    assert [m for _, m in said if m.startswith("pod/")] == [
        f"pod/{name} evicted" for name in on_node_1
    ]


def test_bare_pods_refuse_without_force() -> None:
    bare = """---
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  nodeName: node-1
  containers: [{name: c, image: nginx:1.27}]
"""
    said = notices(run(NODES + bare + scenario("{at: 10, drain: node-1}"), 20))
    error = "cannot delete Pods that declare no controller (use --force to override): default/x"
    assert said == [
        (10.0, "node/node-1 cordoned"),
        (
            10.0,
            f'error: unable to drain node "node-1" due to error: {error}, continuing command...',
        ),
        (10.0, "There are pending nodes to be drained:\n node-1"),
        (10.0, f"error: {error}"),
    ]
    forced = notices(
        run(NODES + bare + scenario("{at: 10, drain: {node: node-1, force: true}}"), 60)
    )
    assert forced[:3] == [
        (10.0, "node/node-1 cordoned"),
        (10.0, "Warning: deleting Pods that declare no controller: default/x"),
        (10.0, "evicting pod default/x"),
    ]
    assert forced[-2:][0][1] == "pod/x evicted"
    assert forced[-1][1] == "node/node-1 drained"


def test_disable_eviction_deletes_past_the_budget() -> None:
    text = NODES + deployment(2, True) + PDB
    said = notices(
        run(text + scenario("{at: 30, drain: {node: node-1, disableEviction: true}}"), 60)
    )
    assert said[0] == (30.0, "node/node-1 cordoned")
    assert not any(m.startswith("evicting pod") for _, m in said)
    assert [m.split(" ")[-1] for _, m in said if m.startswith("pod/")] == ["deleted", "deleted"]
    assert said[-1][1] == "node/node-1 drained"


def test_timeout_ends_a_blocked_drain() -> None:
    text = NODES + deployment(2, True) + PDB
    said = notices(run(text + scenario("{at: 30, drain: {node: node-1, timeout: 12}}"), 60))
    last = said[-1]
    assert last[0] == 42.0
    assert last[1].startswith("error: error when evicting pods/")
    assert last[1].endswith('-n "default": global timeout reached: 12s')
