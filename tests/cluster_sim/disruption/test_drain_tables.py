"""kubectl's drain tables (controllers-cases.json): TestDrain and TestSkipDeletedFilter."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim.controlplane.store import ApiObject, OwnerReference
from cluster_sim.kubectl.drain import DrainOptions, filter_pods, skip_deleted
from tests.cluster_sim.reference_cases import load

# The simulated API server never fails a request, so upstream's "fail to list pods" case
# (an API that errors on every eviction or delete) has nothing to run against.
NOT_SIMULATED = {"fail to list pods"}


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return found


def _pod(given: dict[str, Any], now_ms: int) -> ApiObject:
    owner = given.get("owner")
    refs = []
    if owner:
        refs.append(OwnerReference("apps/v1", owner, "owner", "uid-owner", controller=True))
    spec: dict[str, Any] = {"nodeName": given["nodeName"], "containers": [{"name": "c"}]}
    if given.get("emptyDir"):
        spec["volumes"] = [{"name": "scratch", "emptyDir": {}}]
    status = {"phase": given["phase"]} if given.get("phase") else {}
    return ApiObject(
        kind="Pod",
        namespace=given["namespace"],
        name=given["name"],
        uid="uid-pod",
        body={"spec": spec},
        created_ms=0,
        resource_version=1,
        owner_references=refs,
        status=status,
    )


def _options(args: list[str]) -> DrainOptions:
    return DrainOptions(
        force="--force" in args,
        ignore_daemonsets="--ignore-daemonsets" in args,
        delete_emptydir_data="--delete-emptydir-data=true" in args,
    )


DRAIN = [
    pytest.param(c["input"], c["expected"], id=c["input"]["name"])
    for c in cases("kubectl_drain")
    if c["input"]["name"] not in NOT_SIMULATED
]


@pytest.mark.parametrize(("given", "expected"), DRAIN)
def test_kubectl_drain(given: dict[str, Any], expected: dict[str, Any]) -> None:
    pod = given["pod"]
    pods = [_pod(pod, 0)] if pod else []
    exists = bool(pod and pod.get("ownerExists"))
    result = filter_pods(pods, _options(given["args"]), lambda _ns, _name: exists, 0)
    assert bool(result.errors) == expected["fatal"]
    evicted = bool(result.delete) and not result.errors
    assert evicted == expected["podEvictedOrDeleted"]
    if "stderrContains" in expected:
        assert expected["stderrContains"] in f"Warning: {result.warning_text()}"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=f"age={c['input']['deletionTimestampAgeSeconds']}")
        for c in cases("kubectl_drain_skip_deleted_filter")
    ],
)
def test_kubectl_drain_skip_deleted_filter(case: dict[str, Any]) -> None:
    age = case["input"]["deletionTimestampAgeSeconds"]
    now_ms = 1_000_000
    pod = _pod({"namespace": "default", "name": "p", "nodeName": "n"}, now_ms)
    if age is not None:
        pod.deletion_timestamp = now_ms - age * 1000
    timeout = case["input"]["skipWaitForDeleteTimeoutSeconds"]
    assert skip_deleted(pod, now_ms, timeout) == case["expected"]["delete"]


def test_errors_name_each_pod_and_stop_the_drain() -> None:
    bare = _pod({"namespace": "default", "name": "x", "nodeName": "n"}, 0)
    result = filter_pods([bare], DrainOptions(), lambda _ns, _name: True, 0)
    assert result.error_text() == (
        "cannot delete Pods that declare no controller (use --force to override): default/x"
    )
