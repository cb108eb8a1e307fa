"""Each command string is parsed once, in a cache a hostile manifest cannot grow or steer.

A container's ``sh -c`` script runs again at every restart and an exec probe's at
every period: the parsed tree (immutable) is kept by its text. The cache is bounded
in scripts and characters, keeps syntax errors too, and holds whole scripts only, so
what a script does never depends on which scripts ran before it in the same server.
"""

from __future__ import annotations

import pytest
from test_userland import sh

from cluster_sim.userland.syntax import PARSED, NestingTooDeep, ParseCache, parse


def nest(body: str, levels: int) -> str:
    for _ in range(levels):
        body = f"echo $({body})"
    return body


def deepest_parsable() -> int:
    levels = 1
    while True:
        try:
            ParseCache().parse(nest("true", levels + 1))
        except NestingTooDeep:
            return levels
        levels += 1


def test_the_same_text_gives_the_same_tree_once_parsed() -> None:
    script = "while true; do echo tick; sleep 1; done # parse-cache test"
    assert parse(script) is parse(script)


def test_nesting_limit_does_not_depend_on_scripts_parsed_before() -> None:
    """A script too deeply nested fails the same whether or not its inner part ran before."""
    PARSED.clear()
    levels = deepest_parsable()
    too_deep = nest("true", levels + 1)
    fresh = sh(too_deep)
    PARSED.clear()
    sh(nest("true", levels - 1))  # its inner part, parsed and kept first
    again = sh(too_deep)
    assert (again.status, again.log) == (fresh.status, fresh.log)
    assert fresh.status == 139  # ash's parser overflows its stack: SIGSEGV


def test_a_syntax_error_is_reported_the_same_every_time() -> None:
    first, second = sh("if true; echo x"), sh("if true; echo x")
    message = 'sh: syntax error: unexpected end of file (expecting "then")\n'
    assert (first.status, first.stderr) == (2, message)
    assert (second.status, second.stderr) == (2, message)


def test_the_cache_is_bounded_in_scripts_characters_and_script_length() -> None:
    cache = ParseCache(scripts=3, chars=25, longest=20)
    cache.parse("echo " + "x" * 30)  # longer than 20: parsed, not kept
    assert len(cache) == 0
    for n in range(5):
        cache.parse(f"echo {n}")
    assert len(cache) == 3  # the three most recent
    kept = cache.parse("echo 2")  # used again: now the most recent
    cache.parse("echo 123456789012")  # 17 characters: "echo 3" and "echo 4" make room
    assert (len(cache), cache.size) == (2, 6 + 17)
    assert cache.parse("echo 2") is kept


@pytest.mark.parametrize("script", ["if", "echo $((", "case x in"])
def test_a_kept_error_raises_a_fresh_exception_with_the_same_message(script: str) -> None:
    cache = ParseCache()
    messages = []
    for _ in range(2):
        try:
            cache.parse(script)
        except Exception as error:
            messages.append((type(error), str(error)))
    assert len(messages) == 2
    assert messages[0] == messages[1]
