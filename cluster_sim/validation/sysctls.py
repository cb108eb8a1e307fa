"""``spec.securityContext.sysctls`` as the API server validates it, and the sysctl
vocabulary the kubelet shares with it.

Sources (kubernetes/kubernetes, the 1.33 line):
- ``pkg/apis/core/validation/validation.go``: ``SysctlSegmentFmt``,
  ``SysctlContainSlashFmt``, ``SysctlMaxLength``, ``IsValidSysctlName``,
  ``validateSysctls`` (Required, Invalid with the regexp's ``String()``, that is
  with its ``^``/``$`` anchors, Duplicate) and ``ValidateHostSysctl`` (a net
  sysctl with ``hostNetwork``, an ipc one with ``hostIPC``).
- ``staging/src/k8s.io/component-helpers/node/util/sysctl``: ``NamespacedBy``
  and ``ConvertSysctlVariableToDotsSeparator`` (``net/ipv4/ip_forward`` is
  ``net.ipv4.ip_forward``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Final

from .field import FieldError, FieldPath, duplicate, invalid, required
from .values import d, lst, s

SYSCTL_SEGMENT_FMT: Final = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
SYSCTL_CONTAIN_SLASH_FMT: Final = "(" + SYSCTL_SEGMENT_FMT + "[\\./])*" + SYSCTL_SEGMENT_FMT
SYSCTL_MAX_LENGTH: Final = 253
# Go prints a *regexp.Regexp with %s as its source, anchors included.
_REGEXP_SOURCE: Final = "^" + SYSCTL_CONTAIN_SLASH_FMT + "$"
_SYSCTL_RE: Final = re.compile(_REGEXP_SOURCE)  # names are at most 253 characters: bounded
NAME_MESSAGE: Final = (
    f"must have at most {SYSCTL_MAX_LENGTH} characters and match regex {_REGEXP_SOURCE}"
)

Errors = list[FieldError]


class Namespace(StrEnum):
    """The kernel namespace that isolates a sysctl (``utilsysctl.Namespace``)."""

    IPC = "ipc"
    NET = "net"
    UNKNOWN = ""


_NAMESPACES: Final = {"kernel.sem": Namespace.IPC}
_PREFIX_NAMESPACES: Final = (
    ("kernel.shm", Namespace.IPC),
    ("kernel.msg", Namespace.IPC),
    ("fs.mqueue.", Namespace.IPC),
    ("net.", Namespace.NET),
)


def to_dots(name: str) -> str:
    """``ConvertSysctlVariableToDotsSeparator``: a name whose first separator is ``/``
    swaps ``/`` and ``.`` (``net/ipv4/conf/eno2.100/rp_filter``)."""
    first = next((ch for ch in name if ch in "./"), "")
    if first != "/":
        return name
    return name.translate(str.maketrans({".": "/", "/": "."}))


def namespaced_by(name: str) -> Namespace:
    """``NamespacedBy`` (on the dotted name)."""
    if name in _NAMESPACES:
        return _NAMESPACES[name]
    for prefix, namespace in _PREFIX_NAMESPACES:
        if name.startswith(prefix):
            return namespace
    return Namespace.UNKNOWN


def is_valid_sysctl_name(name: str) -> bool:
    return len(name) <= SYSCTL_MAX_LENGTH and _SYSCTL_RE.fullmatch(name) is not None


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
