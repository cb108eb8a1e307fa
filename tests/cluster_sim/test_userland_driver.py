"""``driver.drive``: the one loop that runs a program to its end, for every caller.

The container runtime (PID 1), exec probes and hooks, and ``kubectl exec`` each give
it a step saying what an action means to them; the loop itself delivers signals, ends
a program its driver stops, and turns the OOM killer into exit status 137.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest
from test_userland import ENV, EVERYTHING

from cluster_sim.userland import Output, Process, Signal, Sleep
from cluster_sim.userland.actions import Action
from cluster_sim.userland.driver import Ended, Stop, drive, drive_now, ended


def test_a_program_runs_to_its_exit_status_through_the_step() -> None:
    out: list[str] = []

    def step(action: Action) -> None:
        if isinstance(action, Output):
            out.append(action.text)

    process = Process(["sh", "-c", "echo one; echo two >&2; exit 3"], EVERYTHING, env=dict(ENV))
    assert drive_now(process.run(), step) == Ended(3)
    assert out == ["one\n", "two\n"]


def test_a_signal_the_step_returns_goes_into_the_program() -> None:
    """nginx as PID 1 handles SIGTERM: it logs the signal and exits 0 (a graceful stop)."""
    out: list[str] = []
    sent: list[str] = []

    def step(action: Action) -> Signal | Stop | None:
        if isinstance(action, Output):
            out.append(action.text)
            return None
        if not sent:
            sent.append("TERM")
            return Signal("TERM")
        return Stop.STOP

    assert drive_now(Process(["nginx"], EVERYTHING, env=dict(ENV)).run(), step) == Ended(0)
    assert out[-2:] == [
        "[notice] 1#1: signal 15 (SIGTERM) received, exiting\n",
        "[notice] 1#1: exit\n",
    ]


def test_a_stopped_program_is_ended_and_leaves_the_process_table() -> None:
    process = Process(["sh", "-c", "sleep 100 & sleep 50"], EVERYTHING, env=dict(ENV))
    seen: list[Action] = []

    def step(action: Action) -> Stop | None:
        seen.append(action)
        return Stop.STOP if isinstance(action, Sleep) else None

    assert drive_now(process.run(), step) == Ended(None)
    assert process.fs.processes == {}  # ps in the container would list nothing of it
    assert len(seen) == 1


def test_the_oom_killer_ends_the_program_with_137() -> None:
    process = Process(["sh", "-c", "x=a; while :; do x=$x$x; done"], EVERYTHING, env=dict(ENV))
    assert drive_now(process.run(), lambda action: None) == Ended(137, oom_killed=True)


@pytest.mark.parametrize("status", [0, 1, 2, 127, 137, 255, 256, 300, -1])
def test_a_shared_ended_equals_a_fresh_one(status: int) -> None:
    """``drive`` ends with a prebuilt ``Ended`` per status: the same value as a new one."""
    assert ended(status) == Ended(status)
    assert ended(status).status == status and not ended(status).oom_killed


def test_output_taken_by_the_output_hook_as_the_step_would_take_it() -> None:
    """``drive``'s ``output``: log lines bypass the step's generator, nothing else does."""
    script = "echo one; sleep 2; echo two >&2; sleep 1; exit 4"

    def run(hook: bool) -> tuple[Ended, list[object]]:
        seen: list[object] = []

        def step(action: Action) -> Generator[None, None, None]:
            seen.append(action)
            return
            yield  # pragma: no cover

        def output(action: Output) -> None:
            seen.append(("hook", action))

        process = Process(["sh", "-c", script], EVERYTHING, env=dict(ENV))
        driver = drive(process.run(), step, output if hook else None)
        with pytest.raises(StopIteration) as done:
            next(driver)
        return done.value.value, seen

    plain, hooked = run(False), run(True)
    assert plain[0] == hooked[0] == Ended(4)
    assert [("hook", a) if isinstance(a, Output) else a for a in plain[1]] == hooked[1]
    assert [a for a in hooked[1] if isinstance(a, tuple)] == [
        ("hook", Output("one\n")),
        ("hook", Output("two\n", "stderr")),
    ]
