"""PodSecurity at a bundle's admission: what kubectl apply -f prints, and what is created."""

from __future__ import annotations

import pytest

from cluster_sim import BundleError, load_bundle

RESTRICTED_DETAIL = (
    'allowPrivilegeEscalation != false (container "x" must set '
    "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
    '(container "x" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true '
    '(pod or container "x" must set securityContext.runAsNonRoot=true), seccompProfile '
    '(pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" '
    'or "Localhost")'
)


def namespace(name: str, **labels: str) -> str:
    lines = "".join(
        f"    pod-security.kubernetes.io/{k.replace('_', '-')}: {v}\n" for k, v in labels.items()
    )
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n{lines}---\n"


def pod(name: str, ns: str, extra: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
        f"{extra}  containers:\n  - name: {name}\n    image: nginx\n---\n"
    )


RESTRICTED_OK = (
    "  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n"
)


def test_enforce_refuses_the_pod_with_the_api_servers_message_and_the_rest_runs() -> None:
    text = namespace("secure", enforce="restricted") + pod("x", "secure") + pod("z", "default")
    bundle = load_bundle([("f.yaml", text)])
    assert [p.name for p in bundle.pods] == ["z"]
    (refused,) = bundle.warnings
    assert (refused.line, refused.code) == (9, "pod-security-forbidden")
    assert refused.message == (
        'Error from server (Forbidden): error when creating "f.yaml": pods "x" is forbidden: '
        f'violates PodSecurity "restricted:latest": {RESTRICTED_DETAIL}'
    )
    assert bundle.notices[0] == f"f.yaml:9:7: {refused.message}"


def test_warn_creates_the_pod_and_prints_kubectls_warning() -> None:
    text = namespace("watched", warn="restricted") + pod("x", "watched")
    bundle = load_bundle([("f.yaml", text)])
    assert [p.name for p in bundle.pods] == ["x"]
    assert [(w.line, w.code, w.message) for w in bundle.warnings] == [
        (
            9,
            "pod-security-warning",
            f'Warning: would violate PodSecurity "restricted:latest": {RESTRICTED_DETAIL}',
        )
    ]


def test_a_pod_that_meets_restricted_gets_no_message() -> None:
    pod_ok = pod("x", "secure", RESTRICTED_OK).replace(
        "    image: nginx\n",
        "    image: nginx\n    securityContext:\n      allowPrivilegeEscalation: false\n"
        "      capabilities: {drop: [ALL]}\n",
    )
    bundle = load_bundle([("f.yaml", namespace("secure", enforce="restricted") + pod_ok)])
    assert bundle.warnings == ()
    assert [p.name for p in bundle.pods] == ["x"]


def test_baseline_with_a_version_names_it_and_only_baseline_checks_count() -> None:
    text = namespace("b", enforce="baseline", enforce_version="v1.30") + pod(
        "x", "b", "  hostNetwork: true\n"
    )
    bundle = load_bundle([("f.yaml", text)])
    (refused,) = bundle.warnings
    assert refused.message.endswith(
        'pods "x" is forbidden: violates PodSecurity "baseline:v1.30": '
        "host namespaces (hostNetwork=true)"
    )


@pytest.mark.parametrize(
    ("kind", "api", "spec"),
    [
        (
            "Deployment",
            "apps/v1",
            "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n"
            "    spec:\n      containers: [{name: x, image: nginx}]\n",
        ),
        (
            "CronJob",
            "batch/v1",
            "  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
            "        spec:\n          restartPolicy: Never\n"
            "          containers: [{name: x, image: nginx}]\n",
        ),
    ],
)
def test_a_workload_template_is_warned_about_never_enforced(kind: str, api: str, spec: str) -> None:
    workload = (
        f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: w\n  namespace: secure\nspec:\n{spec}"
    )
    bundle = load_bundle([("f.yaml", namespace("secure", enforce="restricted") + workload)])
    assert [k for k, _ in bundle.workloads] == [kind]
    # warn follows enforce: the namespace's warn level is restricted too
    assert [(w.line, w.message) for w in bundle.warnings] == [
        (9, f'Warning: would violate PodSecurity "restricted:latest": {RESTRICTED_DETAIL}')
    ]


def test_a_namespace_with_a_bad_policy_label_is_invalid() -> None:
    with pytest.raises(BundleError) as info:
        load_bundle([("f.yaml", namespace("a", enforce="strict"))])
    (error,) = info.value.errors
    assert (error.line, error.code) == (6, "FieldValueInvalid")
    assert error.message == (
        'Namespace "a" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: '
        'Invalid value: "strict": must be one of privileged, baseline, restricted'
    )


def test_messages_come_in_document_order_with_the_skipped_kinds() -> None:
    ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n---\n"
    text = namespace("w", warn="baseline") + pod("x", "w", "  hostPID: true\n") + ingress
    bundle = load_bundle([("f.yaml", text)])
    assert [(w.line, w.code) for w in bundle.warnings] == [
        (9, "pod-security-warning"),
        (20, "unsupported-kind"),
    ]
    assert bundle.warnings[0].message == (
        'Warning: would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)'
    )
