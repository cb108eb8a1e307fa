"""A simple command of plain words keeps its argv from the parse (``SimpleCommand.static_argv``).

The interpreter runs such a command without expanding its words again: the kept
argv must be exactly what expanding each word gives, and a command with anything
to expand (a parameter, a glob, a tilde, a substitution) must keep none.
"""

from __future__ import annotations

import pytest
from test_userland import sh

from cluster_sim.userland import Process, Program
from cluster_sim.userland.driver import drive_now
from cluster_sim.userland.syntax import parse
from cluster_sim.userland.syntax_tree import Node, SimpleCommand

SCRIPTS = [
    "echo starting; exit 1",
    "echo 'a  b' \"c d\" e\\ f",
    "echo $HOME ~ ~/x a*b '*' \"$X\" $(echo hi) $((1+2))",
    "X=1 echo plain; : ; true",
    "echo a'~'b ~root 'x'\"y\"z [abc] '?'",
    "ls /tm? && echo done || echo none",
]


def simple_commands(node: object) -> list[SimpleCommand]:
    """Every simple command in a tree."""
    found: list[SimpleCommand] = []
    pending: list[object] = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, SimpleCommand):
            found.append(item)
        elif isinstance(item, tuple | list):
            pending.extend(item)
        elif hasattr(item, "__dataclass_fields__"):
            pending.extend(getattr(item, name) for name in item.__dataclass_fields__)
    return found


def expanded(cmd: SimpleCommand) -> list[str]:
    """The slow path: each word expanded by a process, as a command with expansions is."""
    process = Process(["sh"], ["sh", "echo", "ls"], env={"HOME": "/root", "X": "x y"})
    argv: list[str] = []

    def expand() -> Program:
        for word in cmd.words:
            argv.extend((yield from process.expand_fields(word)))
        return 0

    assert drive_now(expand(), lambda action: None).status == 0
    return argv


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_kept_argv_is_what_expanding_the_words_gives(script: str) -> None:
    commands = simple_commands(parse(script))
    assert commands
    for cmd in commands:
        if cmd.static_argv is not None:
            assert list(cmd.static_argv) == expanded(cmd)


def test_only_plain_words_are_kept() -> None:
    kept = {
        " ".join(cmd.static_argv) if cmd.static_argv is not None else None
        for script in SCRIPTS
        for cmd in simple_commands(parse(script))
    }
    assert "echo starting" in kept and "exit 1" in kept
    assert "echo a  b c d e f" in kept
    assert "echo a~b ~root xyz [abc] ?" not in kept  # ``[abc]`` may glob
    for script in SCRIPTS[2:3]:
        assert [cmd.static_argv for cmd in simple_commands(parse(script))] == [None]


def test_a_kept_argv_takes_no_part_in_equality() -> None:
    node: Node = parse("echo starting")
    again = parse("echo starting ")
    assert node == again and repr(node) == repr(again)


def test_commands_with_kept_argv_run_as_expanded_ones() -> None:
    result = sh("X='1  2'; echo a   b; echo $X 'c  d'; exit 3")
    assert (result.log, result.status) == ("a b\n1 2 c  d\n", 3)
