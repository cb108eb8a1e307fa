"""The ReplicaSet and ReplicationController controllers on a bare store (no kubelet)."""

from __future__ import annotations

import re

from controlplane_rig import Rig, at, replica_set, replication_controller, set_pod

from cluster_sim.controlplane.store import NAME_ALPHABET

GENERATED = re.compile(rf"^web-[{NAME_ALPHABET}]{{5}}$")


def test_creates_replicas_with_generated_names_owner_refs_and_events() -> None:
    rig = Rig()
    rs = rig.store.create("ReplicaSet", replica_set("web", 3))
    rig.run(1)
    pods = rig.pods(rs)
    assert len(pods) == 3
    for pod in pods:
        assert GENERATED.match(pod.name), pod.name
        assert pod.generate_name == "web-"
        assert pod.labels == {"app": "web"}
        (ref,) = pod.owner_references
        assert (ref.kind, ref.name, ref.uid, ref.api_version) == (
            "ReplicaSet",
            "web",
            rs.uid,
            "apps/v1",
        )
        assert ref.controller and ref.block_owner_deletion
    assert rig.events() == [
        (0.0, "Normal", "SuccessfulCreate", "ReplicaSet/default/web", f"Created pod: {p.name}")
        for p in pods
    ]
    assert rig.sources() == {"replicaset-controller"}
    assert rs.status == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_status_counts_ready_and_available_after_min_ready_seconds() -> None:
    rig = Rig()
    rs = rig.store.create("ReplicaSet", replica_set("web", 2, min_ready=5))
    rig.run(0.5)
    first, second = rig.pods(rs)
    at(rig, 1, lambda: set_pod(rig, first))
    at(rig, 2, lambda: set_pod(rig, second))
    rig.run(5.999)
    assert rs.status["readyReplicas"] == 2
    assert "availableReplicas" not in rs.status
    rig.run(6)
    assert rs.status["availableReplicas"] == 1  # Ready at 1 s + minReadySeconds 5
    rig.run(7)
    assert rs.status["availableReplicas"] == 2
    changes = [(r["t"], r["ready"], r["available"]) for r in rig.of("workload")]
    assert changes == [(0.0, 0, 0), (1.0, 1, 0), (2.0, 2, 0), (6.0, 2, 1), (7.0, 2, 2)]


def test_scale_down_deletes_unready_and_crowded_pods_first() -> None:
    rig = Rig()
    rs = rig.store.create("ReplicaSet", replica_set("web", 4))
    rig.run(1)
    a, b, c, d = rig.pods(rs)
    set_pod(rig, a, node="node-1")
    set_pod(rig, b, node="node-1")
    set_pod(rig, c, node="node-2")
    set_pod(rig, d, node="node-3", ready=False)
    rig.run(2)

    def scale() -> None:
        rig.store.update(rs, {**rs.body, "metadata": {}, "spec": {**rs.spec, "replicas": 2}})

    at(rig, 10, scale)
    rig.run(11)
    # d is not Ready: first. a and b share node-1 (rank 2), c is alone on node-2 (rank 1):
    # a crowded node loses a Pod first; a and b tie on everything, creation order decides.
    assert rig.events("SuccessfulDelete") == [
        (10.0, "Normal", "SuccessfulDelete", "ReplicaSet/default/web", f"Deleted pod: {p.name}")
        for p in (d, a)
    ]
    assert d.deletion_timestamp == 10_000
    assert len(rig.active(rs)) == 2
    assert rs.status["replicas"] == 2
    assert rs.status["observedGeneration"] == 2


def test_failed_create_stops_the_slow_start_batch_and_sets_replica_failure() -> None:
    rig = Rig(max_pods=2)
    rs = rig.store.create("ReplicaSet", replica_set("web", 5))
    rig.run(0)
    created = [m for *_, m in rig.events("SuccessfulCreate")]
    failed = rig.events("FailedCreate")
    # Batch 1: one Pod. Batch 2: one Pod, then the limit; batches of 4 are never tried.
    assert len(created) == 2
    limit = "the playground runs at most 2 Pods at once; this would make 3"
    assert failed == [
        (0.0, "Warning", "FailedCreate", "ReplicaSet/default/web", f"Error creating: {limit}")
    ]
    assert rs.status["conditions"] == [
        {
            "type": "ReplicaFailure",
            "status": "True",
            "lastTransitionTime": 0,
            "reason": "FailedCreate",
            "message": limit,
        }
    ]
    # The work queue's back-off: retried after 5 ms, 10 ms, 20 ms..., not on every Pod event.
    rig.run(0.036)
    assert [t for t, *_ in rig.events("FailedCreate")] == [0.0, 0.005, 0.015, 0.035]


