"""``pod_phase`` against the kubelet's ``getPhase`` unit-test tables.

The 68 cases of topic ``pod-phase/getPhase`` in the shared reference
(``kubelet-lifecycle-cases.json``) are upstream's ``TestPodPhaseWith*`` tables
in ``pkg/kubelet/kubelet_pods_test.go`` (kubelet-lifecycle.md §4.3). Their
container states are named after the test file's helper functions; the
``pod-phase/helpers-legend`` entry says what each helper builds, and
``HELPERS`` below turns each name into a ``ContainerStatus``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from reference_cases import load

from cluster_sim.status import (
    ContainerRef,
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    pod_phase,
)

CASES_FILE = "kubelet-lifecycle-cases.json"
CASES = load(CASES_FILE)


def select(topic: str) -> list[dict]:
    found = [case for case in CASES if case["topic"] == topic]
    assert found, f"no {topic!r} cases in {CASES_FILE}"
    return found


def case_id(case: dict) -> str:
    """``pod-phase/getPhase:RestartAlways:all_running`` from the upstream test and case name."""
    test, name = re.search(r"(Test\w+) '(.*)'$", case["source"]).groups()
    test = test.removeprefix("TestPodPhaseWith")
    return f"{case['topic']}:{test}:{re.sub(r'[^A-Za-z0-9#,.-]+', '_', name)}"


def _terminated(exit_code: int, reason: str = "") -> Terminated:
    # The upstream helpers set only ExitCode (and Reason for the "Unknown" one);
    # the other fields keep Go's zero values.
    return Terminated(exit_code=exit_code, reason=reason, started_at=0, finished_at=0)


# The helpers of kubelet_pods_test.go, as the legend describes them.
HELPERS: dict[str, Callable[[str], ContainerStatus]] = {
    # State.Waiting{Reason:''} no LastTerminationState
    "waiting": lambda name: ContainerStatus(name, Waiting()),
    # State.Waiting{}, LastTerminationState.Terminated{ExitCode:0}
    "waitingWithLastTermination": lambda name: ContainerStatus(
        name, Waiting(), last_state=_terminated(0)
    ),
    # State.Waiting{}, LastTerminationState.Terminated{ExitCode:-1}
    "waitingWithNonZeroTermination": lambda name: ContainerStatus(
        name, Waiting(), last_state=_terminated(-1)
    ),
    # State.Running{} (Started=nil)
    "running": lambda name: ContainerStatus(name, Running(started_at=0), started=None),
    # State.Running{}, Started=true
    "started": lambda name: ContainerStatus(name, Running(started_at=0), started=True),
    # State.Terminated{} (ExitCode 0)
    "stopped": lambda name: ContainerStatus(name, _terminated(0)),
    # State.Terminated{ExitCode:0}
    "succeeded": lambda name: ContainerStatus(name, _terminated(0)),
    # State.Terminated{ExitCode:-1}
    "failed": lambda name: ContainerStatus(name, _terminated(-1)),
    # State.Waiting{Reason:ContainerCreating},
    # LastTerminationState.Terminated{Reason:ContainerStatusUnknown, ExitCode:137}
    "waitingWithLastTerminationUnknown": lambda name: ContainerStatus(
        name, Waiting("ContainerCreating"), last_state=_terminated(137, "ContainerStatusUnknown")
    ),
}
ABSENT = "absent"  # no status entry for that container


GET_PHASE = select("pod-phase/getPhase")


def _params() -> list:
    params = []
    for case in GET_PHASE:
        params.append(pytest.param(case, id=case_id(case)))
    return params


def test_case_table_is_complete() -> None:
    assert len(GET_PHASE) == 68
    ids = [case_id(case) for case in GET_PHASE]
    assert len(set(ids)) == len(ids)
    assert not [c for c in GET_PHASE if "UNVERIFIED" in json.dumps(c)]


def test_helpers_cover_the_legend() -> None:
    (legend,) = select("pod-phase/helpers-legend")
    assert set(legend["input"]["helperNames"]) == {*HELPERS, ABSENT}
    assert set(legend["expected"]) == {*HELPERS, ABSENT}
    used = {v for case in GET_PHASE for v in case["input"]["statuses"].values()}
    assert used <= set(HELPERS)


@pytest.mark.parametrize("case", _params())
def test_get_phase(case: dict) -> None:
    given = case["input"]
    init_containers = [
        ContainerRef(c["name"], restartable=c.get("restartPolicy") == "Always")
        for c in given["initContainers"]
    ]
    containers = [ContainerRef(name) for name in given["containers"]]
    statuses = {name: HELPERS[helper](name) for name, helper in given["statuses"].items()}
    phase = pod_phase(
        given["restartPolicy"],
        init_containers,
        containers,
        statuses,
        pod_is_terminal=given["podIsTerminal"],
    )
    assert phase == case["expected"]["phase"]
