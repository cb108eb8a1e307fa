"""The last ``exit`` of a process's own script returns (``exiting.run_main``).

``sh -c "echo starting; exit 1"`` (a crash loop's PID 1) ends with a plain ``exit``:
nothing runs after it but what ending runs anyway, so it returns its status instead of
raising ``ExitProgram`` up to ``_guard``. Everything a script can see must be as when it
raises: the log, line by line and when, the status, the CPU charged, the files written,
the EXIT trap, pending traps, ``set -e``, and ``exit`` anywhere else (functions,
subshells, ``eval``, traps, conditions, earlier in the list).
"""

from __future__ import annotations

import pytest
from test_userland import ENV, EVERYTHING, drive

from cluster_sim.userland import Process, shell_builtins
from cluster_sim.userland.actions import Output
from cluster_sim.userland.control import ExitProgram
from cluster_sim.userland.filesystem import Filesystem, Volume

SCRIPTS = [
    "echo starting; exit 1",
    "echo starting; exit",
    "false; exit",
    "true; exit",
    "echo a; exit 300",
    "echo a; exit -1",
    "echo a; exit abc",
    "echo a; exit 1 2",
    "exit 0; exit 1",
    "echo a; exit 2; echo never; exit 3",
    "true && exit 4; echo never; exit 5",
    "false || exit 6; exit 7",
    "[ -f /nonexistent ] && exit 0; echo fell through; exit 8",
    "if true; then exit 9; fi; exit 10",
    "f() { exit 11; }; f; exit 12",
    "f() { echo in f; }; f; exit 13",
    "exit() { echo my exit $1; return 3; }; exit 14",
    "exit() { echo my exit; }; echo a; exit 15",
    "exit() { unset -f exit; exit 3; echo after; }; exit 47",
    "exit() { unset -f exit; exit; }; false; exit",
    "(exit 16); echo $?; exit",
    "(echo in; exit 17); exit $?",
    "x=$(echo sub; exit 18); echo $? $x; exit 19",
    "eval 'exit 20'; exit 21",
    "eval 'echo e'; exit 22",
    "set -e; false; exit 23",
    "set -e; true; exit 24",
    "set -e; echo a; exit 25",
    "set -e; echo a; exit 0",
    "set -x; echo traced; exit 26",
    "trap 'echo bye' EXIT; echo hi; exit 27",
    "trap 'echo bye; exit 9' EXIT; exit 28",
    "trap 'echo bye; exit' EXIT; false; exit",
    "trap 'exit 5' EXIT; echo a; exit 29",
    "trap 'echo a; exit 30' EXIT; exit 31",
    "trap 'false; exit' EXIT; true; exit 0",
    "trap 'echo bye' EXIT; exit 3 >/dev/null",
    "trap 'echo term' TERM; echo a; exit 32",
    "trap 'echo usr; exit 4' USR1; echo a; exit 33",
    "exec >/tmp/f; echo to file; exit 34",
    "echo full > /small/f; exit 35",
    "X=1 exit 36",
    "exit 37 >/tmp/f",
    "i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; exit 38",
    "sleep 1 & echo started; exit 39",
    "sleep 1 & wait; exit 40",
    "echo a | cat; exit 41",
    "echo $((1/0)); exit 42",
    "echo ${X:?unset}; exit 43",
    "unset -f exit 2>/dev/null; exit 44",
    "echo a; echo b; exit $?",
    "echo 'unterminated; exit 45",
    "exit 46",
]

PID1S = [
    ["sh", "-c"],
    ["/bin/sh", "-c"],
    ["sh", "-e", "-c"],
    ["env", "sh", "-c"],
    ["env", "X=1", "sh", "-c"],
    ["command", "sh", "-c"],
    ["docker-entrypoint.sh", "sh", "-c"],
    ["sh", "-c", 'sh -c "$0"'],
]

STATE = ("status", "cpu_us", "cpu_total_us", "busy_since", "depth", "crashed", "options")


def run(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, *, shortcut: bool, signal: str = ""
) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        if not shortcut:
            patch.setattr(shell_builtins, "run_main", Process.run_script)
        fs = Filesystem(binaries=EVERYTHING)
        fs.mount("/small", Volume("small", capacity=4096))
        process = Process(argv, EVERYTHING, env=dict(ENV), fs=fs)
        program = process.run()
        if signal:  # delivered at each log line: a pending trap when the next command starts
            program = signalled(process, program, signal)
        result = drive(program, until=5000)
        files = {path: fs.read(path) for path in ("/tmp/f", "/small/f") if fs.exists(path)}
        state = {name: getattr(process, name) for name in STATE}
        names = sorted(set(vars(process)) - {"_exit_returns"})
        return (result, files, state, names, len(fs.processes), process.pending)


def signalled(process: Process, program: object, name: str) -> object:
    action = next(program)  # type: ignore[call-overload]
    while True:
        if isinstance(action, Output):
            process.signal(name)
        try:
            action = program.send((yield action))  # type: ignore[attr-defined]
        except StopIteration as done:
            return done.value


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("pid1", PID1S, ids=" ".join)
def test_the_last_exit_returns_as_it_would_raise(
    pid1: list[str], script: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [*pid1[:-1], pid1[-1].replace("$0", script)] if "$0" in pid1[-1] else [*pid1, script]
    assert run(argv, monkeypatch, shortcut=True) == run(argv, monkeypatch, shortcut=False)


SIGNALLED = [
    "trap 'echo term' TERM; set -x; exit 3",
    "trap 'echo term; exit 7' TERM; set -x; echo a; exit 3",
    "trap 'echo term' TERM; echo a; echo b; exit 4",
    "trap 'echo term' TERM; trap 'echo bye' EXIT; set -x; exit",
]


@pytest.mark.parametrize("script", SIGNALLED)
def test_a_trap_pending_at_the_last_exit_is_not_run(
    script: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``set -x`` writes before ``exit`` runs: a signal then leaves a trap pending."""
    argv = ["sh", "-c", script]
    fast = run(argv, monkeypatch, shortcut=True, signal="TERM")
    assert fast == run(argv, monkeypatch, shortcut=False, signal="TERM")


def test_the_crash_loop_script_takes_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``ExitProgram`` is raised for the last ``exit``, and no flag is left set."""
    made: list[int] = []
    init = ExitProgram.__init__

    def counting(self: ExitProgram, status: int) -> None:
        made.append(status)
        init(self, status)

    monkeypatch.setattr(ExitProgram, "__init__", counting)
    process = Process(["sh", "-c", "echo starting; exit 1"], EVERYTHING, env=dict(ENV))
    result = drive(process.run())
    assert (result.stdout, result.status, made) == ("starting\n", 1, [])
    assert process._exit_returns is False
    trapped = Process(["sh", "-c", "trap 'exit 5' EXIT; exit 1"], EVERYTHING, env=dict(ENV))
    assert drive(trapped.run()).status == 5
    assert made == [5]  # the EXIT trap's exit raises, as ``_guard`` expects
