"""Cascading deletion of a ReplicaSet: background, foreground and orphan."""

from __future__ import annotations

from controlplane_rig import Rig, at, replica_set, set_pod

from cluster_sim.controlplane.store import FOREGROUND_FINALIZER, Propagation

WEB = "ReplicaSet/default/web"


def running_rs(rig: Rig, replicas: int = 2, name: str = "web"):
    rs = rig.store.create("ReplicaSet", replica_set(name, replicas))
    rig.run(1)
    for pod in rig.pods(rs):
        set_pod(rig, pod)
    rig.run(2)
    return rs, rig.pods(rs)


def test_background_deletion_removes_the_owner_then_deletes_its_pods() -> None:
    rig = Rig()
    _, pods = running_rs(rig)
    at(rig, 5, lambda: rig.store.delete("ReplicaSet", "default", "web"))
    rig.run(5)
    assert rig.store.get("ReplicaSet", "default", "web") is None
    assert [p.deletion_timestamp for p in pods] == [5000, 5000]
    assert not rig.events("SuccessfulCreate")[2:]  # nobody replaces them
    assert rig.of("deleted") == [
        {"t": 5.0, "kind": "deleted", "workload": "ReplicaSet/default/web"}
    ]


def test_foreground_deletion_keeps_the_owner_until_its_pods_are_gone() -> None:
    rig = Rig()
    rs, pods = running_rs(rig)
    at(rig, 5, lambda: rig.store.delete("ReplicaSet", "default", "web", Propagation.FOREGROUND))
    at(rig, 8, lambda: rig.store.remove(pods[0]))
    at(rig, 9, lambda: rig.store.remove(pods[1]))
    rig.run(5)
    assert rs.deletion_timestamp == 5000 and rs.finalizers == [FOREGROUND_FINALIZER]
    assert [p.deletion_timestamp for p in pods] == [5000, 5000]
    rig.run(8.5)
    assert rig.store.get("ReplicaSet", "default", "web") is rs  # one Pod still blocks
    rig.run(9)
    assert rig.store.get("ReplicaSet", "default", "web") is None
    deleting = [(r["t"], r["deleting"]) for r in rig.of("workload")]
    assert deleting[-1] == (5.0, True)
    assert rig.of("deleted") == [
        {"t": 9.0, "kind": "deleted", "workload": "ReplicaSet/default/web"}
    ]
    assert len(rig.events("SuccessfulCreate")) == 2  # a deleting ReplicaSet replaces nothing


def test_orphan_deletion_leaves_the_pods_to_be_adopted_again() -> None:
    rig = Rig()
    rs, pods = running_rs(rig)
    at(rig, 5, lambda: rig.store.delete("ReplicaSet", "default", "web", Propagation.ORPHAN))
    rig.run(5)
    assert rig.store.get("ReplicaSet", "default", "web") is None
    assert rs.finalizers == []  # the collector took ORPHAN_FINALIZER off
    assert [p.owner_references for p in pods] == [[], []]
    assert [p.deletion_timestamp for p in pods] == [None, None]
    at(
        rig,
        7,
        lambda: rig.store.create("ReplicaSet", replica_set("web2", 2, labels={"app": "web"})),
    )
    rig.run(7)
    new = rig.store.get("ReplicaSet", "default", "web2")
    assert [p.controller_ref().uid for p in pods] == [new.uid, new.uid]
    assert len(rig.events("SuccessfulCreate")) == 2  # only the first ReplicaSet's two
    assert new.status["readyReplicas"] == 2


def test_a_pod_whose_owner_never_existed_is_garbage() -> None:
    rig = Rig()
    running_rs(rig, 1)  # the collector watches Pods once an owner kind exists
    pod = rig.store.create(
        "Pod",
        {
            "metadata": {
                "name": "lost",
                "ownerReferences": [
                    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "gone", "uid": "nope"}
                ],
            },
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        },
    )
    rig.run(3)
    assert pod.deletion_timestamp == pod.created_ms  # deleted at once, in the background
