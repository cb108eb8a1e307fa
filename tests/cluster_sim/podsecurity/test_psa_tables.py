"""The Pod Security Admission tables of classed-society-cases.json, every case.

psa_check (one upstream check function on one Pod), psa_fixture (the upstream
fixtures at baseline/restricted:latest, with the warning and enforce texts),
psa_namespace_labels (TestPolicyToEvaluate) and psa_admission_message
(TestValidateNamespace).
"""

from __future__ import annotations

from typing import Any

import pytest
from reference_cases import load

from cluster_sim.admission.podsecurity import PodSecurity, policy_to_evaluate
from cluster_sim.admission.podsecurity.admission import defaulted
from cluster_sim.admission.podsecurity.levels import Policy, parse_level_version
from cluster_sim.admission.podsecurity.podspec import PodView
from cluster_sim.admission.podsecurity.registry import (
    CHECK_FUNCTIONS,
    evaluate_pod,
    failed_check_ids,
)
from cluster_sim.admission.podsecurity.results import aggregate


def _table(name: str) -> list[dict[str, Any]]:
    return [c for c in load("classed-society-cases.json")["cases"] if c["table"] == name]


def _id(case: dict[str, Any]) -> str:
    return str(case["source"]).split("::")[-1].split("/testdata/")[-1].split(" (")[0]


def test_the_tables_are_all_there() -> None:
    assert [len(_table(t)) for t in ("psa_check", "psa_fixture")] == [65, 128]
    assert [len(_table(t)) for t in ("psa_namespace_labels", "psa_admission_message")] == [11, 3]


@pytest.mark.parametrize("case", _table("psa_check"), ids=_id)
def test_psa_check(case: dict[str, Any]) -> None:
    check = CHECK_FUNCTIONS[case["input"]["check_function"]]
    relax = bool(case["input"].get("relax_policy_for_user_namespace_pods", False))
    result = check(PodView.of(case["input"]["pod"]), relax)
    expected = case["expected"]
    assert result.allowed is expected["allowed"]
    if not expected["allowed"]:
        assert result.forbidden_reason == expected["forbidden_reason"]
        assert result.forbidden_detail == expected["forbidden_detail"]


@pytest.mark.parametrize("case", _table("psa_fixture"), ids=_id)
def test_psa_fixture(case: dict[str, Any]) -> None:
    pod = case["input"]["pod"]
    lv = parse_level_version(f"{case['input']['level']}:{case['input']['version']}")
    view = defaulted(PodView.of(pod))
    expected = case["expected"]
    result = aggregate(evaluate_pod(lv, view))
    assert result.allowed is expected["allowed"]
    if expected["allowed"]:
        return
    assert failed_check_ids(lv, view) == expected["failed_checks_derived"]
    assert result.forbidden_detail() == expected["forbidden_detail_derived"]
    labels = {"pod-security.kubernetes.io/enforce": lv.level.value}
    enforced = PodSecurity().validate_pod("ns", labels, pod)
    assert (enforced.allowed, enforced.code) == (False, 403)
    assert enforced.message == expected["enforce_message_derived"]
    assert enforced.warnings == ()  # an enforce failure adds no warnings
    warned = PodSecurity().validate_pod(
        "ns", {"pod-security.kubernetes.io/warn": lv.level.value}, pod
    )
    assert warned.allowed
    assert warned.warnings == (expected["warning_derived"],)


@pytest.mark.parametrize("case", _table("psa_namespace_labels"), ids=_id)
def test_psa_namespace_labels(case: dict[str, Any]) -> None:
    d = case["input"]["defaults"]
    defaults = Policy(
        parse_level_version(d["enforce"]),
        parse_level_version(d["audit"]),
        parse_level_version(d["warn"]),
    )
    policy, errors = policy_to_evaluate(case["input"]["namespace_labels"], defaults)
    expected = case["expected"]
    assert [str(policy.enforce), str(policy.warn), str(policy.audit)] == [
        expected["enforce"],
        expected["warn"],
        expected["audit"],
    ]
    assert bool(errors) is expected["label_error"]


@pytest.mark.parametrize("case", _table("psa_admission_message"), ids=_id)
def test_psa_admission_message(case: dict[str, Any]) -> None:
    given = case["input"]
    plugin = PodSecurity(exempt_namespaces=frozenset(given.get("exempt_namespaces", ())))
    if given["operation"] == "CREATE namespace":
        decision = plugin.validate_namespace_create(given["namespace"], given["new_labels"])
    else:
        decision = plugin.validate_namespace_update(
            given["namespace"], given["old_labels"], given["new_labels"]
        )
    expected = case["expected"]
    assert decision.allowed is expected["allowed"]
    if "warnings" in expected:
        assert list(decision.warnings) == expected["warnings"]
    if not expected["allowed"]:
        assert expected["error_contains"] in decision.message
        assert decision.message == expected["message_derived"]
        assert decision.code == expected["code_derived"]
