"""securityContext fields the API server refuses (ValidateSecurityContext)."""

from __future__ import annotations

from cluster_sim.validation import validate_document
from cluster_sim.yamlsource import load_documents

POD = """apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers:
  - name: c
    image: busybox
    securityContext: %s
"""


def errors_of(context: str) -> list[str]:
    (doc,) = load_documents("pod.yaml", POD % context)
    return [e.message for e in validate_document(doc)]


def test_allow_privilege_escalation_false_conflicts_with_privileged() -> None:
    assert errors_of("{allowPrivilegeEscalation: false, privileged: true}") == [
        'The Pod "x" is invalid: spec.containers[0].securityContext: Invalid value: '
        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
    ]


def test_only_the_cap_sys_admin_spelling_conflicts() -> None:
    spelled = "{allowPrivilegeEscalation: false, capabilities: {add: [CAP_SYS_ADMIN]}}"
    assert errors_of(spelled) == [
        'The Pod "x" is invalid: spec.containers[0].securityContext: Invalid value: '
        "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"
    ]
    assert errors_of("{allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}") == []


def test_proc_mount_seccomp_and_user_range() -> None:
    assert errors_of("{procMount: Weird}") == [
        'The Pod "x" is invalid: spec.containers[0].securityContext.procMount: Unsupported '
        'value: "Weird": supported values: "Default", "Unmasked"'
    ]
    assert errors_of("{seccompProfile: {type: Localhost}}") == [
        'The Pod "x" is invalid: spec.containers[0].securityContext.seccompProfile'
        ".localhostProfile: Required value: must be set when seccomp type is Localhost"
    ]
    assert errors_of("{runAsUser: 2147483648}") == [
        'The Pod "x" is invalid: spec.containers[0].securityContext.runAsUser: Invalid value: '
        "2147483648: must be between 0 and 2147483647, inclusive"
    ]
    assert errors_of("{runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}") == []
