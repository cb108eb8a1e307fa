"""Grace period 0 (issue #13, item 3): a force delete, and kubectl's --grace-period=0.

The API server removes a Pod deleted without grace at once (``CheckGracefulDelete``
gives 0; the object is gone from the store), while its kubelet still stops the
containers with the grace period ``calculateEffectiveGracePeriod`` gives (the Pod's
own, at least 1 s). kubectl turns ``--grace-period=0`` without ``--force`` into 1
(``DeleteOptions.Complete`` in kubectl's delete.go).
"""

from __future__ import annotations

from typing import Any

import pytest
from reference_cases import load
from simrun import events, last, of, run, scenario

from cluster_sim.controlplane.store import ApiObject, pod_grace_period
from cluster_sim.kubectl.pods import FORCE_WITH_GRACE, IMMEDIATE_DELETION, grace_period

SLEEPER = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""


def notices(records: list[dict[str, Any]]) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in of(records, "notice") if r["t"] > 0]


def test_a_force_delete_removes_the_pod_at_once_while_its_kubelet_still_kills_it() -> None:
    records = run(SLEEPER + scenario("{at: 20, delete: {pod: web, force: true}}"))
    assert [r["t"] for r in of(records, "deleted")] == [20.0]  # not 51 as a graceful delete
    assert notices(records) == [(20.0, IMMEDIATE_DELETION), (20.0, 'pod "web" force deleted')]
    final = last(records, "pod", pod="default/web")
    assert (final["t"], final["status"], final["deletionGracePeriodSeconds"]) == (
        20.0,
        "Terminating",
        0,
    )
    # The kubelet learns of it from the watch and kills with the Pod's 30 s (sleep ignores TERM).
    assert events(records, reason="Killing") == [(20.0, "Killing", "Stopping container app")]
    steps = [(r["t"], r["step"], r.get("grace")) for r in of(records, "termination")]
    assert steps == [(20.0, "killing", 30), (20.0, "SIGTERM", None), (50.0, "SIGKILL", None)]
    # Nothing is written of a Pod the API server no longer has.
    assert [r for r in records if r["kind"] in ("pod", "container") and r["t"] > 20] == []


def test_grace_period_zero_without_force_is_one_second_as_kubectl_sends_it() -> None:
    records = run(SLEEPER + scenario("{at: 20, delete: {pod: web, gracePeriodSeconds: 0}}"))
    terminating = next(r for r in of(records, "pod") if r["status"] == "Terminating")
    assert (terminating["t"], terminating["deletionGracePeriodSeconds"]) == (20.0, 1)
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM"), (22.0, "SIGKILL")]  # the 2 s minimum
    assert [r["t"] for r in of(records, "deleted")] == [23.0]  # after the kubelet confirms
    assert notices(records) == []


def test_force_with_a_grace_period_is_refused_with_kubectls_error() -> None:
    action = "{at: 20, delete: {pod: web, force: true, gracePeriodSeconds: 5}}"
    records = run(SLEEPER + scenario(action))
    assert notices(records) == [(20.0, FORCE_WITH_GRACE)]
    assert FORCE_WITH_GRACE == (
        "error: --force and --grace-period greater than 0 cannot be specified together"
    )
    assert of(records, "deleted") == [] and of(records, "termination") == []


def test_force_takes_a_pod_stuck_terminating_on_a_dead_node_away() -> None:
    text = SLEEPER + scenario(
        "{at: 20, failNode: node-1}", "{at: 400, delete: {pod: web, force: true}}", horizon=420
    ).replace("spec:\n  horizon", "spec:\n  nodes: 1\n  horizon")
    records = run(text, until=420)
    assert last(records, "pod", pod="default/web")["status"] == "Unknown"  # NodeLost since 360
    assert [r["t"] for r in of(records, "deleted")] == [400.0]
    assert of(records, "termination") == []  # no kubelet to kill anything


def test_force_cuts_a_graceful_termination_short_in_the_api_only() -> None:
    records = run(
        SLEEPER
        + scenario("{at: 20, delete: {pod: web}}", "{at: 30, delete: {pod: web, force: true}}")
    )
    assert [r["t"] for r in of(records, "deleted")] == [30.0]
    # The kubelet's grace period only shrinks through calculateEffectiveGracePeriod, and 0
    # does not shrink it: SIGKILL still comes 30 s after the first delete.
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM"), (50.0, "SIGKILL")]


REPLICA_SET = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: [sh, -c, "sleep 3600"]
"""


def test_a_replica_set_replaces_a_force_deleted_pod_while_the_old_one_still_runs() -> None:
    first = run(REPLICA_SET, until=10)
    (name,) = {r["pod"] for r in of(first, "pod")}
    records = run(
        REPLICA_SET + scenario(f"{{at: 20, delete: {{pod: {name.split('/')[1]}, force: true}}}}"),
    )
    created = [(t, m) for t, _, m in events(records, reason="SuccessfulCreate")]
    assert [t for t, _ in created] == [0.0, 20.0]
    sigkill = [r["t"] for r in of(records, "termination", pod=name, step="SIGKILL")]
    assert sigkill == [50.0]  # the old containers outlive their object by 30 s


@pytest.mark.parametrize(
    ("requested", "force", "sent"),
    [(None, False, None), (0, False, 1), (7, False, 7), (None, True, 0), (0, True, 0)],
)
def test_kubectls_grace_period_completion(requested: int | None, force: bool, sent: int) -> None:
    assert grace_period(requested, force) == sent


CASES = [c for c in load("kubelet-lifecycle-cases.json") if c["topic"] == "termination/api-grace"]


@pytest.mark.parametrize("case", CASES, ids=[f"api-grace#{i}" for i in range(len(CASES))])
def test_check_graceful_delete(case: dict[str, Any]) -> None:
    given = case["input"]
    spec: dict[str, Any] = {"nodeName": given.get("nodeName", "")}
    if given.get("spec.terminationGracePeriodSeconds") is not None:
        spec["terminationGracePeriodSeconds"] = given["spec.terminationGracePeriodSeconds"]
    obj = ApiObject(
        "Pod", "default", "p", "uid", {"spec": spec}, 0, 1, status={"phase": given.get("phase")}
    )
    expected = case["expected"]["gracePeriodSeconds"]
    assert pod_grace_period(obj, given["deleteOptions.gracePeriodSeconds"]) == expected


def test_a_force_deleted_pods_containers_vanish_with_their_node() -> None:
    records = run(
        SLEEPER
        + scenario("{at: 20, delete: {pod: web, force: true}}", "{at: 25, failNode: node-2}")
    )
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM")]  # no SIGKILL: no kubelet left
