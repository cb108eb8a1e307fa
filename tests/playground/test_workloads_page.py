"""The page's side of issue #11 on the server: the inspector's read-only kubectl request.

`kubectl get` and `kubectl describe` for Deployments, ReplicaSets and
ReplicationControllers, answered at the live edge from the run's object store
(``cluster_sim.kubectl``); a change never goes this way (it is a live action,
so that it joins the action log).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from ws_helpers import connect

from playground import protocol
from playground.consumers import ACTIONS

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def test_a_kubectl_request_is_parsed() -> None:
    message = {"action": "kubectl", "id": 3, "argv": ["describe", "deployment", "web"]}
    assert protocol.parse_kubectl(message) == protocol.KubectlRequest(
        id=3, argv=("describe", "deployment", "web")
    )
    assert "kubectl" in ACTIONS


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["scale", "deployment", "web", "--replicas=5"],
            'The inspector runs "kubectl get", "kubectl describe" and "kubectl auth can-i" only, '
            'not "scale": changes are live actions.',
        ),
        (["delete", "rs", "web-abc"], 'only, not "delete"'),
        ([], '"argv" must be a list of 1 to 16 non-empty strings'),
        ("get deploy", '"argv" must be a list of 1 to 16 non-empty strings'),
        (["get", ""], '"argv" must be a list of 1 to 16 non-empty strings'),
        (["get"] * 17, '"argv" must be a list of 1 to 16 non-empty strings'),
        (["get", "x" * 254], "of at most 253 characters"),
        (["get", "deploy\x00"], '"argv" must not contain control characters.'),
    ],
)
def test_a_bad_kubectl_request_is_refused(argv: Any, error: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=error.replace("(", r"\(")):
        protocol.parse_kubectl({"action": "kubectl", "id": 1, "argv": argv})


def test_the_kubectl_frame_carries_what_kubectl_prints() -> None:
    frame = json.loads(protocol.kubectl_frame(4, 12.5, ("get", "rs"), (1, "No resources found.\n")))
    assert frame == {
        "type": "kubectl",
        "id": 4,
        "now": 12.5,
        "argv": ["get", "rs"],
        "status": 1,
        "output": "No resources found.\n",
    }


async def test_kubectl_without_a_run_says_so() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "kubectl", "id": "k", "argv": ["get", "deploy"]})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "error",
        "request": "kubectl",
        "id": "k",
        "errors": [
            {
                "file": None,
                "line": None,
                "column": None,
                "message": "There is no run to ask; press Run.",
            }
        ],
    }
    await communicator.disconnect()


async def test_a_refused_verb_comes_back_as_an_error_and_the_socket_stays(fast_ticks) -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "kubectl", "id": 9, "argv": ["edit", "deploy"]})
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "error"
    assert frame["errors"][0]["message"].startswith(
        'The inspector runs "kubectl get", "kubectl describe" and "kubectl auth can-i" only, '
        'not "edit"'
    )
    await communicator.send_json_to({"action": "kubectl", "id": 10, "argv": ["get", "deploy"]})
    assert (await communicator.receive_json_from(timeout=5))["id"] == 10
    await communicator.disconnect()


async def frames_until_paused(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=20)
        frames.append(frame)
        assert frame["type"] not in ("error", "end"), frame
        if frame["type"] == "clock" and frame["state"] == "paused":
            return frames


async def test_kubectl_describe_answers_from_the_runs_store_at_the_live_edge(
    fast_ticks,
) -> None:
    from cluster_sim import Simulation, load_bundle
    from playground.simworkers import kubectl_text

    communicator = await connect()
    await communicator.send_json_to(
        {
            "action": "start",
            "manifest": DEPLOYMENT,
            "speed": 5,
            "seed": 0,
            "horizon": 600,
            "runTo": 30.0,
        }
    )
    await frames_until_paused(communicator)
    sim = Simulation(load_bundle([("editor.yaml", DEPLOYMENT)]), seed=0, horizon=600)
    sim.advance(30.0)
    for request_id, argv in (
        ("get", ["get", "deployment", "nginx-deployment"]),
        ("describe", ["describe", "deployment", "nginx-deployment"]),
        ("rs", ["get", "replicaset"]),
    ):
        await communicator.send_json_to({"action": "kubectl", "id": request_id, "argv": argv})
        status, output = kubectl_text(sim, argv)
        assert await communicator.receive_json_from(timeout=5) == {
            "type": "kubectl",
            "id": request_id,
            "now": 30.0,
            "argv": argv,
            "status": status,
            "output": output,
        }
        assert status == 0, output
    status, output = kubectl_text(sim, ["get", "deployment", "nginx-deployment"])
    assert output.splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert output.splitlines()[1].split()[:4] == ["nginx-deployment", "3/3", "3", "3"]
    await communicator.disconnect()


async def test_the_pods_a_replica_set_makes_come_with_what_they_ask_for(fast_ticks) -> None:
    """kubectl describe pod in the page needs their labels and containers, like a bare Pod's."""
    communicator = await connect()
    await communicator.send_json_to(
        {"action": "start", "manifest": DEPLOYMENT, "speed": 5, "seed": 0, "runTo": 5.0}
    )
    frames = await frames_until_paused(communicator)
    specs = [f for f in frames if f["type"] == "specs"]
    assert specs[0]["pods"] == {}  # the bundle has no Pod of its own
    made = {key: spec for f in specs[1:] for key, spec in f["pods"].items()}
    created = [
        r["message"].removeprefix("Created pod: ")
        for f in frames
        if f["type"] == "records"
        for r in f["records"]
        if r["kind"] == "event" and r["reason"] == "SuccessfulCreate"
    ]
    assert sorted(made) == sorted(f"default/{name}" for name in created) and len(made) == 3
    for spec in made.values():
        labels = spec["labels"]
        assert labels["app"] == "nginx"
        assert spec["name"].startswith(f"nginx-deployment-{labels['pod-template-hash']}-")
        (container,) = spec["containers"]
        assert (container["image"], container["ports"]) == ("nginx:1.14.2", ["80/TCP"])
    await communicator.disconnect()
