"""``python -m cluster_sim run`` prints workload records as ``kubectl get deploy,rs -w`` lines."""

from __future__ import annotations

import io
from typing import Any

from cluster_sim.cli import write_table


def table(*records: dict[str, Any]) -> list[str]:
    out = io.StringIO()
    write_table(records, out)
    return out.getvalue().splitlines()


def workload(ref: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "t": 12.0,
        "kind": "workload",
        "workload": ref,
        "kindOf": ref.split("/")[0],
        "owner": None,
        "desired": 3,
        "current": 3,
        "ready": 3,
        "available": 3,
        "updated": None,
        "revision": None,
        "images": ["nginx:1.14.2"],
        "paused": False,
        "conditions": {},
        "deleting": False,
    }
    record.update(fields)
    return record


def test_a_deployment_line_reads_like_kubectl_get_deploy() -> None:
    record = workload(
        "Deployment/default/nginx-deployment",
        updated=3,
        revision="1",
        conditions={
            "Available": {"status": "True", "reason": "MinimumReplicasAvailable", "message": ""},
            "Progressing": {"status": "True", "reason": "NewReplicaSetAvailable", "message": ""},
        },
    )
    assert table(record) == [
        "   12.000s  workload    deployment/nginx-deployment              "
        "3/3 ready, 3 up-to-date, 3 available  rev 1"
    ]


def test_a_replica_set_line_and_a_namespace_other_than_default() -> None:
    assert table(
        workload(
            "ReplicaSet/default/nginx-deployment-66b6c48dd5",
            owner="Deployment/default/nginx-deployment",
            current=2,
            ready=1,
        ),
        workload("ReplicationController/shop/frontend", desired=2, current=2, ready=2),
    ) == [
        "   12.000s  workload    replicaset/nginx-deployment-66b6c48dd5   desired 3 current 2 "
        "ready 1",
        "   12.000s  workload    replicationcontroller/shop/frontend      desired 2 current 2 "
        "ready 2",
    ]


def test_a_stuck_paused_or_deleted_workload_says_so() -> None:
    stuck = workload(
        "Deployment/default/web",
        ready=2,
        available=2,
        updated=1,
        revision="2",
        paused=True,
        conditions={
            "Available": {"status": "True", "reason": "MinimumReplicasAvailable", "message": ""},
            "Progressing": {
                "status": "False",
                "reason": "ProgressDeadlineExceeded",
                "message": 'ReplicaSet "web-5c6b9976b9" has timed out progressing.',
            },
        },
    )
    deleting = workload("ReplicaSet/default/web-5c6b9976b9", deleting=True)
    gone = {"t": 13.0, "kind": "deleted", "workload": "ReplicaSet/default/web-5c6b9976b9"}
    pod_gone = {"t": 13.0, "kind": "deleted", "pod": "default/web-5c6b9976b9-x2x8z"}
    assert table(stuck, deleting, gone, pod_gone) == [
        "   12.000s  workload    deployment/web                           2/3 ready, 1 up-to-date, "
        "2 available  rev 2  paused  Progressing=False (ProgressDeadlineExceeded)",
        "   12.000s  workload    replicaset/web-5c6b9976b9                desired 3 current 3 "
        "ready 3  deleting",
        "   13.000s  deleted     replicaset/web-5c6b9976b9 deleted",
        "   13.000s  deleted     default/web-5c6b9976b9-x2x8z deleted",
    ]
