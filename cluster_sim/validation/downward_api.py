"""The Downward API's field selectors (``validateObjectFieldSelector``,
``validateContainerResourceFieldSelector``), shared by environment variables
(``valueFrom``) and downwardAPI volume files; each caller says which
``fieldPath`` values it supports.
"""

from __future__ import annotations

from typing import Any, Final

from . import rules
from .field import (
    FieldError,
    FieldPath,
    invalid,
    not_supported,
    required,
)
from .values import quantity, s

ENV_FIELD_PATHS: Final = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
VOLUME_FIELD_PATHS: Final = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
RESOURCE_FIELD_PATHS: Final = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
HUGEPAGES_PREFIXES: Final = ("requests.hugepages-", "limits.hugepages-")
CPU_DIVISORS: Final = frozenset(("1m", "1"))
MEMORY_DIVISORS: Final = frozenset(
    ("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
)

Errors = list[FieldError]


def object_field_selector(
    selector: dict[str, Any],
    expressions: tuple[str, ...],
    path: FieldPath,
    at: FieldPath | None = None,
) -> Errors:
    """``validateObjectFieldSelector`` (``apiVersion`` is defaulted to ``v1``)."""
    from ..environment.downward import (
        DownwardAPIError,
        convert_downward_api_field_label,
        split_maybe_subscripted_path,
    )

    def where(*rest: str) -> FieldPath | None:
        return (*at, *rest) if at is not None else None

    api_version = s(selector.get("apiVersion"))
    if not api_version:
        return [required((*path, "apiVersion"), at=where("apiVersion"))]
    field_path = s(selector.get("fieldPath"))
    if not field_path:
        return [required((*path, "fieldPath"), at=where("fieldPath"))]
    try:
        internal = convert_downward_api_field_label(api_version, field_path)
    except DownwardAPIError as exc:
        return [
            invalid(
                (*path, "fieldPath"),
                field_path,
                f"error converting fieldPath: {exc}",
                at=where("fieldPath"),
            )
        ]
    base, subscript, subscripted = split_maybe_subscripted_path(internal)
    if subscripted:
        if base == "metadata.annotations":
            subscript = subscript.lower()
        return [
            invalid(path, subscript, msg, at=where("fieldPath"))
            for msg in rules.is_qualified_name(subscript)
        ]
    if base not in expressions:
        return [
            not_supported((*path, "fieldPath"), base, sorted(expressions), at=where("fieldPath"))
        ]
    return []


def resource_field_selector(
    selector: dict[str, Any], path: FieldPath, *, volume: bool, at: FieldPath | None = None
) -> Errors:
    """``validateContainerResourceFieldSelector`` and the divisor check."""

    def where(*rest: str) -> FieldPath | None:
        return (*at, *rest) if at is not None else None

    errors: Errors = []
    resource = s(selector.get("resource"))
    if volume and not s(selector.get("containerName")):
        errors.append(required((*path, "containerName"), at=where("containerName")))
    elif not resource:
        errors.append(required((*path, "resource"), at=where("resource")))
    elif resource not in RESOURCE_FIELD_PATHS and not resource.startswith(HUGEPAGES_PREFIXES):
        errors.append(
            not_supported((*path, "resource"), resource, RESOURCE_FIELD_PATHS, at=where("resource"))
        )
    divisor = quantity(selector.get("divisor"))
    if divisor is not None and not divisor.is_zero():
        text = str(divisor)
        detail = ""
        if resource in ("limits.cpu", "requests.cpu") and text not in CPU_DIVISORS:
            detail = "only divisor's values 1m and 1 are supported with the cpu resource"
        elif resource in ("limits.memory", "requests.memory") and text not in MEMORY_DIVISORS:
            detail = (
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei "
                "are supported with the memory resource"
            )
        elif (
            resource in ("limits.ephemeral-storage", "requests.ephemeral-storage")
            and text not in MEMORY_DIVISORS
        ):
            detail = (
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei "
                "are supported with the local ephemeral storage resource"
            )
        if detail:
            errors.append(invalid((*path, "divisor"), resource, detail, at=where("divisor")))
        if resource.startswith(HUGEPAGES_PREFIXES) and text not in MEMORY_DIVISORS:
            errors.append(
                invalid(
                    (*path, "divisor"),
                    resource,
                    "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, "
                    "1Ei are supported with the hugepages resource",
                    at=where("divisor"),
                )
            )
    return errors
