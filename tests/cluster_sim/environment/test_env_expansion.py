"""cluster_sim.environment.expansion reproduces Kubernetes' $(VAR) expansion.

Cases: pod-environment-cases.json topic ``env_expansion`` (expand_test.go
doExpansionTest, TestMappingDual and TestMapReference).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from reference_cases import load

from cluster_sim.environment.expansion import (
    ExpansionError,
    expand,
    expand_container_command_and_args,
    expand_env_values,
    expand_subpath_expr,
    mapping_func_for,
)

CASES_FILE = "pod-environment-cases.json"

CASES = [c for c in load(CASES_FILE) if c["topic"] == "env_expansion"]


def case_name(case: dict[str, Any]) -> str:
    quoted = re.search(r"case '(.+)'$", case["source"])
    return quoted.group(1) if quoted else case["source"].rsplit(" ", 1)[-1]


def params(predicate: Any) -> list[Any]:
    chosen = [
        pytest.param(case, id=f"env_expansion/{case_name(case)}")
        for case in CASES
        if predicate(case)
    ]
    assert chosen
    return chosen


def test_every_case_is_used() -> None:
    assert len(CASES) == 38
    assert all("mapping" in c["input"] or "env_in_order" in c["input"] for c in CASES)


@pytest.mark.parametrize("case", params(lambda c: "mapping" in c["input"]))
def test_expand(case: dict[str, Any]) -> None:
    mapping = case["input"]["mapping"]
    value = case["input"]["value"]
    assert expand(value, mapping_func_for(mapping)) == case["expected"]["expanded"]


@pytest.mark.parametrize("case", params(lambda c: "mapping" in c["input"]))
def test_expand_with_the_mapping_split_in_two(case: dict[str, Any]) -> None:
    """TestMappingDual: the same results when the variables come from two maps."""
    items = sorted(case["input"]["mapping"].items())
    first, second = dict(items[: len(items) // 2]), dict(items[len(items) // 2 :])
    got = expand(case["input"]["value"], mapping_func_for(first, second))
    assert got == case["expected"]["expanded"]


@pytest.mark.parametrize("case", params(lambda c: "env_in_order" in c["input"]))
def test_map_reference(case: dict[str, Any]) -> None:
    """Each variable sees the ones declared before it, already expanded."""
    assert expand_env_values(case["input"]["env_in_order"], {}) == case["expected"]


# kubelet helpers built on Expand (pod-environment.md section 2.4) -------------------


def test_earlier_contexts_win_and_later_ones_fill_in() -> None:
    declared = {"HOST": "db"}
    service_env = {"HOST": "ignored", "TEST_SERVICE_PORT": "8083"}
    assert expand("$(HOST):$(TEST_SERVICE_PORT)", mapping_func_for(declared, service_env)) == (
        "db:8083"
    )


def test_out_of_order_references_stay_literal() -> None:
    env = [
        {"name": "OUT_OF_ORDER_TEST", "value": "$(OUT_OF_ORDER_TARGET)"},
        {"name": "OUT_OF_ORDER_TARGET", "value": "FOO"},
    ]
    assert expand_env_values(env)["OUT_OF_ORDER_TEST"] == "$(OUT_OF_ORDER_TARGET)"


def test_command_and_args_use_the_final_environment() -> None:
    container = {"command": ["echo", "$(GREETING)"], "args": ["$$(GREETING)", "$(MISSING)"]}
    env = [{"name": "GREETING", "value": "hello"}]
    assert expand_container_command_and_args(container, env) == (
        ["echo", "hello"],
        ["$(GREETING)", "$(MISSING)"],
    )


def test_subpath_expr_rejects_undefined_and_empty_variables() -> None:
    env = [{"name": "POD", "value": "web-0"}, {"name": "EMPTY", "value": ""}]
    assert expand_subpath_expr("logs/$(POD)", env) == "logs/web-0"
    with pytest.raises(ExpansionError, match=r"^missing value for EMPTY, NOPE$"):
        expand_subpath_expr("$(NOPE)/$(EMPTY)", env)
