"""A Pod's containers and init containers (``validateContainers``,
``validateInitContainers``, ``validateContainerCommon``): names, images,
ports and host-port conflicts; the parts with a concept of their own are
checked by :mod:`.env`, :mod:`.volumes`, :mod:`.resources`, :mod:`.probes`
and :mod:`.security_context`.
"""

from __future__ import annotations

from typing import Any, Final

from . import rules
from .env import validate_env, validate_env_from
from .field import (
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from .pod_options import PodOptions
from .probes import validate_lifecycle, validate_probes
from .resources import validate_resize_policy, validate_resources
from .security_context import container_security_context
from .values import d, i0, lst, present, s
from .volumes import validate_volume_mounts

PULL_POLICIES: Final = ("Always", "IfNotPresent", "Never")
PROTOCOLS: Final = ("SCTP", "TCP", "UDP")
TERMINATION_MESSAGE_POLICIES: Final = ("File", "FallbackToLogsOnError")

Errors = list[FieldError]


def validate_containers(
    containers: list[Any],
    volumes: set[str],
    grace: int | None,
    path: FieldPath,
    opts: PodOptions,
    restart_policy: str,
) -> Errors:
    if not containers:
        return [required(path)]
    errors: Errors = []
    names: set[str] = set()
    for index, c in enumerate(containers):
        c = d(c)
        c_path = (*path, index)
        errors += _container_common(c, volumes, c_path, opts, restart_policy)
        name = s(c.get("name"))
        if name in names:
            errors.append(duplicate((*c_path, "name"), name))
        else:
            names.add(name)
        if present(c, "lifecycle"):
            errors += validate_lifecycle(d(c.get("lifecycle")), grace, (*c_path, "lifecycle"))
        errors += validate_probes(c, grace, c_path)
        if present(c, "restartPolicy"):
            errors.append(
                forbidden((*c_path, "restartPolicy"), "may not be set for non-init containers")
            )
    errors += _host_port_conflicts(containers, path)
    return errors


def validate_init_containers(
    containers: list[Any],
    regular: list[Any],
    volumes: set[str],
    grace: int | None,
    path: FieldPath,
    opts: PodOptions,
    restart_policy: str,
) -> Errors:
    errors: Errors = []
    names = {s(d(c).get("name")) for c in regular}
    for index, c in enumerate(containers):
        c = d(c)
        c_path = (*path, index)
        errors += _container_common(c, volumes, c_path, opts, restart_policy)
        restart_always = False
        if present(c, "restartPolicy"):
            policy = s(c.get("restartPolicy"))
            if policy != "Always":
                errors.append(not_supported((*c_path, "restartPolicy"), policy, ("Always",)))
            restart_always = policy == "Always"
        name = s(c.get("name"))
        if name in names:
            errors.append(duplicate((*c_path, "name"), name))
        elif name:
            names.add(name)
        errors += _host_port_conflicts([c], path, offset=index)
        if restart_always:
            if present(c, "lifecycle"):
                errors += validate_lifecycle(d(c.get("lifecycle")), grace, (*c_path, "lifecycle"))
            errors += validate_probes(c, grace, c_path)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if present(c, key):
                    errors.append(
                        forbidden(
                            (*c_path, key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errors


def _container_common(
    c: dict[str, Any], volumes: set[str], path: FieldPath, opts: PodOptions, restart_policy: str
) -> Errors:
    """``validateContainerCommon``."""
    errors: Errors = []
    name = s(c.get("name"))
    if not name:
        errors.append(required((*path, "name")))
    else:
        errors += [invalid((*path, "name"), name, msg) for msg in rules.is_dns1123_label(name)]
    if not s(c.get("image")):
        errors.append(required((*path, "image")))
    policy = s(c.get("terminationMessagePolicy"))
    if not policy:
        errors.append(required((*path, "terminationMessagePolicy")))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errors.append(
            not_supported((*path, "terminationMessagePolicy"), policy, TERMINATION_MESSAGE_POLICIES)
        )
    errors += _container_ports(lst(c.get("ports")), (*path, "ports"))
    errors += validate_env(lst(c.get("env")), (*path, "env"), opts)
    errors += validate_env_from(lst(c.get("envFrom")), (*path, "envFrom"), opts)
    errors += validate_volume_mounts(
        lst(c.get("volumeMounts")), volumes, c, (*path, "volumeMounts")
    )
    pull = s(c.get("imagePullPolicy"))
    if not pull:
        errors.append(required((*path, "imagePullPolicy")))
    elif pull not in PULL_POLICIES:
        errors.append(not_supported((*path, "imagePullPolicy"), pull, PULL_POLICIES))
    errors += validate_resources(d(c.get("resources")), (*path, "resources"))
    errors += validate_resize_policy(
        lst(c.get("resizePolicy")), (*path, "resizePolicy"), restart_policy
    )
    errors += container_security_context(c.get("securityContext"), (*path, "securityContext"))
    return errors


def _container_ports(ports: list[Any], path: FieldPath) -> Errors:
    errors: Errors = []
    names: set[str] = set()
    for index, port in enumerate(ports):
        port = d(port)
        p_path = (*path, index)
        name = s(port.get("name"))
        if name:
            messages = rules.is_valid_port_name(name)
            if messages:
                errors += [invalid((*p_path, "name"), name, msg) for msg in messages]
            elif name in names:
                errors.append(duplicate((*p_path, "name"), name))
            else:
                names.add(name)
        container_port = i0(port.get("containerPort"))
        if container_port == 0:
            errors.append(required((*p_path, "containerPort")))
        else:
            errors += [
                invalid((*p_path, "containerPort"), container_port, msg)
                for msg in rules.is_valid_port_num(container_port)
            ]
        host_port = i0(port.get("hostPort"))
        if host_port != 0:
            errors += [
                invalid((*p_path, "hostPort"), host_port, msg)
                for msg in rules.is_valid_port_num(host_port)
            ]
        protocol = s(port.get("protocol"))
        if not protocol:
            errors.append(required((*p_path, "protocol")))
        elif protocol not in PROTOCOLS:
            errors.append(not_supported((*p_path, "protocol"), protocol, PROTOCOLS))
    return errors


def _host_port_conflicts(containers: list[Any], path: FieldPath, offset: int = 0) -> Errors:
    """``AccumulateUniqueHostPorts``: ``protocol/hostIP/port`` once per Pod."""
    errors: Errors = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(lst(d(c).get("ports"))):
            port = d(port)
            host_port = i0(port.get("hostPort"))
            if host_port == 0:
                continue
            key = f"{s(port.get('protocol'))}/{s(port.get('hostIP'))}/{host_port}"
            if key in seen:
                errors.append(duplicate((*path, ci + offset, "ports", pi, "hostPort"), key))
            seen.add(key)
    return errors
