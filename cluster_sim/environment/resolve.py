"""The kubelet's ``makeEnvironmentVariables``: what a container's environment is, and why.

Order of resolution (pod-environment.md §2.1): ``envFrom`` sources in list
order, then ``env`` entries (``$(VAR)`` expanded against what is already
defined and the service variables), then the service-link variables for
names not already set. The kubelet emits the result in Go map order; the
playground keeps the order in which names were first defined, then the
service variables in ``FromServices`` order, so the list reads like the
manifest.

Every value carries its source, for the environment view:
``literal``, ``configMap ns/name key``, ``secret ns/name key``,
``service ns/name``, ``downward metadata.name``, ``resource limits.cpu``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .downward import (
    DownwardAPIError,
    container_resource_runtime_value,
    default_limits_for_downward_api,
    pod_field_runtime_value,
)
from .expansion import expand, mapping_func_for
from .service_links import MASTER_SERVICES, from_services, is_service_ip_set

Lookup = Callable[[str, str], Mapping[str, str] | None]  # (namespace, name) -> data or None


class ContainerConfigError(Exception):
    """``CreateContainerConfigError``: the container cannot be created yet."""


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    value: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "source": self.source}


def make_environment_variables(
    pod: Mapping[str, Any],
    container: Mapping[str, Any],
    *,
    config_maps: Lookup,
    secrets: Lookup,
    services: Sequence[Mapping[str, Any]],
    pod_ips: Sequence[str],
    host_ips: Sequence[str],
    node_allocatable: Mapping[str, Any],
) -> list[EnvVar]:
    """Resolve ``container``'s environment.

    Raises ``ContainerConfigError`` with the kubelet's message when a ConfigMap,
    Secret or key it needs does not exist.
    """
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    namespace = meta.get("namespace") or "default"
    enable_links = spec.get("enableServiceLinks", True)
    service_env: dict[str, str] = {}
    service_sources: dict[str, str] = {}
    for service in link_services(services, namespace, enable_links is not False):
        svc_meta = service.get("metadata") or {}
        origin = f"service {svc_meta.get('namespace', 'default')}/{svc_meta.get('name')}"
        for var in from_services([service]):
            service_env[var["name"]] = var["value"]
            service_sources[var["name"]] = origin

    values: dict[str, str] = {}
    sources: dict[str, str] = {}

    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix") or "")
        for ref_key, kind, lookup in (
            ("configMapRef", "configmap", config_maps),
            ("secretRef", "secret", secrets),
        ):
            ref = source.get(ref_key)
            if ref is None:
                continue
            name = str(ref.get("name") or "")
            data = lookup(namespace, name)
            if data is None:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(f'{kind} "{name}" not found')
            label = "configMap" if kind == "configmap" else "secret"
            for key, value in data.items():
                values[prefix + key] = value
                sources[prefix + key] = f"{label} {namespace}/{name} {key} (envFrom)"

    mapping = mapping_func_for(values, service_env)
    for item in container.get("env") or []:
        name = str(item.get("name"))
        source = "literal"
        value_from = item.get("valueFrom")
        if item.get("value") not in (None, ""):
            value = expand(str(item["value"]), mapping)
        elif value_from:
            try:
                resolved = _value_from(
                    value_from,
                    pod,
                    container,
                    namespace,
                    config_maps,
                    secrets,
                    pod_ips,
                    host_ips,
                    node_allocatable,
                )
            except DownwardAPIError as exc:
                raise ContainerConfigError(str(exc)) from None
            if resolved is None:
                continue  # an optional reference that does not resolve: not set at all
            value, source = resolved
        else:
            value = ""
        values[name] = value
        sources[name] = source

    result = [EnvVar(name, values[name], sources[name]) for name in values]
    for name, value in service_env.items():
        if name not in values:
            result.append(EnvVar(name, value, service_sources[name]))
    return result


def link_services(
    services: Sequence[Mapping[str, Any]], namespace: str, enable_service_links: bool
) -> list[Mapping[str, Any]]:
    """``getServiceEnvVarMap``'s choice of Services, sorted by name."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for service in services:
        if not is_service_ip_set(service):
            continue
        meta = service.get("metadata") or {}
        name = str(meta.get("name"))
        svc_ns = meta.get("namespace") or "default"
        if svc_ns == "default" and name in MASTER_SERVICES:
            chosen.setdefault(name, service)
        elif svc_ns == namespace and enable_service_links:
            chosen[name] = service
    return [chosen[name] for name in sorted(chosen)]


def _value_from(
    value_from: Mapping[str, Any],
    pod: Mapping[str, Any],
    container: Mapping[str, Any],
    namespace: str,
    config_maps: Lookup,
    secrets: Lookup,
    pod_ips: Sequence[str],
    host_ips: Sequence[str],
    node_allocatable: Mapping[str, Any],
) -> tuple[str, str] | None:
    if "fieldRef" in value_from:
        field_ref = value_from["fieldRef"]
        value = pod_field_runtime_value(field_ref, pod, list(pod_ips), list(host_ips))
        return value, f"downward {field_ref.get('fieldPath')}"
    if "resourceFieldRef" in value_from:
        ref = value_from["resourceFieldRef"]
        defaulted_pod, defaulted = default_limits_for_downward_api(pod, container, node_allocatable)
        value = container_resource_runtime_value(ref, defaulted_pod, defaulted or {})
        return value, f"resource {ref.get('resource')}"
    for ref_key, kind, label, lookup in (
        ("configMapKeyRef", "configmap", "ConfigMap", config_maps),
        ("secretKeyRef", "secret", "Secret", secrets),
    ):
        ref = value_from.get(ref_key)
        if ref is None:
            continue
        name = str(ref.get("name") or "")
        key = str(ref.get("key") or "")
        data = lookup(namespace, name)
        if data is None:
            if ref.get("optional"):
                return None
            raise ContainerConfigError(f'{kind} "{name}" not found')
        if key not in data:
            if ref.get("optional"):
                return None
            raise ContainerConfigError(f"couldn't find key {key} in {label} {namespace}/{name}")
        return data[key], f"{label[0].lower()}{label[1:]} {namespace}/{name} {key}"
    return "", ""  # no source the kubelet knows: makeEnvironmentVariables sets it empty
