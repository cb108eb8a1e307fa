"""Every number that enters a run is range-checked where it enters (issue #9, section 3).

Scenario fields and live actions get the playground's message at their line
and column; manifest numbers get Kubernetes' own decoding error; none of them
reaches the simulation as a value it cannot hold (the web page used to close
its socket with code 1011 on ``exitCode: 1e20``).
"""

from __future__ import annotations

import json

import pytest

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.actions import ActionError

POD = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, "1000"]
"""


def scenario(spec: str) -> str:
    return (
        POD + "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\n"
        "metadata: {name: s}\nspec:\n  " + spec + "\n"
    )


def refusal(text: str) -> list[str]:
    with pytest.raises(BundleError) as info:
        load_bundle([("s.yaml", text)])
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "actions: [{at: .inf, delete: {pod: web}}]",
            "s.yaml:14:18: Scenario spec.actions[0].at: must be a finite number of seconds, "
            "not inf",
        ),
        (
            "actions: [{at: .nan, delete: {pod: web}}]",
            "s.yaml:14:18: Scenario spec.actions[0].at: must be a finite number of seconds, "
            "not nan",
        ),
        (
            "horizon: .inf",
            "s.yaml:14:12: Scenario spec.horizon: must be a finite number of seconds, not inf",
        ),
        (
            "nodes: [{name: n1, memory: busybox}]",
            "s.yaml:14:30: Scenario spec.nodes[0].memory: quantities must match the regular "
            "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
        (
            "nodes: [{name: n1, cpu: 1E}]",
            "s.yaml:14:27: Scenario spec.nodes[0].cpu: the playground simulates at most 1k",
        ),
        (
            "nodes: [{name: n1, labels: app=web}]",
            "s.yaml:14:30: Scenario spec.nodes[0].labels: must be a mapping of label names "
            "to values",
        ),
        (
            "faults: [{pod: web, imagePullFailures: 1m}]",
            "s.yaml:14:42: Scenario spec.faults[0].imagePullFailures: must be a whole number, "
            "not '1m'",
        ),
        (
            "faults: [{pod: web, memory: {growMiBPerSecond: .inf}}]",
            "s.yaml:14:50: Scenario spec.faults[0].memory.growMiBPerSecond: must be a number "
            "from 0 to 1048576, not inf",
        ),
        (
            "faults: [{pod: web, memory: {startMiB: lots}}]",
            "s.yaml:14:42: Scenario spec.faults[0].memory.startMiB: must be a number, not 'lots'",
        ),
        (
            "faults: [{pod: web, crash: {after: 1, exitCode: 300}}]",
            "s.yaml:14:51: Scenario spec.faults[0].crash.exitCode: must be a whole number "
            "from 0 to 255, not 300",
        ),
        (
            "faults: [{pod: web, crash: [1]}]",
            "s.yaml:14:30: Scenario spec.faults[0].crash: must be a mapping like "
            "{after: 45, exitCode: 2}",
        ),
        (
            "seed: " + "9" * 30,
            "s.yaml:14:9: Scenario spec.seed: must be a whole number from 0 to "
            "9223372036854775807, not 1e+30",
        ),
        (
            "actions: [{at: 1, kill: {pod: web, container: app, exitCode: 1e20}}]",
            "s.yaml:14:64: Scenario spec.actions[0].kill.exitCode: must be a whole number "
            "from 0 to 255, not 1e+20",
        ),
        (
            "actions: [{at: 1, delete: {pod: web, gracePeriodSeconds: 1e308}}]",
            "s.yaml:14:60: Scenario spec.actions[0].delete.gracePeriodSeconds: must be a whole "
            "number from -9223372036854775808 to 9223372036854775807, not 1e+308",
        ),
        (
            "actions: [{at: 1, fillMemory: {pod: web, container: app, mib: 9e18}}]",
            "s.yaml:14:65: Scenario spec.actions[0].fillMemory.mib: must be a number from 0 "
            "to 1048576, not 9e+18",
        ),
    ],
)
def test_a_scenario_number_out_of_range_is_refused_at_its_line(spec: str, message: str) -> None:
    assert refusal(scenario(spec)) == [message]


@pytest.mark.parametrize(
    ("kind", "args", "message"),
    [
        (
            "kill",
            {"pod": "web", "container": "app", "exitCode": 1e20},
            "kill: exitCode must be a whole number from 0 to 255, not 1e+20",
        ),
        (
            "delete",
            {"pod": "web", "gracePeriodSeconds": 1e308},
            "delete: gracePeriodSeconds must be a whole number from -9223372036854775808 to "
            "9223372036854775807, not 1e+308",
        ),
        (
            "fillMemory",
            {"pod": "web", "container": "app", "mib": 9e18},
            "fillMemory: mib must be a number from 0 to 1048576, not 9e+18",
        ),
        (
            "kill",
            {"pod": "web", "container": "app", "exitCode": "9"},
            "kill: exitCode must be a whole number, not '9'",
        ),
        (
            "delete",
            {"pod": "web", "gracePeriodSeconds": 2.5},
            "delete: gracePeriodSeconds must be a whole number, not 2.5",
        ),
    ],
)
def test_a_live_action_out_of_range_is_refused_and_not_logged(
    kind: str, args: dict, message: str
) -> None:
    sim = Simulation(load_bundle([("p.yaml", POD)]))
    sim.advance(5)
    with pytest.raises(ActionError) as info:
        sim.act(kind, args)
    assert str(info.value) == message
    assert sim.actions == []
    json.dumps(sim.advance(10))  # the run goes on


def test_a_live_action_in_range_is_taken() -> None:
    sim = Simulation(load_bundle([("p.yaml", POD)]))
    sim.advance(5)
    sim.act("kill", {"pod": "web", "container": "app", "exitCode": 255})
    records = sim.advance(6)
    exits = [r["exitCode"] for r in records if r["kind"] == "container" and r["exitCode"]]
    assert exits == [255]


def test_live_actions_stop_at_the_limit() -> None:
    from cluster_sim.limits import DEFAULT_LIMITS

    sim = Simulation(load_bundle([("p.yaml", POD)]), limits=DEFAULT_LIMITS.raised(actions=2))
    sim.act("healthy", {"pod": "web"})
    sim.act("healthy", {"pod": "web"})
    with pytest.raises(ActionError, match="the playground takes at most 2 actions in one run"):
        sim.act("healthy", {"pod": "web"})


@pytest.mark.parametrize("digits", ["9" * 5000, "-" + "9" * 5000, "0x" + "f" * 5000])
def test_a_5000_digit_integer_is_kubernetes_decoding_error(digits: str) -> None:
    text = POD.replace("spec:\n", f"spec:\n  terminationGracePeriodSeconds: {digits}\n")
    assert refusal(text) == [
        's.yaml:5:34: Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal '
        "string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"
    ]


def test_a_float_beyond_float64_stays_a_string_as_go_yaml_leaves_it() -> None:
    text = POD.replace("spec:\n", "spec:\n  terminationGracePeriodSeconds: 1e400\n")
    assert refusal(text)[0].endswith(
        "cannot unmarshal string into Go struct field "
        "PodSpec.spec.terminationGracePeriodSeconds of type int64"
    )
