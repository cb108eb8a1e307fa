"""Evicted Pods and Pods on a failed node (issue #13, item 5), as kubectl shows them.

- ``MarkPodsNotReady`` (pkg/controller/util/node): when the node lifecycle
  controller marks a node NotReady, each Pod on it that was Ready gets its Ready
  condition False (reason unchanged) and a ``NodeNotReady`` event; ContainersReady
  and the container statuses stay the kubelet's, so READY still says 1/1, and the
  Service stops sending traffic there.
- kubectl's printPod has no precedence for ``reason: Evicted``: once the
  container statuses say how the containers stopped, that reason is the STATUS.
"""

from __future__ import annotations

from simrun import events, last, of, run, scenario

from cluster_sim.endpoints_records import expand
from cluster_sim.status import ContainerRef, ContainerStatus, Running, Terminated, status_column

WEB = """apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: app
    image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata: {name: unready, labels: {app: web}}
spec:
  containers:
  - name: app
    image: nginx:1.27
    readinessProbe: {httpGet: {path: /nope, port: 81}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def outage(horizon: int = 120) -> str:
    return WEB + scenario("{at: 20, failNode: node-1}", horizon=horizon).replace(
        "spec:\n  horizon", "spec:\n  nodes: 1\n  horizon"
    )


def test_node_not_ready_marks_the_ready_condition_only() -> None:
    records = run(outage(), until=120)
    web = [r for r in of(records, "pod", pod="default/web") if r["t"] >= 20]
    assert [(r["t"], r["conditions"]["Ready"]) for r in web] == [(60.0, "False")]
    (marked,) = web
    assert marked["conditions"]["ContainersReady"] == "True"  # the kubelet's, untouched
    assert (marked["ready"], marked["status"]) == ("1/1", "Running")  # as kubectl shows it
    node_not_ready = [(t, o) for t, r, o in _events(records) if r == "NodeNotReady"]
    # The Pod that was not Ready is not written and gets no event.
    assert node_not_ready == [(60.0, "Node/node-1"), (60.0, "Pod/default/web")]
    endpoints = last(expand(records), "endpoints")
    assert (endpoints["t"], endpoints["ready"]) == (60.0, [])


def test_the_stored_ready_condition_keeps_its_reason() -> None:
    from cluster_sim import Simulation, load_bundle

    sim = Simulation(load_bundle([("o.yaml", outage())]), horizon=120)
    sim.advance(70)
    pod = sim.store.get("Pod", "default", "web")
    assert pod is not None
    conditions = {c["type"]: c for c in pod.status["conditions"]}
    assert conditions["Ready"]["status"] == "False"
    assert "reason" not in conditions["Ready"]  # it had none while True
    assert conditions["Ready"]["lastTransitionTime"] == 60_000
    assert conditions["ContainersReady"]["status"] == "True"


def _events(records: list[dict]) -> list[tuple[float, str, str]]:
    return [(r["t"], r["reason"], r["object"]) for r in of(records, "event")]


def test_an_evicted_pods_status_is_how_its_containers_stopped() -> None:
    refs = [ContainerRef("app")]
    running = {"app": ContainerStatus("app", Running(0), ready=True)}
    killed = {"app": ContainerStatus("app", Terminated(137, "Error", 0, 2000))}
    stopped = {"app": ContainerStatus("app", Terminated(0, "Completed", 0, 2000))}
    assert status_column("Failed", "Evicted", [], refs, running) == "Evicted"
    assert status_column("Failed", "Evicted", [], refs, killed) == "Error"
    assert status_column("Failed", "Evicted", [], refs, stopped) == "Completed"


def test_the_eviction_event_sequence() -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "manifests" / "eviction.yaml").read_text()
    records = run(text, until=60)
    at_40 = [(r, o) for t, r, o in _events(records) if t == 40.0]
    assert at_40 == [
        ("NodeHasInsufficientMemory", "Node/small"),
        ("EvictionThresholdMet", "Node/small"),
        ("Evicted", "Pod/default/best-effort"),
        ("Killing", "Pod/default/best-effort"),
    ]
    assert events(records, reason="Killing")[0][2] == "Stopping container app"
