"""The ground floor of a run: a Pod and a node as the control plane and the kubelet share them.

``PodRuntime`` is a Pod while it lives (its spec, phase, conditions and
container statuses, its network namespace); ``NodeState`` is a node at run
time (scheduler bookkeeping, images, addresses, hostPath directories).
Nothing here imports the kubelet, the control plane's clients or the
``Cluster``: they all import this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import simpy

from .controlplane.store import ApiObject, OwnerReference
from .httpmessages import HttpRequest, HttpResponse
from .model import Container, Node, Pod
from .pull_queue import PullQueue
from .qos import BEST_EFFORT, compute_pod_qos
from .record_types import PodPhase
from .scheduler import NodeUsage
from .status import Condition, Conditions, ContainerRef, ContainerStatus
from .userland.filesystem import Volume

ContainerRefs = tuple[ContainerRef, ...]


@dataclass
class Listener:
    """A port a container listens on, and how it answers."""

    protocol: str  # "http" | "tcp" | "grpc"
    owner: str  # container name
    respond: Callable[[str], tuple[int, str]] | None = None  # http: path -> (status, body)
    serving: Callable[[], str] | None = None  # grpc health: "SERVING" | "NOT_SERVING"
    # A server that reads the whole request (method, headers): the API server.
    serve: Callable[[HttpRequest], HttpResponse] | None = None


@dataclass
class PodNetwork:
    """The Pod's network namespace: one IP, ports shared by all its containers."""

    ip: str = ""
    listeners: dict[int, Listener] = field(default_factory=dict)

    def close(self, owner: str) -> None:
        for port in [p for p, lst in self.listeners.items() if lst.owner == owner]:
            del self.listeners[port]


class MemoryPressure(Protocol):
    """What a node's eviction manager shows the kubelet and the node record."""

    pressure: bool

    def available(self) -> int: ...

    def charge(self, delta: int) -> None: ...


@dataclass
class NodeState:
    """A node at run time: its scheduler bookkeeping, images and addresses."""

    node: Node
    index: int
    env: simpy.Environment
    usage: NodeUsage = field(init=False)
    # containerd's image store: each name (repo:tag, repo@digest) -> the manifest digest
    images: dict[str, str] = field(default_factory=dict)
    pull_lock: PullQueue = field(init=False)  # serializeImagePulls: true
    next_ip: int = 2
    failed: bool = False
    removed: bool = False  # ``kubectl delete node``
    cordoned: bool = False  # its Node's spec.unschedulable, as last seen
    host_paths: dict[str, Volume] = field(default_factory=dict)
    api: ApiObject | None = None  # the Node object in the store
    # The node's InternalIP, fixed by its index: formatted once (every Pod status has it)
    node_ip: str = field(init=False)
    # The kubelet's CPU scheduler of the node (``kubelet.cpu.NodeCpu``; not imported here),
    # made by ``kubelet.cpu.node_cpu`` at the first container start, then read directly
    cpu_scheduler: Any = field(default=None, init=False, repr=False, compare=False)

    def host_path(self, path: str) -> Volume:
        """A hostPath volume: the node's directory, shared by every Pod that mounts it."""
        if path not in self.host_paths:
            self.host_paths[path] = Volume(f"hostPath:{path}")
        return self.host_paths[path]

    def __post_init__(self) -> None:
        self.usage = NodeUsage(self.node)
        self.node_ip = f"172.18.0.{self.index + 2}"
        self.cordoned = self.node.unschedulable
        self.pull_lock = PullQueue(self.env)
        self.eviction: MemoryPressure | None = None

    def allocate_pod_ip(self) -> str:
        ip = f"10.244.{self.index + 1}.{self.next_ip}"
        self.next_ip += 1
        return ip


class Published:
    """What a Pod's records and stored status were last built from, and their parts kept.

    Read and written by the publish path only (``pod_records``,
    ``controlplane.pods.pod_status``). One slotted object rather than fields of
    ``PodRuntime``: CPython 3.11 shares at most 30 keys between a class's instances,
    and past that a ``PodRuntime``'s attributes live in a plain dict, so every
    ``rt.x`` read on every path loses its specialised lookup.
    """

    __slots__ = (
        "condition_entries",
        "container_entries",
        "containers",
        "inputs",
        "objects",
        "status_fields",
        "status_objects",
    )

    def __init__(self) -> None:
        # container -> (spec, status) of its last ``container`` record
        self.containers: dict[str, tuple[Container, ContainerStatus]] = {}
        # what the ``pod`` record was last built from: ``pod_inputs`` and, compared by
        # identity, the container statuses then the conditions (their ``status.Conditions``
        # as one object while it is the status manager's, else each Condition)
        self.inputs: tuple[Any, ...] | None = None
        self.objects: tuple[ContainerStatus | Condition | Conditions, ...] = ()
        # what the stored status was last computed from: the record's fields, the objects
        self.status_fields: dict[str, Any] | None = None
        self.status_objects: tuple[ContainerStatus | Condition | Conditions, ...] = ()
        # condition type -> (the Condition, lastTransitionTime ms, its entry), as last
        # written to the store (``controlplane.pods._conditions``)
        self.condition_entries: dict[str, tuple[Condition, int, dict[str, Any]]] = {}
        # container -> (its status, the spec, its ``containerStatuses`` entry)
        self.container_entries: dict[str, tuple[ContainerStatus, Pod, dict[str, Any]]] = {}


