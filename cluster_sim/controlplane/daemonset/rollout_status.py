"""``kubectl rollout status`` for a DaemonSet (``DaemonSetStatusViewer.Status``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..deployment.rollout_status import RolloutStatus

ONLY_ROLLING_UPDATE = "rollout status is only available for RollingUpdate strategy type"


def daemon_set_rollout_status(
    name: str, generation: int, strategy: str, status: Mapping[str, Any]
) -> RolloutStatus:
    def n(key: str) -> int:
        return int(status.get(key) or 0)

    if strategy != "RollingUpdate":
        return RolloutStatus("", True, ONLY_ROLLING_UPDATE)
    if generation > n("observedGeneration"):
        return RolloutStatus("Waiting for daemon set spec update to be observed...\n", False)
    desired = n("desiredNumberScheduled")
    if n("updatedNumberScheduled") < desired:
        return RolloutStatus(
            f'Waiting for daemon set "{name}" rollout to finish: '
            f"{n('updatedNumberScheduled')} out of {desired} new pods have been updated...\n",
            False,
        )
    if n("numberAvailable") < desired:
        return RolloutStatus(
            f'Waiting for daemon set "{name}" rollout to finish: '
            f"{n('numberAvailable')} of {desired} updated pods are available...\n",
            False,
        )
    return RolloutStatus(f'daemon set "{name}" successfully rolled out\n', True)
