"""The sysctl vocabulary the API server, the kubelet and the Scenario share.

Sources (kubernetes/kubernetes, the 1.33 line):
- ``pkg/apis/core/validation/validation.go``: ``SysctlSegmentFmt``,
  ``SysctlContainSlashFmt``, ``SysctlMaxLength``, ``IsValidSysctlName``.
- ``pkg/apis/policy/validation/validation.go``: ``SysctlContainSlashPatternFmt``
  and ``IsValidSysctlPattern`` (the last segment may end in ``*``).
- ``staging/src/k8s.io/component-helpers/node/util/sysctl``: ``NamespacedBy`` and
  ``ConvertSysctlVariableToDotsSeparator`` (``net/ipv4/ip_forward`` is
  ``net.ipv4.ip_forward``).
- ``pkg/kubelet/sysctl/allowlist.go``: ``NewAllowlist``'s errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

SYSCTL_SEGMENT_FMT: Final = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
SYSCTL_CONTAIN_SLASH_FMT: Final = "(" + SYSCTL_SEGMENT_FMT + "[\\./])*" + SYSCTL_SEGMENT_FMT
SYSCTL_MAX_LENGTH: Final = 253
# Go prints a *regexp.Regexp with %s as its source, anchors included.
SYSCTL_REGEXP_SOURCE: Final = "^" + SYSCTL_CONTAIN_SLASH_FMT + "$"
_SYSCTL_RE: Final = re.compile(SYSCTL_REGEXP_SOURCE)  # names are at most 253 characters
PATTERN_FMT: Final = "(" + SYSCTL_SEGMENT_FMT + "[\\./])*" + "([a-z0-9][-_a-z0-9]*)?[a-z0-9*]"
_PATTERN_RE: Final = re.compile("^" + PATTERN_FMT + "$")


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


def go_quote(text: str) -> str:
    """Go's ``%q`` for the names that reach it (sysctl names and patterns)."""
    return json.dumps(text)


def to_dots(name: str) -> str:
    """``ConvertSysctlVariableToDotsSeparator``: a name whose first separator is ``/``
    swaps ``/`` and ``.`` (``net/ipv4/conf/eno2.100/rp_filter``)."""
    first = next((ch for ch in name if ch in "./"), "")
    if first != "/":
        return name
    return name.translate(str.maketrans("./", "/."))


def namespaced_by(name: str) -> Namespace:
    """``NamespacedBy`` (on the dotted name)."""
    if name in _NAMESPACES:
        return _NAMESPACES[name]
    for prefix, namespace in _PREFIX_NAMESPACES:
        if name.startswith(prefix):
            return namespace
    return Namespace.UNKNOWN


def is_valid_sysctl_name(name: str) -> bool:
    """``IsValidSysctlName``."""
    return len(name) <= SYSCTL_MAX_LENGTH and _SYSCTL_RE.fullmatch(name) is not None


def is_valid_sysctl_pattern(pattern: str) -> bool:
    """``IsValidSysctlPattern``."""
    return len(pattern) <= SYSCTL_MAX_LENGTH and _PATTERN_RE.fullmatch(pattern) is not None


def allowlist_problem(patterns: Iterable[str]) -> str:
    """What ``NewAllowlist`` says of a node's unsafe patterns ("" when it takes them)."""
    for pattern in patterns:
        if not is_valid_sysctl_pattern(pattern):
            return (
                f"sysctl {go_quote(pattern)} must have at most {SYSCTL_MAX_LENGTH} characters "
                f"and match regex {PATTERN_FMT}"
            )
        dotted = to_dots(pattern)
        if dotted.endswith("*"):
            if namespaced_by(dotted[:-1]) is Namespace.UNKNOWN:
                return f"the sysctls {go_quote(dotted)} are not known to be namespaced"
        elif namespaced_by(dotted) is Namespace.UNKNOWN:
            return f"the sysctl {go_quote(dotted)} are not known to be namespaced"
    return ""
