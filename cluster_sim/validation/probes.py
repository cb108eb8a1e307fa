"""A container's probes and lifecycle hooks: ``validateProbe``,
``validateLifecycle`` and the ``validateHandler`` they share.
"""

from __future__ import annotations

from typing import Any

from . import rules
from .field import (
    FieldError,
    FieldPath,
    forbidden,
    invalid,
    not_supported,
    required,
)
from .values import d, i, i0, int_or_string, lst, present, s

Errors = list[FieldError]


def validate_probes(c: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors: Errors = []
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        if not present(c, key):
            continue
        probe = d(c.get(key))
        p_path = (*path, key)
        errors += _probe(probe, grace, p_path)
        if key == "readinessProbe":
            if present(probe, "terminationGracePeriodSeconds"):
                errors.append(
                    invalid(
                        (*p_path, "terminationGracePeriodSeconds"),
                        probe.get("terminationGracePeriodSeconds"),
                        "must not be set for readinessProbes",
                    )
                )
        else:
            threshold = i0(probe.get("successThreshold"))
            if threshold != 1:
                errors.append(invalid((*p_path, "successThreshold"), threshold, "must be 1"))
    return errors


def _probe(probe: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors = _handler(probe, grace, path, kinds=("exec", "httpGet", "tcpSocket", "grpc"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        value = i0(probe.get(key))
        if value < 0:
            errors.append(invalid((*path, key), value, rules.NEGATIVE_ERROR))
    probe_grace = i(probe.get("terminationGracePeriodSeconds"))
    if probe_grace is not None and probe_grace <= 0:
        errors.append(
            invalid((*path, "terminationGracePeriodSeconds"), probe_grace, "must be greater than 0")
        )
    return errors


def validate_lifecycle(lifecycle: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors: Errors = []
    for hook in ("postStart", "preStop"):
        if present(lifecycle, hook):
            errors += _handler(
                d(lifecycle[hook]),
                grace,
                (*path, hook),
                kinds=("exec", "httpGet", "tcpSocket", "sleep"),
            )
    return errors


def _handler(
    handler: dict[str, Any], grace: int | None, path: FieldPath, kinds: tuple[str, ...]
) -> Errors:
    """``validateHandler``: exactly one of exec, httpGet, tcpSocket, grpc (probes), sleep."""
    errors: Errors = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        if kind not in kinds or not present(handler, kind):
            continue
        k_path = (*path, kind)
        if count > 0:
            errors.append(forbidden(k_path, "may not specify more than 1 handler type"))
            continue
        count += 1
        action = d(handler.get(kind))
        if kind == "exec":
            if not lst(action.get("command")):
                errors.append(required((*k_path, "command")))
        elif kind == "httpGet":
            if not s(action.get("path")):
                errors.append(required((*k_path, "path")))
            errors += port_num_or_name(action.get("port"), (*k_path, "port"))
            scheme = s(action.get("scheme"))
            if scheme not in ("HTTP", "HTTPS"):
                errors.append(not_supported((*k_path, "scheme"), scheme, ("HTTP", "HTTPS")))
            for j, header in enumerate(lst(action.get("httpHeaders"))):
                header_name = s(d(header).get("name"))
                for msg in rules.is_http_header_name(header_name):
                    errors.append(
                        invalid(
                            (*k_path, "httpHeaders"),
                            header_name,
                            msg,
                            at=(*k_path, "httpHeaders", j, "name"),
                        )
                    )
        elif kind == "tcpSocket":
            errors += port_num_or_name(action.get("port"), (*k_path, "port"))
        elif kind == "grpc":
            port = i0(action.get("port"))
            errors += [
                invalid((*k_path, "port"), port, msg) for msg in rules.is_valid_port_num(port)
            ]
        elif kind == "sleep":
            seconds = i0(action.get("seconds"))
            # PodLifecycleSleepActionAllowZero is beta (on) in 1.33: zero is allowed.
            if grace is not None and (seconds < 0 or seconds > grace):
                errors.append(
                    invalid(
                        k_path,
                        seconds,
                        "must be non-negative and less than terminationGracePeriodSeconds "
                        f"({grace})",
                        at=(*k_path, "seconds"),
                    )
                )
    if count == 0:
        errors.append(required(path, "must specify a handler type"))
    return errors


def port_num_or_name(value: Any, path: FieldPath) -> Errors:
    """``ValidatePortNumOrName`` for an ``intstr.IntOrString``."""
    port = int_or_string(value)
    if isinstance(port, str):
        return [invalid(path, port, msg) for msg in rules.is_valid_port_name(port)]
    number = port or 0
    return [invalid(path, number, msg) for msg in rules.is_valid_port_num(number)]
