"""What a kubelet needs from the run that hosts it: the narrow interface of a pod worker.

A pod worker is given its Pod (``PodRuntime``) and its node (``NodeState``)
directly; everything else it reaches through a ``KubeletHost``: the clock and
the record sink, the run's seeded generator, back-off tables, the objects its
volumes and environment read, the Service network its programs dial, the
Scenario's faults, shared probe timers, log settings, and the hooks by which it
reports back (a Pod's status and records, a Pod that finished, a Pod it has
torn down). The ``Cluster`` implements it; nothing in the kubelet imports the
``Cluster`` or the control plane's clients.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

import simpy

from ..backoff import Backoff
from ..model import Container
from ..nodestate import Listener, PodRuntime
from ..objects import ObjectStore
from ..records import Recorder
from ..registry import Registry
from ..scenario import Fault
from ..status import ContainerStatus
from ..userland.filesystem import Volume
from ..userland.memory import Memory
from .logs import LogTotals


class FaultInjector(Protocol):
    """The Scenario's faults, as the kubelet meets them (``cluster_sim.faults.Faults``)."""

    any_unhealthy: bool

    def for_container(self, pod: str, container: str) -> list[Fault]: ...

    def fail_pull(self, rt: PodRuntime, c: Container) -> bool: ...

    def startup_ms(self, rt: PodRuntime, c: Container) -> int: ...

    def unhealthy(self, pod: str, container: str) -> bool: ...

    def container_started(self, rt: PodRuntime, instance: Any) -> None: ...  # a ContainerInstance


class ServiceDialer(Protocol):
    """Cluster DNS and the Service network (``cluster_sim.services.ServiceNetwork``)."""

    def resolve(self, name: str, client: PodRuntime) -> tuple[str, list[str]] | None: ...

    def connect(
        self,
        ip: str,
        port: int,
        client: PodRuntime,
        protocol: str = "TCP",
        record: bool = True,
    ) -> tuple[Listener | None, str]: ...


class MeteredContainer(Protocol):
    """A running container as the run's memory budget counts it (``ContainerInstance``)."""

    @property
    def exit_code(self) -> int | None: ...

    @property
    def meter(self) -> Memory | None: ...


class KubeletHost(Protocol):
    env: simpy.Environment
    recorder: Recorder
    rng: random.Random
    crash_loop_backoff: Backoff
    image_backoff: Backoff
    objects: ObjectStore

    # Read-only members (properties), so that the run's own classes match them.
    @property
    def services(self) -> ServiceDialer: ...

    @property
    def faults(self) -> FaultInjector: ...

    ticks: dict[int, simpy.Event]
    log_totals: LogTotals
    log_rate: int | None
    registry: Registry  # the run's image registry: what a pull resolves (issue #16)

    def new_container_id(self) -> str: ...

    def tick_at(self, at_ms: int) -> simpy.Event: ...

    def claim(self, namespace: str, name: str) -> Volume: ...

    def publish_pod(self, rt: PodRuntime) -> None: ...

    def publish_container(self, rt: PodRuntime, c: Container, s: ContainerStatus) -> None: ...

    def pod_finished(self, rt: PodRuntime) -> None: ...

    def container_started(self, key: str, name: str, instance: MeteredContainer) -> None: ...

    def pod_removed(self, rt: PodRuntime) -> None: ...
