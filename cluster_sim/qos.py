"""Pod QoS class and container OOM score adjustment.

Ports of ``pkg/apis/core/v1/helper/qos/qos.go`` (``ComputePodQOS``,
``GetPodQOS``) and ``pkg/kubelet/qos/policy.go``
(``GetContainerOOMScoreAdjust``) as described in kubelet-lifecycle.md section
6.  Inputs are plain dicts shaped like the Kubernetes API objects: a pod spec
(``containers``, ``initContainers``, optional pod-level ``resources``) or a
whole Pod (``metadata``, ``spec``, ``status``).

Feature gates are explicit keyword arguments.  ``PodLevelResources`` is on by
default (beta, enabled by default since v1.34); native sidecars
(``SidecarContainers``, GA in v1.33) are always on, as in current code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from cluster_sim.quantity import Quantity

__all__ = [
    "BESTEFFORT_OOM_SCORE_ADJ",
    "BEST_EFFORT",
    "BURSTABLE",
    "GUARANTEED",
    "GUARANTEED_OOM_SCORE_ADJ",
    "KUBELET_OOM_SCORE_ADJ",
    "KUBE_PROXY_OOM_SCORE_ADJ",
    "aggregate_container_requests",
    "compute_pod_qos",
    "container_oom_score_adj",
    "get_pod_qos",
    "is_critical_pod",
    "is_node_critical_pod",
]

GUARANTEED: Final = "Guaranteed"
BURSTABLE: Final = "Burstable"
BEST_EFFORT: Final = "BestEffort"

KUBELET_OOM_SCORE_ADJ: Final = -999
KUBE_PROXY_OOM_SCORE_ADJ: Final = -999
GUARANTEED_OOM_SCORE_ADJ: Final = -997
BESTEFFORT_OOM_SCORE_ADJ: Final = 1000

_QOS_RESOURCES: Final = ("cpu", "memory")  # supportedQoSComputeResources
_SYSTEM_CRITICAL_PRIORITY: Final = 2 * 1_000_000_000  # scheduling.SystemCriticalPriority
_SYSTEM_NODE_CRITICAL: Final = "system-node-critical"
_CONFIG_SOURCE_ANNOTATION: Final = "kubernetes.io/config.source"
_CONFIG_MIRROR_ANNOTATION: Final = "kubernetes.io/config.mirror"
_ZERO: Final = Quantity()


def _resource_list(value: Any) -> dict[str, Quantity]:
    """A ResourceList (name -> quantity) from a manifest mapping; None means empty."""
    if not value:
        return {}
    return {str(name): Quantity.unmarshal(quantity) for name, quantity in value.items()}


def _resources(owner: Mapping[str, Any] | None, kind: str) -> dict[str, Quantity]:
    if not owner:
        return {}
    return _resource_list((owner.get("resources") or {}).get(kind))


def _containers(spec: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    return spec.get(key) or ()


def _add_positive(total: dict[str, Quantity], resources: Mapping[str, Quantity]) -> set[str]:
    """Sum the supported resources that are > 0 into total; return their names."""
    found: set[str] = set()
    for name, quantity in resources.items():
        if name not in _QOS_RESOURCES or quantity.cmp(_ZERO) <= 0:
            continue
        found.add(name)
        total[name] = quantity + total[name] if name in total else quantity
    return found


def compute_pod_qos(spec: Mapping[str, Any], *, pod_level_resources: bool = True) -> str:
    """``ComputePodQOS``: ``"Guaranteed"``, ``"Burstable"`` or ``"BestEffort"``.

    Only cpu and memory quantities greater than zero count.  With the
    PodLevelResources gate on and ``spec.resources`` set, the pod-level
    requests and limits decide alone.  Ephemeral containers never count.
    """
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    pod_resources = spec.get("resources")
    if pod_level_resources and pod_resources is not None:
        pod_requests = _resource_list(pod_resources.get("requests"))
        pod_limits = _resource_list(pod_resources.get("limits"))
        _add_positive(requests, pod_requests)
        if pod_limits:
            found = _add_positive(limits, pod_limits)
            if not set(_QOS_RESOURCES) <= found:
                guaranteed = False
        else:
            guaranteed = False
    else:
        for container in (*_containers(spec, "containers"), *_containers(spec, "initContainers")):
            _add_positive(requests, _resources(container, "requests"))
            found = _add_positive(limits, _resources(container, "limits"))
            if not set(_QOS_RESOURCES) <= found:
                guaranteed = False

    if not requests and not limits:
        return BEST_EFFORT
    if guaranteed:
        for name, request in requests.items():
            if name not in limits or limits[name].cmp(request) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return GUARANTEED
    return BURSTABLE


def get_pod_qos(pod: Mapping[str, Any], *, pod_level_resources: bool = True) -> str:
    """``GetPodQOS``: ``status.qosClass`` once set, else :func:`compute_pod_qos`."""
    persisted = (pod.get("status") or {}).get("qosClass")
    if persisted:
        return str(persisted)
    return compute_pod_qos(pod.get("spec") or {}, pod_level_resources=pod_level_resources)


def is_critical_pod(pod: Mapping[str, Any]) -> bool:
    """``kubetypes.IsCriticalPod``: static or mirror pod, or priority >= 2e9."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    source = annotations.get(_CONFIG_SOURCE_ANNOTATION)
    if source is not None and source != "api":  # IsStaticPod
        return True
    if _CONFIG_MIRROR_ANNOTATION in annotations:  # IsMirrorPod
        return True
    priority = (pod.get("spec") or {}).get("priority")
    return priority is not None and int(priority) >= _SYSTEM_CRITICAL_PRIORITY


