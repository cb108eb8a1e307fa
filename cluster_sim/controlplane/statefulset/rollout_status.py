"""``kubectl rollout status`` for a StatefulSet (``StatefulSetStatusViewer.Status``).

A defaulted RollingUpdate StatefulSet always has ``partition: 0``, so a
finished rollout reads ``partitioned roll out complete: N new pods have
been updated...`` as it does with kubectl.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..daemonset.rollout_status import ONLY_ROLLING_UPDATE
from ..deployment.rollout_status import RolloutStatus


def stateful_set_rollout_status(
    generation: int,
    spec_replicas: int | None,
    strategy: str,
    partition: int | None,
    status: Mapping[str, Any],
) -> RolloutStatus:
    def n(key: str) -> int:
        return int(status.get(key) or 0)

    if strategy != "RollingUpdate":
        return RolloutStatus("", True, ONLY_ROLLING_UPDATE)
    if n("observedGeneration") == 0 or generation > n("observedGeneration"):
        return RolloutStatus("Waiting for statefulset spec update to be observed...\n", False)
    if spec_replicas is not None and n("readyReplicas") < spec_replicas:
        return RolloutStatus(
            f"Waiting for {spec_replicas - n('readyReplicas')} pods to be ready...\n", False
        )
    if spec_replicas is not None and partition is not None:
        wanted = spec_replicas - partition
        if n("updatedReplicas") < wanted:
            return RolloutStatus(
                "Waiting for partitioned roll out to finish: "
                f"{n('updatedReplicas')} out of {wanted} new pods have been updated...\n",
                False,
            )
        updated = n("updatedReplicas")
        return RolloutStatus(
            f"partitioned roll out complete: {updated} new pods have been updated...\n", True
        )
    if status.get("updateRevision") != status.get("currentRevision"):
        return RolloutStatus(
            "waiting for statefulset rolling update to complete "
            f"{n('updatedReplicas')} pods at revision {status.get('updateRevision')}...\n",
            False,
        )
    return RolloutStatus(
        f"statefulset rolling update complete {n('currentReplicas')} pods "
        f"at revision {status.get('currentRevision')}...\n",
        True,
    )
