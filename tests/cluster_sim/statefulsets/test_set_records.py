"""The ``workload`` records of DaemonSets and StatefulSets (what the page's lanes draw)."""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle

DOCS = Path(__file__).parent.parent / "docs_examples" / "controllers"


def last_record(name: str, ref: str, until: float) -> dict:
    sim = Simulation(load_bundle([(name, (DOCS / name).read_text())]), seed=0, horizon=until)
    records = [r for r in sim.advance(until) if r["kind"] == "workload" and r["workload"] == ref]
    assert records
    return records[-1]


def test_a_statefulset_record_counts_its_replicas_and_names_its_revisions() -> None:
    record = last_record("web.yaml", "StatefulSet/default/web", 30)
    revision = record["updateRevision"]
    assert revision.startswith("web-")
    assert {
        k: record[k] for k in ("kindOf", "desired", "current", "ready", "available", "updated")
    } == {
        "kindOf": "StatefulSet",
        "desired": 2,
        "current": 2,
        "ready": 2,
        "available": 2,
        "updated": 2,
    }
    assert {
        k: record[k]
        for k in (
            "serviceName",
            "podManagementPolicy",
            "strategy",
            "partition",
            "currentRevision",
            "claimTemplates",
            "images",
        )
    } == {
        "serviceName": "nginx",
        "podManagementPolicy": "OrderedReady",
        "strategy": "RollingUpdate",
        "partition": 0,
        "currentRevision": revision,
        "claimTemplates": ["www"],
        "images": ["registry.k8s.io/nginx-slim:0.24"],
    }


def test_a_daemonset_record_counts_nodes() -> None:
    record = last_record("daemonset.yaml", "DaemonSet/kube-system/fluentd-elasticsearch", 30)
    assert {
        k: record[k]
        for k in ("desired", "current", "ready", "available", "updated", "misscheduled")
    } == {"desired": 3, "current": 3, "ready": 3, "available": 3, "updated": 3, "misscheduled": 0}
    assert record["nodeSelector"] == {} and record["strategy"] == "RollingUpdate"


def test_claim_records_show_binding_and_the_end_of_a_claim() -> None:
    text = (
        (DOCS / "web.yaml")
        .read_text()
        .replace(
            '  serviceName: "nginx"\n',
            '  serviceName: "nginx"\n'
            "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n",
        )
    )
    sim = Simulation(load_bundle([("web.yaml", text)]), seed=0, horizon=60)
    records = [r for r in sim.advance(20) if r["kind"] == "claim"]
    claim = sim.store.get("PersistentVolumeClaim", "default", "www-web-0")
    sts = sim.store.get("StatefulSet", "default", "web")
    assert claim is not None and sts is not None
    assert [(r["t"], r["claim"]) for r in records] == [
        (0.0, "default/www-web-0"),
        (7.48, "default/www-web-1"),
    ]
    assert {k: v for k, v in records[0].items() if k not in ("t", "kind")} == {
        "claim": "default/www-web-0",
        "phase": "Bound",
        "volume": f"pvc-{claim.uid}",
        "capacity": "1Gi",
        "accessModes": ["ReadWriteOnce"],
        "storageClass": "standard",
        "owner": "StatefulSet/default/web",
        "deleting": False,
        "deleted": False,
    }
    sim.act("delete", {"kind": "StatefulSet", "name": "web"})
    ends = [r for r in sim.advance(60) if r["kind"] == "claim" and r["deleted"]]
    assert sorted(r["claim"] for r in ends) == ["default/www-web-0", "default/www-web-1"]
