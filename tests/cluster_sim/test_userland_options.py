"""Commands parse their options the way busybox's getopt32 does, through one decorator.

Every command that takes options is written with ``toolkit.options``: an invalid
option or a missing argument prints busybox's two lines (the complaint, then the
usage text) and exits with the command's own failure status; ``head -5`` and
``tail +2`` keep their older forms; ``egrep``/``fgrep`` know the name they ran as.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_userland import sh

USERLAND = Path(__file__).resolve().parents[2] / "cluster_sim" / "userland"
BANNER = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: "


@pytest.mark.parametrize(
    ("script", "status", "stderr"),
    [
        ("cat -z /dev/null", 1, f"cat: invalid option -- 'z'\n{BANNER}cat\n"),
        ("ls -z /", 2, f"ls: invalid option -- 'z'\n{BANNER}ls\n"),
        (
            "grep -z x /dev/null",
            2,
            f"grep: invalid option -- 'z'\n{BANNER}grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] "
            "{ PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n",
        ),
        (
            "head -n",
            1,
            f"head: option requires an argument -- 'n'\n{BANNER}head [OPTIONS] [FILE]...\n",
        ),
        (
            "mkdir -q /tmp/x",
            1,
            f"mkdir: invalid option -- 'q'\n{BANNER}mkdir [-m MODE] [-p] DIRECTORY...\n",
        ),
    ],
)
def test_a_bad_option_prints_busybox_usage_and_the_commands_status(
    script: str, status: int, stderr: str
) -> None:
    run = sh(script)
    assert (run.status, run.stdout, run.stderr) == (status, "", stderr)


def test_a_bad_option_stops_the_command_before_it_does_anything() -> None:
    run = sh("mkdir -pq /tmp/made; ls -d /tmp/made")
    assert run.status == 1
    assert "ls: /tmp/made: No such file or directory" in run.stderr


def test_options_operands_and_double_dash() -> None:
    run = sh("printf 'a\\nb\\n' > /tmp/f; cat -n /tmp/f; cat -- -n; echo $?")
    assert run.stdout == "     1\ta\n     2\tb\n1\n"
    assert run.stderr == "cat: can't open '-n': No such file or directory\n"


def test_head_and_tail_keep_their_older_count_forms() -> None:
    run = sh("printf '1\\n2\\n3\\n' | head -2; printf '1\\n2\\n3\\n' | tail +2")
    assert (run.status, run.stdout) == (0, "1\n2\n2\n3\n")


def test_sort_reads_its_keys_apart_from_the_other_options() -> None:
    run = sh("printf 'b 2\\na 10\\nc 1\\n' | sort -k2 -n -r")
    assert (run.status, run.stdout) == (0, "a 10\nb 2\nc 1\n")


def test_grep_knows_the_name_it_ran_as() -> None:
    run = sh("echo ab | egrep 'a|x'; echo ab | fgrep 'a|x'; echo $?")
    assert run.stdout == "ab\n1\n"


def test_read_fails_with_status_2_on_a_bad_option() -> None:
    run = sh("read -z x; echo $?")
    assert run.stdout == "2\n"
    assert run.stderr.startswith("read: invalid option -- 'z'\n")


def test_the_getopt_preamble_is_written_once() -> None:
    """Commands get their options from ``@options``; only ``toolkit`` calls ``getopt``."""
    callers = []
    for path in sorted(USERLAND.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getopt":
                callers.append(path.name)
    assert set(callers) == {"toolkit.py"}
