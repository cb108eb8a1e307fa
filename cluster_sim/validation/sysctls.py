"""``spec.securityContext.sysctls`` as the API server validates it.

``validateSysctls`` and ``ValidateHostSysctl`` (pkg/apis/core/validation/validation.go,
the 1.33 line): Required, Invalid with the name regexp's ``String()`` (its ``^``/``$``
anchors included), Duplicate; a net sysctl with ``hostNetwork``, an ipc one with
``hostIPC``. The names' vocabulary is :mod:`cluster_sim.sysctl_names`.
"""

from __future__ import annotations

from typing import Any, Final

from ..sysctl_names import (
    SYSCTL_MAX_LENGTH,
    SYSCTL_REGEXP_SOURCE,
    Namespace,
    is_valid_sysctl_name,
    namespaced_by,
    to_dots,
)
from .field import FieldError, FieldPath, duplicate, invalid, required
from .values import d, lst, s

NAME_MESSAGE: Final = (
    f"must have at most {SYSCTL_MAX_LENGTH} characters and match regex {SYSCTL_REGEXP_SOURCE}"
)

Errors = list[FieldError]


def host_sysctl_error(name: str, spec: dict[str, Any], path: FieldPath) -> FieldError | None:
    """``ValidateHostSysctl``: a sysctl of a namespace the Pod shares with the host."""
    namespace = namespaced_by(to_dots(name))
    if spec.get("hostNetwork") is True and namespace is Namespace.NET:
        return invalid(path, name, "may not be specified when 'hostNetwork' is true")
    if spec.get("hostIPC") is True and namespace is Namespace.IPC:
        return invalid(path, name, "may not be specified when 'hostIPC' is true")
    return None


def validate_sysctls(sysctls: Any, spec: dict[str, Any], path: FieldPath) -> Errors:
    """``validateSysctls`` for ``spec.securityContext.sysctls`` (a Pod being created)."""
    errors: Errors = []
    names: set[str] = set()
    for index, item in enumerate(lst(sysctls)):
        name = s(d(item).get("name"))
        name_path: FieldPath = (*path, index, "name")
        if not name:
            errors.append(required(name_path))
        elif not is_valid_sysctl_name(name):
            errors.append(invalid(name_path, name, NAME_MESSAGE))
        elif name in names:
            errors.append(duplicate(name_path, name))
        host = host_sysctl_error(name, spec, name_path)
        if host is not None:
            errors.append(host)
        names.add(name)
    return errors
