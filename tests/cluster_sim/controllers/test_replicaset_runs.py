"""ReplicaSets and ReplicationControllers in whole runs: YAML in, records out."""

from __future__ import annotations

from simrun import events, of, scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.limits import DEFAULT_LIMITS

RS = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
"""

RC = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: frontend
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
"""


def simulation(text: str, until: float, **kwargs: object) -> Simulation:
    return Simulation(load_bundle([("test.yaml", text)]), seed=0, horizon=until, **kwargs)


def created(records: list[dict]) -> list[tuple[float, str]]:
    return [
        (t, message.removeprefix("Created pod: "))
        for t, _, message in events(records, reason="SuccessfulCreate")
    ]


def test_a_node_failure_heals_the_replica_set_on_another_node() -> None:
    text = RS + scenario("{at: 60, failNode: node-2}", horizon=600)
    records = simulation(text, 600).advance(600)
    first = created(records)[:3]
    assert [t for t, _ in first] == [0.0, 0.0, 0.0]
    lost = next(
        r["object"].split("/")[2]
        for r in of(records, "event", reason="Scheduled")
        if r["message"].endswith(" to node-2")
    )
    # NodeNotReady after 40 s, eviction 300 s later: the Pod stays Terminating on the dead
    # node, and no longer counts, so its replacement is created at the eviction.
    eviction = events(records, reason="TaintManagerEviction")
    assert eviction == [(400.0, "TaintManagerEviction", f"Marking for deletion Pod default/{lost}")]
    ((t, replacement),) = created(records)[3:]
    assert t == 400.0
    scheduled = events(records, reason="Scheduled", object=f"Pod/default/{replacement}")
    assert scheduled and not scheduled[0][2].endswith(" to node-2")
    lane = [(r["t"], r["current"], r["ready"]) for r in of(records, "workload")]
    assert lane[0] == (0.0, 3, 0)
    assert (100.0, 3, 2) in lane  # the failed node's Pod is no longer Ready
    assert lane[-1][1:] == (3, 3)
    assert lane[-1][0] > 400.0


def test_a_replication_controller_replaces_a_deleted_pod() -> None:
    sim = simulation(RC, 120)
    records = sim.advance(20)
    (_, victim), _ = created(records)
    assert victim.startswith("frontend-")
    sim.act("delete", {"pod": victim})
    records += sim.advance(120)
    later = created(records)[2:]
    assert [t for t, _ in later] == [20.0]
    assert {
        r["source"] for r in of(records, "event", object="ReplicationController/default/frontend")
    } == {"replication-controller"}
    assert of(records, "workload")[-1]["ready"] == 2


def test_the_pod_limit_is_a_failed_create_event() -> None:
    limits = DEFAULT_LIMITS.raised(pods=2)
    records = simulation(RS, 30, limits=limits).advance(30)
    assert len(created(records)) == 2
    failed = events(records, reason="FailedCreate")
    assert failed[0] == (
        0.0,
        "FailedCreate",
        "Error creating: the playground runs at most 2 Pods at once; this would make 3",
    )
    lane = of(records, "workload")[-1]
    assert (lane["desired"], lane["current"]) == (3, 2)
    assert lane["conditions"]["ReplicaFailure"]["reason"] == "FailedCreate"


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels: {app: nginx}
spec:
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def test_a_deployment_heals_from_a_node_failure_long_after_its_rollout() -> None:
    # The node fails when the rollout's progress deadline (600 s) is long past: the
    # Deployment is incomplete again but cannot time out (NewReplicaSetAvailable).
    text = DEPLOYMENT + scenario("{at: 700, failNode: node-2}", horizon=1200)
    sim = simulation(text, 1200)
    records = sim.advance(1200)
    assert next(sim.env._eid) < 20_000  # nothing resyncs in a loop while it waits
    rs_events = [(t, reason) for t, reason, _ in events(records) if reason in ("SuccessfulCreate",)]
    assert [t for t, _ in rs_events] == [0.0, 0.0, 0.0, 1040.0]
    lanes = {r["workload"]: r for r in of(records, "workload")}
    deployment = lanes["Deployment/default/nginx-deployment"]
    assert (deployment["ready"], deployment["available"], deployment["updated"]) == (3, 3, 3)
    assert deployment["conditions"]["Progressing"]["reason"] == "NewReplicaSetAvailable"
    (rs,) = [r for r in lanes.values() if r["kindOf"] == "ReplicaSet"]
    assert rs["owner"] == "Deployment/default/nginx-deployment"
    assert (rs["desired"], rs["current"], rs["ready"]) == (3, 3, 3)
