"""DetermineEffectiveSecurityContext: which pod fields reach a container."""

from __future__ import annotations

from cluster_sim.security.context import determine_effective


def test_container_value_wins_and_pod_only_fields_stay_on_the_pod() -> None:
    pod = {
        "securityContext": {
            "runAsUser": 1000,
            "runAsGroup": 3000,
            "runAsNonRoot": True,
            "fsGroup": 2000,
            "supplementalGroups": [4000],
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    }
    container = {
        "name": "c",
        "securityContext": {
            "runAsUser": 2000,
            "allowPrivilegeEscalation": False,
            "capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]},
        },
    }
    sc = determine_effective(pod, container)
    assert (sc.run_as_user, sc.run_as_group, sc.run_as_non_root) == (2000, 3000, True)
    assert (sc.fs_group, sc.supplemental_groups) == (2000, (4000,))
    assert (sc.cap_add, sc.cap_drop) == (("NET_ADMIN",), ("ALL",))
    assert sc.seccomp_profile == "RuntimeDefault"
    assert sc.no_new_privs


def test_container_only_fields_are_not_inherited_and_nothing_set_is_empty() -> None:
    pod = {"securityContext": {"readOnlyRootFilesystem": True, "privileged": True}}
    sc = determine_effective(pod, {"name": "c"})
    assert not sc.read_only_root_filesystem and not sc.privileged
    assert sc.allow_privilege_escalation is None and not sc.no_new_privs
    empty = determine_effective({}, {"name": "c"})
    assert empty.run_as_user is None and empty.seccomp_profile is None


def test_container_seccomp_profile_wins_over_the_pods() -> None:
    pod = {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}
    container = {
        "securityContext": {
            "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/audit.json"}
        }
    }
    assert determine_effective(pod, container).seccomp_profile == "Localhost/profiles/audit.json"
