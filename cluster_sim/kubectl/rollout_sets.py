"""``kubectl rollout status`` for DaemonSets and StatefulSets: the line it prints now."""

from __future__ import annotations

from ..controlplane.daemonset.rollout_status import daemon_set_rollout_status
from ..controlplane.statefulset.rollout_status import stateful_set_rollout_status
from ..controlplane.store import ApiObject


def set_rollout_status(kind: str, obj: ApiObject) -> str:
    """The status line, or ``error: ...`` as kubectl exits with it."""
    strategy = obj.spec.get("updateStrategy") or {}
    kind_of = str(strategy.get("type") or "")
    if kind == "DaemonSet":
        got = daemon_set_rollout_status(obj.name, obj.generation, kind_of, obj.status)
    else:
        replicas = obj.spec.get("replicas")
        rolling = strategy.get("rollingUpdate")
        partition = rolling.get("partition") if isinstance(rolling, dict) else None
        got = stateful_set_rollout_status(
            obj.generation,
            int(replicas) if replicas is not None else None,
            kind_of,
            int(partition) if partition is not None else None,
            obj.status,
        )
    if got.error is not None:
        return f"error: {got.error}"
    return got.message.rstrip("\n")
