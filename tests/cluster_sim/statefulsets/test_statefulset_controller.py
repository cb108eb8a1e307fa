"""The StatefulSet controller through whole runs: order, identity, storage, scaling, updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text
from cluster_sim.kubectl.workloads import rollout_status

DOCS = Path(__file__).parent.parent / "docs_examples" / "controllers"
WEB = (DOCS / "web.yaml").read_text()
CLIENT = """\
apiVersion: v1
kind: Pod
metadata: {name: dns-test}
spec:
  containers:
  - {name: c, image: busybox:1.28, command: ["sleep", "3600"]}
"""


def start(*texts: str, horizon: float = 120) -> Simulation:
    docs = [(f"{i}.yaml", t) for i, t in enumerate(texts)]
    return Simulation(load_bundle(docs), seed=0, horizon=horizon)


def events(records: list[dict[str, Any]], ref: str = "StatefulSet/default/web") -> list[Any]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["object"] == ref
    ]


def running_at(records: list[dict[str, Any]], pod: str) -> float:
    return next(
        r["t"]
        for r in records
        if r["kind"] == "pod" and r["pod"] == f"default/{pod}" and r["status"] == "Running"
    )


def test_the_docs_web_statefulset_starts_web_0_before_web_1_each_with_its_claim() -> None:
    sim = start(WEB, CLIENT)
    records = sim.advance(30)
    assert events(records) == [
        (0.0, "SuccessfulCreate", "create Claim www-web-0 Pod web-0 in StatefulSet web success"),
        (0.0, "SuccessfulCreate", "create Pod web-0 in StatefulSet web successful"),
        (7.48, "SuccessfulCreate", "create Claim www-web-1 Pod web-1 in StatefulSet web success"),
        (7.48, "SuccessfulCreate", "create Pod web-1 in StatefulSet web successful"),
    ]
    assert running_at(records, "web-0") == 7.48  # Running and Ready before web-1 exists
    claims = {c.name: c for c in sim.store.list("PersistentVolumeClaim")}
    assert sorted(claims) == ["www-web-0", "www-web-1"]
    assert claims["www-web-0"].status == {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "1Gi"},
    }
    assert claims["www-web-0"].spec["storageClassName"] == "standard"
    assert sim.exec("web-0", "nginx", ["hostname"]) == (0, "web-0\n")
    assert sim.exec("web-1", "nginx", ["hostname"]) == (0, "web-1\n")
    status, out = sim.exec("dns-test", "c", ["nslookup", "web-0.nginx"])
    web_0 = sim.store.get("Pod", "default", "web-0")
    assert web_0 is not None
    assert status == 0
    assert f"Name:\tweb-0.nginx.default.svc.cluster.local\nAddress: {web_0.status['podIP']}" in out
    sts = sim.store.get("StatefulSet", "default", "web")
    assert sts is not None
    assert sts.status["replicas"] == 2 and sts.status["readyReplicas"] == 2
    assert sts.status["currentRevision"] == sts.status["updateRevision"]


KEEPER = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: keeper}
spec:
  serviceName: keeper
  replicas: %d
  podManagementPolicy: %s
  selector: {matchLabels: {app: keeper}}
  template:
    metadata: {labels: {app: keeper}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox:1.36
        command: ["sh", "-c", "echo boot >> /data/boots; wc -l < /data/boots; sleep 3600"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""


def logs(records: list[dict[str, Any]], pod: str) -> list[str]:
    return [r["line"] for r in records if r["kind"] == "log" and r["pod"] == f"default/{pod}"]


def test_a_file_on_the_claim_survives_deleting_the_pod() -> None:
    sim = start(KEEPER % (1, "OrderedReady"))
    records = sim.advance(10)
    assert logs(records, "keeper-0") == ["1"]
    sim.act("delete", {"pod": "keeper-0"})
    records = sim.advance(30)
    assert logs(records, "keeper-0") == ["2"]  # the new keeper-0 found its claim's data
    assert events(records, "StatefulSet/default/keeper")[-1][1:] == (
        "SuccessfulCreate",
        "create Pod keeper-0 in StatefulSet keeper successful",
    )
    assert [c.name for c in sim.store.list("PersistentVolumeClaim")] == ["data-keeper-0"]


def test_parallel_creates_every_pod_at_once_and_scale_down_goes_in_reverse() -> None:
    sim = start(KEEPER % (3, "Parallel"))
    records = sim.advance(10)
    assert [e[2] for e in events(records, "StatefulSet/default/keeper") if "Pod " in e[2]] == [
        "create Claim data-keeper-0 Pod keeper-0 in StatefulSet keeper success",
        "create Pod keeper-0 in StatefulSet keeper successful",
        "create Claim data-keeper-1 Pod keeper-1 in StatefulSet keeper success",
        "create Pod keeper-1 in StatefulSet keeper successful",
        "create Claim data-keeper-2 Pod keeper-2 in StatefulSet keeper success",
        "create Pod keeper-2 in StatefulSet keeper successful",
    ]
    ordered = start(KEEPER % (3, "OrderedReady"))
    ordered.advance(30)
    ordered.act("scale", {"kind": "StatefulSet", "name": "keeper", "replicas": 1})
    records = ordered.advance(60)
    deletes = [e for e in events(records, "StatefulSet/default/keeper")]
    assert [e[2] for e in deletes] == [
        "delete Pod keeper-2 in StatefulSet keeper successful",
        "delete Pod keeper-1 in StatefulSet keeper successful",
    ]
    assert deletes[1][0] > deletes[0][0]  # keeper-1 goes only once keeper-2 is gone
    # Retain (the default): the claims stay for a scale up.
    assert len(ordered.store.list("PersistentVolumeClaim")) == 3


def kubectl(sim: Simulation, command: str) -> str:
    return kubectl_text(sim.store, sim.cluster.recorder, int(sim.now * 1000), command)[1]


def test_kubectl_get_sts_and_pvc_show_kubectls_columns() -> None:
    sim = start(WEB)
    sim.advance(10)
    assert kubectl(sim, "get sts").splitlines() == [
        "NAME   READY   AGE",
        "web    1/2     10s",
    ]
    claims = {c.name: c.spec["volumeName"] for c in sim.store.list("PersistentVolumeClaim")}
    assert kubectl(sim, "get pvc").splitlines() == [
        "NAME        STATUS   VOLUME"
        + " " * 37
        + "CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
        f"www-web-0   Bound    {claims['www-web-0']}   1Gi        RWO            standard"
        "       <unset>                 10s",
        f"www-web-1   Bound    {claims['www-web-1']}   1Gi        RWO            standard"
        "       <unset>                 2s",
    ]


def test_a_rolling_update_with_a_partition_goes_down_to_it_in_reverse_order() -> None:
    sim = start(KEEPER % (3, "OrderedReady"))
    sim.advance(30)
    sim.act(
        "setImage",
        {"kind": "StatefulSet", "name": "keeper", "container": "c", "image": "busybox:1.37"},
    )
    assert rollout_status(sim.cluster.ctx, "keeper", "sts") == (
        "Waiting for statefulset spec update to be observed..."
    )  # until the controller's sync at this instant
    sts = sim.store.get("StatefulSet", "default", "keeper")
    assert sts is not None
    manifest = sts.manifest()
    manifest["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1
    sim.store.update(sts, manifest)
    records = sim.advance(90)
    deletes = [e[2] for e in events(records, "StatefulSet/default/keeper") if "delete" in e[2]]
    assert deletes == [
        "delete Pod keeper-2 in StatefulSet keeper successful",
        "delete Pod keeper-1 in StatefulSet keeper successful",
    ]
    assert sts.status["updatedReplicas"] == 2 and sts.status["currentReplicas"] == 1
    assert rollout_status(sim.cluster.ctx, "keeper", "sts") == (
        "partitioned roll out complete: 2 new pods have been updated..."
    )
    images = {p.name: p.spec["containers"][0]["image"] for p in sim.store.list("Pod", "default")}
    assert images == {
        "keeper-0": "busybox:1.36",
        "keeper-1": "busybox:1.37",
        "keeper-2": "busybox:1.37",
    }


def test_a_failed_pod_is_deleted_and_made_again_with_its_event() -> None:
    sim = start(KEEPER % (1, "OrderedReady"))
    sim.advance(10)
    pod = sim.store.get("Pod", "default", "keeper-0")
    assert pod is not None
    status = dict(pod.status)
    status["phase"] = "Failed"
    sim.store.update_status(pod, status)  # as an eviction would leave it
    records = sim.advance(20)
    assert [e[1:] for e in events(records, "StatefulSet/default/keeper")][:2] == [
        ("RecreatingFailedPod", "StatefulSet default/keeper is recreating failed Pod keeper-0"),
        ("SuccessfulDelete", "delete Pod keeper-0 in StatefulSet keeper successful"),
    ]


def test_kubectl_describe_sts_and_pvc() -> None:
    sim = start(WEB)
    sim.advance(30)
    text = kubectl(sim, "describe sts web")
    assert "Replicas:           2 desired | 2 total\n" in text
    assert "Update Strategy:    RollingUpdate\n  Partition:        0\n" in text
    assert "Volume Claims:\n  Name:          www\n" in text
    assert "  Access Modes:  [ReadWriteOnce]\n" in text
    assert text.rstrip().endswith("create Pod web-1 in StatefulSet web successful")
    claim = kubectl(sim, "describe pvc www-web-1")
    assert "Status:        Bound\n" in claim
    assert "Used By:       web-1\n" in claim
    assert "Access Modes:  RWO\n" in claim


def retention(when_deleted: str, when_scaled: str) -> str:
    return (KEEPER % (2, "Parallel")).replace(
        "  serviceName: keeper\n",
        "  serviceName: keeper\n  persistentVolumeClaimRetentionPolicy:\n"
        f"    whenDeleted: {when_deleted}\n    whenScaled: {when_scaled}\n",
    )


def claims(sim: Simulation) -> list[str]:
    return sorted(c.name for c in sim.store.list("PersistentVolumeClaim"))


def test_when_scaled_delete_takes_the_condemned_ordinals_claim_with_its_pod() -> None:
    sim = start(retention("Retain", "Delete"))
    sim.advance(10)
    assert claims(sim) == ["data-keeper-0", "data-keeper-1"]
    sim.act("scale", {"kind": "StatefulSet", "name": "keeper", "replicas": 1})
    sim.advance(30)
    assert claims(sim) == ["data-keeper-0"]
    sim.act("delete", {"kind": "StatefulSet", "name": "keeper"})
    sim.advance(60)
    assert claims(sim) == ["data-keeper-0"]  # whenDeleted: Retain


def test_when_deleted_delete_takes_every_claim_with_the_set() -> None:
    sim = start(retention("Delete", "Retain"))
    sim.advance(10)
    sim.act("scale", {"kind": "StatefulSet", "name": "keeper", "replicas": 1})
    sim.advance(30)
    assert claims(sim) == ["data-keeper-0", "data-keeper-1"]  # whenScaled: Retain
    sim.act("delete", {"kind": "StatefulSet", "name": "keeper"})
    sim.advance(60)
    assert claims(sim) == []
    assert sim.store.list("Pod") == []


def test_scaling_back_up_reattaches_each_ordinals_claim_with_its_data() -> None:
    sim = start(KEEPER % (3, "OrderedReady"), horizon=200)
    records = sim.advance(30)
    assert [logs(records, f"keeper-{i}") for i in range(3)] == [["1"], ["1"], ["1"]]
    sim.act("scale", {"kind": "StatefulSet", "name": "keeper", "replicas": 1})
    sim.advance(60)
    assert sorted(p.name for p in sim.store.list("Pod")) == ["keeper-0"]
    sim.act("scale", {"kind": "StatefulSet", "name": "keeper", "replicas": 3})
    records = sim.advance(120)
    assert [logs(records, f"keeper-{i}") for i in (1, 2)] == [["2"], ["2"]]
    created = [e[2] for e in events(records, "StatefulSet/default/keeper")]
    assert created == [  # the claims exist: only the Pods are made, in order
        "create Pod keeper-1 in StatefulSet keeper successful",
        "create Pod keeper-2 in StatefulSet keeper successful",
    ]
