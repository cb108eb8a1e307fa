"""The page's side of issue #12 on the server: CronJob actions and kubectl for the new kinds.

Suspend, resume and trigger a CronJob as live actions over the run websocket
(they join the action log and the run replays exactly), the ones the
simulator refuses answered to their request with its message, and the
inspector's read-only kubectl request for cronjob, jobs, sts and pvc.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from channels.testing import WebsocketCommunicator
from ws_helpers import connect, frames_until_end, streamed_records

from cluster_sim import Simulation, load_bundle

EXAMPLES = Path(__file__).resolve().parents[1] / "cluster_sim" / "docs_examples" / "controllers"
CRONJOB = (EXAMPLES / "cronjob.yaml").read_text()
WEB = (EXAMPLES / "web.yaml").read_text()


async def frames_until(
    communicator: WebsocketCommunicator, kind: str, state: str | None = None
) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        if frame["type"] == kind and (state is None or frame.get("state") == state):
            return frames
        assert frame["type"] not in ("error", "end") or kind in ("error", "end"), frame


async def paused_at(
    communicator: WebsocketCommunicator, manifest: str, t: float
) -> list[dict[str, Any]]:
    await communicator.send_json_to(
        {"action": "start", "manifest": manifest, "speed": 5, "seed": 0, "horizon": 600, "runTo": t}
    )
    frames = await frames_until(communicator, "clock", "paused")
    assert frames[-1]["now"] == t
    return frames


async def act(
    communicator: WebsocketCommunicator, request_id: int, kind: str, args: dict[str, Any]
) -> list[dict[str, Any]]:
    """Frames up to the action's acted frame, and the records it set off at once (last)."""
    await communicator.send_json_to({"action": "act", "id": request_id, "kind": kind, "args": args})
    frames = await frames_until(communicator, "acted")
    assert frames[-1]["id"] == request_id
    records = await communicator.receive_json_from(timeout=10)
    assert records["type"] == "records"
    return [*frames, records]


async def kubectl(communicator: WebsocketCommunicator, *argv: str) -> dict[str, Any]:
    await communicator.send_json_to({"action": "kubectl", "id": 99, "argv": list(argv)})
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        if frame["type"] == "kubectl":
            return frame


async def test_a_cronjob_is_suspended_resumed_and_triggered_live_and_the_run_replays(
    fast_ticks,
) -> None:
    communicator = await connect()
    frames = await paused_at(communicator, CRONJOB, 70.0)
    frames += await act(communicator, 1, "suspendCronJob", {"name": "hello"})
    assert frames[-2]["action"] == {
        "t": 70.0,
        "action": "suspendCronJob",
        "args": {"name": "hello"},
    }
    records = frames[-1]["records"]
    assert {"t": 70.0, "kind": "notice", "message": "cronjob.batch/hello patched"} in records
    cron = [
        r for r in records if r["kind"] == "workload" and r["workload"] == "CronJob/default/hello"
    ]
    assert cron and cron[-1]["suspended"] is True

    frames += await act(communicator, 2, "triggerCronJob", {"name": "hello", "job": "by-hand"})
    records = frames[-1]["records"]
    assert {"t": 70.0, "kind": "notice", "message": "job.batch/by-hand created"} in records
    job = next(
        r for r in records if r["kind"] == "workload" and r["workload"] == "Job/default/by-hand"
    )
    assert job["owner"] == "CronJob/default/hello"

    # kubectl get cronjob at the live edge says it is suspended; get jobs lists both Jobs.
    got = await kubectl(communicator, "get", "cronjob", "hello")
    assert got["status"] == 0
    assert got["output"].splitlines()[1].split()[:8] == [
        "hello",
        "*",
        "*",
        "*",
        "*",
        "*",
        "<none>",
        "True",
    ]
    jobs = await kubectl(communicator, "get", "jobs")
    assert [line.split()[0] for line in jobs["output"].splitlines()[1:]] == [
        "by-hand",
        "hello-29453761",
    ]

    # Played on, the suspended CronJob makes nothing: once its Jobs are done the run goes
    # quiet before its horizon. Resumed then, it starts the minute it missed, at once.
    await communicator.send_json_to({"action": "jump"})
    frames += await frames_until(communicator, "end")
    assert frames[-1]["reason"] == "finished" and frames[-1]["now"] < 600
    resumed_at = frames[-1]["now"]
    frames += await act(communicator, 3, "resumeCronJob", {"name": "hello"})
    records = frames[-1]["records"]
    assert {"t": resumed_at, "kind": "notice", "message": "cronjob.batch/hello patched"} in records
    # Something new to happen: the quiet run goes on, paused.
    frames += await frames_until(communicator, "clock", "paused")
    await communicator.send_json_to({"action": "jump"})
    frames += await frames_until_end(communicator)
    streamed = streamed_records(frames)
    made = [
        r["t"]
        for r in streamed
        if r["kind"] == "event"
        and r["reason"] == "SuccessfulCreate"
        and r["object"] == "CronJob/default/hello"
    ]
    assert [t for t in made if 70.0 < t < resumed_at] == []  # nothing while suspended
    assert any(resumed_at <= t < resumed_at + 1 for t in made)  # the missed run, at once
    await communicator.disconnect()

    # The action log replays the run exactly, in one go.
    log = [f["action"] for f in frames if f["type"] == "acted"]
    sim = Simulation(load_bundle([("editor.yaml", CRONJOB)]), seed=0, horizon=600, actions=log)
    whole = orjson.loads(orjson.dumps(sim.advance(until=600)))
    assert [r for r in streamed if r["kind"] != "budget"] == whole


