"""The Scenario and live action vocabulary for workloads and nodes (issue #11).

``action_problem`` answers for live actions (the page, an action log);
``ScenarioReader`` for a Scenario document, each problem at its key.
"""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import load_bundle
from cluster_sim.errors import BundleError
from cluster_sim.scenario import ACTIONS, action_object_kind, action_problem, object_key


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("scale", {"name": "web", "replicas": 5}),
        ("scale", {"name": "web", "replicas": 0}),
        ("scale", {"kind": "ReplicaSet", "name": "web-abc", "replicas": 2}),
        ("scale", {"kind": "ReplicationController", "name": "rc", "namespace": "a", "replicas": 1}),
        ("setImage", {"name": "web", "container": "app", "image": "nginx:1.27"}),
        ("setImage", {"kind": "ReplicaSet", "name": "r", "container": "a", "image": "b"}),
        ("rolloutUndo", {"name": "web"}),
        ("rolloutUndo", {"name": "web", "toRevision": 1}),
        ("rolloutPause", {"name": "web"}),
        ("rolloutResume", {"name": "web"}),
        ("addNode", {"name": "node-4"}),
        ("addNode", {"name": "node-4", "cpu": "2", "memory": "4Gi", "pods": 20}),
        ("removeNode", {"name": "node-4"}),
        ("delete", {"pod": "web"}),
        ("delete", {"kind": "Pod", "name": "web"}),
        ("delete", {"kind": "Deployment", "name": "web"}),
        ("delete", {"kind": "ReplicaSet", "name": "web-abc", "propagationPolicy": "Orphan"}),
        (
            "delete",
            {"kind": "ReplicationController", "name": "rc", "propagationPolicy": "Foreground"},
        ),
    ],
)
def test_the_new_actions_are_taken_as_written(kind: str, args: dict[str, Any]) -> None:
    assert kind in ACTIONS
    assert action_problem(kind, args) is None


