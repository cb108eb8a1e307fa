"""The run websocket: start, pacing, stop, errors, and no record ever lost."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import orjson
import pytest
from ws_helpers import FakeClock, connect, frames_until_end, streamed_records

from cluster_sim import BundleError, Simulation, load_bundle
from playground.consumers import RunConsumer
from playground.examples import CRASHLOOP_POD
from playground.simpool import LocalPool
from playground.simworkers import WorkerCore

TAB_INDENTED = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: bad\n"


def reference_records(manifest: str, *, seed: int, until: float) -> list[dict[str, Any]]:
    """What the simulation produces in one go, normalised through JSON like the wire."""
    sim = Simulation(load_bundle([("editor.yaml", manifest)]), seed=seed, horizon=until)
    return orjson.loads(orjson.dumps(sim.advance(until=until)))


def start(manifest: str = CRASHLOOP_POD, **fields: Any) -> dict[str, Any]:
    return {"action": "start", "manifest": manifest, "speed": 5, "seed": 0, **fields}


class RecordingConsumer(RunConsumer):
    instances: ClassVar[list[RunConsumer]] = []

    async def connect(self) -> None:
        RecordingConsumer.instances.append(self)
        await super().connect()


async def test_crash_loop_at_top_speed_streams_exactly_the_simulation_records(fast_ticks) -> None:
    horizon = 600.0
    communicator = await connect()
    await communicator.send_json_to(start(speed=1000, horizon=horizon))

    frames = await frames_until_end(communicator)

    assert frames[0] == {
        "type": "started",
        "speed": 1000.0,
        "seed": 0,
        "horizon": horizon,
        "state": "playing",
    }
    assert frames[1]["type"] == "specs"
    assert list(frames[1]["pods"]) == ["default/crashy"]
    assert frames[-1] == {"type": "end", "now": horizon, "reason": "finished"}
    assert {f["type"] for f in frames[2:-1]} == {"records"}
    streamed = streamed_records(frames)
    assert streamed == reference_records(CRASHLOOP_POD, seed=0, until=horizon)
    # The input really crash-loops, so the comparison covers restarts and back-off.
    assert max(r.get("restartCount", 0) for r in streamed if r["kind"] == "container") >= 3
    assert any(r["kind"] == "event" and r["reason"] == "BackOff" for r in streamed)
    # Batched per tick: far fewer frames than records, each within its own "now".
    assert len(frames) - 2 < len(streamed)
    previous_now = -1.0
    for frame in frames[2:-1]:
        assert frame["now"] >= previous_now
        assert all(previous_now < r["t"] <= frame["now"] for r in frame["records"])
        previous_now = frame["now"]
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()


async def test_frames_follow_the_wall_clock_and_speed_changes(fast_ticks) -> None:
    clock = FakeClock()
    consumer = type("FakeClockConsumer", (RunConsumer,), {"clock": staticmethod(clock)})
    communicator = await connect(consumer)
    await communicator.send_json_to(start(speed=10))
    assert (await communicator.receive_json_from())["type"] == "started"
    assert (await communicator.receive_json_from())["type"] == "specs"

    async def wait_for_now(expected: float) -> list[dict[str, Any]]:
        frames: list[dict[str, Any]] = []
        while not frames or frames[-1]["now"] < expected:
            assert len(frames) < 500, f"now stuck at {frames[-1]['now']}, expected {expected}"
            frame = await communicator.receive_json_from(timeout=2)
            if frame["type"] == "clock":  # the speed change, confirmed
                assert (frame["state"], frame["speed"]) == ("playing", 20.0)
                continue
            assert frame["type"] == "records"
            assert frame["now"] <= expected
            frames.append(frame)
        return frames

    first = await wait_for_now(0.0)
    clock.now += 1.0  # 1 s at 10x
    second = await wait_for_now(10.0)
    await communicator.send_json_to({"action": "speed", "speed": 20})
    await asyncio.sleep(0.05)  # let the consumer apply it before the clock moves
    clock.now += 1.0  # 1 s at 20x
    third = await wait_for_now(30.0)
    await communicator.send_json_to({"action": "stop"})
    rest = await frames_until_end(communicator)

    assert rest[-1] == {"type": "end", "now": 30.0, "reason": "stopped"}
    streamed = streamed_records(first + second + third + rest)
    assert streamed == reference_records(CRASHLOOP_POD, seed=0, until=30.0)
    await communicator.disconnect()


async def test_stop_cancels_the_run_and_loses_nothing(fast_ticks) -> None:
    communicator = await connect()
    await communicator.send_json_to(start(speed=20))
    started = await communicator.receive_json_from()
    assert started["type"] == "started"
    await asyncio.sleep(0.3)
    await communicator.send_json_to({"action": "stop"})

    frames = await frames_until_end(communicator)

    end = frames[-1]
    assert end["reason"] == "stopped"
    assert 0 < end["now"] < 3600
    assert streamed_records(frames) == reference_records(CRASHLOOP_POD, seed=0, until=end["now"])
    # Nothing more arrives: the pacing task is gone.
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_disconnect_cancels_the_pacing_task(fast_ticks) -> None:
    RecordingConsumer.instances.clear()
    communicator = await connect(RecordingConsumer)
    await communicator.send_json_to(start(speed=1))
    assert (await communicator.receive_json_from())["type"] == "started"
    (consumer,) = RecordingConsumer.instances
    assert consumer.run is not None
    task = consumer.run.task
    assert task is not None

    await communicator.disconnect()

    assert task.cancelled()
    assert consumer.run is None


async def test_a_new_start_replaces_the_running_one(fast_ticks) -> None:
    communicator = await connect()
    await communicator.send_json_to(start(speed=1))
    assert (await communicator.receive_json_from())["type"] == "started"
    await communicator.send_json_to(start(speed=1000, horizon=60))

    first_run = await frames_until_end(communicator)
    assert first_run[-1]["reason"] == "stopped"
    second_run = await frames_until_end(communicator)
    assert second_run[0]["type"] == "started"
    assert second_run[-1] == {"type": "end", "now": 60.0, "reason": "finished"}
    assert streamed_records(second_run) == reference_records(CRASHLOOP_POD, seed=0, until=60.0)
    await communicator.disconnect()


async def test_bad_yaml_returns_an_error_frame_with_line_and_column() -> None:
    communicator = await connect()
    await communicator.send_json_to(start(TAB_INDENTED))

    frame = await communicator.receive_json_from()

    assert frame["type"] == "error"
    (error,) = frame["errors"]
    assert error["file"] == "editor.yaml"
    assert (error["line"], error["column"]) == (4, 1)
    assert error["message"]
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()


async def test_every_validation_error_is_forwarded_in_order() -> None:
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n"
        "  - name: a\n  - image: nginx\n"
    )
    with pytest.raises(BundleError) as info:
        load_bundle([("editor.yaml", manifest)])
    expected = [error.to_dict() for error in info.value.errors]
    assert len(expected) >= 2
    communicator = await connect()
    await communicator.send_json_to(start(manifest))

    frame = await communicator.receive_json_from()

    assert frame == {"type": "error", "errors": expected}
    assert all(isinstance(e["line"], int) and e["line"] >= 7 for e in frame["errors"])
    await communicator.disconnect()


class BrokenSimulation:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.now = 0.0
        self.finished = False
        self.seed = 0
        self.horizon = 3600.0
        self.actions: list[dict[str, Any]] = []

    def next_time(self) -> float | None:
        return 0.0

    def advance(self, until: float) -> list[dict[str, Any]]:
        raise RuntimeError("boom")


async def test_a_simulator_crash_is_reported_and_ends_the_run(monkeypatch) -> None:
    core = WorkerCore(budget=0.02, simulation=BrokenSimulation)  # type: ignore[arg-type]
    monkeypatch.setattr("playground.consumers._POOL", LocalPool(core))
    communicator = await connect()
    await communicator.send_json_to(start())

    frames = await frames_until_end(communicator)

    assert [f["type"] for f in frames] == ["started", "specs", "error", "end"]
    assert frames[2]["errors"][0]["message"] == "The simulation failed: boom"
    assert frames[3]["reason"] == "error"
    await communicator.disconnect()


async def test_oversized_manifest_is_rejected_with_a_plain_message() -> None:
    communicator = await connect()
    big = CRASHLOOP_POD + "# " + "x" * (300 * 1024) + "\n"
    await communicator.send_json_to(start(big))

    frame = await communicator.receive_json_from()

    assert frame["type"] == "error"
    assert frame["errors"][0]["message"] == "The manifest is 300 KiB; the limit is 256 KiB."
    await communicator.disconnect()


async def test_unknown_action_and_bad_speed_get_error_frames() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "rewind"})
    unknown = await communicator.receive_json_from()
    await communicator.send_json_to(start(speed=0))
    bad_speed = await communicator.receive_json_from()
    await communicator.send_to(text_data="{nope")
    bad_json = await communicator.receive_json_from()

    assert "Unknown action 'rewind'" in unknown["errors"][0]["message"]
    assert '"speed" must be a number above 0' in bad_speed["errors"][0]["message"]
    assert "not valid JSON" in bad_json["errors"][0]["message"]
    await communicator.disconnect()


async def test_stop_without_a_run_sends_nothing() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "stop"})
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()
