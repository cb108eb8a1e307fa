"""A container's ``resources`` records: memory, CPU and throttling, written on change.

The container runtime calls ``resources_changed`` at every change of a
container's meters (a start, an exit, memory or CPU use): the node's eviction
manager is charged the memory, and the record is written when its fields differ
from those last sent for that container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .pod_worker_base import PodWorkerBase

if TYPE_CHECKING:
    from .runtime import ContainerInstance

ResourceValues = tuple[int, int | None, int, int | None, bool, int, int]


def resources_record(key: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    """A container's ``resources`` record (``key``: resources, pod, container) from
    ``resources_changed``'s values (``ResourceValues``)."""
    _, pod, container = key
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

    def resources_changed(self, instance: ContainerInstance) -> None:
        # (``running`` and ``cfs`` read without their properties: every start and exit)
        charged = instance.memory if instance.exit_code is None else 0
        if charged != instance.charged:
            eviction = self.node.eviction
            if eviction is not None:
                eviction.charge(charged - instance.charged)
        instance.charged = charged
        c = instance.container
        limits = c.limits
        limit = limits.milli_cpu
        cpu = instance.cpu
        used = instance.cpu_used
        # ``min``, ``max`` and ``bool`` written out: two calls of this at every start
        declared = limit if limit and cpu > limit else cpu  # a stress hog's demand
        account = instance.cpu_account
        if account is None:  # it never computed: cpu.stat's counters are a new account's, 0
            periods = throttled_periods = 0
        else:
            periods, throttled_periods = account.stats.periods, account.stats.throttled_periods
        values: ResourceValues = (
            instance.memory,
            limits.memory or None,
            used if used > declared else declared,
            limit or None,
            (limit != 0 and cpu > limit) or instance.cpu_throttled,
            periods,
            throttled_periods,
        )
        key = ("resources", self.rt.key, c.name)
        # Most calls (a start, an exit) repeat the last values: the recorder stops them
        # before the record is built (a recreated Pod's worker writes the same keys).
        self.rec.changed_values(key, "resources", values, resources_record)