class ProbeInputs:
    """A Pod's count of changes to what its probes' steady ticks read.

    A probe worker whose last tick found its container steady (``ProbeWorker._steady``:
    the same status, the instance running, the Pod not deleting, the listener that
    answered) notes ``version``; while it is unchanged, the next tick finds the same
    without reading the Pod. Every write of those inputs counts one: a container
    status written (``set_status``), a listener opened (``ContainerHandle.listen``), a
    container's exit (which closes its listeners), the Pod's deletion. At 5,000 probed
    Pods a tick's cost is the memory it touches: one small object shared by the Pod's
    workers instead of its runtime, statuses, instance and listeners.
    """

    __slots__ = ("version",)

    def __init__(self) -> None:
        self.version = 0


@dataclass
class PodRuntime:
    """A Pod as the API server and the kubelet see it while it lives."""

    pod: Pod
    uid: str
    node: NodeState | None = None
    phase: PodPhase = PodPhase.PENDING
    reason: str = ""
    message: str = ""
    statuses: dict[str, ContainerStatus] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    sandbox_ready: bool = False
    initialized: bool = False
    deletion_timestamp: int | None = None
    deletion_grace_seconds: int | None = None
    removed: bool = False
    released: bool = False  # its requests no longer count on the node
    network: PodNetwork = field(default_factory=PodNetwork)
    qos_class: str = ""
    owner: str = ""  # "ReplicaSet/ns/name" of its controller, "" for a bare Pod
    api: ApiObject | None = None  # the Pod object in the store
    owner_refs: list[OwnerReference] | None = None  # the ownerReferences ``owner`` was read from
    # what its records and stored status were last built from (``pod_records``)
    published: Published = field(default_factory=Published, repr=False)
    # counts the changes of what its probes' steady ticks read (``ProbeInputs``)
    probe_inputs: ProbeInputs = field(default_factory=ProbeInputs, repr=False)
    key: str = field(init=False)  # ns/name, cached: it is on every record
    # (spec, init refs, regular refs) of ``refs``: a spec is replaced on apply, never mutated
    _refs: tuple[Pod, ContainerRefs, ContainerRefs] | None = field(default=None, repr=False)
    # (spec, init then regular containers) of ``containers``, the same way
    _containers: tuple[Pod, tuple[Container, ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.key = self.pod.key
        self.qos_class = pod_qos_class(self.pod.manifest.get("spec") or {})

    def mark_deleting(self, timestamp: int | None, grace_seconds: int | None) -> None:
        """The API object's deletionTimestamp and grace period, as its kubelet learns
        them; its probes' steady ticks read the first (``ProbeInputs``)."""
        self.deletion_timestamp = timestamp
        self.deletion_grace_seconds = grace_seconds
        self.probe_inputs.version += 1

    @property
    def pod_ip(self) -> str:
        return self.network.ip

    @property
    def object_ref(self) -> str:
        return f"Pod/{self.pod.namespace}/{self.pod.name}"

    @property
    def format_pod(self) -> str:
        """The kubelet's ``format.Pod``: ``name_namespace(uid)``."""
        return f"{self.pod.name}_{self.pod.namespace}({self.uid})"

    def containers(self) -> tuple[Container, ...]:
        """Init then regular containers of the spec (cached per spec, as ``refs``)."""
        pod = self.pod
        cached = self._containers
        if cached is None or cached[0] is not pod:
            cached = self._containers = (pod, (*pod.spec.init_containers, *pod.spec.containers))
        return cached[1]

    def refs(self) -> tuple[ContainerRefs, ContainerRefs]:
        """The init and regular containers as phase and STATUS see them (cached per spec)."""
        pod = self.pod
        cached = self._refs
        if cached is None or cached[0] is not pod:
            init = tuple(ContainerRef(c.name, c.sidecar) for c in pod.spec.init_containers)
            regular = tuple(ContainerRef(c.name) for c in pod.spec.containers)
            cached = self._refs = (pod, init, regular)
        return cached[1], cached[2]


def pod_qos_class(spec: dict[str, Any]) -> str:
    """The Pod's QoS class (``compute_pod_qos`` of its defaulted resources).

    A Pod that sets no resources at all, neither at Pod level nor in any container,
    is BestEffort without the copy and the walk (most playground Pods, and every Pod
    a thousand-Pod bench creates).
    """
    if spec.get("resources") is None and not any(
        _sets_resources(c) for key in ("containers", "initContainers") for c in spec.get(key) or ()
    ):
        return BEST_EFFORT
    return compute_pod_qos(defaulted_resources(spec))


def _sets_resources(container: dict[str, Any]) -> bool:
    resources = container.get("resources")
    return bool(resources and (resources.get("requests") or resources.get("limits")))


def defaulted_resources(spec: dict[str, Any]) -> dict[str, Any]:
    """API defaulting: a container's limits fill in the requests it leaves out."""
    out = dict(spec)
    for key in ("containers", "initContainers"):
        containers = []
        for c in spec.get(key) or []:
            resources = dict(c.get("resources") or {})
            limits = resources.get("limits") or {}
            if limits:
                resources["requests"] = {**limits, **(resources.get("requests") or {})}
            containers.append({**c, "resources": resources})
        out[key] = containers
    return out