@pytest.mark.parametrize(
    ("kind", "args", "problem"),
    [
        ("scale", {}, "scale needs name, replicas"),
        ("scale", {"name": "web"}, "scale needs replicas"),
        (
            "scale",
            {"name": "web", "replicas": -1},
            "scale: replicas must be a whole number from 0 to 2147483647, not -1",
        ),
        (
            "scale",
            {"name": "web", "replicas": 1.5},
            "scale: replicas must be a whole number, not 1.5",
        ),
        (
            "scale",
            {"name": "web", "replicas": "3"},
            "scale: replicas must be a whole number, not '3'",
        ),
        (
            "scale",
            {"name": "web", "replicas": 2**31},
            "scale: replicas must be a whole number from 0 to 2147483647, not 2147483648",
        ),
        (
            "scale",
            {"kind": "DaemonSet", "name": "db", "replicas": 1},
            "scale: kind must be one of Deployment, ReplicaSet, ReplicationController, "
            "StatefulSet, not 'DaemonSet'",
        ),
        ("setImage", {"name": "web", "image": "x"}, "setImage needs container"),
        ("setImage", {"name": "web"}, "setImage needs container, image"),
        ("rolloutUndo", {}, "rolloutUndo needs name"),
        (
            "rolloutUndo",
            {"name": "web", "toRevision": -2},
            "rolloutUndo: toRevision must be a whole number from 0 to 9223372036854775807, not -2",
        ),
        (
            "rolloutPause",
            {"name": "web", "kind": "ReplicaSet"},
            "rolloutPause: kind must be one of Deployment, not 'ReplicaSet'",
        ),
        ("rolloutResume", {}, "rolloutResume needs name"),
        ("addNode", {}, "addNode needs name"),
        (
            "addNode",
            {"name": "n", "cpu": "lots"},
            "addNode: cpu quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
        (
            "addNode",
            {"name": "n", "memory": "100Ti"},
            "addNode: memory the playground simulates at most 64Ti",
        ),
        ("removeNode", {}, "removeNode needs name"),
        # Unchanged: a delete without a kind names its Pod.
        ("delete", {}, "delete needs pod"),
        ("delete", {"kind": "Deployment"}, "delete needs name"),
        (
            "delete",
            {"kind": "Deployment", "name": "web", "propagationPolicy": "Cascade"},
            'delete: propagationPolicy Unsupported value: "Cascade": supported values: '
            '"Foreground", "Background", "Orphan"',
        ),
        (
            "delete",
            {"kind": "Ingress", "name": "pi"},
            "delete: kind must be one of Pod, Deployment, ReplicaSet, ReplicationController, "
            "DaemonSet, StatefulSet, Job, CronJob, not 'Ingress'",
        ),
    ],
)
def test_wrong_arguments_are_refused_with_a_plain_message(
    kind: str, args: dict[str, Any], problem: str
) -> None:
    assert action_problem(kind, args) == problem


def test_existing_actions_keep_their_messages() -> None:
    assert action_problem("kill", {"pod": "web"}) == "kill needs container"
    assert action_problem("cordon", {}) == "cordon needs node"
    assert action_problem("kill", {"pod": "w", "container": "c", "exitCode": 300}) == (
        "kill: exitCode must be a whole number from 0 to 255, not 300"
    )
    assert action_problem("teleport", {}) == (
        "unknown action 'teleport'; actions: delete, kill, unhealthy, healthy, fillMemory, "
        "cordon, uncordon, drain, failNode, apply, scale, setImage, rolloutUndo, "
        "rolloutPause, rolloutResume, addNode, removeNode, triggerCronJob, suspendCronJob, "
        "resumeCronJob, taint, pushImage"
    )


def test_object_names_and_kinds() -> None:
    assert object_key({"name": "web"}) == ("default", "web")
    assert object_key({"name": "web", "namespace": "shop"}) == ("shop", "web")
    assert object_key({"name": "shop/web"}) == ("shop", "web")
    assert action_object_kind("scale", {"name": "web"}) == "Deployment"
    assert action_object_kind("scale", {"kind": "ReplicaSet"}) == "ReplicaSet"
    assert action_object_kind("delete", {"pod": "web"}) == "Pod"
    assert action_object_kind("delete", {"kind": "Deployment", "name": "web"}) == "Deployment"


SCENARIO = """\
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: s}
spec:
  actions:
"""


def scenario(actions: str) -> tuple[Any, list[str]]:
    """The Scenario's actions, or the errors its document gets."""
    try:
        bundle = load_bundle([("s.yaml", SCENARIO + actions)])
    except BundleError as exc:
        return None, [str(e) for e in exc.errors]
    assert bundle.scenario is not None
    return bundle.scenario.actions, []


def test_a_scenario_reads_the_new_actions_in_time_order() -> None:
    actions, errors = scenario(
        "  - {at: 40, removeNode: node-4}\n"
        "  - {at: 10, scale: {name: web, replicas: 5}}\n"
        "  - {at: 20, setImage: {name: web, container: nginx, image: 'nginx:1.16.1'}}\n"
        "  - {at: 25, rolloutPause: web}\n"
        "  - {at: 26, rolloutResume: {name: web}}\n"
        "  - {at: 30, rolloutUndo: {name: web, toRevision: 1}}\n"
        "  - {at: 35, addNode: {name: node-4, cpu: '2', memory: 4Gi}}\n"
        "  - {at: 38, delete: {kind: Deployment, name: web, propagationPolicy: Orphan}}\n"
    )
    assert errors == []
    assert [(a.at_ms, a.kind, a.args) for a in actions] == [
        (10_000, "scale", {"name": "web", "replicas": 5}),
        (20_000, "setImage", {"name": "web", "container": "nginx", "image": "nginx:1.16.1"}),
        (25_000, "rolloutPause", {"name": "web"}),
        (26_000, "rolloutResume", {"name": "web"}),
        (30_000, "rolloutUndo", {"name": "web", "toRevision": 1}),
        (35_000, "addNode", {"name": "node-4", "cpu": "2", "memory": "4Gi"}),
        (38_000, "delete", {"kind": "Deployment", "name": "web", "propagationPolicy": "Orphan"}),
        (40_000, "removeNode", {"name": "node-4"}),
    ]
    assert [a.line for a in actions] == [7, 8, 9, 10, 11, 12, 13, 6]


def test_a_scenario_pins_each_wrong_argument_to_its_key() -> None:
    _, errors = scenario(
        "  - {at: 10, scale: {name: web}}\n"
        "  - {at: 11, scale: {name: web, replicas: -3}}\n"
        "  - {at: 12, setImage: {name: web, image: x}}\n"
        "  - {at: 13, delete: {kind: Deployment}}\n"
        "  - {at: 14, delete: {kind: Deployment, name: web, propagationPolicy: Cascade}}\n"
        "  - {at: 15, addNode: {name: big, pods: -1}}\n"
        "  - {at: 16, rolloutPause: [web]}\n"
        "  - {at: 17, delete: {}}\n"
    )
    assert errors == [
        "s.yaml:6:21: Scenario spec.actions[0].scale.replicas: Required value",
        "s.yaml:7:43: Scenario spec.actions[1].scale.replicas: must be a whole number "
        "from 0 to 2147483647, not -3",
        "s.yaml:8:24: Scenario spec.actions[2].setImage.container: Required value",
        "s.yaml:9:22: Scenario spec.actions[3].delete.name: Required value",
        "s.yaml:10:71: Scenario spec.actions[4].delete.propagationPolicy: Unsupported value: "
        '"Cascade": supported values: "Foreground", "Background", "Orphan"',
        "s.yaml:11:41: Scenario spec.actions[5].addNode.pods: must be greater than or equal to 0",
        "s.yaml:12:28: Scenario spec.actions[6].rolloutPause: must be a mapping",
        "s.yaml:13:22: Scenario spec.actions[7].delete.pod: Required value",
    ]
