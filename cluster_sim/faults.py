"""Injecting a Scenario's faults into the containers they name."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from .scenario import Fault

if TYPE_CHECKING:
    from .kubelet.runtime import ContainerInstance
    from .model import Container
    from .nodestate import PodRuntime

MEMORY_TICK_MS = 1_000


class Faults:
    def __init__(self, env: simpy.Environment, faults: tuple[Fault, ...]) -> None:
        self.env = env
        self._faults = faults
        self._pull_failures: dict[tuple[str, str], int] = {}
        self._unhealthy: set[tuple[str, str]] = set()  # (pod, container or "")
        self.any_unhealthy = False

    def for_container(self, pod: str, container: str) -> list[Fault]:
        return [f for f in self._faults if f.pod == pod and f.container in ("", container)]

    def fail_pull(self, rt: PodRuntime, c: Container) -> bool:
        """True while the container's first ``imagePullFailures`` pulls must fail."""
        if not self._faults:  # most runs inject none: every Always start pulls
            return False
        budget = sum(f.image_pull_failures for f in self.for_container(rt.key, c.name))
        key = (rt.key, c.name)
        used = self._pull_failures.get(key, 0)
        if used < budget:
            self._pull_failures[key] = used + 1
            return True
        return False

    def startup_ms(self, rt: PodRuntime, c: Container) -> int:
        return max((f.startup_ms for f in self.for_container(rt.key, c.name)), default=0)

    def set_unhealthy(self, pod: str, container: str, unhealthy: bool) -> None:
        """A live action: the container's checks fail (or pass again) from now on."""
        if unhealthy:
            self._unhealthy.add((pod, container))
        else:
            self._unhealthy.discard((pod, container))
            if not container:
                self._unhealthy = {k for k in self._unhealthy if k[0] != pod}
        self.any_unhealthy = bool(self._unhealthy)

    def unhealthy(self, pod: str, container: str) -> bool:
        return bool(self._unhealthy) and (
            (pod, container) in self._unhealthy or (pod, "") in self._unhealthy
        )

    def container_started(self, rt: PodRuntime, instance: ContainerInstance) -> None:
        if not self._faults:  # most runs inject none: nothing to do at each start
            return
        for fault in self.for_container(rt.key, instance.container.name):
            if fault.crash_after_ms is not None:
                self.env.process(self._crash(instance, fault.crash_after_ms, fault.crash_exit_code))
            if fault.memory_start or fault.memory_growth_per_s:
                self.env.process(self._grow(instance, fault))

    def _crash(self, instance: ContainerInstance, after_ms: int, code: int) -> Generator[Any]:
        yield self.env.timeout(after_ms)
        instance.exit_with(code)

    def _grow(self, instance: ContainerInstance, fault: Fault) -> Generator[Any]:
        usage = instance.memory + fault.memory_start
        while instance.running:
            instance.charge(usage)
            if not instance.running or not fault.memory_growth_per_s:
                return
            yield self.env.timeout(MEMORY_TICK_MS)
            usage += fault.memory_growth_per_s * MEMORY_TICK_MS // 1000
