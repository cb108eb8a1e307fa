"""API-server validation of the objects the simulator accepts, in Kubernetes' words.

Each check returns ``(path, message)`` pairs where ``message`` is the body of a
``field.Error`` (``Required value``, ``Unsupported value: "X": ...``). The
bundle loader wraps them as kubectl prints them:
``The Pod "web" is invalid: spec.containers[0].image: Required value``.
"""

from __future__ import annotations

import re
from typing import Any

from .quantity import Quantity, QuantityError
from .yamlsource import Path, format_path

FieldError = tuple[Path, str]

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")


def quote(value: Any) -> str:
    """Go's %q for strings, %v for numbers, as field errors print values."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def unsupported(value: Any, supported: tuple[str, ...]) -> str:
    values = ", ".join(quote(v) for v in supported)
    return f"Unsupported value: {quote(value)}: supported values: {values}"


def validate_dns_subdomain(path: Path, value: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(value) > 253:
        errors.append((path, f"Invalid value: {quote(value)}: must be no more than 253 characters"))
    if not DNS1123_SUBDOMAIN.match(value):
        errors.append((path, f"Invalid value: {quote(value)}: {SUBDOMAIN_MSG}"))
    return errors


def validate_dns_label(path: Path, value: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(value) > 63:
        errors.append((path, f"Invalid value: {quote(value)}: must be no more than 63 characters"))
    if not DNS1123_LABEL.match(value):
        detail = "must not contain dots" if DNS1123_SUBDOMAIN.match(value) else LABEL_MSG
        errors.append((path, f"Invalid value: {quote(value)}: {detail}"))
    return errors


def validate_metadata(meta: Any) -> list[FieldError]:
    if not isinstance(meta, dict):
        return [(("metadata",), "Required value: name or generateName is required")]
    name = meta.get("name")
    if not name:
        return [(("metadata", "name"), "Required value: name or generateName is required")]
    if not isinstance(name, str):
        return [(("metadata", "name"), f"Invalid value: {quote(name)}: must be a string")]
    return validate_dns_subdomain(("metadata", "name"), name)


def validate_pod(manifest: dict[str, Any]) -> list[FieldError]:
    errors = validate_metadata(manifest.get("metadata"))
    spec = manifest.get("spec")
    if not isinstance(spec, dict):
        return [*errors, (("spec", "containers"), "Required value")]
    names: set[str] = set()
    init = spec.get("initContainers") or []
    if isinstance(init, list):
        errors += _validate_containers(("spec", "initContainers"), init, names)
    containers = spec.get("containers")
    if not containers:
        errors.append((("spec", "containers"), "Required value"))
    elif isinstance(containers, list):
        errors += _validate_containers(("spec", "containers"), containers, names, regular=True)
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in RESTART_POLICIES:
        errors.append((("spec", "restartPolicy"), unsupported(policy, RESTART_POLICIES)))
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        errors.append(
            (
                ("spec", "terminationGracePeriodSeconds"),
                f"Invalid value: {grace}: must be greater than or equal to 0",
            )
        )
    return errors


def _validate_containers(
    base: Path, containers: list[Any], names: set[str], *, regular: bool = False
) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, c in enumerate(containers):
        path = (*base, i)
        if not isinstance(c, dict):
            errors.append((path, "Invalid value: must be a container object"))
            continue
        name = c.get("name")
        if not name:
            errors.append(((*path, "name"), "Required value"))
        elif isinstance(name, str):
            errors += validate_dns_label((*path, "name"), name)
            if name in names:
                errors.append(((*path, "name"), f"Duplicate value: {quote(name)}"))
            names.add(name)
        image = c.get("image")
        if not image:
            errors.append(((*path, "image"), "Required value"))
        elif isinstance(image, str) and image != image.strip():
            errors.append(
                (
                    (*path, "image"),
                    f"Invalid value: {quote(image)}: must not have leading or trailing whitespace",
                )
            )
        pull = c.get("imagePullPolicy")
        if pull is not None and pull not in PULL_POLICIES:
            errors.append(((*path, "imagePullPolicy"), unsupported(pull, PULL_POLICIES)))
        if regular and c.get("restartPolicy") is not None:
            errors.append(
                ((*path, "restartPolicy"), "Forbidden: may not be set for non-init containers")
            )
        errors += _validate_resources((*path, "resources"), c.get("resources"))
    return errors


def _validate_resources(path: Path, resources: Any) -> list[FieldError]:
    if not isinstance(resources, dict):
        return []
    errors: list[FieldError] = []
    parsed: dict[str, dict[str, Quantity]] = {}
    for kind in ("limits", "requests"):
        values = resources.get(kind) or {}
        if not isinstance(values, dict):
            continue
        parsed[kind] = {}
        for name, raw in values.items():
            try:
                parsed[kind][name] = Quantity.parse(raw)
            except QuantityError as exc:
                errors.append(((*path, kind, name), f"Invalid value: {quote(raw)}: {exc}"))
    limits = parsed.get("limits", {})
    for name, request in parsed.get("requests", {}).items():
        limit = limits.get(name)
        if name in ("cpu", "memory") and limit is not None and request > limit:
            errors.append(
                (
                    (*path, "requests"),
                    f"Invalid value: {quote(str(request))}: must be less than or equal to "
                    f"{name} limit of {limit}",
                )
            )
    return errors


def kubectl_message(kind: str, name: str, path: Path, body: str) -> str:
    return f'The {kind} "{name}" is invalid: {format_path(path)}: {body}'
