"""The editor's built-in examples: each one is valid and shows what it is for."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle
from playground.examples import DEFAULT_EXAMPLE, EXAMPLES, Example, get_example

SECONDS = 120.0


def run(example: Example, until: float = SECONDS) -> list[dict[str, Any]]:
    bundle = load_bundle([("editor.yaml", example.manifest)])
    return Simulation(bundle, seed=0, horizon=until).advance(until=until)


def events(records: list[dict[str, Any]], reason: str) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] == "event" and r["reason"] == reason]


def test_the_examples_have_unique_keys_and_the_crash_loop_comes_first() -> None:
    keys = [example.key for example in EXAMPLES]
    assert len(set(keys)) == len(keys)
    assert DEFAULT_EXAMPLE.key == "crashloop"
    assert get_example("oom").key == "oom"
    with pytest.raises(KeyError):
        get_example("nope")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.key)
def test_every_example_loads_and_runs_for_two_simulated_minutes(example: Example) -> None:
    records = run(example)
    assert records, "the run produced nothing"
    assert records[-1]["t"] <= SECONDS
    assert not [r for r in records if r["kind"] == "notice" and "could not" in r["message"]]


def test_crash_loop_example_backs_off() -> None:
    records = run(get_example("crashloop"))
    assert events(records, "BackOff")


@pytest.mark.parametrize(
    ("key", "pod", "failure"),
    [
        ("liveness-exec", "default/liveness-exec", "cat: can't open '/tmp/healthy'"),
        ("liveness-http", "default/liveness-http", "HTTP probe failed with statuscode: 500"),
    ],
)
def test_liveness_examples_pass_then_fail_and_get_restarted(
    key: str, pod: str, failure: str
) -> None:
    records = run(get_example(key))
    probes = [r for r in records if r["kind"] == "probe" and r["pod"] == pod]
    # As in the docs: healthy at first, then failing, then a restart.
    assert probes[0]["result"] == "Success"
    failed = [p for p in probes if p["result"] == "Failure"]
    assert failed and failure in failed[0]["message"]
    assert events(records, "Killing")[0]["message"] == (
        "Container liveness failed liveness probe, will be restarted"
    )
    restarts = [r["restartCount"] for r in records if r["kind"] == "container"]
    assert max(restarts) >= 1


def test_oom_example_is_oom_killed_at_its_limit() -> None:
    records = run(get_example("oom"))
    ooms = [r for r in records if r["kind"] == "oom"]
    assert ooms and ooms[0]["limit"] == 100 * 1024 * 1024
    assert ooms[0]["memory"] > ooms[0]["limit"]
    killed = [r for r in records if r["kind"] == "container" and r["reason"] == "OOMKilled"]
    assert killed and killed[0]["exitCode"] == 137


def test_graceful_deletion_example_runs_the_pre_stop_hook_then_kills_the_sleeper() -> None:
    records = run(get_example("graceful-deletion"))
    actions = [(r["t"], r["args"]["pod"]) for r in records if r["kind"] == "action"]
    assert actions == [(20.0, "web"), (20.0, "sleeper")]
    terminating = {r["pod"] for r in records if r["kind"] == "pod" and r["status"] == "Terminating"}
    assert terminating == {"default/web", "default/sleeper"}

    hooks = [
        (r["t"], r["phase"]) for r in records if r["kind"] == "hook" and r["pod"] == "default/web"
    ]
    assert hooks[0] == (20.0, "start")
    assert hooks[-1][1] == "end" and hooks[-1][0] > 20.0

    steps = [
        (r["t"], r["step"])
        for r in records
        if r["kind"] == "termination" and r["pod"] == "default/sleeper"
    ]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM"), (50.0, "SIGKILL")]
    sleeper = [r for r in records if r["kind"] == "container" and r["pod"] == "default/sleeper"]
    assert (sleeper[-1]["state"], sleeper[-1]["exitCode"]) == ("terminated", 137)

    deleted = [r["pod"] for r in records if r["kind"] == "deleted"]
    assert sorted(deleted) == ["default/sleeper", "default/web"]
