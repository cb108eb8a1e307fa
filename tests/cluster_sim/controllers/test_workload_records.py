"""The ``workload`` records the page draws a ReplicaSet's lane from."""

from __future__ import annotations

from controlplane_rig import Rig, at, replica_set, set_pod


def test_a_three_replica_replica_set_writes_one_record_per_change() -> None:
    rig = Rig()
    rs = rig.store.create("ReplicaSet", replica_set("web", 3))
    rig.run(0)
    pods = rig.pods(rs)
    for i, pod in enumerate(pods):
        at(rig, 2 + i, lambda pod=pod: set_pod(rig, pod))
    at(rig, 10, lambda: rig.store.delete("ReplicaSet", "default", "web"))
    rig.run(10)

    def record(t: float, current: int, ready: int) -> dict:
        return {
            "t": t,
            "kind": "workload",
            "workload": "ReplicaSet/default/web",
            "kindOf": "ReplicaSet",
            "owner": None,
            "desired": 3,
            "current": current,
            "ready": ready,
            "available": ready,
            "updated": None,
            "revision": None,
            "images": ["nginx:1.14.2"],
            "paused": False,
            "conditions": {},
            "deleting": False,
        }

    assert [r for r in rig.records if r["kind"] in ("workload", "deleted")] == [
        record(0.0, 3, 0),
        record(2.0, 3, 1),
        record(3.0, 3, 2),
        record(4.0, 3, 3),
        {"t": 10.0, "kind": "deleted", "workload": "ReplicaSet/default/web"},
    ]
