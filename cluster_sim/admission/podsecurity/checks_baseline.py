"""The baseline checks, one function per upstream ``CheckPodFn`` (same names, same texts).

Ported from pod-security-admission v0.33 ``policy/check_*.go``. Each function
takes a :class:`~.podspec.PodView` and returns a :class:`~.results.CheckResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ...gofmt import go_quote
from .podspec import PodView, container_sc, d, lst, name, text
from .results import ALLOWED, CheckResult, containers_phrase, forbidden, join_quote
from .results import pluralize as plural

CheckFn = Callable[[PodView, bool], CheckResult]  # (pod, relax for user-namespace pods)

APPARMOR_ANNOTATION_PREFIX: Final = "container.apparmor.security.beta.kubernetes.io/"
SECCOMP_POD_ANNOTATION: Final = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION_PREFIX: Final = "container.seccomp.security.alpha.kubernetes.io/"

CAPABILITIES_ALLOWED_1_0: Final = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SYSCTLS_ALLOWED_1_0: Final = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
SYSCTLS_ALLOWED_1_27: Final = SYSCTLS_ALLOWED_1_0 | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS_ALLOWED_1_29: Final = SYSCTLS_ALLOWED_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS_ALLOWED_1_32: Final = SYSCTLS_ALLOWED_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
SELINUX_TYPES_1_0: Final = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31: Final = SELINUX_TYPES_1_0 | {"container_engine_t"}


def _setters(pod_bad: bool, containers: list[str]) -> list[str]:
    setters = ["pod"] if pod_bad else []
    if containers:
        setters.append(containers_phrase(containers))
    return setters


# -- appArmorProfile ---------------------------------------------------------------


def _apparmor_type_allowed(profile: Any) -> bool:
    return text(d(profile).get("type")) in ("RuntimeDefault", "Localhost")


def _apparmor_annotation_allowed(value: str) -> bool:
    return value == "" or value == "runtime/default" or value.startswith("localhost/")


def app_armor_profile_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad_setters: list[str] = []
    bad_values: set[str] = set()
    sc = pod.security_context
    if (
        sc is not None
        and isinstance(sc.get("appArmorProfile"), dict)
        and not _apparmor_type_allowed(sc["appArmorProfile"])
    ):
        bad_setters.append("pod")
        bad_values.add(text(sc["appArmorProfile"].get("type")))
    bad_containers: list[str] = []
    for c in pod.containers():
        csc = container_sc(c)
        if (
            csc is not None
            and isinstance(csc.get("appArmorProfile"), dict)
            and not _apparmor_type_allowed(csc["appArmorProfile"])
        ):
            bad_containers.append(name(c))
            bad_values.add(text(csc["appArmorProfile"].get("type")))
    if bad_containers:
        bad_setters.append(containers_phrase(bad_containers))
    annotations = sorted(
        f"{k}={go_quote(v)}"
        for k, v in pod.annotations.items()
        if k.startswith(APPARMOR_ANNOTATION_PREFIX) and not _apparmor_annotation_allowed(v)
    )
    values = sorted(bad_values)
    if annotations:
        values += annotations
        bad_setters.append(plural("annotation", "annotations", len(annotations)))
    if bad_setters:
        return forbidden(
            plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(values)),
            f"{' and '.join(bad_setters)} must not set AppArmor profile type to "
            f"{join_quote(values)}",
        )
    return ALLOWED


# -- capabilities_baseline ---------------------------------------------------------


def capabilities_baseline_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad_containers: list[str] = []
    caps: set[str] = set()
    for c in pod.containers():
        csc = container_sc(c)
        if csc is None or not isinstance(csc.get("capabilities"), dict):
            continue
        added = [text(a) for a in lst(csc["capabilities"].get("add"))]
        bad = [a for a in added if a not in CAPABILITIES_ALLOWED_1_0]
        if bad:
            caps.update(bad)
            bad_containers.append(name(c))
    if bad_containers:
        return forbidden(
            "non-default capabilities",
            f"{containers_phrase(bad_containers)} must not include "
            f"{join_quote(sorted(caps))} in securityContext.capabilities.add",
        )
    return ALLOWED


# -- hostNamespaces, hostPathVolumes, hostPorts, privileged --------------------------


def host_namespaces_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    parts = [
        f"{field}=true"
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if pod.spec.get(field) is True
    ]
    if parts:
        return forbidden("host namespaces", ", ".join(parts))
    return ALLOWED


def host_path_volumes_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    names = [
        text(v.get("name"))
        for v in lst(pod.spec.get("volumes"))
        if isinstance(v, dict) and v.get("hostPath") is not None
    ]
    if names:
        return forbidden(
            "hostPath volumes", f"{plural('volume', 'volumes', len(names))} {join_quote(names)}"
        )
    return ALLOWED


def host_ports_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad_containers: list[str] = []
    ports: set[str] = set()
    for c in pod.containers():
        found = [
            p.get("hostPort")
            for p in lst(c.get("ports"))
            if isinstance(p, dict) and p.get("hostPort") not in (None, 0)
        ]
        if found:
            ports.update(text(p) for p in found)
            bad_containers.append(name(c))
    if bad_containers:
        n = len(bad_containers)
        return forbidden(
            "hostPort",
            f"{containers_phrase(bad_containers)} {plural('uses', 'use', n)} "
            f"{plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}",
        )
    return ALLOWED


def privileged_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad = [name(c) for c in pod.containers() if (container_sc(c) or {}).get("privileged") is True]
    if bad:
        return forbidden(
            "privileged", f"{containers_phrase(bad)} must not set securityContext.privileged=true"
        )
    return ALLOWED


# -- procMount -----------------------------------------------------------------------


def proc_mount_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    if relax and pod.host_users_false():
        return ALLOWED
    bad_containers: list[str] = []
    types: set[str] = set()
    for c in pod.containers():
        csc = container_sc(c)
        if csc is None or csc.get("procMount") is None:
            continue
        value = text(csc["procMount"])
        if value != "Default":
            bad_containers.append(name(c))
            types.add(value)
    if bad_containers:
        return forbidden(
            "procMount",
            f"{containers_phrase(bad_containers)} must not set securityContext.procMount to "
            f"{join_quote(sorted(types))}",
        )
    return ALLOWED


# -- seLinuxOptions --------------------------------------------------------------------


def _se_linux_options(pod: PodView, allowed: frozenset[str]) -> CheckResult:
    bad_types: set[str] = set()
    set_user = set_role = False

    def valid(opts: dict[str, Any]) -> bool:
        nonlocal set_user, set_role
        ok = True
        kind = text(opts.get("type"))
        if kind not in allowed:
            ok = False
            bad_types.add(kind)
        if text(opts.get("user")):
            ok = False
            set_user = True
        if text(opts.get("role")):
            ok = False
            set_role = True
        return ok

    sc = pod.security_context
    pod_bad = (
        sc is not None
        and isinstance(sc.get("seLinuxOptions"), dict)
        and not valid(sc["seLinuxOptions"])
    )
    bad_containers: list[str] = []
    for c in pod.containers():
        csc = container_sc(c)
        if (
            csc is not None
            and isinstance(csc.get("seLinuxOptions"), dict)
            and not valid(csc["seLinuxOptions"])
        ):
            bad_containers.append(name(c))
    setters = _setters(pod_bad, bad_containers)
    if setters:
        data: list[str] = []
        if bad_types:
            data.append(
                f"{plural('type', 'types', len(bad_types))} {join_quote(sorted(bad_types))}"
            )
        if set_user:
            data.append("user may not be set")
        if set_role:
            data.append("role may not be set")
        return forbidden(
            "seLinuxOptions",
            f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: "
            f"{'; '.join(data)}",
        )
    return ALLOWED


def se_linux_options_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    return _se_linux_options(pod, SELINUX_TYPES_1_0)


def se_linux_options_1_31(pod: PodView, relax: bool = False) -> CheckResult:
    return _se_linux_options(pod, SELINUX_TYPES_1_31)


# -- seccompProfile_baseline -------------------------------------------------------------


def valid_seccomp(kind: Any) -> bool:
    return kind in ("Localhost", "RuntimeDefault")


def _valid_seccomp_annotation(value: str) -> bool:
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def seccomp_profile_baseline_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    annotations = pod.annotations
    bad: set[str] = set()
    keys = [SECCOMP_POD_ANNOTATION] + [
        SECCOMP_CONTAINER_ANNOTATION_PREFIX + name(c) for c in pod.containers()
    ]
    for key in keys:
        if key in annotations and not _valid_seccomp_annotation(annotations[key]):
            bad.add(f"{key}={go_quote(annotations[key])}")
    if bad:
        return forbidden(
            "seccompProfile",
            f"forbidden {plural('annotation', 'annotations', len(bad))} {', '.join(sorted(bad))}",
        )
    return ALLOWED


def explicit_seccomp(pod: PodView) -> tuple[list[str], set[str], bool, list[str]]:
    """Bad setters, bad values, whether the pod sets a valid type, containers that set none."""
    setters: list[str] = []
    values: set[str] = set()
    pod_set = False
    sc = pod.security_context
    if sc is not None and isinstance(sc.get("seccompProfile"), dict):
        kind = sc["seccompProfile"].get("type")
        if not valid_seccomp(kind):
            setters.append("pod")
            values.add(text(kind))
        else:
            pod_set = True
    bad_containers: list[str] = []
    unset: list[str] = []
    for c in pod.containers():
        csc = container_sc(c)
        if csc is not None and isinstance(csc.get("seccompProfile"), dict):
            kind = csc["seccompProfile"].get("type")
            if not valid_seccomp(kind):
                bad_containers.append(name(c))
                values.add(text(kind))
        elif not pod_set:
            unset.append(name(c))
    if bad_containers:
        setters.append(containers_phrase(bad_containers))
    return setters, values, pod_set, unset


def seccomp_profile_baseline_1_19(pod: PodView, relax: bool = False) -> CheckResult:
    setters, values, _, _ = explicit_seccomp(pod)
    if setters:
        return forbidden(
            "seccompProfile",
            f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
            f"{join_quote(sorted(values))}",
        )
    return ALLOWED


# -- sysctls, windowsHostProcess ---------------------------------------------------------


def _sysctls(pod: PodView, allowed: frozenset[str]) -> CheckResult:
    sc = pod.security_context or {}
    bad = [
        text(s.get("name"))
        for s in lst(sc.get("sysctls"))
        if isinstance(s, dict) and text(s.get("name")) not in allowed
    ]
    if bad:
        return forbidden("forbidden sysctls", ", ".join(bad))
    return ALLOWED


def sysctls_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    return _sysctls(pod, SYSCTLS_ALLOWED_1_0)


def sysctls_1_27(pod: PodView, relax: bool = False) -> CheckResult:
    return _sysctls(pod, SYSCTLS_ALLOWED_1_27)


def sysctls_1_29(pod: PodView, relax: bool = False) -> CheckResult:
    return _sysctls(pod, SYSCTLS_ALLOWED_1_29)


def sysctls_1_32(pod: PodView, relax: bool = False) -> CheckResult:
    return _sysctls(pod, SYSCTLS_ALLOWED_1_32)


def _host_process(sc: dict[str, Any] | None) -> bool:
    return sc is not None and d(sc.get("windowsOptions")).get("hostProcess") is True


def windows_host_process_1_0(pod: PodView, relax: bool = False) -> CheckResult:
    bad = [name(c) for c in pod.containers() if _host_process(container_sc(c))]
    setters = _setters(_host_process(pod.security_context), bad)
    if setters:
        return forbidden(
            "hostProcess",
            f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true",
        )
    return ALLOWED
