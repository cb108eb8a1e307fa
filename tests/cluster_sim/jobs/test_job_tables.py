"""Upstream's Job back-off tables (controllers-cases.json), one parametrized test each."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim.controlplane.job.backoff import (
    finished_time,
    remaining_backoff,
    remaining_backoff_per_index,
)
from tests.cluster_sim.reference_cases import load

T = 1_000_000  # the tables' fixed instant "T" / "now", in ms


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return [pytest.param(c["input"], c["expected"], id=c["input"]["name"]) for c in found]


def at(symbol: str | None) -> int | None:
    """``T``, ``now``, ``T-30s``... as ms."""
    if symbol is None:
        return None
    base, _, offset = symbol.replace("now", "T").partition("-")
    assert base == "T", symbol
    return T - (int(offset.rstrip("s")) * 1000 if offset else 0)


@pytest.mark.parametrize(("given", "expected"), cases("job_backoff_remaining"))
def test_remaining_backoff(given: dict[str, Any], expected: dict[str, Any]) -> None:
    since = given["secondsSinceLastFailure"]
    last = None if since is None else T - since * 1000
    left = remaining_backoff(
        given["failuresAfterLastSuccess"],
        last,
        T,
        given["defaultBackoffSeconds"] * 1000,
        given["maxBackoffSeconds"] * 1000,
    )
    assert left == expected["remainingSeconds"] * 1000


@pytest.mark.parametrize(("given", "expected"), cases("job_backoff_remaining_per_index"))
def test_remaining_backoff_per_index(given: dict[str, Any], expected: dict[str, Any]) -> None:
    pod = given["lastFailedPod"]
    manifest = None
    if pod is not None:
        manifest = {
            "metadata": {
                "annotations": pod.get("annotations") or {},
                "deletionTimestamp": at(pod.get("deletionTimestamp")),
                "creationTimestamp": 0,
            },
            "status": {"phase": pod["phase"]},
        }
    left = remaining_backoff_per_index(
        manifest, T, given["defaultBackoffSeconds"] * 1000, given["maxBackoffSeconds"] * 1000
    )
    assert left == expected["remainingSeconds"] * 1000


def _container(status: dict[str, Any]) -> dict[str, Any]:
    if "terminated" in status:
        return {"terminated": {"finishedAt": at(status["terminated"]["finishedAt"])}}
    return {"state": "running"}


@pytest.mark.parametrize(("given", "expected"), cases("job_pod_finished_time"))
def test_pod_finished_time(given: dict[str, Any], expected: dict[str, Any]) -> None:
    pod = given["pod"]
    manifest = {
        "metadata": {
            "creationTimestamp": at(pod.get("creationTimestamp")) or 0,
            "deletionTimestamp": at(pod.get("deletionTimestamp")),
            "deletionGracePeriodSeconds": pod.get("deletionGracePeriodSeconds"),
        },
        "status": {
            "containerStatuses": [_container(c) for c in pod.get("containerStatuses") or ()],
            "initContainerStatuses": [
                _container(c) for c in pod.get("initContainerStatuses") or ()
            ],
            "conditions": [
                {**c, "lastTransitionTime": at(c["lastTransitionTime"])}
                for c in pod.get("conditions") or ()
            ],
        },
    }
    assert finished_time(manifest) == at(expected["finishedTime"])
