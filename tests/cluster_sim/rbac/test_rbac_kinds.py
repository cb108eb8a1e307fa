"""The RBAC kinds in bundles: validation, defaulting, ClusterRole aggregation."""

from __future__ import annotations

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.errors import BundleError

HEAD = "apiVersion: rbac.authorization.k8s.io/v1\n"


def errors(text: str) -> list[str]:
    with pytest.raises(BundleError) as caught:
        load_bundle([("rbac.yaml", text)])
    return [f"{e.line}:{e.column} {e.message}" for e in caught.value.errors]


def test_a_rule_needs_verbs_groups_and_resources() -> None:
    text = HEAD + "kind: Role\nmetadata:\n  name: r\nrules:\n- resources: [pods]\n  verbs: []\n"
    assert errors(text) == [
        '7:10 The Role "r" is invalid: rules[0].verbs: Required value: verbs must contain at '
        "least one value",
        '6:3 The Role "r" is invalid: rules[0].apiGroups: Required value: resource rules must '
        "supply at least one api group",
    ]


def test_a_role_may_not_name_urls() -> None:
    text = (
        HEAD + "kind: Role\nmetadata:\n  name: r\nrules:\n"
        "- nonResourceURLs: [/healthz]\n  verbs: [get]\n"
    )
    assert [e.split(" ", 1)[1] for e in errors(text)] == [
        'The Role "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: '
        "namespaced rules cannot apply to non-resource URLs"
    ]


def test_binding_role_refs_and_subjects() -> None:
    text = (
        HEAD + "kind: ClusterRoleBinding\nmetadata:\n  name: b\n"
        "roleRef:\n  kind: Role\n  name: r\n"
        "subjects:\n- kind: ServiceAccount\n  name: default\n- kind: Robot\n  name: x\n"
    )
    assert [e.split(" ", 1)[1] for e in errors(text)] == [
        'The ClusterRoleBinding "b" is invalid: roleRef.kind: Unsupported value: "Role": '
        'supported values: "ClusterRole"',
        'The ClusterRoleBinding "b" is invalid: subjects[0].namespace: Required value',
        'The ClusterRoleBinding "b" is invalid: subjects[1].kind: Unsupported value: "Robot": '
        'supported values: "ServiceAccount", "User", "Group"',
    ]


def test_role_ref_api_group_is_defaulted_and_colons_are_valid_names() -> None:
    text = (
        HEAD + "kind: ClusterRoleBinding\nmetadata:\n  name: 'team:viewers'\n"
        "roleRef:\n  kind: ClusterRole\n  name: view\n"
        "subjects:\n- kind: Group\n  name: team\n"
    )
    sim = Simulation(load_bundle([("rbac.yaml", text)]), seed=1)
    stored = sim.store.get("ClusterRoleBinding", "", "team:viewers")
    assert stored is not None
    assert stored.body["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert stored.body["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io"


def test_the_bootstrap_roles_are_aggregated() -> None:
    sim = Simulation(load_bundle([("empty.yaml", "")]), seed=1)

    def rules(name: str) -> list[dict[str, list[str]]]:
        role = sim.store.get("ClusterRole", "", name)
        assert role is not None
        return list(role.body["rules"])

    view, edit, admin = rules("view"), rules("edit"), rules("admin")
    assert view == rules("system:aggregate-to-view")
    # each selector's roles in name order: "edit" before "system:aggregate-to-admin"
    assert edit == rules("system:aggregate-to-edit") + view
    assert admin == edit + rules("system:aggregate-to-admin")


AGGREGATE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels:
    rbac.example.com/aggregate-to-monitoring: "true"
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: [""]
  resources: ["services", "endpoints", "pods"]
  verbs: ["get", "list", "watch"]
"""


def test_an_aggregated_cluster_role_takes_its_selected_roles_rules() -> None:
    sim = Simulation(load_bundle([("agg.yaml", AGGREGATE)]), seed=1)
    sim.advance(1)
    monitoring = sim.store.get("ClusterRole", "", "monitoring")
    assert monitoring is not None
    # the hand-written secrets rule is overwritten, as the controller does
    assert monitoring.body["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["services", "endpoints", "pods"],
            "verbs": ["get", "list", "watch"],
        }
    ]
    view = sim.store.get("ClusterRole", "", "view")
    admin = sim.store.get("ClusterRole", "", "admin")
    assert view is not None and admin is not None
    assert monitoring.body["rules"][0] in view.body["rules"]
    assert monitoring.body["rules"][0] in admin.body["rules"]
