"""The eviction subresource: ``POST pods/<name>/eviction`` (policy/v1 Eviction).

Upstream ``pkg/registry/core/pod/storage/eviction.go``: a Pod that is not
running yet, finished or already terminating is deleted without a budget
check; otherwise the one PodDisruptionBudget selecting it must allow a
disruption (else 429 "Cannot evict pod as it would violate the pod's
disruption budget."); an allowed eviction decrements ``disruptionsAllowed``,
records the Pod in ``disruptedPods``, adds the ``DisruptionTarget``
condition (``EvictionByEvictionAPI``) and deletes the Pod with its grace
period.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import ControlContext
from .disruption import KIND, matched_pods
from .ranking import is_pod_ready
from .store import ApiObject

VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."
MANY = (
    "This pod has more than one PodDisruptionBudget, "
    "which the eviction subresource does not support."
)


@dataclass(frozen=True)
class EvictionResult:
    code: int  # 201 accepted, 404, 429, 500
    message: str
    cause: str = ""


def _budgets_of(ctx: ControlContext, pod: ApiObject) -> list[ApiObject]:
    if KIND not in ctx.store.kinds:
        return []
    return [
        pdb
        for pdb in ctx.store.list(KIND, where=lambda b: b.namespace == pod.namespace)
        if any(p.uid == pod.uid for p in matched_pods(ctx, pdb))
    ]


def _delete(ctx: ControlContext, pod: ApiObject, grace: int | None) -> EvictionResult:
    conditions = [
        c for c in pod.status.get("conditions") or () if c.get("type") != "DisruptionTarget"
    ]
    conditions.append(
        {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "EvictionByEvictionAPI",
            "message": "Eviction API: evicting",
            "lastTransitionTime": ctx.now_ms,
        }
    )
    ctx.store.update_status(pod, {**pod.status, "conditions": conditions})
    ctx.store.delete("Pod", pod.namespace, pod.name, grace_seconds=grace)
    return EvictionResult(201, "Success")


def evict(
    ctx: ControlContext, namespace: str, name: str, grace: int | None = None
) -> EvictionResult:
    pod = ctx.store.get("Pod", namespace, name)
    if pod is None:
        return EvictionResult(404, f'pods "{name}" not found')
    phase = pod.status.get("phase")
    if phase in ("Succeeded", "Failed", "Pending") or pod.deletion_timestamp is not None:
        if pod.deletion_timestamp is None:
            return _delete(ctx, pod, grace)
        return EvictionResult(201, "Success")
    budgets = _budgets_of(ctx, pod)
    if not budgets:
        return _delete(ctx, pod, grace)
    if len(budgets) > 1:
        return EvictionResult(500, MANY)
    pdb = budgets[0]
    status = pdb.status
    if int(status.get("observedGeneration", 0)) < int(pdb.generation):
        cause = f"The disruption budget {pdb.name} is still being processed by the server."
        return EvictionResult(429, VIOLATION, cause)
    healthy, desired = int(status.get("currentHealthy", 0)), int(status.get("desiredHealthy", 0))
    if not is_pod_ready(pod):
        policy = pdb.spec.get("unhealthyPodEvictionPolicy", "IfHealthyBudget")
        if policy == "AlwaysAllow" or (healthy >= desired and desired > 0):
            return _delete(ctx, pod, grace)
    allowed = int(status.get("disruptionsAllowed", 0))
    if allowed <= 0:
        cause = (
            f"The disruption budget {pdb.name} needs {desired} healthy pods "
            f"and has {healthy} currently"
        )
        return EvictionResult(429, VIOLATION, cause)
    disrupted = {**(status.get("disruptedPods") or {}), pod.name: ctx.now_ms}
    ctx.store.update_status(
        pdb, {**status, "disruptionsAllowed": allowed - 1, "disruptedPods": disrupted}
    )
    return _delete(ctx, pod, grace)
