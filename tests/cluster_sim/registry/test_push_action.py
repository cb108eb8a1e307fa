"""The pushImage action (issue #16): validated like the others, replayed byte for byte."""

from __future__ import annotations

import json

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.actions import ActionError
from cluster_sim.errors import BundleError
from cluster_sim.scenario import action_problem
from tests.cluster_sim.simrun import last, of

WEB = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: node-1
  containers:
  - {name: app, image: "nginx:1.27", imagePullPolicy: Always}
"""


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ({}, "pushImage needs image"),
        (
            {"image": "Nginx:1.27"},
            "pushImage: image must be an image reference like nginx:1.27, not 'Nginx:1.27'",
        ),
        (
            {"image": "nginx@sha256:" + "a" * 64},
            "pushImage: image must be a tag to push to (repository:tag), not a digest",
        ),
        (
            {"image": "nginx:1.27", "from": 5},
            "pushImage: from must be an image reference like nginx:1.27, not 5",
        ),
        (
            {"image": "nginx:1.27", "labels": ["a"]},
            "pushImage: labels must be a mapping of label names to values",
        ),
        ({"image": "nginx:1.27", "commit": True}, "pushImage: commit must be a string, not True"),
        (
            {"image": "nginx:1.27", "tag": "x"},
            "pushImage: tag is not a pushImage field (image, from, commit, labels, user)",
        ),
    ],
)
def test_wrong_arguments_are_refused_with_a_plain_message(args: dict, problem: str) -> None:
    assert action_problem("pushImage", args) == problem


def test_a_scenario_with_a_wrong_push_points_at_its_line() -> None:
    text = WEB + (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "spec:\n  actions:\n  - {at: 5, pushImage: {image: 'nginx@sha256:" + "a" * 64 + "'}}\n"
    )
    with pytest.raises(BundleError) as raised:
        load_bundle([("t.yaml", text)])
    assert "spec.actions[0].pushImage.image" in str(raised.value)
    assert "must be a tag to push to (repository:tag), not a digest" in str(raised.value)


def test_a_live_push_replays_byte_for_byte_and_moves_what_a_restart_pulls() -> None:
    sim = Simulation(load_bundle([("t.yaml", WEB)]), horizon=120)
    records = sim.advance(20)
    first = last(records, "container", pod="default/web", state="running")["imageID"]
    sim.act("pushImage", {"image": "nginx:1.27", "from": "nginx:1.28", "commit": "9f1c2e0"})
    records += sim.advance(21)
    sim.act("kill", {"pod": "web", "container": "app", "exitCode": 1})
    records += sim.advance(120)
    (push,) = of(records, "registry")
    restarted = last(records, "container", pod="default/web", state="running")
    assert restarted["restartCount"] == 1
    assert first == f"docker.io/library/nginx@{push['previous']}"
    # imagePullPolicy Always: the restart pulls the tag again and runs the pushed digest
    assert restarted["imageID"] == f"docker.io/library/nginx@{push['digest']}"
    replay = Simulation(load_bundle([("t.yaml", WEB)]), horizon=120, actions=sim.actions)
    assert json.dumps(replay.advance(120)) == json.dumps(records)
    with pytest.raises(ActionError, match="pushImage needs image"):
        sim.act("pushImage", {})
