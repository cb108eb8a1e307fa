"""The RBAC tables of classed-society-cases.json, case by case.

``rbac_rule_match`` (``TestRuleMatches``), ``rbac_authorize``
(``TestAuthorizer``), ``rbac_forbidden_body`` (``TestForbidden``, byte for
byte) and ``rbac_default_serviceaccount`` (the bootstrap policy and the
default ServiceAccount: decision, 403 body, and the request line parsed into
the same attributes).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cluster_sim.rbac.authorizer import Policy, authorize
from cluster_sim.rbac.bootstrap import cluster_role_bindings, cluster_roles
from cluster_sim.rbac.requestinfo import request_info
from cluster_sim.rbac.rules import Attributes, PolicyRule, UserInfo, rule_allows
from cluster_sim.rbac.status import body, forbidden_status
from tests.cluster_sim.reference_cases import load


def cases(table: str) -> list[dict[str, Any]]:
    return [c for c in load("classed-society-cases.json")["cases"] if c["table"] == table]


def ids(case: dict[str, Any]) -> str:
    return case["source"].rsplit("::", 1)[-1][:60]


def attributes(request: dict[str, Any], user: UserInfo) -> Attributes:
    return Attributes(
        user=user,
        verb=request["verb"],
        resource_request=request["resourceRequest"],
        namespace=request.get("namespace", ""),
        api_group=request.get("apiGroup", ""),
        resource=request.get("resource", ""),
        subresource=request.get("subresource", ""),
        name=request.get("name", ""),
        path=request.get("path", ""),
    )


def key(request: Attributes) -> tuple[object, ...]:
    """What the table's request names: the path only for a non-resource request."""
    fields = (request.verb, request.namespace, request.api_group, request.resource)
    if not request.resource_request:
        return (False, request.verb, request.path)
    return (True, *fields, request.subresource, request.name)


def policy(spec: dict[str, Any]) -> Policy:
    return Policy.from_manifests(
        spec.get("clusterRoles", []),
        spec.get("roles", []),
        spec.get("clusterRoleBindings", []),
        spec.get("roleBindings", []),
    )


def test_the_tables_have_their_counts() -> None:
    counts = {t: len(cases(t)) for t in ("rbac_rule_match", "rbac_authorize")}
    counts |= {t: len(cases(t)) for t in ("rbac_forbidden_body", "rbac_default_serviceaccount")}
    assert counts == {
        "rbac_rule_match": 70,
        "rbac_authorize": 34,
        "rbac_forbidden_body": 5,
        "rbac_default_serviceaccount": 25,
    }


@pytest.mark.parametrize("case", cases("rbac_rule_match"), ids=ids)
def test_rule_match(case: dict[str, Any]) -> None:
    rule = PolicyRule.from_manifest(case["input"]["rule"])
    request = attributes(case["input"]["request"], UserInfo("someone"))
    assert rule_allows(request, rule) is case["expected"]["allowed"]


@pytest.mark.parametrize("case", cases("rbac_authorize"), ids=ids)
def test_authorize(case: dict[str, Any]) -> None:
    user = UserInfo(case["input"]["user"]["name"], tuple(case["input"]["user"]["groups"]))
    decision = authorize(
        policy(case["input"]["policy"]), attributes(case["input"]["request"], user)
    )
    assert decision.allowed is case["expected"]["allowed"]


@pytest.mark.parametrize("case", cases("rbac_forbidden_body"), ids=ids)
def test_forbidden_body(case: dict[str, Any]) -> None:
    given = case["input"]["attributes"]
    request = attributes(given, UserInfo(given["user"]))
    status = forbidden_status(request, case["input"]["reason"])
    assert status["code"] == case["expected"]["http_status"]
    assert body(status) == case["expected"]["body"]
    assert json.loads(body(status)) == case["expected"]["body_json"]


def test_the_bootstrap_policy_is_the_tables_policy() -> None:
    """The four roles and bindings the table names are the cluster's, rule for rule."""
    spec = cases("rbac_default_serviceaccount")[0]["input"]["policy"]
    ours_roles = {r["metadata"]["name"]: r["rules"] for r in cluster_roles()}
    for role in spec["clusterRoles"]:
        assert ours_roles[role["name"]] == role["rules"]
    ours_bindings = {b["metadata"]["name"]: b for b in cluster_role_bindings()}
    for binding in spec["clusterRoleBindings"]:
        mine = ours_bindings[binding["name"]]
        assert mine["roleRef"]["name"] == binding["roleRef"]["name"]
        assert [(s["kind"], s["name"]) for s in mine["subjects"]] == [
            (s["kind"], s["name"]) for s in binding["subjects"]
        ]


@pytest.mark.parametrize(
    "case", cases("rbac_default_serviceaccount"), ids=lambda c: c["input"]["http"]
)
def test_default_serviceaccount(case: dict[str, Any]) -> None:
    given = case["input"]
    user = UserInfo(given["user"]["name"], tuple(given["user"]["groups"]))
    bootstrap = Policy.from_manifests(cluster_roles(), (), cluster_role_bindings(), ())
    method, target = given["http"].split(" ")[:2]
    info = request_info(method, target)
    request = info.attributes(user)
    assert key(request) == key(attributes(given["request"], user))
    decision = authorize(bootstrap, request)
    assert decision.allowed is case["expected"]["allowed"]
    assert authorize(policy(given["policy"]), request).allowed is case["expected"]["allowed"]
    if not decision.allowed:
        assert forbidden_status(request, decision.reason) == case["expected"]["body_derived"]
