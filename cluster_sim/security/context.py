"""The kubelet's ``DetermineEffectiveSecurityContext`` (pkg/securitycontext/util.go).

Only ``seLinuxOptions``, ``windowsOptions``, ``runAsUser``, ``runAsGroup`` and
``runAsNonRoot`` pass from the pod's securityContext to a container, and a
container's own value wins. Container-only fields (``capabilities``,
``privileged``, ``readOnlyRootFilesystem``, ``allowPrivilegeEscalation``,
``procMount``) come from the container; pod-only fields (``fsGroup``,
``fsGroupChangePolicy``, ``supplementalGroups``, ``supplementalGroupsPolicy``,
``sysctls``) from the pod. ``seccompProfile`` and ``appArmorProfile``: the
container's, else the pod's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class EffectiveSecurityContext:
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    privileged: bool = False
    read_only_root_filesystem: bool = False
    allow_privilege_escalation: bool | None = None
    proc_mount: str | None = None
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    seccomp_profile: str | None = None  # "RuntimeDefault", "Unconfined", "Localhost/<path>"
    fs_group: int | None = None
    fs_group_change_policy: str | None = None
    supplemental_groups: tuple[int, ...] = ()
    supplemental_groups_policy: str | None = None

    @property
    def no_new_privs(self) -> bool:
        """``AddNoNewPrivileges``: set only when allowPrivilegeEscalation is explicitly false."""
        return self.allow_privilege_escalation is False


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _seccomp(value: Any) -> str | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("type"), str):
        return None
    if value["type"] == "Localhost":
        return f"Localhost/{value.get('localhostProfile', '')}"
    return str(value["type"])


def _section(owner: Mapping[str, Any] | None) -> Mapping[str, Any]:
    sc = owner.get("securityContext") if isinstance(owner, Mapping) else None
    return sc if isinstance(sc, Mapping) else {}


def determine_effective(
    pod_spec: Mapping[str, Any] | None, container: Mapping[str, Any] | None
) -> EffectiveSecurityContext:
    """Merge ``pod_spec.securityContext`` into ``container.securityContext``."""
    pod = _section(pod_spec)
    ctr = _section(container)

    def inherited(key: str) -> Any:
        return ctr[key] if ctr.get(key) is not None else pod.get(key)

    caps = ctr.get("capabilities")
    caps = caps if isinstance(caps, Mapping) else {}
    groups = pod.get("supplementalGroups")
    return EffectiveSecurityContext(
        run_as_user=_int(inherited("runAsUser")),
        run_as_group=_int(inherited("runAsGroup")),
        run_as_non_root=_bool(inherited("runAsNonRoot")),
        privileged=ctr.get("privileged") is True,
        read_only_root_filesystem=ctr.get("readOnlyRootFilesystem") is True,
        allow_privilege_escalation=_bool(ctr.get("allowPrivilegeEscalation")),
        proc_mount=ctr.get("procMount") if isinstance(ctr.get("procMount"), str) else None,
        cap_add=_names(caps.get("add")),
        cap_drop=_names(caps.get("drop")),
        seccomp_profile=_seccomp(ctr.get("seccompProfile")) or _seccomp(pod.get("seccompProfile")),
        fs_group=_int(pod.get("fsGroup")),
        fs_group_change_policy=(
            pod["fsGroupChangePolicy"] if isinstance(pod.get("fsGroupChangePolicy"), str) else None
        ),
        supplemental_groups=tuple(g for g in groups if _int(g) is not None)
        if isinstance(groups, list)
        else (),
        supplemental_groups_policy=(
            pod["supplementalGroupsPolicy"]
            if isinstance(pod.get("supplementalGroupsPolicy"), str)
            else None
        ),
    )
