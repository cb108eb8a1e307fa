"""PodSecurity never raises, whatever shape a manifest has (the store admits controllers' Pods)."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim.admission.podsecurity import PodSecurity

ODD: list[Any] = [
    None,
    [],
    "pod",
    {"metadata": [], "spec": "x"},
    {"spec": {"containers": "x", "initContainers": [None, 1, "a"], "volumes": {"a": 1}}},
    {"spec": {"containers": [{"securityContext": []}], "securityContext": "root"}},
    {"spec": {"containers": [{"name": 1, "securityContext": {"capabilities": "ALL"}}]}},
    {"spec": {"containers": [{"securityContext": {"capabilities": {"add": "NET_RAW"}}}]}},
    {"spec": {"containers": [{"ports": [{"hostPort": [1]}, 5]}]}},
    {"spec": {"securityContext": {"sysctls": [{"name": None}, "x"], "seccompProfile": 1}}},
    {"spec": {"volumes": [None, {"name": ["v"]}, {"hostPath": None}]}},
    {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": None}}},
    {"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "\x00\u2028"}}},
    {"spec": {"containers": [{"securityContext": {"seLinuxOptions": {"type": {}, "user": 1}}}]}},
    {"spec": {"os": "windows", "hostUsers": "false", "hostNetwork": "true"}},
]


@pytest.mark.parametrize("manifest", ODD)
@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_any_shape_gets_an_answer(manifest: Any, level: str) -> None:
    labels = {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/audit": level,
    }
    decision = PodSecurity().validate_pod("ns", labels, manifest)
    assert decision.code in (200, 403)
    assert PodSecurity().validate_pod_controller("ns", labels, manifest).allowed


def test_a_non_printable_annotation_value_is_quoted_as_go_does() -> None:
    pod = {"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": 'a"\x00\n'}}}
    # the seccomp annotations are checked up to v1.18 (seccompProfileBaseline_1_0)
    labels = {
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": "v1.18",
    }
    assert PodSecurity().validate_pod("ns", labels, pod).warnings == (
        'would violate PodSecurity "baseline:v1.18": seccompProfile (forbidden annotation '
        'seccomp.security.alpha.kubernetes.io/pod="a\\"\\x00\\n")',
    )


@pytest.mark.parametrize(
    ("version", "warned"),
    [("v1.31", True), ("v1.32", False), ("latest", False), ("v1.40", False)],
)
def test_the_version_label_picks_the_checks_of_that_release(version: str, warned: bool) -> None:
    pod = {"spec": {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_rmem", "value": "1"}]}}}
    labels = {
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": version,
    }
    warnings = PodSecurity().validate_pod("ns", labels, pod).warnings
    expected = (
        f'would violate PodSecurity "baseline:{version}": forbidden sysctls (net.ipv4.tcp_rmem)',
    )
    assert warnings == (expected if warned else ())
