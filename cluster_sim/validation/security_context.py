"""``ValidateSecurityContext``, ``validateSeccompProfileField`` and the id and policy
checks of ``validatePodSpecSecurityContext`` (pkg/apis/core/validation/validation.go),
for a container's ``securityContext`` and the pod's.

The two allowPrivilegeEscalation conflicts are worded as in the reference; the
API server prints the whole SecurityContext struct in Go syntax (with pointer
addresses) as the value, which the playground leaves out, as it does for the
SeccompProfile struct of ``localhostProfile: can only be set ...``. The seccomp
messages are confirmed in validation.go; procMount's from memory [unverified].
Pod-level ids use ``IsValidUserID``/``IsValidGroupID`` (0..math.MaxInt32), as the
container's do.
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
# sets.List of validFSGroupChangePolicies / validSupplementalGroupsPolicies: sorted.
FS_GROUP_CHANGE_POLICIES: Final = ("Always", "OnRootMismatch")
SUPPLEMENTAL_GROUPS_POLICIES: Final = ("Merge", "Strict")


def _id_errors(value: Any, path: FieldPath) -> Errors:
    number = i(value)
    if number is not None and not 0 <= number <= MAX_ID:
        return [invalid(path, number, rules.inclusive_range_error(0, MAX_ID))]
    return []


def pod_security_context_ids(context: dict[str, Any], path: FieldPath) -> Errors:
    """fsGroup, runAsUser, runAsGroup, supplementalGroups[i], in upstream's order."""
    errors: Errors = []
    for key in ("fsGroup", "runAsUser", "runAsGroup"):
        errors += _id_errors(context.get(key), (*path, key))
    for index, gid in enumerate(lst(context.get("supplementalGroups"))):
        errors += _id_errors(gid, (*path, "supplementalGroups", index))
    return errors


def fs_group_change_policy(context: dict[str, Any], path: FieldPath) -> Errors:
    policy = context.get("fsGroupChangePolicy")
    if policy is None or s(policy) in FS_GROUP_CHANGE_POLICIES:
        return []
    return [not_supported((*path, "fsGroupChangePolicy"), s(policy), FS_GROUP_CHANGE_POLICIES)]


def supplemental_groups_policy(context: dict[str, Any], path: FieldPath) -> Errors:
    policy = context.get("supplementalGroupsPolicy")
    if policy is None or s(policy) in SUPPLEMENTAL_GROUPS_POLICIES:
        return []
    return [
        not_supported((*path, "supplementalGroupsPolicy"), s(policy), SUPPLEMENTAL_GROUPS_POLICIES)
    ]


def seccomp_profile(profile: Any, path: FieldPath) -> Errors:
    if profile is None:
        return []
    profile = d(profile)
    kind = s(profile.get("type"))
    errors: Errors = []
    if not kind:
        errors.append(required((*path, "type"), "type is required when seccompProfile is set"))
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
        errors += _id_errors(sc.get(key), (*path, key))
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
