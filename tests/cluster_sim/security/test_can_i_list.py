"""kubectl auth can-i --list: a SelfSubjectRulesReview printed as kubectl v0.33's
printStatus does (BreakdownRule, CompactRules, sorted by PolicyRule.String(),
tabwriter padding 3)."""

from __future__ import annotations

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.auth import breakdown, compact, rules_table
from cluster_sim.kubectl.command_line import kubectl_text
from cluster_sim.rbac.rules import PolicyRule

ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments]
  resourceNames: [web]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: ServiceAccount, name: default, namespace: default}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
"""
SA = "--as=system:serviceaccount:default:default"
# What every authenticated ServiceAccount may do on a v1.33 cluster (system:basic-user,
# system:discovery, system:public-info-viewer, system:service-account-issuer-discovery).
BASE_GETS = [
    "/.well-known/openid-configuration/",
    "/.well-known/openid-configuration",
    "/api/*",
    "/api",
    "/apis/*",
    "/apis",
    "/healthz",
    "/healthz",
    "/livez",
    "/livez",
    "/openapi/*",
    "/openapi",
    "/openid/v1/jwks/",
    "/openid/v1/jwks",
    "/readyz",
    "/readyz",
    "/version/",
    "/version/",
    "/version",
    "/version",
]


def kubectl(bundle: str, command: str) -> tuple[int, str]:
    sim = Simulation(load_bundle([("t.yaml", bundle)]), seed=0, horizon=5)
    sim.advance(5)
    return kubectl_text(sim.store, sim.cluster.recorder, 5000, command)


def rows(text: str) -> list[list[str]]:
    """The cells of each line; an empty Resources cell is kept as ""."""
    return [([""] if line.startswith(" ") else []) + line.split() for line in text.splitlines()]


def test_the_default_service_account_lists_only_the_bootstrap_rules() -> None:
    status, text = kubectl(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", f"auth can-i --list {SA}"
    )
    assert status == 0
    lines = text.splitlines()
    assert lines[0] == (
        "Resources                                       Non-Resource URLs"
        "                      Resource Names   Verbs"
    )
    assert lines[1] == (
        "selfsubjectreviews.authentication.k8s.io        []"
        "                                     []               [create]"
    )
    assert [r[1] for r in rows(text)[1:]] == ["[]"] * 3 + [f"[{u}]" for u in BASE_GETS]
    assert all(r[-1] == "[get]" for r in rows(text)[4:])
    assert "pods" not in text


def test_a_role_binding_adds_its_rules_compacted_and_sorted() -> None:
    status, text = kubectl(ROLE, f"auth can-i --list {SA}")
    assert status == 0
    lines = text.splitlines()
    # pods/log sorts before pods: '/' < ']' in "Resources:[pods/log]" vs "Resources:[pods]".
    assert lines[4:6] == [
        "pods/log                                        []"
        "                                     []               [get list watch]",
        "pods                                            []"
        "                                     []               [get list watch]",
    ]
    # A named resource's [get] sorts after the non-resource [get] rows ("APIGroups:[]" < "[apps]").
    assert lines[-1] == (
        "deployments.apps                                []"
        "                                     [web]            [get]"
    )


def test_the_admin_has_everything() -> None:
    status, text = kubectl(ROLE, "auth can-i --list")
    assert status == 0
    assert text.splitlines()[:3] == [
        "Resources                                       Non-Resource URLs   Resource Names"
        "   Verbs",
        "*.*                                             []                  []               [*]",
        "                                                [*]                 []               [*]",
    ]


def test_another_namespace_does_not_see_the_role_binding() -> None:
    _, text = kubectl(ROLE, f"auth can-i --list {SA} -n kube-system --no-headers")
    assert not text.startswith("Resources")
    assert "pods" not in text


@pytest.mark.parametrize(
    ("command", "output"),
    [
        ("auth can-i --list pods", "error: list option must be specified with no arguments\n"),
        (
            "auth can-i --list -A",
            "error: list option can't be specified with neither quiet, all-namespaces nor "
            "subresource options\n",
        ),
        (
            "auth can-i get pods --no-headers",
            "error: --no-headers cannot be set without --list specified\n",
        ),
    ],
)
def test_list_flag_errors(command: str, output: str) -> None:
    assert kubectl(ROLE, command) == (1, output)


def test_breakdown_and_compact() -> None:
    rule = PolicyRule(("get", "list"), ("", "apps"), ("pods",), ("a", "b"), ())
    pieces = breakdown(rule)
    assert len(pieces) == 8
    merged = compact(pieces)
    assert PolicyRule(("get", "list"), ("",), ("pods",), ("a",)) in merged
    assert rules_table([], no_headers=True) == ""
