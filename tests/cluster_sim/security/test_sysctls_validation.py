"""spec.securityContext: sysctls (validateSysctls, ValidateHostSysctl), the pod-level id
ranges (IsValidUserID / IsValidGroupID) and the policy enums, as the API server words them."""

from __future__ import annotations

import pytest

from cluster_sim.sysctl_names import Namespace, namespaced_by, to_dots
from cluster_sim.validation import validate_document
from cluster_sim.yamlsource import load_documents

POD = """apiVersion: v1
kind: Pod
metadata: {name: x}
spec:%s
  securityContext: %s
  containers:
  - name: c
    image: busybox
"""
PREFIX = 'The Pod "x" is invalid: '
REGEX = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"


def errors_of(context: str, spec_extra: str = "") -> list[str]:
    (doc,) = load_documents("pod.yaml", POD % (spec_extra, context))
    return [e.message for e in validate_document(doc)]


def test_safe_and_unsafe_names_both_pass_the_api_server() -> None:
    # The API server checks the form only: whether the node allows it is the kubelet's call.
    ok = (
        "{sysctls: [{name: kernel.shm_rmid_forced, value: '1'}, "
        "{name: kernel.msgmax, value: '65536'}]}"
    )
    assert errors_of(ok) == []
    assert errors_of("{sysctls: [{name: net/ipv4/ip_local_port_range, value: '1024 65535'}]}") == []


def test_a_bad_name_quotes_the_anchored_regexp() -> None:
    assert errors_of("{sysctls: [{name: Net.IPv4.foo, value: '1'}]}") == [
        PREFIX + 'spec.securityContext.sysctls[0].name: Invalid value: "Net.IPv4.foo": '
        f"must have at most 253 characters and match regex {REGEX}"
    ]


def test_too_long_a_name() -> None:
    name = "net." + "a" * 250
    assert errors_of("{sysctls: [{name: " + name + ", value: '1'}]}") == [
        PREFIX + f'spec.securityContext.sysctls[0].name: Invalid value: "{name}": '
        f"must have at most 253 characters and match regex {REGEX}"
    ]


def test_empty_and_duplicate_names() -> None:
    context = (
        "{sysctls: [{name: '', value: '1'}, {name: net.ipv4.tcp_syncookies, value: '1'}, "
        "{name: net.ipv4.tcp_syncookies, value: '0'}]}"
    )
    assert errors_of(context) == [
        PREFIX + "spec.securityContext.sysctls[0].name: Required value",
        PREFIX + 'spec.securityContext.sysctls[2].name: Duplicate value: "net.ipv4.tcp_syncookies"',
    ]


def test_namespaced_sysctls_with_the_host_namespaces() -> None:
    assert errors_of(
        "{sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}]}", "\n  hostNetwork: true"
    ) == [
        PREFIX + "spec.securityContext.sysctls[0].name: Invalid value: "
        "\"net.ipv4.tcp_syncookies\": may not be specified when 'hostNetwork' is true"
    ]
    assert errors_of(
        "{sysctls: [{name: kernel.shm_rmid_forced, value: '1'}]}", "\n  hostIPC: true"
    ) == [
        PREFIX + "spec.securityContext.sysctls[0].name: Invalid value: "
        "\"kernel.shm_rmid_forced\": may not be specified when 'hostIPC' is true"
    ]
    # an ipc sysctl with hostNetwork only is fine
    assert errors_of("{sysctls: [{name: kernel.sem, value: '1'}]}", "\n  hostNetwork: true") == []


@pytest.mark.parametrize(
    ("name", "namespace"),
    [
        ("kernel.sem", Namespace.IPC),
        ("kernel.shmmax", Namespace.IPC),
        ("kernel.msgmax", Namespace.IPC),
        ("fs.mqueue.msg_max", Namespace.IPC),
        ("net.core.somaxconn", Namespace.NET),
        ("net/ipv4/ip_forward", Namespace.NET),
        ("vm.swappiness", Namespace.UNKNOWN),
        ("kernel.hostname", Namespace.UNKNOWN),
    ],
)
def test_namespaced_by(name: str, namespace: Namespace) -> None:
    assert namespaced_by(to_dots(name)) is namespace


def test_slash_names_swap_separators() -> None:
    assert to_dots("net/ipv4/conf/eno2.100/rp_filter") == "net.ipv4.conf.eno2/100.rp_filter"
    assert to_dots("net.ipv4.conf.eno2/100.rp_filter") == "net.ipv4.conf.eno2/100.rp_filter"


def test_pod_level_ids_are_int32_like_the_container_ones() -> None:
    context = (
        "{fsGroup: 2147483648, runAsUser: -1, runAsGroup: 4294967295, "
        "supplementalGroups: [1, 2147483648]}"
    )
    assert errors_of(context) == [
        PREFIX + f"spec.securityContext.{field}: Invalid value: {value}: must be between 0 "
        "and 2147483647, inclusive"
        for field, value in (
            ("fsGroup", 2147483648),
            ("runAsUser", -1),
            ("runAsGroup", 4294967295),
            ("supplementalGroups[1]", 2147483648),
        )
    ]
    assert errors_of("{runAsUser: 2147483647, fsGroup: 0}") == []


def test_policies_and_seccomp_type() -> None:
    assert errors_of("{fsGroupChangePolicy: Sometimes}") == [
        PREFIX + 'spec.securityContext.fsGroupChangePolicy: Unsupported value: "Sometimes": '
        'supported values: "Always", "OnRootMismatch"'
    ]
    assert errors_of("{supplementalGroupsPolicy: Loose}") == [
        PREFIX + 'spec.securityContext.supplementalGroupsPolicy: Unsupported value: "Loose": '
        'supported values: "Merge", "Strict"'
    ]
    assert errors_of("{seccompProfile: {localhostProfile: x.json}}") == [
        PREFIX + "spec.securityContext.seccompProfile.type: Required value: type is required "
        "when seccompProfile is set",
        PREFIX + "spec.securityContext.seccompProfile.localhostProfile: "
        "Invalid value: can only be set when seccomp type is Localhost",
    ]
