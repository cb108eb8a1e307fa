"""The objects a bundle declares, as the simulator reads them.

These are frozen views of the manifests after Kubernetes' defaulting
(restartPolicy Always, imagePullPolicy by tag, 30 s grace period, ...). The
original mapping is kept in ``manifest`` so later features can read more
fields without changing these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .probes_model import Lifecycle, Probe
from .quantity import Quantity
from .record_types import ProbeKind


@dataclass(frozen=True, slots=True)
class Resources:
    """Requests or limits, in the units the scheduler compares."""

    milli_cpu: int = 0
    memory: int = 0

    @classmethod
    def from_manifest(cls, values: dict[str, Any] | None) -> Resources:
        values = values or {}
        cpu = values.get("cpu")
        memory = values.get("memory")
        return cls(
            milli_cpu=Quantity.parse(cpu).milli_value() if cpu is not None else 0,
            memory=Quantity.parse(memory).value() if memory is not None else 0,
        )

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.milli_cpu + other.milli_cpu, self.memory + other.memory)


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    image: str
    image_pull_policy: str
    command: tuple[str, ...] | None
    args: tuple[str, ...] | None
    requests: Resources
    limits: Resources
    init: bool = False
    restart_policy: str | None = None  # container-level; "Always" on an init container = sidecar
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    ports: dict[str, int] = field(default_factory=dict)  # named container ports
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # A restartable init container. Computed once from the two frozen fields it depends
    # on (a property cost a call on every publish's container loops); not an argument.
    sidecar: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sidecar", self.init and self.restart_policy == "Always")

    def probes(self) -> tuple[tuple[ProbeKind, Probe], ...]:
        """The probes set, in the order the kubelet creates their workers."""
        found = (
            (ProbeKind.STARTUP, self.startup_probe),
            (ProbeKind.READINESS, self.readiness_probe),
            (ProbeKind.LIVENESS, self.liveness_probe),
        )
        return tuple((kind, probe) for kind, probe in found if probe is not None)


# Scoring treats a container without requests as asking for this much
# (pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest/DefaultMemoryRequest).
NON_ZERO_MILLI_CPU = 100
NON_ZERO_MEMORY = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PodSpec:
    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...]
    restart_policy: str
    node_name: str | None
    node_selector: dict[str, str]
    termination_grace_period_seconds: int
    # ``requests()``'s answer, summed once from the frozen containers (the scheduler asks
    # for it per Pod at each scheduling cycle and each bind); not an argument.
    _requests: Resources = field(init=False, compare=False, repr=False)
    # The regular containers' requests with the scoring defaults for the unset ones
    # (the scheduler's ``non_zero_requests``), summed once the same way
    _non_zero_requests: Resources = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        total = Resources()
        for c in self.containers:
            total = total + c.requests
        for c in self.init_containers:
            total = Resources(
                max(total.milli_cpu, c.requests.milli_cpu), max(total.memory, c.requests.memory)
            )
        object.__setattr__(self, "_requests", total)
        non_zero = Resources()
        for c in self.containers:
            non_zero = non_zero + Resources(
                c.requests.milli_cpu or NON_ZERO_MILLI_CPU, c.requests.memory or NON_ZERO_MEMORY
            )
        object.__setattr__(self, "_non_zero_requests", non_zero)

    def requests(self) -> Resources:
        """Effective requests: max(sum of containers, largest init container)."""
        return self._requests

    def non_zero_requests(self) -> Resources:
        """What scoring counts: each regular container's requests, an unset CPU or memory
        request counted as ``NON_ZERO_MILLI_CPU`` / ``NON_ZERO_MEMORY``."""
        return self._non_zero_requests


@dataclass(frozen=True, slots=True)
class Pod:
    namespace: str
    name: str
    labels: dict[str, str]
    annotations: dict[str, str]
    spec: PodSpec
    manifest: dict[str, Any] = field(compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    labels: dict[str, str]
    allocatable: Resources
    max_pods: int
    unschedulable: bool = False
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the kubelet's --allowed-unsafe-sysctls (cluster_sim.kubelet.sysctl)
    allowed_unsafe_sysctls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Namespace:
    name: str
    implicit: bool = False
    # metadata.labels as the API server stores them (with kubernetes.io/metadata.name).
    labels: dict[str, str] = field(default_factory=dict, compare=False)
