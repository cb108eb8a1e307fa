"""``ValidateSecurityContext`` and the seccomp profile check (pkg/apis/core/validation),
for a container's ``securityContext`` and the pod's ``seccompProfile``.

The two allowPrivilegeEscalation conflicts are worded as in the reference; the
API server prints the whole SecurityContext struct in Go syntax (with pointer
addresses) as the value, which the playground leaves out. The procMount and
seccompProfile messages are written from memory [unverified].
"""

from __future__ import annotations

from typing import Any, Final

from . import rules
from .field import OMIT, FieldError, FieldPath, invalid, not_supported, required
from .values import d, i, lst, s

Errors = list[FieldError]

MAX_ID: Final = 2147483647  # IsValidUserID / IsValidGroupID: math.MaxInt32
PROC_MOUNTS: Final = ("Default", "Unmasked")
SECCOMP_TYPES: Final = ("Localhost", "RuntimeDefault", "Unconfined")


def seccomp_profile(profile: Any, path: FieldPath) -> Errors:
    if profile is None:
        return []
    profile = d(profile)
    kind = s(profile.get("type"))
    errors: Errors = []
    if not kind:
        errors.append(required((*path, "type")))
    elif kind not in SECCOMP_TYPES:
        errors.append(not_supported((*path, "type"), kind, SECCOMP_TYPES))
    local = profile.get("localhostProfile")
    if kind == "Localhost" and local is None:
        errors.append(
            required((*path, "localhostProfile"), "must be set when seccomp type is Localhost")
        )
    elif kind != "Localhost" and local is not None:
        errors.append(
            invalid(
                (*path, "localhostProfile"), OMIT, "can only be set when seccomp type is Localhost"
            )
        )
    return errors


def container_security_context(context: Any, path: FieldPath) -> Errors:
    if context is None:
        return []
    sc = d(context)
    errors: Errors = []
    for key in ("runAsUser", "runAsGroup"):
        value = i(sc.get(key))
        if value is not None and not 0 <= value <= MAX_ID:
            errors.append(invalid((*path, key), value, rules.inclusive_range_error(0, MAX_ID)))
    proc_mount = sc.get("procMount")
    if proc_mount is not None:
        if s(proc_mount) not in PROC_MOUNTS:
            errors.append(not_supported((*path, "procMount"), s(proc_mount), PROC_MOUNTS))
        elif proc_mount == "Unmasked":
            errors.append(
                invalid(
                    (*path, "procMount"), "Unmasked", "`hostUsers` must be false to use `Unmasked`"
                )
            )
    errors += seccomp_profile(sc.get("seccompProfile"), (*path, "seccompProfile"))
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            errors.append(
                invalid(
                    path,
                    OMIT,
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                )
            )
        for cap in lst(d(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":  # upstream compares this spelling only
                errors.append(
                    invalid(
                        path,
                        OMIT,
                        "cannot set `allowPrivilegeEscalation` to false and "
                        "`capabilities.Add` CAP_SYS_ADMIN",
                    )
                )
    return errors
