"""cluster_sim.environment.service_links reproduces the kubelet's service variables.

Cases: pod-environment-cases.json topic ``service_env`` (envvars_test.go
TestFromServices, kubelet_pods_test.go TestMakeEnvironmentVariables, and
envvars.go itself).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from reference_cases import load

from cluster_sim.environment.expansion import expand_env_values
from cluster_sim.environment.service_links import (
    ServiceEnvError,
    from_services,
    make_env_variable_name,
    merge_service_env,
    service_env_var_map,
)

CASES_FILE = "pod-environment-cases.json"

CASES = [c for c in load(CASES_FILE) if c["topic"] == "service_env"]
# Later TestMakeEnvironmentVariables rows say "same": the first row's service table.
SERVICES_TABLE = next(
    c["input"]["services_table"]
    for c in CASES
    if isinstance(c["input"].get("services_table"), list)
)


def case_name(case: dict[str, Any]) -> str:
    source = case["source"]
    quoted = re.search(r"case ['\"](.+?)['\"](?: \(|$)", source)
    if quoted:
        return quoted.group(1)
    if "TestFromServices" in source:
        return "TestFromServices"
    detail = re.search(r"envvars\.go (.+)$", source)
    assert detail, source
    return "envvars.go " + detail.group(1).split(" (current")[0]


def params(predicate: Any) -> list[Any]:
    chosen = [
        pytest.param(case, id=f"service_env/{case_name(case)}") for case in CASES if predicate(case)
    ]
    assert chosen
    return chosen


def is_from_services(case: dict[str, Any]) -> bool:
    return case["input"].get("function") == "envvars.FromServices"


def is_env_set(case: dict[str, Any]) -> bool:
    return "env_set" in case["expected"]


def is_error(case: dict[str, Any]) -> bool:
    return "error" in case["expected"]


def test_every_case_is_used() -> None:
    assert len(CASES) == 13
    for case in CASES:
        kinds = [
            is_from_services(case),
            is_env_set(case),
            is_error(case),
            case["input"].get("function") == "makeEnvVariableName",
        ]
        assert kinds.count(True) == 1, case["source"]


def service_manifest(row: dict[str, Any]) -> dict[str, Any]:
    """A Service manifest from a flattened case row."""
    ports = row.get("ports")
    if ports is None:
        ports = [{"port": row["port"], "protocol": row["protocol"]}]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": row["name"], "namespace": row.get("namespace", "default")},
        "spec": {"clusterIP": row["clusterIP"], "ports": ports},
    }


@pytest.mark.parametrize("case", params(is_from_services))
def test_from_services(case: dict[str, Any]) -> None:
    services = [service_manifest(row) for row in case["input"]["services"]]
    got = from_services(services)
    assert got == case["expected"]["env_in_order"]
    if "count" in case["expected"]:
        assert len(got) == case["expected"]["count"]


@pytest.mark.parametrize(
    "case", params(lambda c: c["input"].get("function") == "makeEnvVariableName")
)
def test_make_env_variable_name(case: dict[str, Any]) -> None:
    names = case["input"]["names"]
    assert [make_env_variable_name(n) for n in names] == case["expected"]["results"]


@pytest.mark.parametrize("case", params(is_env_set))
def test_container_env_with_service_links(case: dict[str, Any]) -> None:
    data = case["input"]
    table = data["services_table"]
    if table == "same":
        table = SERVICES_TABLE
    services = None if table is None else [service_manifest(row) for row in table]
    service_env = service_env_var_map(services, data["ns"], data["enableServiceLinks"])
    container_env = expand_env_values(data["container_env"], service_env)
    got = merge_service_env(container_env, service_env)

    def key(entry: dict[str, str]) -> tuple[str, str]:
        return entry["name"], entry["value"]

    # The kubelet emits Go map order; upstream sorts both lists before comparing.
    assert sorted(got, key=key) == sorted(case["expected"]["env_set"], key=key)
    assert len({entry["name"] for entry in got}) == len(got)


@pytest.mark.parametrize("case", params(is_error))
def test_preconditions(case: dict[str, Any]) -> None:
    data = case["input"]
    with pytest.raises(ServiceEnvError) as raised:
        service_env_var_map(
            [],
            data["ns"],
            data["enableServiceLinks"],
            services_synced=data.get("services_synced", True),
            static_pod=data.get("static_pod", False),
        )
    assert str(raised.value) == case["expected"]["error_message_from_source"]


def test_static_pods_do_not_wait_for_services() -> None:
    """makeEnvironmentVariables: the sync check is skipped for static pods."""
    assert (
        service_env_var_map([], "kube-system", False, services_synced=False, static_pod=True) == {}
    )


def test_service_vars_can_be_referenced_from_env_values() -> None:
    """pod-environment.md 1.3: SERVICE_VAR_TEST=$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)."""
    services = [service_manifest(row) for row in SERVICES_TABLE]
    service_env = service_env_var_map(services, "test1", True)
    env = [{"name": "SERVICE_VAR_TEST", "value": "$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)"}]
    assert expand_env_values(env, service_env) == {"SERVICE_VAR_TEST": "1.2.3.3:8083"}


def test_own_namespace_kubernetes_service_wins_whatever_the_list_order() -> None:
    """getServiceEnvVarMap: the master entry only fills a gap; same-namespace overwrites."""
    own = service_manifest(
        {
            "name": "kubernetes",
            "namespace": "test2",
            "clusterIP": "1.2.3.4",
            "protocol": "TCP",
            "port": 8084,
        }
    )
    master = service_manifest(
        {
            "name": "kubernetes",
            "namespace": "default",
            "clusterIP": "1.2.3.1",
            "protocol": "TCP",
            "port": 8081,
        }
    )
    for services in ([own, master], [master, own]):
        env = service_env_var_map(services, "test2", True)
        assert env["KUBERNETES_SERVICE_HOST"] == "1.2.3.4"
        assert service_env_var_map(services, "test2", False)["KUBERNETES_SERVICE_HOST"] == (
            "1.2.3.1"
        )
