"""The disruption controller: each PodDisruptionBudget's status (policy/v1).

Upstream ``pkg/controller/disruption/disruption.go``: the Pods of the
budget's namespace its selector matches; ``expectedPods`` and
``desiredHealthy`` from ``minAvailable`` (an integer: itself, and the count
of matched Pods) or from the scale of the Pods' controllers (a percentage,
or ``maxUnavailable``; both scaled rounding up); ``currentHealthy`` counts
the Ready Pods not being deleted and not in ``disruptedPods``;
``disruptionsAllowed = currentHealthy - desiredHealthy`` (never below 0).
Pod watches are registered only once a budget exists, so runs without one
pay nothing.
"""

from __future__ import annotations

import math
from typing import Any

from ..event_reasons import EventReason
from ..record_types import EventType
from .context import ControlContext
from .ranking import is_pod_ready
from .selectors import Selector, label_selector
from .store import ApiObject, KindInfo, WatchType

KIND = "PodDisruptionBudget"
SOURCE = "controllermanager"
DELETION_TIMEOUT_MS = 120_000  # an evicted Pod's entry in disruptedPods lives 2 minutes
_SCALED = {"ReplicaSet", "ReplicationController", "StatefulSet", "Deployment"}


def _selector(pdb: ApiObject) -> Selector:
    selector = pdb.spec.get("selector")
    if (
        isinstance(selector, dict)
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
    ):
        return lambda _labels: True  # policy/v1: an empty selector matches every Pod
    return label_selector(selector)


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``."""
    if isinstance(value, str) and value.endswith("%"):
        percent = int(value[:-1])
        exact = percent * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value)


def matched_pods(ctx: ControlContext, pdb: ApiObject) -> list[ApiObject]:
    selects = _selector(pdb)
    return ctx.store.list(
        "Pod",
        where=lambda p: p.namespace == pdb.namespace and selects(p.labels),
    )


def _controller_scale(ctx: ControlContext, pods: list[ApiObject]) -> int | None:
    """Σ scale of the Pods' distinct controllers (an RS owned by a Deployment: the Deployment)."""
    seen: dict[str, int] = {}
    for pod in pods:
        ref = pod.controller_ref()
        if ref is None or ref.kind not in _SCALED:
            return None
        owner = ctx.store.by_uid(ref.uid)
        if owner is None:
            return None
        parent = owner.controller_ref()
        if owner.kind == "ReplicaSet" and parent is not None and parent.kind == "Deployment":
            deployment = ctx.store.by_uid(parent.uid)
            owner = deployment or owner
        seen[owner.uid] = int(owner.spec.get("replicas", 1) or 0)
    return sum(seen.values())


def budget_status(ctx: ControlContext, pdb: ApiObject) -> tuple[dict[str, Any], str | None]:
    """The status the controller writes, and the NoControllers message if any."""
    pods = matched_pods(ctx, pdb)
    now = ctx.now_ms
    disrupted = {
        name: at
        for name, at in (pdb.status.get("disruptedPods") or {}).items()
        if now - int(at) < DELETION_TIMEOUT_MS and ctx.store.get("Pod", pdb.namespace, name)
    }
    min_available = pdb.spec.get("minAvailable")
    max_unavailable = pdb.spec.get("maxUnavailable")
    problem = None
    if min_available is not None and not str(min_available).endswith("%"):
        expected, desired = len(pods), int(min_available)
    else:
        scale = _controller_scale(ctx, pods)
        if scale is None:
            problem = "found no controllers for pod"
            expected, desired = 0, 0
        elif max_unavailable is not None:
            expected = scale
            desired = max(0, scale - scaled_value(max_unavailable, scale, True))
        else:
            expected, desired = scale, scaled_value(min_available, scale, True)
    healthy = sum(
        1
        for p in pods
        if p.deletion_timestamp is None and p.name not in disrupted and is_pod_ready(p)
    )
    allowed = healthy - desired
    if allowed < 0 or expected <= 0 or problem:
        allowed = 0
    old = {c.get("type"): c for c in pdb.status.get("conditions") or ()}.get("DisruptionAllowed")
    status = "True" if allowed > 0 else "False"
    reason = "SufficientPods" if allowed > 0 else "InsufficientPods"
    if problem:
        reason = "SyncFailed"
    since = old.get("lastTransitionTime") if old and old.get("status") == status else now
    condition = {
        "type": "DisruptionAllowed",
        "status": status,
        "reason": reason,
        "message": problem or "",
        "observedGeneration": pdb.generation,
        "lastTransitionTime": since,
    }
    body: dict[str, Any] = {
        "observedGeneration": pdb.generation,
        "disruptedPods": disrupted,
        "disruptionsAllowed": allowed,
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "conditions": [condition],
    }
    if not disrupted:
        body.pop("disruptedPods")
    return body, problem


def _validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    from ..validation.policy import validate_pod_disruption_budget

    return validate_pod_disruption_budget(manifest)


def register_pdb_kind(ctx: ControlContext) -> None:
    if KIND not in ctx.store.kinds:
        ctx.store.register(
            KindInfo(KIND, "poddisruptionbudgets.policy", "policy/v1", validate=_validate)
        )


class DisruptionController:
    """Keeps every PodDisruptionBudget's status current."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self._watching_pods = False
        self._pending = False

    def start(self) -> None:
        register_pdb_kind(self.ctx)
        self.ctx.store.watch(KIND, self._on_pdb)

    def _on_pdb(self, event: WatchType, pdb: ApiObject) -> None:
        if not self._watching_pods:
            self._watching_pods = True
            self.ctx.store.watch("Pod", self._on_pod)
        if event is not WatchType.DELETED:
            self._schedule()

    def _on_pod(self, _event: WatchType, _pod: ApiObject) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self._pending:
            return
        self._pending = True
        timer = self.ctx.env.timeout(0)
        timer.callbacks.append(self._sync_all)

    def _sync_all(self, _event: Any = None) -> None:
        self._pending = False
        for pdb in self.ctx.store.list(KIND):
            self.sync(pdb)

    def sync(self, pdb: ApiObject) -> None:
        first = not pdb.status
        status, problem = budget_status(self.ctx, pdb)
        if problem and first:
            self.ctx.recorder.event(
                EventType.WARNING, EventReason.NO_CONTROLLERS, pdb.ref, problem, SOURCE
            )
        if status["expectedPods"] == 0 and not problem and first:
            self.ctx.recorder.event(
                EventType.NORMAL, EventReason.NO_PODS, pdb.ref, "No matching pods found", SOURCE
            )
        self.ctx.store.update_status(pdb, status)
