"""``status_column`` against the ``kubectl/status-column`` reference cases.

kubectl's ``printPod`` STATUS column (kubelet-lifecycle.md §8, "kubectl STATUS
column"). The cases describe container states in words; ``PHRASES`` turns each
phrase into the ``ContainerStatus`` it names, and an unknown phrase fails the
test rather than being guessed.
"""

from __future__ import annotations

import re

import pytest
from reference_cases import load

from cluster_sim import Simulation, load_bundle
from cluster_sim.status import (
    ContainerRef,
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    status_column,
)

CASES_FILE = "kubelet-lifecycle-cases.json"
CASES = load(CASES_FILE)
TOPIC = "kubectl/status-column"
STATUS_CASES = [case for case in CASES if case["topic"] == TOPIC]


def _terminated(exit_code: int, reason: str) -> Terminated:
    return Terminated(exit_code=exit_code, reason=reason, started_at=0, finished_at=1_000)


# phrase in the case -> (state, restartCount)
PHRASES: dict[str, tuple[Running | Waiting | Terminated, int]] = {
    "running": (Running(started_at=0), 0),
    "waiting reason CrashLoopBackOff": (Waiting("CrashLoopBackOff"), 0),
    "terminated exitCode 1 reason Error": (_terminated(1, "Error"), 0),
    "terminated exitCode 2 reason ''": (_terminated(2, ""), 0),
    "terminated 0": (_terminated(0, "Completed"), 0),
    "waiting reason PodInitializing": (Waiting("PodInitializing"), 0),
    "waiting reason CrashLoopBackOff, restartCount 5": (Waiting("CrashLoopBackOff"), 5),
    "terminated reason OOMKilled exitCode 137": (_terminated(137, "OOMKilled"), 0),
    "terminated reason Completed exitCode 0": (_terminated(0, "Completed"), 0),
}
# "containerStatuses": "none with a waiting/terminated reason" (the Evicted case):
# the container is there but its state carries no reason that would override
# pod.status.reason in the container loop.
NO_REASON = "none with a waiting/terminated reason"


def _status(name: str, phrase: str) -> ContainerStatus:
    state, restarts = PHRASES[phrase]
    return ContainerStatus(name, state, restart_count=restarts)


def case_id(index: int, case: dict) -> str:
    given, expected = case["input"], case["expected"]
    words = [given["phase"]]
    for key in ("initStatuses", "containerStatuses"):
        if isinstance(given.get(key), dict):
            words += [f"{name}={phrase}" for name, phrase in given[key].items()]
    if given.get("reason"):
        words.append(f"reason={given['reason']}")
    if given.get("deletionTimestamp"):
        words.append("deleting")
    slug = re.sub(r"[^A-Za-z0-9=:,.-]+", "_", "_".join(words))
    return f"{TOPIC}#{index}:{slug}->{expected['STATUS']}"


def arguments(given: dict) -> dict:
    """``status_column`` keyword arguments for a case's ``input``."""
    init_names = given.get("initContainers") or list(given.get("initStatuses") or {})
    statuses = {name: _status(name, p) for name, p in (given.get("initStatuses") or {}).items()}
    container_statuses = given.get("containerStatuses")
    if container_statuses == NO_REASON:
        statuses["app"] = ContainerStatus("app", Waiting(""))
    elif container_statuses is not None:
        statuses.update({name: _status(name, p) for name, p in container_statuses.items()})
    # The old printers.go cases name no regular container unless they give its
    # status; a Pod has at least one, so an unnamed one is called "app".
    container_names = list(container_statuses) if isinstance(container_statuses, dict) else ["app"]
    assert set(given) <= {
        "phase",
        "reason",
        "initContainers",
        "initStatuses",
        "containerStatuses",
        "deletionTimestamp",
    }, given
    return {
        "phase": given["phase"],
        "reason": given.get("reason", ""),
        "init_containers": [ContainerRef(name) for name in init_names],
        "containers": [ContainerRef(name) for name in container_names],
        "statuses": statuses,
        "deleting": given.get("deletionTimestamp") == "set",
    }


def test_case_table() -> None:
    assert len(STATUS_CASES) == 10
    assert not [c for c in STATUS_CASES if "UNVERIFIED" in c["source"]]


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=case_id(i, c)) for i, c in enumerate(STATUS_CASES)]
)
def test_status_column(case: dict) -> None:
    assert status_column(**arguments(case["input"])) == case["expected"]["STATUS"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=case_id(i, c))
        for i, c in enumerate(STATUS_CASES)
        if "RESTARTS" in c["expected"]
    ],
)
def test_status_and_restarts_in_the_pod_record(case: dict) -> None:
    """The ``pod`` record's ``status``/``restarts`` (``kubectl get pods``) for the case.

    RESTARTS is the sum of restartCount over the regular containers when the Pod
    is not initializing; the simulation computes it in ``Cluster.publish_pod``.
    """
    args = arguments(case["input"])
    names = [c.name for c in args["containers"]]
    manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + "".join(
        f"  - {{name: {name}, image: busybox}}\n" for name in names
    )
    sim = Simulation(load_bundle([("p.yaml", manifest)]), seed=0, horizon=1)
    sim.advance(0)
    (pod,) = sim.cluster.pods
    pod.phase = args["phase"]
    pod.statuses = dict(args["statuses"])
    sim.cluster.publish_pod(pod)
    record = [r for r in sim.cluster.recorder.take() if r["kind"] == "pod"][-1]
    assert (record["status"], record["restarts"]) == (
        case["expected"]["STATUS"],
        case["expected"]["RESTARTS"],
    )
