"""``kubectl rollout status`` for a Deployment (kubectl pkg/polymorphichelpers/rollout_status.go).

``DeploymentStatusViewer.Status``: the message kubectl prints (each ends
with a newline), whether the rollout is done, or the error it exits with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .progress import PROGRESSING, Reason, get_condition


@dataclass(frozen=True, slots=True)
class RolloutStatus:
    message: str
    done: bool
    error: str | None = None  # kubectl prints ``error: <error>`` and exits 1


def deployment_rollout_status(
    name: str, generation: int, spec_replicas: int | None, status: Mapping[str, Any]
) -> RolloutStatus:
    def n(key: str) -> int:
        return int(status.get(key) or 0)

    if generation > n("observedGeneration"):
        return RolloutStatus("Waiting for deployment spec update to be observed...\n", False)
    cond = get_condition(status, PROGRESSING)
    if cond is not None and cond.get("reason") == Reason.TIMED_OUT:
        return RolloutStatus("", False, f'deployment "{name}" exceeded its progress deadline')
    updated = n("updatedReplicas")
    if spec_replicas is not None and updated < spec_replicas:
        return RolloutStatus(
            f'Waiting for deployment "{name}" rollout to finish: '
            f"{updated} out of {spec_replicas} new replicas have been updated...\n",
            False,
        )
    if n("replicas") > updated:
        return RolloutStatus(
            f'Waiting for deployment "{name}" rollout to finish: '
            f"{n('replicas') - updated} old replicas are pending termination...\n",
            False,
        )
    if n("availableReplicas") < updated:
        return RolloutStatus(
            f'Waiting for deployment "{name}" rollout to finish: '
            f"{n('availableReplicas')} of {updated} updated replicas are available...\n",
            False,
        )
    return RolloutStatus(f'deployment "{name}" successfully rolled out\n', True)
