"""The restricted checks, one function per upstream ``CheckPodFn`` (same names, same texts).

Ported from pod-security-admission v0.33 ``policy/check_*.go``.
"""

from __future__ import annotations

from typing import Any, Final

from .checks_baseline import explicit_seccomp
from .podspec import PodView, container_sc, lst, name, text
from .results import ALLOWED, CheckResult, containers_phrase, forbidden, join_quote
from .results import pluralize as plural

# Volume sources restricted allows (check_restrictedVolumes.go), and the names of the
# others in the order upstream tests them.
ALLOWED_VOLUME_SOURCES: Final = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
RESTRICTED_VOLUME_SOURCES: Final = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


# -- allowPrivilegeEscalation ---------------------------------------------------------


def allow_privilege_escalation_1_8(pod: PodView, relax: bool = False) -> CheckResult:
    bad = [
        name(c)
        for c in pod.containers()
        if (container_sc(c) or {}).get("allowPrivilegeEscalation") is not False
    ]
    if bad:
        return forbidden(
            "allowPrivilegeEscalation != false",
            f"{containers_phrase(bad)} must set securityContext.allowPrivilegeEscalation=false",
        )
    return ALLOWED


def allow_privilege_escalation_1_25(pod: PodView, relax: bool = False) -> CheckResult:
    if pod.windows():
        return ALLOWED
    return allow_privilege_escalation_1_8(pod)


# -- capabilities_restricted ------------------------------------------------------------


def capabilities_restricted_1_22(pod: PodView, relax: bool = False) -> CheckResult:
    missing_drop_all: list[str] = []
    adding: list[str] = []
    caps: set[str] = set()
    for c in pod.containers():
        csc = container_sc(c)
        capabilities = csc.get("capabilities") if csc is not None else None
        if not isinstance(capabilities, dict):
            missing_drop_all.append(name(c))
            continue
        if "ALL" not in [text(x) for x in lst(capabilities.get("drop"))]:
            missing_drop_all.append(name(c))
        bad = [text(x) for x in lst(capabilities.get("add")) if text(x) != "NET_BIND_SERVICE"]
        if bad:
            caps.update(bad)
            adding.append(name(c))
    details: list[str] = []
    if missing_drop_all:
        phrase = containers_phrase(missing_drop_all)
        details.append(f'{phrase} must set securityContext.capabilities.drop=["ALL"]')
    if adding:
        details.append(
            f"{containers_phrase(adding)} must not include {join_quote(sorted(caps))} "
            "in securityContext.capabilities.add"
        )
    if details:
        return forbidden("unrestricted capabilities", "; ".join(details))
    return ALLOWED


def capabilities_restricted_1_25(pod: PodView, relax: bool = False) -> CheckResult:
    if pod.windows():
        return ALLOWED
    return capabilities_restricted_1_22(pod)


# -- restrictedVolumes -------------------------------------------------------------------


def _volume_type(volume: dict[str, Any]) -> str | None:
    """``None`` for an allowed source, else the restricted type's name (or ``unknown``)."""
    if any(volume.get(source) is not None for source in ALLOWED_VOLUME_SOURCES):
        return None
    for source in RESTRICTED_VOLUME_SOURCES:
        if volume.get(source) is not None:
            return source
    return "unknown"


def restricted_volumes_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad: list[str] = []
    types: set[str] = set()
    for volume in lst(pod.spec.get("volumes")):
        if not isinstance(volume, dict):
            continue
        kind = _volume_type(volume)
        if kind is not None:
            bad.append(text(volume.get("name")))
            types.add(kind)
    if bad:
        n = len(bad)
        return forbidden(
            "restricted volume types",
            f"{plural('volume', 'volumes', n)} {join_quote(bad)} {plural('uses', 'use', n)} "
            f"{plural('restricted volume type', 'restricted volume types', len(types))} "
            f"{join_quote(sorted(types))}",
        )
    return ALLOWED


# -- runAsNonRoot, runAsUser ----------------------------------------------------------------


def run_as_non_root_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    if relax and pod.host_users_false():
        return ALLOWED
    setters: list[str] = []
    pod_non_root = False
    sc = pod.security_context
    if sc is not None and sc.get("runAsNonRoot") is not None:
        if sc["runAsNonRoot"] is False:
            setters.append("pod")
        else:
            pod_non_root = True
    explicit: list[str] = []
    implicit: list[str] = []
    for c in pod.containers():
        csc = container_sc(c)
        if csc is not None and csc.get("runAsNonRoot") is not None:
            if csc["runAsNonRoot"] is False:
                explicit.append(name(c))
        elif not pod_non_root:
            implicit.append(name(c))
    if explicit:
        setters.append(containers_phrase(explicit))
    if setters:
        return forbidden(
            "runAsNonRoot != true",
            f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false",
        )
    if implicit:
        return forbidden(
            "runAsNonRoot != true",
            f"pod or {containers_phrase(implicit)} must set securityContext.runAsNonRoot=true",
        )
    return ALLOWED


def _root(sc: dict[str, Any] | None) -> bool:
    value = sc.get("runAsUser") if sc is not None else None
    return value == 0 and not isinstance(value, bool)


def run_as_user_1_23(pod: PodView, relax: bool = False) -> CheckResult:
    if relax and pod.host_users_false():
        return ALLOWED
    setters = ["pod"] if _root(pod.security_context) else []
    bad = [name(c) for c in pod.containers() if _root(container_sc(c))]
    if bad:
        setters.append(containers_phrase(bad))
    if setters:
        return forbidden("runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0")
    return ALLOWED


# -- seccompProfile_restricted ----------------------------------------------------------------


def seccomp_profile_restricted_1_19(pod: PodView, relax: bool = False) -> CheckResult:
    setters, values, _, unset = explicit_seccomp(pod)
    if setters:
        return forbidden(
            "seccompProfile",
            f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
            f"{join_quote(sorted(values))}",
        )
    if unset:
        return forbidden(
            "seccompProfile",
            f"pod or {containers_phrase(unset)} must set securityContext.seccompProfile.type "
            'to "RuntimeDefault" or "Localhost"',
        )
    return ALLOWED


def seccomp_profile_restricted_1_25(pod: PodView, relax: bool = False) -> CheckResult:
    if pod.windows():
        return ALLOWED
    return seccomp_profile_restricted_1_19(pod)
