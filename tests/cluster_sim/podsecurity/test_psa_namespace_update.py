"""Relabelling a Namespace: the dry run of a stricter enforce level over its Pods."""

from __future__ import annotations

from typing import Any

from cluster_sim.admission.apply import relabel_namespace

ENFORCE = "pod-security.kubernetes.io/enforce"


def pod(name: str, **spec: Any) -> tuple[str, dict[str, Any]]:
    return name, {
        "metadata": {"name": name},
        "spec": {"containers": [{"name": name, "image": "nginx"}], **spec},
    }


def test_a_stricter_level_lists_the_pods_that_would_be_refused_grouped_by_reasons() -> None:
    pods = [
        pod("web-b"),
        pod("web-a"),
        pod("agent", hostNetwork=True),
        pod("web-c"),
    ]
    ok, lines = relabel_namespace("shop", {}, {ENFORCE: "baseline"}, pods)
    assert ok
    assert lines == (
        'Warning: existing pods in namespace "shop" violate the new PodSecurity enforce '
        'level "baseline:latest"',
        "Warning: agent: host namespaces",
    )
    ok, lines = relabel_namespace("shop", {}, {ENFORCE: "restricted"}, pods)
    assert lines == (
        'Warning: existing pods in namespace "shop" violate the new PodSecurity enforce '
        'level "restricted:latest"',
        "Warning: agent: host namespaces, allowPrivilegeEscalation != false, "
        "unrestricted capabilities, runAsNonRoot != true, seccompProfile",
        "Warning: web-a (and 2 other pods): allowPrivilegeEscalation != false, "
        "unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    )


def test_a_relaxed_or_unchanged_level_checks_nothing() -> None:
    pods = [pod("agent", hostNetwork=True)]
    assert relabel_namespace("shop", {ENFORCE: "baseline"}, {ENFORCE: "baseline"}, pods) == (
        True,
        (),
    )
    assert relabel_namespace("shop", {ENFORCE: "restricted"}, {ENFORCE: "baseline"}, pods) == (
        True,
        (),
    )
    assert relabel_namespace("shop", {ENFORCE: "baseline"}, {}, pods) == (True, ())


def test_one_other_pod_is_singular() -> None:
    _, lines = relabel_namespace(
        "shop", {}, {ENFORCE: "baseline"}, [pod("b", hostPID=True), pod("a", hostPID=True)]
    )
    assert lines[-1] == "Warning: a (and 1 other pod): host namespaces"


def test_new_bad_labels_are_refused() -> None:
    ok, lines = relabel_namespace("shop", {}, {ENFORCE: "strict"}, [])
    assert not ok
    assert lines == (
        'Namespace "shop" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: '
        'Invalid value: "strict": must be one of privileged, baseline, restricted',
    )
