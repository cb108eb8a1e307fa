"""``should_restart`` against the ``restart-policy/*`` reference cases.

``cluster_sim.kubelet.should_restart(restart_policy, exit_code)`` is
``ShouldContainerBeRestarted`` (``pkg/kubelet/container/helpers.go``,
pre-ContainerRestartRules; kubelet-lifecycle.md §4.5) for a container that has
exited. The cases about deletion, a running container or a missing status need
inputs the function does not take yet; container-level ``restartPolicyRules``
(ContainerRestartRules, alpha v1.34 / beta v1.35) are not modelled.
"""

from __future__ import annotations

import pytest
from reference_cases import load

from cluster_sim.kubelet import should_container_be_restarted, should_restart
from cluster_sim.status import ContainerStatus, Running, Terminated, Waiting

CASES_FILE = "kubelet-lifecycle-cases.json"
CASES = load(CASES_FILE)
SHOULD_RESTART = [c for c in CASES if c["topic"] == "restart-policy/ShouldContainerBeRestarted"]
RULES = [c for c in CASES if c["topic"] == "restart-policy/restartPolicyRules"]

NOT_IN_133 = (
    "ContainerRestartRules (container-level restartPolicy and restartPolicyRules) is alpha in "
    "1.34 and beta in 1.35; the simulator follows Kubernetes 1.33, where the API rejects "
    "restartPolicy on a regular container"
)


def expressible(case: dict) -> bool:
    """An exited container of a pod that is not being deleted."""
    given = case["input"]
    return given.get("lastState") == "exited" and given.get("deletionTimestamp") is None


def case_id(case: dict) -> str:
    given = case["input"]
    if expressible(case):
        words = f"{given['restartPolicy']}-exited-{given['exitCode']}"
    elif given.get("deletionTimestamp") == "set":
        words = "pod-being-deleted"
    else:
        words = "status-" + given["status"].split(" (")[0].replace(" ", "-")
        if "restartPolicy" in given:
            words += f"-{given['restartPolicy']}"
    restart = "restart" if case["expected"]["restart"] else "no-restart"
    return f"{case['topic']}:{words}->{restart}"


def rule_id(case: dict) -> str:
    given = case["input"]
    restart = "restart" if case["expected"]["restart"] else "no-restart"
    return (
        f"{case['topic']}:pod-{given['podRestartPolicy']}-container-"
        f"{given['container.restartPolicy']}-exit-{given['exitCode']}->{restart}"
    )


def test_case_tables() -> None:
    assert len(SHOULD_RESTART) == 10
    assert len([c for c in SHOULD_RESTART if expressible(c)]) == 6
    assert len(RULES) == 2


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=case_id(c)) for c in SHOULD_RESTART],
)
def test_should_container_be_restarted(case: dict) -> None:
    given = case["input"]
    expected = case["expected"]["restart"]
    if expressible(case):
        assert should_restart(given["restartPolicy"], given["exitCode"]) is expected
        exited = ContainerStatus("c", Terminated(given["exitCode"], "Error", 0, 1000))
        assert should_container_be_restarted(exited, given["restartPolicy"]) is expected
        return
    policy = given.get("restartPolicy", "Always")
    status_text = given.get("status", "")
    if given.get("deletionTimestamp") == "set":
        status = ContainerStatus("c", Terminated(1, "Error", 0, 1000))
        assert should_container_be_restarted(status, policy, deleting=True) is expected
    elif status_text.startswith("none"):
        assert should_container_be_restarted(None, policy) is expected
    elif status_text == "running":
        assert should_container_be_restarted(ContainerStatus("c", Running(0)), policy) is expected
    elif status_text.startswith("unknown or created"):
        created = ContainerStatus("c", Waiting(), container_id="containerd://x")
        assert should_container_be_restarted(created, policy) is expected
    else:
        raise AssertionError(f"no translation for {given}")


@pytest.mark.parametrize("case", [pytest.param(c, id=rule_id(c)) for c in RULES])
def test_restart_policy_rules(case: dict) -> None:
    pytest.skip(NOT_IN_133)
