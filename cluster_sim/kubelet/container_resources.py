"""A container's ``resources`` records: memory, CPU and throttling, written on change.

The container runtime calls ``resources_changed`` at every change of a
container's meters (a start, an exit, memory or CPU use): the node's eviction
manager is charged the memory, and the record is written when its fields differ
from those last sent for that container.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from ..records import Recorder
from .pod_worker_base import PodWorkerBase

if TYPE_CHECKING:
    from .runtime import ContainerInstance

ResourceValues = tuple[int, int | None, int, int | None, bool, int, int]
_RESOURCES_SENT: weakref.WeakKeyDictionary[Recorder, dict[tuple[str, ...], ResourceValues]] = (
    weakref.WeakKeyDictionary()
)


def resources_sent(rec: Recorder) -> dict[tuple[str, ...], ResourceValues]:
    """The fields last given to ``rec`` per ``resources`` key.

    Shared by every worker writing to that recorder: a recreated Pod's worker
    writes its predecessor's keys.
    """
    return _RESOURCES_SENT.setdefault(rec, {})


def resources_record(pod: str, container: str, values: ResourceValues) -> dict[str, Any]:
    """A container's ``resources`` record from ``PodWorker.resources_changed``'s values."""
    memory, memory_limit, cpu, cpu_limit, throttled, periods, throttled_periods = values
    return {
        "pod": pod,
        "container": container,
        "memory": memory,
        "memoryLimit": memory_limit,
        "cpu": cpu,
        "cpuLimit": cpu_limit,
        "throttled": throttled,
        "cpuPeriods": periods,
        "cpuThrottledPeriods": throttled_periods,
    }


class ContainerResources(PodWorkerBase):
    """A mixin of ``PodWorker``: the ``resources`` records of its containers."""

    _resources_sent: dict[tuple[str, ...], ResourceValues]  # resources_sent(rec)

    def resources_changed(self, instance: ContainerInstance) -> None:
        charged = instance.memory if instance.running else 0
        if self.node.eviction is not None and charged != instance.charged:
            self.node.eviction.charge(charged - instance.charged)
        instance.charged = charged
        c = instance.container
        limit = c.limits.milli_cpu
        declared = min(instance.cpu, limit) if limit else instance.cpu  # a stress hog's demand
        cfs = instance.cfs
        values = (
            instance.memory,
            c.limits.memory or None,
            max(declared, instance.cpu_used),
            limit or None,
            bool(limit and instance.cpu > limit) or instance.cpu_throttled,
            cfs.periods,
            cfs.throttled_periods,
        )
        key = ("resources", self.rt.key, c.name)
        # Recorder.changed with the fields it was last given for a key writes nothing, and
        # nothing but this method gives it "resources" keys: most calls (a start, an exit)
        # repeat the last fields, so they stop here without building the record.
        if self._resources_sent.get(key) == values:
            return
        self._resources_sent[key] = values
        self.rec.changed(key, "resources", resources_record(self.rt.key, c.name, values))