def test_a_terminating_pod_is_replaced_at_once() -> None:
    rig = Rig()
    rs = rig.store.create("ReplicaSet", replica_set("web", 2))
    rig.run(1)
    victim = rig.pods(rs)[0]
    victim.spec["nodeName"] = "node-1"  # bound (an unbound Pod would go at once)
    at(rig, 5, lambda: rig.store.delete("Pod", "default", victim.name, grace_seconds=30))
    rig.run(5)
    assert len(rig.pods(rs)) == 3  # the Terminating one is still there...
    assert len(rig.active(rs)) == 2  # ...and no longer counts
    (replacement,) = [p for p in rig.pods(rs) if p.created_ms == 5000]
    assert rig.events("SuccessfulCreate")[-1] == (
        5.0,
        "Normal",
        "SuccessfulCreate",
        "ReplicaSet/default/web",
        f"Created pod: {replacement.name}",
    )
    assert rs.status["replicas"] == 2


def test_orphans_are_adopted_and_pods_that_stop_matching_are_released() -> None:
    rig = Rig()
    orphan = rig.store.create(
        "Pod",
        {
            "metadata": {"name": "stray", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        },
    )
    other = rig.store.create(
        "Pod",
        {
            "metadata": {"name": "other", "labels": {"app": "db"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        },
    )
    rs = rig.store.create("ReplicaSet", replica_set("web", 2))
    rig.run(1)
    assert orphan.controller_ref() is not None and orphan.controller_ref().uid == rs.uid
    assert other.owner_references == []
    assert len(rig.events("SuccessfulCreate")) == 1  # the adopted Pod counts
    mine = next(p for p in rig.pods(rs) if p is not orphan)
    at(rig, 3, lambda: rig.store.patch_metadata(mine, labels={"app": "debug"}))
    rig.run(3)
    assert mine.owner_references == []  # released, left running
    assert mine.deletion_timestamp is None
    assert len(rig.active(rs)) == 2  # and replaced
    assert [t for t, *_ in rig.events("SuccessfulCreate")] == [0.0, 3.0]


def test_several_replica_sets_sync_in_creation_order() -> None:
    rig = Rig()
    for name in ("b", "a", "c"):
        rig.store.create("ReplicaSet", replica_set(name, 2))
    rig.run(0)
    owners = [obj for _, _, _, obj, _ in rig.events("SuccessfulCreate")]
    assert owners == [f"ReplicaSet/default/{n}" for n in ("b", "b", "a", "a", "c", "c")]


def test_a_replication_controller_keeps_its_replicas_with_its_own_source() -> None:
    rig = Rig()
    rc = rig.store.create("ReplicationController", replication_controller("frontend", 2))
    rig.run(1)
    pods = rig.pods(rc)
    assert [p.name[: len("frontend-")] for p in pods] == ["frontend-", "frontend-"]
    assert all(p.owner_references[0].api_version == "v1" for p in pods)
    assert rig.sources() == {"replication-controller"}
    at(rig, 4, lambda: rig.store.delete("Pod", "default", pods[0].name))
    at(rig, 4.5, lambda: rig.store.remove(pods[0]))
    rig.run(5)
    assert len(rig.active(rc)) == 2
    assert [e[2] for e in rig.events()] == ["SuccessfulCreate"] * 3
    assert rc.status["replicas"] == 2


def test_same_seed_same_names_and_events() -> None:
    def run() -> list[tuple[float, str, str, str, str]]:
        rig = Rig(seed=7)
        rig.store.create("ReplicaSet", replica_set("web", 3))
        rig.run(2)
        return rig.events()

    assert run() == run()
