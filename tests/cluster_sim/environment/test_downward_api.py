"""cluster_sim.environment.downward reproduces the kubelet's Downward API values.

Cases: pod-environment-cases.json topics ``downward_api_resources``
(helpers_test.go TestExtractResourceValue and, newest upstream only,
TestConvertQuantityToStringBounds; kubelet defaulting to node allocatable),
``downward_api_fieldref`` (TestMakeEnvironmentVariables "downward api" rows)
and ``downward_api_volume`` (fieldpath.FormatMap).  Target: current upstream,
i.e. the exact, saturating convertQuantityToString.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from reference_cases import load

from cluster_sim.environment.downward import (
    DownwardAPIError,
    container_resource_runtime_value,
    convert_quantity_to_string,
    default_limits_for_downward_api,
    extract_field_path_as_string,
    extract_resource_value_by_container_name,
    format_map,
    pod_field_runtime_value,
)
from cluster_sim.quantity import Quantity

CASES_FILE = "pod-environment-cases.json"

ALL_CASES: list[dict[str, Any]] = load(CASES_FILE)

# kubelet_test.go: the node addresses of the test kubelet behind the
# "<kubelet host IPv4>" / "<host IPv6>" placeholders of the fieldRef rows.
TEST_KUBELET_HOST_IP = "127.0.0.1"
TEST_KUBELET_HOST_IPV6 = "::1"

RESOURCE_KEYS = {
    "cpuLimit": ("limits", "cpu"),
    "cpuRequest": ("requests", "cpu"),
    "memoryLimit": ("limits", "memory"),
    "memoryRequest": ("requests", "memory"),
}


def upstream_name(case: dict[str, Any]) -> str:
    source = case["source"]
    quoted = re.search(r"case '(.+)'$", source)
    if quoted:
        return quoted.group(1)
    test = re.search(r"\b(Test\w+)", source)
    if test:
        return test.group(1)
    return re.sub(r"^\[\w+\] kubernetes/kubernetes ", "", source).split(" ")[0]


def case_id(case: dict[str, Any]) -> str:
    data = case["input"]
    detail = ""
    if data.get("function") == "ExtractResourceValueByContainerName":
        detail = f"/{data['containerName']}:{data['resource']}/{data['divisor']}"
    elif data.get("function") == "convertQuantityToString":
        detail = f"/{data['quantity']}/{data['divisor']}"
    return f"{case['topic']}/{upstream_name(case)}{detail}"


def params(topic: str, predicate: Any = None) -> list[Any]:
    chosen = [
        pytest.param(case, id=case_id(case))
        for case in ALL_CASES
        if case["topic"] == topic and (predicate is None or predicate(case))
    ]
    assert chosen
    return chosen


def function_is(name: str) -> Any:
    return lambda case: case["input"].get("function") == name


def test_every_case_is_used() -> None:
    resources = [c for c in ALL_CASES if c["topic"] == "downward_api_resources"]
    by_function = [c["input"].get("function") for c in resources]
    assert len(resources) == 31
    assert by_function.count("ExtractResourceValueByContainerName") == 19
    assert by_function.count("convertQuantityToString") == 11
    assert by_function.count(None) == 1
    assert len([c for c in ALL_CASES if c["topic"] == "downward_api_fieldref"]) == 3
    assert len([c for c in ALL_CASES if c["topic"] == "downward_api_volume"]) == 1


def resources_from_row(row: dict[str, str]) -> dict[str, dict[str, str]]:
    resources: dict[str, dict[str, str]] = {"requests": {}, "limits": {}}
    for key, value in row.items():
        kind, name = RESOURCE_KEYS[key]
        resources[kind][name] = value
    return resources


@pytest.mark.parametrize(
    "case", params("downward_api_resources", function_is("ExtractResourceValueByContainerName"))
)
def test_extract_resource_value(case: dict[str, Any]) -> None:
    data = case["input"]
    target = {
        "name": data["containerName"],
        "resources": resources_from_row(data["container_resources"]),
    }
    # a decoy with other values makes the lookup by name matter
    decoy = {
        "name": "decoy",
        "resources": {
            "requests": {"cpu": "77", "memory": "77"},
            "limits": {"cpu": "77", "memory": "77"},
        },
    }
    if data["containerName"].startswith("init-"):
        spec = {"containers": [decoy], "initContainers": [target]}
    else:
        spec = {"containers": [decoy, target]}
    field_ref: dict[str, Any] = {"resource": data["resource"]}
    if data["divisor"] is not None:
        field_ref["divisor"] = data["divisor"]
    pod = {"metadata": {"name": "pod"}, "spec": spec}
    got = extract_resource_value_by_container_name(field_ref, pod, data["containerName"])
    assert got == case["expected"]["value"]


@pytest.mark.parametrize(
    "case", params("downward_api_resources", function_is("convertQuantityToString"))
)
def test_convert_quantity_to_string(case: dict[str, Any]) -> None:
    data = case["input"]
    got = convert_quantity_to_string(
        Quantity.parse(data["quantity"]), Quantity.parse(data["divisor"])
    )
    assert got == case["expected"]["value"]


@pytest.mark.parametrize("case", params("downward_api_resources", function_is(None)))
def test_unset_limits_default_to_node_allocatable(case: dict[str, Any]) -> None:
    data = case["input"]
    container = {
        "name": "main",
        "env": data["env"],
        "resources": resources_from_row(data["container_resources"]),
    }
    pod = {"metadata": {"name": "pod"}, "spec": {"containers": [container]}}
    pod, defaulted = default_limits_for_downward_api(pod, container, data["node_allocatable"])
    assert defaulted is not None
    got = {
        entry["name"]: container_resource_runtime_value(
            entry["valueFrom"]["resourceFieldRef"], pod, defaulted
        )
        for entry in data["env"]
    }
    assert got == case["expected"]


def fill_host_placeholders(value: str) -> str:
    return (
        value.replace("<kubelet host IPv4>", TEST_KUBELET_HOST_IP)
        .replace("<host IPv4>", TEST_KUBELET_HOST_IP)
        .replace("<host IPv6>", TEST_KUBELET_HOST_IPV6)
    )


@pytest.mark.parametrize("case", params("downward_api_fieldref"))
def test_field_ref_runtime_values(case: dict[str, Any]) -> None:
    data = case["input"]
    described = data.get("pod", {"name": "pod", "namespace": "default"})
    pod = {
        "metadata": {"name": described["name"], "namespace": described["namespace"]},
        "spec": {
            "nodeName": described.get("nodeName", ""),
            "serviceAccountName": described.get("serviceAccountName", ""),
        },
    }
    expected = {name: fill_host_placeholders(value) for name, value in case["expected"].items()}
    # the rows without a field list only state POD_IP and POD_IPS
    field_paths = data.get("fieldPaths", ["status.podIP", "status.podIPs"])
    assert len(field_paths) == len(expected)
    node_ips = [TEST_KUBELET_HOST_IP, TEST_KUBELET_HOST_IPV6]
    got = {
        name: pod_field_runtime_value(
            {"apiVersion": "v1", "fieldPath": path}, pod, data["podIPs"], node_ips
        )
        for name, path in zip(expected, field_paths, strict=True)
    }
    assert got == expected


@pytest.mark.parametrize("case", params("downward_api_volume"))
def test_labels_volume_file(case: dict[str, Any]) -> None:
    data = case["input"]
    pod = {"metadata": {"name": "pod", "labels": data["labels"]}}
    assert extract_field_path_as_string(pod, data["fieldPath"]) == case["expected"]["file_content"]
    assert format_map(data["labels"]) == case["expected"]["file_content"]
    # the note: a subscripted path yields the raw value
    assert extract_field_path_as_string(pod, "metadata.labels['app']") == data["labels"]["app"]


# Errors and rules from pod-environment.md section 3 ----------------------------------


def test_divisor_zero_means_one_and_unknown_resources_fail() -> None:
    container = {"name": "c", "resources": {"limits": {"memory": "1Ki"}}}
    pod = {"spec": {"containers": [container]}}
    field_ref = {"resource": "limits.memory", "divisor": "0"}
    assert container_resource_runtime_value(field_ref, pod, container) == "1024"
    with pytest.raises(DownwardAPIError, match=r"^unsupported container resource : limits.gpu$"):
        container_resource_runtime_value({"resource": "limits.gpu"}, pod, container)
    with pytest.raises(DownwardAPIError, match=r"^container nope not found$"):
        container_resource_runtime_value(
            {"resource": "limits.memory", "containerName": "nope"}, pod, container
        )


def test_field_labels_outside_the_v1_list_are_rejected() -> None:
    pod = {"metadata": {"name": "p"}}
    with pytest.raises(DownwardAPIError, match=r"^field label not supported: spec.hostname$"):
        pod_field_runtime_value({"fieldPath": "spec.hostname"}, pod)
    assert pod_field_runtime_value({"fieldPath": "status.podIP"}, pod, ["fd00::1"]) == "fd00::1"
