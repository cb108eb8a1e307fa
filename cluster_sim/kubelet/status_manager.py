"""The kubelet's status manager for one Pod: phase and conditions, then the records.

``generateAPIPodStatus`` derives the Pod's phase from its container statuses and
its conditions from the phase; the status manager writes what changed. Here both
are one step, ``publish``, run by the pod worker after each change of a
container's status, the sandbox or the phase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..record_types import TERMINAL_PHASES
from ..status import (
    Condition,
    containers_ready_condition,
    initialized_condition,
    pod_phase,
    ready_condition,
    same_objects,
)

if TYPE_CHECKING:
    from ..nodestate import PodRuntime
    from .host import KubeletHost

# The conditions that take one of two values (frozen: shared by every Pod)
SANDBOX_READY = Condition("PodReadyToStartContainers", "True")
SANDBOX_NOT_READY = Condition("PodReadyToStartContainers", "False")
SCHEDULED = Condition("PodScheduled", "True")


class PodStatusManager:
    """Derives one Pod's phase and conditions and publishes its records."""

    __slots__ = ("_derived", "_derived_from", "host", "rt")

    def __init__(self, host: KubeletHost, runtime: PodRuntime) -> None:
        self.host = host
        self.rt = runtime
        self._derived_from: tuple[Any, ...] = ()  # what ``publish`` last derived status from
        self._derived: tuple[Condition, ...] = ()  # and the conditions it derived

    def publish(self) -> None:
        """Recompute phase and conditions; write the records that changed."""
        rt = self.rt
        # Phase and conditions are functions of the spec, the container statuses (frozen,
        # replaced on change) and the sandbox; unchanged since the last publish, and the
        # conditions as it left them (a controller may have set one since), they stand.
        # Statuses and conditions are compared by identity (``same_objects``).
        statuses = tuple(rt.statuses.values())
        was = self._derived_from
        if (
            not was
            or was[0] is not rt.pod
            or was[1] != rt.phase
            or was[2] != rt.sandbox_ready
            or not same_objects(was[3], statuses)
            or not same_objects(self._derived, tuple(rt.conditions.values()))
        ):
            self._derive_status()
            self._derived_from = (rt.pod, rt.phase, rt.sandbox_ready, statuses)
            self._derived = tuple(rt.conditions.values())
        # A container's record is a function of its spec and status (both replaced, never
        # mutated): the pair last published (``rt.published``) writes nothing, so skip the call.
        published = rt.published
        for c in (*rt.pod.spec.init_containers, *rt.pod.spec.containers):
            s = rt.statuses[c.name]
            last = published.get(c.name)
            if last is None or last[0] is not c or last[1] is not s:
                self.host.publish_container(rt, c, s)
        self.host.publish_pod(rt)

    def _derive_status(self) -> None:
        """The kubelet's ``generateAPIPodStatus``: phase, then the Pod's conditions."""
        rt = self.rt
        init, regular = rt.refs()
        if rt.phase not in TERMINAL_PHASES:
            rt.phase = pod_phase(rt.pod.spec.restart_policy, init, regular, rt.statuses)
            if rt.phase in TERMINAL_PHASES:
                self.host.pod_finished(rt)
        containers_ready = containers_ready_condition(rt.phase, init, regular, rt.statuses)
        rt.conditions = {
            "PodReadyToStartContainers": SANDBOX_READY if rt.sandbox_ready else SANDBOX_NOT_READY,
            "Initialized": initialized_condition(rt.phase, init, regular, rt.statuses),
            "Ready": ready_condition(containers_ready),
            "ContainersReady": containers_ready,
            "PodScheduled": SCHEDULED,
        }
