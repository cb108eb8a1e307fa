"""Downward API values: ``fieldRef`` and ``resourceFieldRef`` as the kubelet fills them.

pod-environment.md section 3.  Pods and containers are plain manifest dicts.

* :func:`pod_field_runtime_value` is the kubelet's
  ``podFieldSelectorRuntimeValue`` (env ``fieldRef``), with pod IPs re-ordered
  by the node's IP family and host IPs taken from the node;
* :func:`extract_field_path_as_string` and :func:`format_map` are
  ``pkg/fieldpath`` (also the content of downwardAPI volume files);
* :func:`extract_container_resource_value` is ``ExtractContainerResourceValue``
  with the exact, saturating arithmetic of current upstream
  (``ceil(quantity / divisor)``, clamped to int64);
* :func:`default_limits_for_downward_api` fills unset cpu, memory and
  ephemeral-storage limits from node allocatable (``defaultPodLimitsForDownwardAPI``).
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any, Final

from cluster_sim.gofmt import go_quote
from cluster_sim.quantity import Quantity
from cluster_sim.validation.rules import is_qualified_name

__all__ = [
    "DownwardAPIError",
    "container_resource_runtime_value",
    "convert_downward_api_field_label",
    "convert_quantity_to_string",
    "default_limits_for_downward_api",
    "extract_container_resource_value",
    "extract_field_path_as_string",
    "extract_resource_value_by_container_name",
    "format_map",
    "pod_field_runtime_value",
    "sort_pod_ips",
    "split_maybe_subscripted_path",
]

_MAX_INT64: Final = (1 << 63) - 1
_MIN_INT64: Final = -(1 << 63)
_DOWNWARD_LIMITS: Final = ("cpu", "memory", "ephemeral-storage")
_SUPPORTED_FIELD_LABELS: Final = frozenset(
    {
        "metadata.annotations",
        "metadata.labels",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.serviceAccountName",
        "spec.schedulerName",
        "status.phase",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    }
)


class DownwardAPIError(ValueError):
    """A Downward API reference the kubelet cannot resolve (message as upstream)."""


# --------------------------------------------------------------------------------------
# field paths (pkg/fieldpath, pkg/apis/core/pods)
# --------------------------------------------------------------------------------------


def split_maybe_subscripted_path(field_path: str) -> tuple[str, str, bool]:
    """``SplitMaybeSubscriptedPath``: ``metadata.labels['app']`` -> (path, key, True)."""
    if not field_path.endswith("']"):
        return field_path, "", False
    parts = field_path[: -len("']")].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return field_path, "", False
    return parts[0], parts[1], True


def convert_downward_api_field_label(version: str, label: str) -> str:
    """``ConvertDownwardAPIFieldLabel``: the internal field path for a v1 label."""
    if version != "v1":
        raise DownwardAPIError(f"unsupported pod version: {version}")
    path, _, subscripted = split_maybe_subscripted_path(label)
    if subscripted:
        if path in ("metadata.annotations", "metadata.labels"):
            return label
        raise DownwardAPIError(f"field label does not support subscript: {label}")
    if label in _SUPPORTED_FIELD_LABELS:
        return label
    if label == "spec.host":  # old v1 clients
        return "spec.nodeName"
    raise DownwardAPIError(f"field label not supported: {label}")


def format_map(values: Mapping[str, str]) -> str:
    """``fieldpath.FormatMap``: sorted ``key="value"`` lines, no trailing newline.

    This is the content of a downwardAPI volume file for ``metadata.labels``
    or ``metadata.annotations``.
    """
    return "\n".join(f"{key}={go_quote(str(values[key]))}" for key in sorted(values))


def extract_field_path_as_string(obj: Mapping[str, Any], field_path: str) -> str:
    """``fieldpath.ExtractFieldPathAsString`` for the ``metadata.*`` paths."""
    metadata = obj.get("metadata") or {}
    path, subscript, subscripted = split_maybe_subscripted_path(field_path)
    if subscripted:
        if path == "metadata.annotations":
            errors = is_qualified_name(subscript.lower())
            if errors:
                raise DownwardAPIError(f"invalid key subscript in {field_path}: {';'.join(errors)}")
            return str((metadata.get("annotations") or {}).get(subscript, ""))
        if path == "metadata.labels":
            errors = is_qualified_name(subscript)
            if errors:
                raise DownwardAPIError(f"invalid key subscript in {field_path}: {';'.join(errors)}")
            return str((metadata.get("labels") or {}).get(subscript, ""))
        raise DownwardAPIError(f'fieldPath "{field_path}" does not support subscript')
    if field_path == "metadata.annotations":
        return format_map(metadata.get("annotations") or {})
    if field_path == "metadata.labels":
        return format_map(metadata.get("labels") or {})
    if field_path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return str(metadata.get(field_path.split(".", 1)[1]) or "")
    raise DownwardAPIError(f"unsupported fieldPath: {field_path}")


def _ip_family(text: str) -> int | None:
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def sort_pod_ips(pod_ips: Sequence[str], node_ips: Sequence[str] = ()) -> list[str]:
    """``sortPodIPs``: the first IP of the node's family, then the first of the other.

    Strings that are not IP addresses are dropped; a node without IPs counts as
    IPv4.
    """
    primary = 6 if node_ips and _ip_family(node_ips[0]) == 6 else 4
    secondary = 10 - primary
    result: list[str] = []
    for family in (primary, secondary):
        found = next((ip for ip in pod_ips if _ip_family(ip) == family), None)
        if found is not None:
            result.append(found)
    return result


def pod_field_runtime_value(
    field_ref: Mapping[str, Any],
    pod: Mapping[str, Any],
    pod_ips: Sequence[str] = (),
    node_ips: Sequence[str] = (),
    *,
    pod_host_ips: bool = True,
) -> str:
    """``podFieldSelectorRuntimeValue``: the value of an env ``fieldRef``.

    ``pod_ips`` are the sandbox IPs, ``node_ips`` the node's addresses (the
    first one is ``status.hostIP``).  ``pod_host_ips`` is the PodHostIPs gate
    (GA, on).
    """
    field_path = str(field_ref.get("fieldPath") or "")
    internal = convert_downward_api_field_label(
        str(field_ref.get("apiVersion") or "v1"), field_path
    )
    spec = pod.get("spec") or {}
    sorted_ips = sort_pod_ips(pod_ips, node_ips)
    if internal == "spec.nodeName":
        return str(spec.get("nodeName") or "")
    if internal == "spec.serviceAccountName":
        return str(spec.get("serviceAccountName") or "")
    if internal == "status.hostIP":
        if not node_ips:
            raise DownwardAPIError("failed to get host IP: the node has no addresses")
        return node_ips[0]
    if internal == "status.hostIPs":
        if not pod_host_ips:
            return ""
        if not node_ips:
            raise DownwardAPIError("failed to get host IP: the node has no addresses")
        return ",".join(node_ips)
    if internal == "status.podIP":
        return sorted_ips[0] if sorted_ips else ""
    if internal == "status.podIPs":
        return ",".join(sorted_ips)
    return extract_field_path_as_string(pod, internal)


# --------------------------------------------------------------------------------------
# resourceFieldRef (pkg/api/v1/resource/helpers.go)
# --------------------------------------------------------------------------------------


def _ceil_div(numerator: int, denominator: int) -> int:
    return -((-numerator) // denominator)


def _approx_digits(value: int) -> int:
    """The number of decimal digits of |value|, or one more."""
    return int(abs(value).bit_length() * 0.30103) + 1


def convert_quantity_to_string(quantity: Quantity, divisor: Quantity) -> str:
    """``ceil(quantity / divisor)`` as a decimal string, clamped to the int64 range.

    Exact for any magnitude (``1e1000000`` works without building the number).
    """
    if divisor.is_zero():
        raise DownwardAPIError("divisor must not be zero")
    if quantity.is_zero():
        return "0"
    q_mantissa, q_exponent = quantity.mantissa_exponent()
    d_mantissa, d_exponent = divisor.mantissa_exponent()
    negative = (q_mantissa < 0) != (d_mantissa < 0)
    exponent = q_exponent - d_exponent
    # |q/d| lies in (10**(t-1), 10**(t+1)) with t = digits(q) - digits(d) + exponent;
    # the digit estimates below are off by at most one, hence the extra margin.
    t = _approx_digits(q_mantissa) - _approx_digits(d_mantissa) + exponent
    if t - 2 >= 19:
        return str(_MIN_INT64 if negative else _MAX_INT64)
    if t + 2 <= 0:
        return "0" if negative else "1"  # a non-zero magnitude below one, rounded up
    if exponent >= 0:
        value = _ceil_div(q_mantissa * 10**exponent, d_mantissa)
    else:
        value = _ceil_div(q_mantissa, d_mantissa * 10**-exponent)
    return str(max(_MIN_INT64, min(_MAX_INT64, value)))


def _resource_quantity(container: Mapping[str, Any], kind: str, name: str) -> Quantity:
    raw = ((container.get("resources") or {}).get(kind) or {}).get(name)
    return Quantity.unmarshal(raw) if raw is not None else Quantity()


def extract_container_resource_value(
    resource_field_ref: Mapping[str, Any], container: Mapping[str, Any]
) -> str:
    """``ExtractContainerResourceValue``: a ``resourceFieldRef`` value for a container.

    An unset or zero divisor means 1.  Unset requests and limits read as 0 (the
    kubelet fills limits first: :func:`default_limits_for_downward_api`).
    """
    divisor = Quantity.unmarshal(resource_field_ref.get("divisor"))
    if divisor.is_zero():
        divisor = Quantity.parse("1")
    resource = str(resource_field_ref.get("resource") or "")
    kind, _, name = resource.partition(".")
    if kind in ("limits", "requests") and (
        name in _DOWNWARD_LIMITS or name.startswith("hugepages-")
    ):
        return convert_quantity_to_string(_resource_quantity(container, kind, name), divisor)
    raise DownwardAPIError(f"unsupported container resource : {resource}")


def _find_container(spec: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    for key in ("containers", "initContainers"):
        for container in spec.get(key) or ():
            if isinstance(container, Mapping) and container.get("name") == name:
                return container
    raise DownwardAPIError(f"container {name} not found")


def extract_resource_value_by_container_name(
    resource_field_ref: Mapping[str, Any], pod: Mapping[str, Any], container_name: str
) -> str:
    """``ExtractResourceValueByContainerName``: look the container up by name first."""
    container = _find_container(pod.get("spec") or {}, container_name)
    return extract_container_resource_value(resource_field_ref, container)


def container_resource_runtime_value(
    resource_field_ref: Mapping[str, Any], pod: Mapping[str, Any], container: Mapping[str, Any]
) -> str:
    """``containerResourceRuntimeValue``: ``containerName`` if set, else this container."""
    name = resource_field_ref.get("containerName")
    if not name:
        return extract_container_resource_value(resource_field_ref, container)
    return extract_resource_value_by_container_name(resource_field_ref, pod, str(name))


def _merge_limits(container: dict[str, Any], allocatable: Mapping[str, Any]) -> None:
    """``MergeContainerResourceLimits``: unset or zero limits take the allocatable value."""
    resources = container.setdefault("resources", {}) or {}
    container["resources"] = resources
    limits = dict(resources.get("limits") or {})
    for name in _DOWNWARD_LIMITS:
        current = limits.get(name)
        if (current is None or Quantity.unmarshal(current).is_zero()) and name in allocatable:
            limits[name] = allocatable[name]
    resources["limits"] = limits


def default_limits_for_downward_api(
    pod: Mapping[str, Any],
    container: Mapping[str, Any] | None,
    node_allocatable: Mapping[str, Any],
    *,
    pod_level_resources: bool = True,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """``defaultPodLimitsForDownwardAPI``: copies of pod and container with limits filled.

    Unset or zero cpu, memory and ephemeral-storage limits become the node's
    allocatable amount, or the pod-level limit when PodLevelResources is on and
    ``spec.resources.limits`` sets one.  Requests are left alone.
    """
    allocatable = dict(node_allocatable)
    spec = pod.get("spec") or {}
    pod_limits = (spec.get("resources") or {}).get("limits") or {}
    if pod_level_resources and pod_limits:
        for name in ("cpu", "memory"):  # the resources pod-level limits support
            value = pod_limits.get(name)
            if value is not None and not Quantity.unmarshal(value).is_zero():
                allocatable[name] = value
    output_pod = copy.deepcopy(dict(pod))
    output_spec = output_pod.setdefault("spec", {})
    for regular in output_spec.get("containers") or ():
        _merge_limits(regular, allocatable)
    output_container = None
    if container is not None:
        output_container = copy.deepcopy(dict(container))
        _merge_limits(output_container, allocatable)
    return output_pod, output_container
