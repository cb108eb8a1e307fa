"""Builtins run in their simple command's frame (``registry.INSTANT``, ``ShellInterpreter.simple``).

``echo``, ``exit``, ``true``, ``:`` and ``false`` cannot block: a simple command runs
their instant form (a plain function) instead of the utility's program, and writes
``echo``'s text to the log itself. Everything a script can see must be what the
utilities' own programs give: the log, line by line and when, the status, the CPU
charged, the files written, the complaints, and the process's state afterwards.
"""

from __future__ import annotations

import pytest
from test_userland import ENV, EVERYTHING, drive

from cluster_sim.userland import Process
from cluster_sim.userland.filesystem import Filesystem, Volume
from cluster_sim.userland.registry import INSTANT, UTILITIES

SCRIPTS = [
    "echo starting; exit 1",
    "echo starting; exit",
    "false; exit",
    "exit 300",
    "exit -1",
    "exit abc",
    "exit 1 2",
    "true; :; false; echo $?",
    ": ignored args; echo $?",
    "echo; echo -n a; echo -e 'b\\tc\\c' d; echo -E 'x\\ty'; echo -neE; echo -x y",
    "echo same; echo same; echo other; echo same",
    "echo '' ; echo -n ''; echo -n; echo done",
    "echo to file > /tmp/f; echo more >> /tmp/f; cat /tmp/f",
    "echo hidden > /dev/null; echo shown",
    "echo err >&2; echo out",
    "echo piped | cat; echo a b | wc -w",
    "x=$(echo sub; exit 4); echo $? $x",
    "(echo in; exit 5); echo $?",
    "set -e; false; echo never",
    "set -e; true; echo ran",
    "trap 'echo bye' EXIT; echo hi; exit 3",
    "trap 'echo bye; exit 9' EXIT; exit 3",
    "trap 'echo bye' EXIT; exit 3 >/dev/null",
    "trap 'echo bye >&2' EXIT; true 2>/dev/null; echo x 2>/dev/null; exit 2>/tmp/f",
    "true >/dev/null; false 2>&1; echo after; echo more >/dev/null; echo last",
    "f() { exec >/dev/null; }; f; echo hidden; exec >&2; echo shown",
    "eval 'exec >/dev/null'; echo eval kept its stream",
    "f() { echo in f; return 2; }; f; echo $?",
    "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i + 1)); done; exit 7",
    "while true; do echo spin; done",
    "for w in a b c; do echo $w; true; done; false",
    "echo full > /small/f; echo status $?; cat /small/f",
    "exec > /tmp/g; echo redirected; exit 2",
    "X=1 echo assigned; echo $X",
    "set -x; echo traced; true",
]


STATE = ("status", "cpu_us", "cpu_total_us", "busy_since", "depth", "crashed", "options")


def run(script: str, monkeypatch: pytest.MonkeyPatch, *, instant: bool) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        if not instant:
            patch.setattr("cluster_sim.userland.interpreter.INSTANT", {})
        fs = Filesystem(binaries=EVERYTHING)
        fs.mount("/small", Volume("small", capacity=4096))
        process = Process(["sh", "-c", script], EVERYTHING, env=dict(ENV), fs=fs)
        result = drive(process.run(), until=500)
        files = {path: fs.read(path) for path in ("/tmp/f", "/tmp/g") if fs.exists(path)}
        state: dict[str, object] = {name: getattr(process, name) for name in (*STATE, "running")}
        for name in ("stdin", "stdout", "stderr"):  # which kind, and whether the shared default
            stream = getattr(process, name)
            kind = (type(stream).__name__, getattr(stream, "stream", None))
            state[name] = (kind, stream is getattr(Process, name))
        # streams an instant builtin leaves as they were are not written back (the class's)
        return (result, files, state, sorted(set(vars(process)) - {"stdin", "stdout", "stderr"}))


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_instant_builtin_does_what_its_utility_does(
    script: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(script, monkeypatch, instant=True) == run(script, monkeypatch, instant=False)


def test_the_instant_builtins_are_shell_builtins_of_their_own_utilities() -> None:
    """Keyed by the utility itself: a name registered again runs its own program."""
    names = {name for name, fn in UTILITIES.items() if fn in INSTANT}
    assert names == {"echo", "exit", "true", ":", "false"}


def test_a_log_line_from_an_instant_echo_is_the_output_of_its_own_text() -> None:
    process = Process(["sh", "-c", "echo a; echo a >&2; echo b"], EVERYTHING, env=dict(ENV))
    result = drive(process.run())
    assert (result.stdout, result.stderr, result.status) == ("a\nb\n", "a\n", 0)


# -- the utility a process's ``run`` starts runs in ``_guard``'s frame ----------------------

RUN_ARGVS = [
    ["sh", "-c", "echo starting; exit 1"],
    ["/bin/sh", "-c", "echo a; sleep 1; echo b"],
    ["sh", "-c", "exec 2>/small/f; set -x; echo traced; echo $?"],
    ["sh", "-c", "exec >/small/f; echo one; echo two"],
    ["sh", "-c", "trap 'echo bye' EXIT; exec 2>/small/f; set -x; true"],
    ["sh", "-c", "{ set -x; i=0; while [ $i -lt 900 ]; do i=$((i+1)); done; } 2>/small/f; echo $?"],
    ["sh", "-c", "trap 'echo bye' EXIT; { set -x; while :; do :; done; } 2>/small/f"],
    ["sh", "-c", "cat /nonexistent; exit 4"],
    ["sh", "-c", "while true; do :; done"],
    ["sh", "-c", "sleep 2 & wait; echo waited"],
    ["sh", "-e", "-c", "false; echo never"],
    ["echo", "hello", "world"],
    ["/bin/echo", "-n", "x"],
    ["exit", "3"],
    ["true"],
    ["cat", "/etc/hostname"],
    ["sleep", "1"],
    ["yes"],
    ["/no/such/command"],
    ["nosuchcommand", "x"],
]


def run_pid1(argv: list[str], *, shortcut: bool) -> tuple[object, ...]:
    fs = Filesystem(binaries=EVERYTHING)
    fs.mount("/small", Volume("small", capacity=4096))
    process = Process(argv, EVERYTHING, env=dict(ENV), fs=fs)
    if shortcut:
        program = process.run()
    else:  # the long way: ``exec``'s program (``_run_utility``) under ``_guard``
        main = process._guard(process.exec(list(process.argv), None))
        program = process._schedule(main, outermost=True)
    result = drive(program, until=1500)
    state = {name: getattr(process, name) for name in STATE}
    small = fs.read("/small/f") if fs.exists("/small/f") else None
    return (result, state, small, len(fs.processes))


@pytest.mark.parametrize("argv", RUN_ARGVS, ids=" ".join)
def test_the_utility_run_starts_runs_as_under_run_utility(argv: list[str]) -> None:
    """The same log, status, CPU and files; only ``running`` (ps shows it for subshells) is
    left unset."""
    assert run_pid1(argv, shortcut=True) == run_pid1(argv, shortcut=False)


def test_a_process_run_starts_is_no_subshell_and_shows_no_running_command() -> None:
    process = Process(["sh", "-c", "ps; exit 2"], EVERYTHING, env=dict(ENV))
    result = drive(process.run())
    assert result.status == 2
    assert result.stdout.splitlines()[1].split() == [
        "1",
        "root",
        "0:00",
        "sh",
        "-c",
        "ps;",
        "exit",
        "2",
    ]
    assert not process.forked and process.running is None
