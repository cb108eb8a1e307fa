"""The docs' Deployment tutorial through a run, read back with kubectl get/describe and the CLI.

The docs say: after the apply, ``kubectl get deployments`` shows
``nginx-deployment 3/3 3 3``, one ReplicaSet ``nginx-deployment-<hash>`` at
3/3/3 and three Running Pods labelled with the same hash; after ``set image``,
the new ReplicaSet at 3 and the old one at 0, and ``describe`` lists the
ScalingReplicaSet steps.
"""

from __future__ import annotations

import io
import re

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.cli import main
from cluster_sim.kubectl.command_line import kubectl_text

DOCS_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""
SET_IMAGE = """\
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: update}
spec:
  actions:
  - {at: 30, setImage: {name: nginx-deployment, container: nginx, image: "nginx:1.16.1"}}
"""


def kubectl(sim: Simulation, command: str) -> str:
    status, text = kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), command)
    assert status == 0, text
    return text


@pytest.fixture(scope="module")
def rollout() -> tuple[str, str, str, str, str]:
    """kubectl's answers at 29 s (rolled out) and at 90 s (after set image at 30 s)."""
    sim = Simulation(load_bundle([("nginx-deployment.yaml", DOCS_DEPLOYMENT + SET_IMAGE)]))
    sim.advance(29)
    before = (
        kubectl(sim, "get deployments"),
        kubectl(sim, "get rs"),
        kubectl(sim, "get pods --show-labels"),
    )
    sim.advance(90)
    return (*before, kubectl(sim, "get rs"), kubectl(sim, "describe deployment nginx-deployment"))


def test_after_the_apply_kubectl_shows_what_the_docs_show(rollout: tuple[str, ...]) -> None:
    deployments, replica_sets, pods, _, _ = rollout
    assert deployments == (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   3/3     3            3           29s\n"
    )
    header, row = replica_sets.splitlines()
    assert header == "NAME                          DESIRED   CURRENT   READY   AGE"
    match = re.fullmatch(
        r"nginx-deployment-([bcdfghjklmnpqrstvwxz2456789]{1,10}) +3 +3 +3 +29s", row
    )
    assert match, row
    pod_hash = match.group(1)
    rows = pods.splitlines()[1:]
    assert len(rows) == 3
    for line in rows:
        assert re.fullmatch(
            rf"nginx-deployment-{pod_hash}-\w{{5}} +1/1 +Running +0 +29s +"
            rf"app=nginx,pod-template-hash={pod_hash}",
            line,
        ), line
    names = [line.split()[0] for line in rows]
    assert names == sorted(names)  # a list comes in key order, as the API server gives it


def test_after_set_image_the_new_replica_set_has_them_all(rollout: tuple[str, ...]) -> None:
    _, before, _, replica_sets, describe = rollout
    old = before.splitlines()[1].split()[0]
    rows = {line.split()[0]: line.split()[1:4] for line in replica_sets.splitlines()[1:]}
    assert rows.pop(old) == ["0", "0", "0"]
    ((new, counts),) = rows.items()
    assert counts == ["3", "3", "3"]
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in describe
    assert "    Image:         nginx:1.16.1\n" in describe
    assert "OldReplicaSets:  <none>\n" in describe  # the old one is at 0: kubectl leaves it out
    assert f"NewReplicaSet:   {new} (3/3 replicas created)\n" in describe
    events = describe.split("Events:\n")[1].splitlines()[2:]
    messages = [line.split("deployment-controller  ")[1] for line in events]
    assert messages[0] == f"Scaled up replica set {old} from 0 to 3"
    assert messages[1] == f"Scaled up replica set {new} from 0 to 1"
    assert messages[-1] == f"Scaled down replica set {old} from 1 to 0"
    # Never fewer than 3 available nor more than 4 Pods in all (maxSurge 1, maxUnavailable 0).
    total = 3
    for message in messages[1:]:
        step = re.fullmatch(r"Scaled (up|down) replica set \S+ from (\d+) to (\d+)", message)
        assert step, message
        total += int(step.group(3)) - int(step.group(2))
        assert 3 <= total <= 4


def test_the_cli_prints_the_workload_lines() -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["run", "-", "--until", "20"], stdin=io.StringIO(DOCS_DEPLOYMENT), stdout=out, stderr=err
    )
    assert (status, err.getvalue()) == (0, "")
    lines = [line for line in out.getvalue().splitlines() if " workload " in line]
    deployment = [line for line in lines if "deployment/nginx-deployment " in line]
    assert deployment[0] == (
        "    0.000s  workload    deployment/nginx-deployment              0/3 ready, "
        "3 up-to-date, 0 available  rev 1  Available=False (MinimumReplicasUnavailable)"
    )
    assert deployment[-1].endswith(
        "deployment/nginx-deployment              3/3 ready, 3 up-to-date, 3 available  rev 1"
    )
    assert any(
        re.search(r"replicaset/nginx-deployment-\w+ +desired 3 current 3 ready 3$", line)
        for line in lines
    )


def test_get_pods_shows_the_kubelet_s_status_of_a_crash_looping_pod() -> None:
    crashy = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: crashy}
spec:
  replicas: 1
  selector: {matchLabels: {app: crashy}}
  template:
    metadata: {labels: {app: crashy}}
    spec:
      containers:
      - {name: app, image: busybox, command: [sh, -c, "sleep 2; exit 3"]}
"""
    sim = Simulation(load_bundle([("crashy.yaml", crashy)]))
    sim.advance(60)
    header, row = kubectl(sim, "get pods").splitlines()
    assert header == "NAME           READY   STATUS             RESTARTS   AGE"
    # restarts at 5.41, then 10 s and 20 s back-offs, each noticed 10 s after it ends
    assert re.fullmatch(r"crashy-\w{5}   0/1     CrashLoopBackOff   2          60s", row), row
    assert (
        kubectl(sim, "get rs crashy").splitlines()[1] == "crashy   1         1         0       60s"
    )
    assert "Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in kubectl(
        sim, "describe rs crashy"
    )
