"""A container's environment: ``ValidateEnv`` (names, ``valueFrom``) and ``envFrom``."""

from __future__ import annotations

from typing import Any

from . import rules
from .downward_api import ENV_FIELD_PATHS, object_field_selector, resource_field_selector
from .field import (
    FieldError,
    FieldPath,
    invalid,
    required,
)
from .pod_options import PodOptions
from .values import d, present, s

Errors = list[FieldError]


def validate_env(env: list[Any], path: FieldPath, opts: PodOptions) -> Errors:
    """``ValidateEnv``."""
    errors: Errors = []
    for index, var in enumerate(env):
        var = d(var)
        v_path = (*path, index)
        name = s(var.get("name"))
        if not name:
            errors.append(required((*v_path, "name")))
        else:
            check = (
                rules.is_relaxed_env_var_name if opts.relaxed_env_names else rules.is_env_var_name
            )
            errors += [invalid((*v_path, "name"), name, msg) for msg in check(name)]
        errors += _env_value_from(var, (*v_path, "valueFrom"))
    return errors


def _env_value_from(var: dict[str, Any], path: FieldPath) -> Errors:
    if not present(var, "valueFrom"):
        return []
    source = d(var.get("valueFrom"))
    errors: Errors = []
    count = 0
    if present(source, "fieldRef"):
        count += 1
        errors += object_field_selector(d(source["fieldRef"]), ENV_FIELD_PATHS, (*path, "fieldRef"))
    if present(source, "resourceFieldRef"):
        count += 1
        errors += resource_field_selector(
            d(source["resourceFieldRef"]), (*path, "resourceFieldRef"), volume=False
        )
    for key in ("configMapKeyRef", "secretKeyRef"):
        if present(source, key):
            count += 1
            errors += _key_selector(d(source[key]), (*path, key))
    if count == 0:
        errors.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                "`secretKeyRef`",
            )
        )
    elif s(var.get("value")):
        errors.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errors.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errors


def _key_selector(selector: dict[str, Any], path: FieldPath) -> Errors:
    """``validateConfigMapKeySelector`` / ``validateSecretKeySelector``."""
    name = s(selector.get("name"))
    errors = [
        invalid((*path, "name"), name, msg) for msg in rules.name_is_dns_subdomain(name, False)
    ]
    key = s(selector.get("key"))
    if not key:
        errors.append(required((*path, "key")))
    else:
        errors += [invalid((*path, "key"), key, msg) for msg in rules.is_config_map_key(key)]
    return errors


def validate_env_from(sources: list[Any], path: FieldPath, opts: PodOptions) -> Errors:
    errors: Errors = []
    for index, source in enumerate(sources):
        source = d(source)
        s_path = (*path, index)
        prefix = s(source.get("prefix"))
        if prefix:
            check = (
                rules.is_relaxed_env_var_name if opts.relaxed_env_names else rules.is_env_var_name
            )
            errors += [invalid((*s_path, "prefix"), prefix, msg) for msg in check(prefix)]
        count = 0
        for key in ("configMapRef", "secretRef"):
            if present(source, key):
                count += 1
                name = s(d(source[key]).get("name"))
                if not name:
                    errors.append(required((*s_path, key, "name")))
                else:
                    errors += [
                        invalid((*s_path, key, "name"), name, msg)
                        for msg in rules.name_is_dns_subdomain(name, True)
                    ]
        if count == 0:
            errors.append(
                invalid(path, "", "must specify one of: `configMapRef` or `secretRef`", at=s_path)
            )
        elif count > 1:
            errors.append(
                invalid(path, "", "may not have more than one field specified at a time", at=s_path)
            )
    return errors
