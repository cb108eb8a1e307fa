"""A container's compute resources: ``ValidateResourceRequirements`` (names,
quantities, requests within limits, hugepages) and its ``resizePolicy``.
"""

from __future__ import annotations

from typing import Any, Final

from . import rules
from .field import (
    FieldError,
    FieldPath,
    Key,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from .values import d, quantity, s

STANDARD_CONTAINER_RESOURCES: Final = frozenset(("cpu", "memory", "ephemeral-storage"))

Errors = list[FieldError]


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _container_resource_name(name: str, path: FieldPath) -> Errors:
    errors = [invalid(path, name, msg) for msg in rules.is_qualified_name(name)]
    if errors:
        return errors
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            return [invalid(path, name, "must be a standard resource for containers")]
        return []
    if not _is_native(name) and (
        name.startswith("requests.") or rules.is_qualified_name("requests." + name)
    ):
        return [invalid(path, name, "doesn't follow extended resource name standard")]
    return []


def validate_resources(resources: dict[str, Any], path: FieldPath) -> Errors:
    """``ValidateResourceRequirements`` (decode errors of bad quantities are reported apart)."""
    errors: Errors = []
    lim_path, req_path = (*path, "limits"), (*path, "requests")
    limits = {str(k): quantity(v) for k, v in d(resources.get("limits")).items()}
    requests = {str(k): quantity(v) for k, v in d(resources.get("requests")).items()}
    lim_cpu_memory = req_cpu_memory = lim_huge = req_huge = False
    for name, value in limits.items():
        f_path = (*lim_path, Key(name))
        errors += _container_resource_name(name, f_path)
        errors += _quantity_value(name, value, f_path)
        lim_huge = lim_huge or _is_hugepages(name)
        lim_cpu_memory = lim_cpu_memory or name in ("cpu", "memory")
    for name, value in requests.items():
        f_path = (*req_path, Key(name))
        errors += _container_resource_name(name, f_path)
        errors += _quantity_value(name, value, f_path)
        if value is None:
            continue
        limit = limits.get(name)
        if name in limits and limit is not None:
            if value.cmp(limit) != 0 and not _overcommit_allowed(name):
                errors.append(
                    invalid(req_path, str(value), f"must be equal to {name} limit of {limit}")
                )
            elif value.cmp(limit) > 0:
                errors.append(
                    invalid(
                        req_path,
                        str(value),
                        f"must be less than or equal to {name} limit of {limit}",
                        at=f_path,
                    )
                )
        elif name not in limits and not _overcommit_allowed(name):
            errors.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        req_huge = req_huge or _is_hugepages(name)
        req_cpu_memory = req_cpu_memory or name in ("cpu", "memory")
    if not lim_cpu_memory and not req_cpu_memory and (lim_huge or req_huge):
        errors.append(forbidden(path, "HugePages require cpu or memory"))
    return errors


def _quantity_value(name: str, value: Any, path: FieldPath) -> Errors:
    if value is None:
        return []
    errors: Errors = []
    if value.sign() < 0:
        errors.append(invalid(path, str(value), rules.NEGATIVE_ERROR))
    if "/" in name and not _is_native(name) and value.milli_value() % 1000 != 0:
        errors.append(invalid(path, str(value), "must be an integer"))
    return errors


def validate_resize_policy(policies: list[Any], path: FieldPath, restart_policy: str) -> Errors:
    errors: Errors = []
    seen: set[str] = set()
    for index, policy in enumerate(policies):
        policy = d(policy)
        resource = s(policy.get("resourceName"))
        if resource in seen:
            errors.append(duplicate((*path, index), resource))
        seen.add(resource)
        if not resource:
            errors.append(required(path, at=(*path, index)))
        elif resource not in ("cpu", "memory"):
            errors.append(not_supported(path, resource, ("cpu", "memory"), at=(*path, index)))
        restart = s(policy.get("restartPolicy"))
        if not restart:
            errors.append(required(path, at=(*path, index)))
        elif restart not in ("NotRequired", "RestartContainer"):
            errors.append(
                not_supported(path, restart, ("NotRequired", "RestartContainer"), at=(*path, index))
            )
        if restart_policy == "Never" and restart != "NotRequired":
            errors.append(
                invalid(
                    path,
                    restart,
                    "must be 'NotRequired' when `restartPolicy` is 'Never'",
                    at=(*path, index),
                )
            )
    return errors
