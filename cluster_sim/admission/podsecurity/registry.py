"""Which checks run for a level and version, in upstream order.

Ported from pod-security-admission v0.33 ``policy/registry.go``: baseline check
IDs first, sorted byte-wise, then restricted IDs, sorted; at restricted, a
restricted check's ``OverrideCheckIDs`` replace the baseline checks it names.
Each check has versions; a version uses the newest implementation whose
minimum version is not newer than it; ``latest`` and anything newer than the
newest defined version use the newest (v1.32 in 1.33).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import checks_baseline as b
from . import checks_restricted as r
from .checks_baseline import CheckFn
from .levels import Level, LevelVersion, Version, v1
from .podspec import PodView
from .results import CheckResult


@dataclass(frozen=True)
class VersionedCheck:
    minimum: Version
    check: CheckFn
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    id: str
    level: Level
    versions: tuple[VersionedCheck, ...]


CHECKS: tuple[Check, ...] = (
    Check("allowPrivilegeEscalation", Level.RESTRICTED, (
        VersionedCheck(v1(8), r.allow_privilege_escalation_1_8),
        VersionedCheck(v1(25), r.allow_privilege_escalation_1_25),
    )),
    Check("appArmorProfile", Level.BASELINE, (
        VersionedCheck(v1(0), b.app_armor_profile_1_0),
    )),
    Check("capabilities_baseline", Level.BASELINE, (
        VersionedCheck(v1(0), b.capabilities_baseline_1_0),
    )),
    Check("capabilities_restricted", Level.RESTRICTED, (
        VersionedCheck(v1(22), r.capabilities_restricted_1_22, ("capabilities_baseline",)),
        VersionedCheck(v1(25), r.capabilities_restricted_1_25, ("capabilities_baseline",)),
    )),
    Check("hostNamespaces", Level.BASELINE, (VersionedCheck(v1(0), b.host_namespaces_1_0),)),
    Check("hostPathVolumes", Level.BASELINE, (VersionedCheck(v1(0), b.host_path_volumes_1_0),)),
    Check("hostPorts", Level.BASELINE, (VersionedCheck(v1(0), b.host_ports_1_0),)),
    Check("privileged", Level.BASELINE, (VersionedCheck(v1(0), b.privileged_1_0),)),
    Check("procMount", Level.BASELINE, (VersionedCheck(v1(0), b.proc_mount_1_0),)),
    Check("restrictedVolumes", Level.RESTRICTED, (
        VersionedCheck(v1(0), r.restricted_volumes_1_0, ("hostPathVolumes",)),
    )),
    Check("runAsNonRoot", Level.RESTRICTED, (VersionedCheck(v1(0), r.run_as_non_root_1_0),)),
    Check("runAsUser", Level.RESTRICTED, (VersionedCheck(v1(23), r.run_as_user_1_23),)),
    Check("seLinuxOptions", Level.BASELINE, (
        VersionedCheck(v1(0), b.se_linux_options_1_0),
        VersionedCheck(v1(31), b.se_linux_options_1_31),
    )),
    Check("seccompProfile_baseline", Level.BASELINE, (
        VersionedCheck(v1(0), b.seccomp_profile_baseline_1_0),
        VersionedCheck(v1(19), b.seccomp_profile_baseline_1_19),
    )),
    Check("seccompProfile_restricted", Level.RESTRICTED, (
        VersionedCheck(v1(19), r.seccomp_profile_restricted_1_19, ("seccompProfile_baseline",)),
        VersionedCheck(v1(25), r.seccomp_profile_restricted_1_25, ("seccompProfile_baseline",)),
    )),
    Check("sysctls", Level.BASELINE, (
        VersionedCheck(v1(0), b.sysctls_1_0),
        VersionedCheck(v1(27), b.sysctls_1_27),
        VersionedCheck(v1(29), b.sysctls_1_29),
        VersionedCheck(v1(32), b.sysctls_1_32),
    )),
    Check("windowsHostProcess", Level.BASELINE, (
        VersionedCheck(v1(0), b.windows_host_process_1_0),
    )),
)  # fmt: skip

MAX_VERSION: Version = max((c.versions[-1].minimum for c in CHECKS), key=lambda v: v.minor)

# Every upstream check function by its Go name (for the ported unit tables).
CHECK_FUNCTIONS: dict[str, CheckFn] = {
    "allowPrivilegeEscalation_1_8": r.allow_privilege_escalation_1_8,
    "allowPrivilegeEscalation_1_25": r.allow_privilege_escalation_1_25,
    "appArmorProfile_1_0": b.app_armor_profile_1_0,
    "capabilitiesBaseline_1_0": b.capabilities_baseline_1_0,
    "capabilitiesRestricted_1_22": r.capabilities_restricted_1_22,
    "capabilitiesRestricted_1_25": r.capabilities_restricted_1_25,
    "hostNamespaces_1_0": b.host_namespaces_1_0,
    "hostPathVolumes_1_0": b.host_path_volumes_1_0,
    "hostPorts_1_0": b.host_ports_1_0,
    "privileged_1_0": b.privileged_1_0,
    "procMount_1_0": b.proc_mount_1_0,
    "restrictedVolumes_1_0": r.restricted_volumes_1_0,
    "runAsNonRoot_1_0": r.run_as_non_root_1_0,
    "runAsUser_1_23": r.run_as_user_1_23,
    "seLinuxOptions1_0": b.se_linux_options_1_0,
    "seLinuxOptions1_31": b.se_linux_options_1_31,
    "seccompProfileBaseline_1_0": b.seccomp_profile_baseline_1_0,
    "seccompProfileBaseline_1_19": b.seccomp_profile_baseline_1_19,
    "seccompProfileRestricted_1_19": r.seccomp_profile_restricted_1_19,
    "seccompProfileRestricted_1_25": r.seccomp_profile_restricted_1_25,
    "sysctlsV1Dot0": b.sysctls_1_0,
    "sysctlsV1Dot27": b.sysctls_1_27,
    "sysctlsV1Dot29": b.sysctls_1_29,
    "sysctlsV1Dot32": b.sysctls_1_32,
    "windowsHostProcess_1_0": b.windows_host_process_1_0,
}


def _at(check: Check, version: Version) -> VersionedCheck | None:
    chosen = None
    for vc in check.versions:
        if not version.older(vc.minimum):
            chosen = vc
    return chosen


@cache
def checks_for(level: Level, version: Version) -> tuple[tuple[str, CheckFn], ...]:
    """The ``(id, function)`` pairs a ``level:version`` evaluates, in upstream order."""
    if level is Level.PRIVILEGED:
        return ()
    if MAX_VERSION.older(version):
        version = MAX_VERSION
    baseline = sorted((c for c in CHECKS if c.level is Level.BASELINE), key=lambda c: c.id)
    restricted = sorted((c for c in CHECKS if c.level is Level.RESTRICTED), key=lambda c: c.id)
    chosen: list[tuple[str, VersionedCheck]] = []
    for check in baseline:
        vc = _at(check, version)
        if vc is not None:
            chosen.append((check.id, vc))
    if level is Level.RESTRICTED:
        for check in restricted:
            vc = _at(check, version)
            if vc is not None:
                chosen.append((check.id, vc))
        overridden = {o for _, vc in chosen for o in vc.overrides}
        chosen = [(cid, vc) for cid, vc in chosen if cid not in overridden]
    return tuple((cid, vc.check) for cid, vc in chosen)


def evaluate_pod(lv: LevelVersion, pod: PodView, relax: bool = False) -> list[CheckResult]:
    """Every check's result for ``pod`` at ``lv`` (``EvaluatePod``), in order."""
    return [check(pod, relax) for _, check in checks_for(lv.level, lv.version)]


def failed_check_ids(lv: LevelVersion, pod: PodView, relax: bool = False) -> list[str]:
    return [cid for cid, check in checks_for(lv.level, lv.version) if not check(pod, relax).allowed]
