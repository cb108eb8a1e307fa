"""The behaviour checks of the gallery's Birth entries about controllers (issue #11).

test_gallery.py runs every entry and calls its check with the run's records;
these four are here, beside each other, and join its CHECKS table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]

# What kubectl prints when a workload action worked: the run says it in a notice, as
# the terminal would ("deployment.apps/web image updated"); it is not a failed action.
# kubectl taint's lines ("node/node-1 tainted") are what it says too.
KUBECTL_SAID = re.compile(
    r"^(deployment\.apps|replicaset\.apps|statefulset\.apps|replicationcontroller)/[a-z0-9.-]+ "
    r"(scaled|image updated|rolled back|paused|resumed)$"
    r"|^node/[a-z0-9.-]+ (tainted|untainted|modified)$"
)


def _of(records: tuple[Record, ...], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def _events(records: tuple[Record, ...], reason: str, obj: str | None = None) -> list[Record]:
    return [r for r in _of(records, "event", reason=reason) if obj is None or r["object"] == obj]


def _lane(records: tuple[Record, ...], workload: str) -> list[Record]:
    return _of(records, "workload", workload=workload)


def _ready_between(lane: list[Record], start: float, end: float) -> list[int]:
    """The ready counts the lane showed from start to end (the one in force at start too)."""
    before = [r for r in lane if r["t"] <= start]
    shown = before[-1:] + [r for r in lane if start < r["t"] <= end]
    return [r["ready"] for r in shown]


def check_replication_controller(records: tuple[Record, ...]) -> None:
    rc = "ReplicationController/default/nginx"
    created = [(r["t"], r["message"]) for r in _events(records, "SuccessfulCreate", rc)]
    assert [t for t, _ in created][:2] == [0.0, 0.0]
    assert any(t == 20.0 for t, _ in created), "the deleted Pod is replaced at once"
    assert any(t == 60.0 for t, _ in created), "scaled to 3: one more Pod"
    assert all(message.startswith("Created pod: nginx-") for _, message in created)
    assert len(created) == 4
    last = _lane(records, rc)[-1]
    assert (last["desired"], last["current"], last["ready"]) == (3, 3, 3)


def check_rollout_stuck(records: tuple[Record, ...]) -> None:
    deploy = "Deployment/default/web"
    lane = _lane(records, deploy)
    # Never fewer than replicas - maxUnavailable = 3 ready once the first three were.
    first_full = next(r["t"] for r in lane if r["ready"] == 3)
    assert min(_ready_between(lane, first_full, 180)) == 3
    deadline = [
        r
        for r in lane
        if r["conditions"].get("Progressing", {}).get("reason") == "ProgressDeadlineExceeded"
    ]
    assert deadline, "the rollout is reported stuck"
    assert 90 <= deadline[0]["t"] < 120
    assert deadline[0]["conditions"]["Progressing"]["status"] == "False"
    scaled = [r["message"] for r in _events(records, "ScalingReplicaSet", deploy)]
    assert scaled[0].startswith("Scaled up replica set web-") and scaled[0].endswith(" from 0 to 3")
    assert any(m.endswith(" from 0 to 1") for m in scaled), "one surge Pod of the new template"
    last = lane[-1]
    assert last["images"] == ["nginx:1.25"] and last["revision"] == "3"
    assert (last["ready"], last["updated"], last["current"]) == (3, 3, 3)
    surge = next(m for m in scaled if m.endswith(" from 0 to 1")).split()[4]
    redis = _of(records, "pod") and [
        r for r in _of(records, "pod") if r.get("owner") == f"ReplicaSet/default/{surge}"
    ]
    assert any(r["status"] == "Running" for r in redis), "the redis Pod runs..."
    assert all(r["ready"] == "0/1" for r in redis), "...and is never ready"


def check_recreate_vs_rolling(records: tuple[Record, ...]) -> None:
    recreate = _lane(records, "Deployment/default/recreate")
    rolling = _lane(records, "Deployment/default/rolling")
    assert min(_ready_between(recreate, 30, 120)) == 0, "Recreate: a time with no Pod"
    assert min(_ready_between(rolling, 30, 120)) == 3, "RollingUpdate: never under 3 ready"
    assert max(r["current"] for r in rolling if r["t"] >= 30) == 4, "maxSurge 1"
    assert max(r["current"] for r in recreate) == 3, "Recreate never surges"
    for lane in (recreate, rolling):
        last = lane[-1]
        assert last["images"] == ["nginx:1.26"] and last["revision"] == "2"
        assert (last["ready"], last["updated"], last["current"]) == (3, 3, 3)


def check_node_failure_heals(records: tuple[Record, ...]) -> None:
    deploy = "Deployment/default/web"
    evicted = _events(records, "TaintManagerEviction")
    assert evicted, "the failed node's Pods are evicted"
    assert all(r["t"] >= 20 + 40 + 300 for r in evicted)
    lost = {r["object"] for r in evicted}
    rs_created = [r for r in _events(records, "SuccessfulCreate") if r["t"] >= evicted[0]["t"]]
    assert len(rs_created) == len(lost), "one replacement per evicted Pod"
    replaced = {r["message"].removeprefix("Created pod: ") for r in rs_created}
    nodes = {r["node"] for r in _of(records, "pod") if r["pod"].split("/")[1] in replaced}
    assert nodes == {"node-2"}
    last = _lane(records, deploy)[-1]
    assert (last["desired"], last["ready"], last["available"]) == (3, 3, 3)


BIRTH_CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "replication-controller": check_replication_controller,
    "rollout-stuck": check_rollout_stuck,
    "recreate-vs-rolling": check_recreate_vs_rolling,
    "node-failure-heals": check_node_failure_heals,
}