async def test_actions_the_simulator_refuses_are_answered_with_its_message(fast_ticks) -> None:
    communicator = await connect()
    await paused_at(communicator, CRONJOB, 5.0)
    refused = {
        ("triggerCronJob", "{}"): "triggerCronJob needs name",
        ("scale", '{"kind": "CronJob", "name": "hello", "replicas": 2}'): (
            "scale: kind must be one of Deployment, ReplicaSet, ReplicationController, "
            "StatefulSet, not 'CronJob'"
        ),
        ("setImage", '{"kind": "Job", "name": "x", "container": "c", "image": "i"}'): (
            "setImage: kind must be one of Deployment, ReplicaSet, ReplicationController, "
            "DaemonSet, StatefulSet, not 'Job'"
        ),
    }
    for i, ((kind, args), message) in enumerate(refused.items()):
        await communicator.send_json_to(
            {"action": "act", "id": i, "kind": kind, "args": orjson.loads(args)}
        )
        answer = await communicator.receive_json_from(timeout=10)
        assert (answer["type"], answer["request"], answer["id"]) == ("error", "act", i)
        assert answer["errors"][0]["message"] == message
    # A CronJob that does not exist: kubectl's answer, as a notice.
    frames = await act(communicator, 9, "suspendCronJob", {"name": "nope"})
    notices = [r["message"] for r in frames[-1]["records"] if r["kind"] == "notice"]
    assert notices == ['Error from server (NotFound): cronjobs.batch "nope" not found']
    await communicator.disconnect()


async def test_kubectl_get_and_describe_answer_for_a_statefulset_and_its_claims(fast_ticks) -> None:
    communicator = await connect()
    await paused_at(communicator, WEB, 14.0)
    sts = await kubectl(communicator, "get", "sts", "web")
    assert sts["output"].splitlines() == ["NAME   READY   AGE", "web    1/2     14s"]
    pvc = await kubectl(communicator, "get", "pvc")
    assert [line.split()[:2] for line in pvc["output"].splitlines()[1:]] == [
        ["www-web-0", "Bound"],
        ["www-web-1", "Bound"],
    ]
    described = await kubectl(communicator, "describe", "statefulset", "web")
    assert described["status"] == 0 and "Volume Claims:" in described["output"]
    await communicator.disconnect()
