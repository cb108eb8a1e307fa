"""The shortcuts on a process run's path give what the long way gives (issue #15).

A container start runs ``sh -c SCRIPT`` as PID 1: the shell's options are read
once for that form, a utility runs in its command's own frame, a log line reuses
the ``Output`` of the same text, a parsed script's hit takes no lock, and a
process shares an empty stdin, its positional parameters and its options until
it sets its own. Each test holds a shortcut to the answer of the path it skips.
"""

from __future__ import annotations

import pytest
from test_userland import ENV, EVERYTHING, drive, sh

from cluster_sim.userland import Output, Process
from cluster_sim.userland.execve import execve_too_big, surely_fits
from cluster_sim.userland.filesystem import Filesystem
from cluster_sim.userland.streams import STDERR_LOG, STDOUT_LOG
from cluster_sim.userland.syntax import ParseCache


def run_argv(argv: list[str], **kwargs: object) -> tuple[str, str, int | None]:
    kwargs.setdefault("env", dict(ENV))
    result = drive(Process(argv, EVERYTHING, **kwargs).run())  # type: ignore[arg-type]
    return result.stdout, result.stderr, result.status


# -- ``sh -c SCRIPT``: the options loop skipped ---------------------------------


@pytest.mark.parametrize(
    "script",
    ["echo $0 $# $-; exit 3", "set -e; false; echo no", "echo a | cat; echo $?", "exit"],
)
def test_sh_dash_c_script_runs_as_with_its_options_spelled_out(script: str) -> None:
    """``sh -c S`` is ``sh -c -- S``, which goes through the options loop."""
    assert run_argv(["sh", "-c", script]) == run_argv(["sh", "-c", "--", script])


@pytest.mark.parametrize("script", ["", "-", "+", "--", "-x", "+e", "-e echo x"])
def test_sh_dash_c_with_a_script_that_looks_like_an_option_takes_the_long_way(
    script: str,
) -> None:
    """What busybox makes of these: an option, a missing script, or ``-`` run as a command."""
    expected = {
        "": ("", "sh: -c requires an argument\n", 2),
        "-": ("", "sh: -: not found\n", 127),
        "+": ("", "sh: +: not found\n", 127),
        "--": ("", "sh: -c requires an argument\n", 2),
        "-x": ("", "sh: -c requires an argument\n", 2),
        "+e": ("", "sh: -c requires an argument\n", 2),
        "-e echo x": ("", "sh: -c requires an argument\n", 2),
    }
    assert run_argv(["sh", "-c", script]) == expected[script]


def test_options_of_a_subshell_or_a_child_shell_stay_their_own() -> None:
    """Options are replaced whole, never changed in place: a subshell's ``set`` stays there."""
    result = sh("(set -x; echo in); echo $-; set -e; echo $-; sh -c 'echo $-'; set +e; echo $-")
    assert (result.stdout, result.stderr) == ("in\n\ne\n\n\n", "+ echo in\n")
    assert run_argv(["sh", "-xc", "echo $-"])[:2] == ("x\n", "+ echo x\n")


def test_positional_parameters_are_a_process_s_own() -> None:
    script = "f() { set -- x y; echo $#; }; set -- a; f; echo $# $1; (set --; echo $#); echo $1"
    assert sh(script).stdout == "2\n1 a\n0\na\n"
    assert Process(["true"], EVERYTHING).positional == ()


# -- the empty stdin every process shares ------------------------------------------


def test_processes_without_input_read_none_and_one_with_input_reads_its_own() -> None:
    fs = Filesystem(lambda: 0, binaries=EVERYTHING)
    first = Process(["cat"], EVERYTHING, fs=fs)
    second = Process(["sh", "-c", "read x; echo [$x]; cat"], EVERYTHING, fs=fs, pid=2)
    assert first.stdin is second.stdin  # nothing to read: one shared, unchanged by reads
    assert drive(first.run()).stdout == ""
    assert drive(second.run()).stdout == "[]\n"
    fed = Process(["sh", "-c", "read x; echo [$x]; cat"], EVERYTHING, fs=fs, pid=3, stdin="a\nb\n")
    assert drive(fed.run()).stdout == "[a]\nb\n"
    assert drive(Process(["cat"], EVERYTHING, fs=fs, pid=4).run()).stdout == ""


# -- a utility run in its command's frame ------------------------------------------


def test_a_utility_run_by_a_command_is_what_ps_shows_and_a_function_shadows_it() -> None:
    script = (
        "ps; echo() { printf 'fn %s\\n' \"$*\"; }; echo shadowed; /bin/echo path; "
        "X=1 ps | grep -c ps"
    )
    result = sh(script)
    assert result.stdout.splitlines() == [
        "PID   USER     TIME  COMMAND",
        "    1 root      0:00 sh -c " + script,
        "fn shadowed",
        "path",
        "3",  # the pipeline's two stages and PID 1
    ]


# -- a log line's Output --------------------------------------------------------------


def test_a_log_line_is_the_output_of_its_own_text_and_stream() -> None:
    """The ``Output`` kept for the last text is given again only for that same text."""
    for script in ("echo a; echo a; echo b; echo a 1>&2; echo a", "echo b; echo b >&2"):
        result = sh(script)
        assert result.log == "".join(line.split(" ")[1] + "\n" for line in script.split("; "))
    proc = Process(["true"], EVERYTHING)
    seen = [
        next(proc.write(text, log))
        for text, log in [
            ("x\n", STDOUT_LOG),
            ("x\n", STDOUT_LOG),
            ("y\n", STDOUT_LOG),
            ("x\n", STDERR_LOG),
        ]
    ]
    assert seen == [
        Output("x\n", "stdout"),
        Output("x\n", "stdout"),
        Output("y\n", "stdout"),
        Output("x\n", "stderr"),
    ]
    assert STDOUT_LOG.last.stream == "stdout" and STDERR_LOG.last.stream == "stderr"


# -- the parse cache's hit path ---------------------------------------------------------


def test_a_parse_cache_hit_keeps_the_script_most_recently_used() -> None:
    cache = ParseCache(scripts=2)
    a, b = cache.parse("echo a"), cache.parse("echo b")
    assert cache.parse("echo a") is a  # a hit: now the most recent
    cache.parse("echo c")  # the least recently used goes: ``echo b``
    assert cache.parse("echo a") is a
    assert cache.parse("echo b") is not b and cache.parse("echo b") == b
    assert len(cache) == 2


# -- execve's bound --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "fits"),
    [
        (["sh"], {"V": "x" * 32_759}, True),  # 4 * 32,763 + 9 * 2 < 32 * 4096: at once
        (["sh"], {"V": "x" * 32_800}, False),  # the value alone is past the bound
        (["sh"], {"x" * 32_800: "v"}, False),  # so is the name
        (["x" * 32_800], {"V": "v"}, False),  # and an argument
        (["sh", "-c", "x" * 32_760], {}, True),  # over the quick total, each string under
        ([], {}, True),
    ],
)
def test_the_length_bound_counts_every_string(
    argv: list[str], env: dict[str, str], fits: bool
) -> None:
    assert surely_fits(argv, env) is fits
    assert execve_too_big(argv, env) is False  # under the exact limits all the same
