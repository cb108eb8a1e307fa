"""Service-link environment variables (``pkg/kubelet/envvars``, ``getServiceEnvVarMap``).

pod-environment.md section 1.  Services are plain Service manifests
(``metadata.name``/``namespace``, ``spec.clusterIP``, ``spec.ports``).

* :func:`from_services` is ``envvars.FromServices``: per Service with a cluster
  IP, ``<NAME>_SERVICE_HOST``, ``<NAME>_SERVICE_PORT``, one
  ``<NAME>_SERVICE_PORT_<PORT NAME>`` per named port, then the Docker link
  variables.
* :func:`service_env_var_map` picks the services a pod sees: ``default/kubernetes``
  always, other services of the pod's namespace only with
  ``enableServiceLinks``.
* :func:`merge_service_env` appends them after the container's own variables,
  skipping names the container already defines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

__all__ = [
    "MASTER_SERVICES",
    "ServiceEnvError",
    "from_services",
    "is_service_ip_set",
    "make_env_variable_name",
    "merge_service_env",
    "service_env_var_map",
]

MASTER_SERVICES: Final = frozenset({"kubernetes"})
_DEFAULT_NAMESPACE: Final = "default"


class ServiceEnvError(RuntimeError):
    """The kubelet cannot build the service variables; the container is not created."""


def make_env_variable_name(name: str) -> str:
    """``makeEnvVariableName``: dashes become underscores, then upper case."""
    return name.replace("-", "_").upper()


def _name(service: Mapping[str, Any]) -> str:
    return str((service.get("metadata") or {}).get("name") or "")


def _namespace(service: Mapping[str, Any]) -> str:
    return str((service.get("metadata") or {}).get("namespace") or _DEFAULT_NAMESPACE)


def _cluster_ip(service: Mapping[str, Any]) -> str:
    return str((service.get("spec") or {}).get("clusterIP") or "")


def _ports(service: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    return (service.get("spec") or {}).get("ports") or ()


def is_service_ip_set(service: Mapping[str, Any]) -> bool:
    """``IsServiceIPSet``: the cluster IP is neither empty nor ``None`` (headless)."""
    return _cluster_ip(service) not in ("", "None")


def _join_host_port(host: str, port: str) -> str:
    """``net.JoinHostPort``: IPv6 hosts are bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _link_variables(service: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``makeLinkVariables``: the Docker-compatible ``<NAME>_PORT...`` variables."""
    prefix = make_env_variable_name(_name(service))
    cluster_ip = _cluster_ip(service)
    result: list[tuple[str, str]] = []
    for index, port in enumerate(_ports(service)):
        protocol = str(port.get("protocol") or "TCP")
        number = str(int(port["port"]))
        url = f"{protocol.lower()}://{_join_host_port(cluster_ip, number)}"
        if index == 0:
            result.append((prefix + "_PORT", url))  # Docker special-cases the first port
        port_prefix = f"{prefix}_PORT_{number}_{protocol.upper()}"
        result += [
            (port_prefix, url),
            (port_prefix + "_PROTO", protocol.lower()),
            (port_prefix + "_PORT", number),
            (port_prefix + "_ADDR", cluster_ip),
        ]
    return result


def from_services(services: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """``envvars.FromServices``: the variables for these services, in emission order.

    Services without a cluster IP are skipped.  (A Service without ports is
    rejected by API validation; here it only yields ``<NAME>_SERVICE_HOST``.)
    """
    result: list[tuple[str, str]] = []
    for service in services:
        if not is_service_ip_set(service):
            continue
        prefix = make_env_variable_name(_name(service))
        result.append((prefix + "_SERVICE_HOST", _cluster_ip(service)))
        ports = _ports(service)
        if not ports:
            continue
        port_name = prefix + "_SERVICE_PORT"
        result.append((port_name, str(int(ports[0]["port"]))))
        for port in ports:  # all named ports (only the first may be unnamed)
            if port.get("name"):
                named = port_name + "_" + make_env_variable_name(str(port["name"]))
                result.append((named, str(int(port["port"]))))
        result += _link_variables(service)
    return [{"name": name, "value": value} for name, value in result]


def service_env_var_map(
    services: Iterable[Mapping[str, Any]] | None,
    namespace: str,
    enable_service_links: bool | None,
    *,
    services_synced: bool = True,
    static_pod: bool = False,
) -> dict[str, str]:
    """The service variables the kubelet offers a pod in ``namespace``.

    ``services`` is every Service the kubelet knows (all namespaces); ``None``
    stands for a kubelet without an API server, which injects nothing.
    ``default/kubernetes`` is always included; other services of the pod's
    namespace only when ``enable_service_links`` is true, and a service named
    ``kubernetes`` in the pod's namespace then replaces the master one.

    Raises :class:`ServiceEnvError` with the kubelet's message when
    ``enableServiceLinks`` is unset (the API defaults it to true) or when the
    service list has not been read yet for a pod that is not static.
    """
    if enable_service_links is None:
        raise ServiceEnvError(
            "nil pod.spec.enableServiceLinks encountered, cannot construct envvars"
        )
    if not static_pod and not services_synced:
        raise ServiceEnvError(
            "services have not yet been read at least once, cannot construct envvars"
        )
    if services is None:
        return {}

    service_map: dict[str, Mapping[str, Any]] = {}
    for service in services:
        if not is_service_ip_set(service):
            continue
        name = _name(service)
        if _namespace(service) == _DEFAULT_NAMESPACE and name in MASTER_SERVICES:
            service_map.setdefault(name, service)
        elif _namespace(service) == namespace and enable_service_links:
            service_map[name] = service

    # Go ranges over a map here; sorting by name makes the result deterministic.
    ordered = [service_map[name] for name in sorted(service_map)]
    return {entry["name"]: entry["value"] for entry in from_services(ordered)}


def merge_service_env(
    container_env: Mapping[str, str], service_env: Mapping[str, str]
) -> list[dict[str, str]]:
    """The container's variables followed by the service variables it does not define.

    The kubelet emits both groups in Go map order; here the container's own
    variables keep their order and the service variables follow in theirs.
    """
    result = [{"name": name, "value": value} for name, value in container_env.items()]
    result += [
        {"name": name, "value": value}
        for name, value in service_env.items()
        if name not in container_env
    ]
    return result
