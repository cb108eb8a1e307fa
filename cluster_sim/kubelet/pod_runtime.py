"""``PodRuntime``: a Pod as the API server and the kubelet see it while it lives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Pod
from ..qos import compute_pod_qos
from ..status import Condition, ContainerRef, ContainerStatus
from .runtime import PodNetwork

if TYPE_CHECKING:
    from ..simulation import NodeState


@dataclass
class PodRuntime:
    """A Pod as the API server and the kubelet see it while it lives."""

    pod: Pod
    uid: str
    node: NodeState | None = None
    phase: str = "Pending"
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
    key: str = field(init=False)  # ns/name, cached: it is on every record

    def __post_init__(self) -> None:
        self.key = self.pod.key
        self.qos_class = compute_pod_qos(defaulted_resources(self.pod.manifest.get("spec") or {}))

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

    def refs(self) -> tuple[list[ContainerRef], list[ContainerRef]]:
        init = [ContainerRef(c.name, c.sidecar) for c in self.pod.spec.init_containers]
        return init, [ContainerRef(c.name) for c in self.pod.spec.containers]


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