def is_node_critical_pod(pod: Mapping[str, Any]) -> bool:
    """``kubetypes.IsNodeCriticalPod``: critical and of class system-node-critical."""
    spec = pod.get("spec") or {}
    return is_critical_pod(pod) and spec.get("priorityClassName") == _SYSTEM_NODE_CRITICAL


def _is_restartable_init(container: Mapping[str, Any]) -> bool:
    return container.get("restartPolicy") == "Always"


def _add_all(total: dict[str, Quantity], resources: Mapping[str, Quantity]) -> None:
    for name, quantity in resources.items():
        total[name] = total[name] + quantity if name in total else quantity


def _max_all(total: dict[str, Quantity], resources: Mapping[str, Quantity]) -> None:
    for name, quantity in resources.items():
        if name not in total or quantity.cmp(total[name]) > 0:
            total[name] = quantity


def aggregate_container_requests(spec: Mapping[str, Any]) -> dict[str, Quantity]:
    """``resourcehelper.AggregateContainerRequests`` (component-helpers/resource).

    Regular containers and restartable init containers (sidecars) add up; a
    classic init container needs its own request plus the sidecars started
    before it; the pod needs the larger of the two.
    """
    requests: dict[str, Quantity] = {}
    for container in _containers(spec, "containers"):
        _add_all(requests, _resources(container, "requests"))
    sidecars: dict[str, Quantity] = {}
    init_peak: dict[str, Quantity] = {}
    for container in _containers(spec, "initContainers"):
        own = _resources(container, "requests")
        if _is_restartable_init(container):
            _add_all(requests, own)
            _add_all(sidecars, own)
            in_use = dict(sidecars)
        else:
            in_use = dict(own)
            _add_all(in_use, sidecars)
        _max_all(init_peak, in_use)
    _max_all(requests, init_peak)
    return requests


def _memory_request(container: Mapping[str, Any]) -> int:
    """``container.Resources.Requests.Memory().Value()`` (0 when unset)."""
    quantity = _resources(container, "requests").get("memory")
    return quantity.value() if quantity is not None else 0


def _go_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def _is_pod_level_requests_set(spec: Mapping[str, Any]) -> bool:
    """``resourcehelper.IsPodLevelRequestsSet``: cpu or memory requests at pod level."""
    requests = (spec.get("resources") or {}).get("requests") or {}
    return any(name in _QOS_RESOURCES for name in requests)


def _remaining_pod_mem_req_per_container(spec: Mapping[str, Any]) -> int:
    """Pod memory request not claimed by containers, shared by every container."""
    pod_memory = _resource_list((spec.get("resources") or {}).get("requests")).get("memory")
    if pod_memory is None or pod_memory.is_zero():
        return 0
    count = len(_containers(spec, "containers")) + len(_containers(spec, "initContainers"))
    claimed = aggregate_container_requests(spec).get("memory")
    remaining = pod_memory.value() - (claimed.value() if claimed is not None else 0)
    return _go_div(remaining, count)


def _is_sidecar(spec: Mapping[str, Any], container: Mapping[str, Any]) -> bool:
    if not _is_restartable_init(container):
        return False
    name = container.get("name")
    return any(init.get("name") == name for init in _containers(spec, "initContainers"))


def _min_regular_container_memory(spec: Mapping[str, Any]) -> int:
    values: Iterable[int] = (_memory_request(c) for c in _containers(spec, "containers"))
    return min(values, default=0)


def container_oom_score_adj(
    pod: Mapping[str, Any],
    container: Mapping[str, Any],
    memory_capacity: int,
    *,
    pod_level_resources: bool = True,
) -> int:
    """``GetContainerOOMScoreAdjust``: the oom_score_adj the kubelet gives a container.

    ``pod`` is a whole Pod dict, ``container`` one of its (init) containers and
    ``memory_capacity`` the node's memory capacity in bytes.
    """
    if memory_capacity <= 0:
        raise ValueError("memory_capacity must be a positive number of bytes")
    if is_node_critical_pod(pod):
        return GUARANTEED_OOM_SCORE_ADJ
    qos_class = get_pod_qos(pod, pod_level_resources=pod_level_resources)
    if qos_class == GUARANTEED:
        return GUARANTEED_OOM_SCORE_ADJ
    if qos_class == BEST_EFFORT:
        return BESTEFFORT_OOM_SCORE_ADJ

    # Burstable: a container requesting 10% of the node's memory gets 900.
    spec = pod.get("spec") or {}
    container_request = _memory_request(container)
    remaining = 0
    if pod_level_resources and _is_pod_level_requests_set(spec):
        remaining = _remaining_pod_mem_req_per_container(spec)
        adjust = 1000 - _go_div(1000 * (container_request + remaining), memory_capacity)
    else:
        adjust = 1000 - _go_div(1000 * container_request, memory_capacity)

    if _is_sidecar(spec, container):
        # a sidecar never scores above the regular container with the least memory
        minimum = _min_regular_container_memory(spec)
        if pod_level_resources and _is_pod_level_requests_set(spec):
            minimum += remaining
        adjust = min(adjust, 1000 - _go_div(1000 * minimum, memory_capacity))

    if adjust < 1000 + GUARANTEED_OOM_SCORE_ADJ:
        return 1000 + GUARANTEED_OOM_SCORE_ADJ
    if adjust == BESTEFFORT_OOM_SCORE_ADJ:
        return adjust - 1
    return adjust
