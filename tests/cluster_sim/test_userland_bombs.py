"""Hostile scripts: each ends as it would on a real node, and the simulator stays bounded.

Every bomb from issue #9 has a test asserting what a user sees (the exit code,
the container's reason, busybox's error line) and, where the bomb used to make
the simulator allocate gigabytes, that Python's own peak allocation stayed
small (``tracemalloc``: a memory bound, not a timing).
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from cluster_sim.userland.execve import ARG_MAX, MAX_ARG_STRLEN, execve_too_big, surely_fits
from cluster_sim.userland.filesystem import ENTRY_BYTES, Filesystem
from tests.cluster_sim.simrun import last, of, run
from tests.cluster_sim.test_userland import EVERYTHING, sh

MB = 1 << 20


@contextmanager
def bounded(limit: int = 64 * MB) -> Iterator[None]:
    """Fail if Python allocates more than ``limit`` bytes at once inside the block."""
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit, f"the simulator allocated {peak / MB:.1f} MiB"


def pod(script: str, memory: str | None = "64Mi", extra: str = "") -> str:
    limits = f"\n    resources:\n      limits:\n        memory: {memory}" if memory else ""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\nspec:\n  restartPolicy: Never\n"
        "  containers:\n  - name: c\n    image: busybox\n"
        f"    command: [sh, -c, {json.dumps(script)}]{limits}{extra}\n"
    )


def finished(script: str, until: float = 60, **kwargs: str | None) -> dict:
    """The container's last record after running ``script`` in a busybox Pod."""
    records = run(pod(script, **kwargs), until=until)
    return last(records, "container", container="c")


def logs(records: list[dict]) -> list[str]:
    return [r["line"] for r in of(records, "log")]


# -- arithmetic: busybox's 64-bit arith_t -------------------------------------


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("1<<34359738368", "1"),  # the count is masked to 6 bits, as x86-64 does
        ("1<<63", "-9223372036854775808"),
        ("1<<64", "1"),
        ("-1>>70", "-1"),
        ("9223372036854775807+1", "-9223372036854775808"),
        ("99999999999999999999", "0"),  # strtoull's ERANGE reads as 0
        ("(1<<63) / -1", "-9223372036854775808"),  # busybox divides by 1 instead
        ("(1<<63) % -1", "0"),
        ("3**1000000000000", "8078920949372764161"),  # the C loop's wrapped product
        ("2**64", "0"),
        ("0x7fffffffffffffff * 2", "-2"),
    ],
)
def test_arithmetic_is_64_bit_twos_complement(expr: str, value: str) -> None:
    with bounded(8 * MB):
        result = sh(f"echo $(({expr}))")
    assert (result.stdout, result.status) == (value + "\n", 0)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("echo $((2**-1))", "sh: exponent less than 0\n"),
        ("echo $((1/0))", "sh: divide by zero\n"),
        ("a=b; b=a; echo $((a))", "sh: expression recursion loop detected\n"),
        ("echo $((1+))", "sh: arithmetic syntax error\n"),
    ],
)
def test_arithmetic_errors_are_busyboxs(script: str, message: str) -> None:
    result = sh(script)
    assert (result.stderr, result.status) == (message, 2)


def test_a_variable_holding_an_expression_is_evaluated() -> None:
    assert sh('x="1+2"; echo $((x*2))').stdout == "6\n"


# -- regular expressions: RE2, linear time ------------------------------------


def test_a_backtracking_bomb_in_grep_is_answered_at_once() -> None:
    result = sh("echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! | grep -E '(a+)+$'")
    assert (result.log, result.status) == ("", 1)


def test_a_backtracking_bomb_in_expr_is_answered_at_once() -> None:
    result = sh("expr aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! : '\\(a*\\)*$'")
    assert (result.log, result.status) == ("\n", 1)


@pytest.mark.parametrize(
    ("script", "log"),
    [
        ("echo 'ab abc' | grep -o 'ab*c*'", "ab\nabc\n"),  # leftmost-longest, as regexec
        ("echo 'a+b' | grep 'a+b'", "a+b\n"),  # BRE: + is literal
        ("echo 'aab' | grep 'a\\+b'", "aab\n"),  # GNU's \+
        ("echo 'x{2}' | grep -E 'x{2}' || echo none", "none\n"),
        ("echo 'the cat' | grep -o '\\<c[[:alpha:]]*\\>'", "cat\n"),
        ("echo 'a]b' | grep -o '[]]b'", "]b\n"),
        ("echo 'a\\b' | grep -c '[\\]'", "1\n"),  # a backslash in brackets is literal
        ("echo '$x' | grep -o 'x$'", "x\n"),
        ("echo 'A.B' | grep -iF 'a.b'", "A.B\n"),
        ("expr abcd : 'a\\(.*\\)c'", "b\n"),
        ("expr 'foo bar' : '.*'", "7\n"),
    ],
)
def test_posix_regex_semantics_on_re2(script: str, log: str) -> None:
    assert sh(script).log == log


def test_a_backreference_is_refused_in_the_playgrounds_words() -> None:
    result = sh("echo abab | grep -E '(ab)\\1'")
    message = (
        "grep: bad regex '(ab)\\1': "
        "the playground's regex engine (RE2) has no backreferences (\\1)\n"
    )
    assert (result.stderr, result.status) == (message, 2)


# -- the kubelet's $(VAR) expansion -------------------------------------------


def doubling_env(count: int) -> str:
    lines = ['    - name: V0\n      value: "x"']
    lines += [f'    - name: V{i}\n      value: "$(V{i - 1})$(V{i - 1})"' for i in range(1, count)]
    return "\n    env:\n" + "\n".join(lines)


def test_doubling_env_vars_fail_at_execve_as_runc_does() -> None:
    with bounded(64 * MB):
        records = run(pod("echo hi", memory=None, extra=doubling_env(40)), until=10)
    final = last(records, "container", container="c")
    assert (final["reason"], final["exitCode"]) == ("Error", 255)
    assert logs(records) == ["exec /bin/sh: argument list too long"]


def _exact_e2big(argv: list[str], env: dict[str, str]) -> bool:
    """fs/exec.c's two limits, counted in bytes every time."""
    strings = [*argv, *(f"{k}={v}" for k, v in env.items())]
    sizes = [len(t.encode("utf-8", errors="surrogateescape")) + 1 for t in strings]
    return max(sizes) > MAX_ARG_STRLEN or sum(sizes) + 8 * len(sizes) > ARG_MAX


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["sh", "-c", "echo hi"], {"PATH": "/bin"}),
        (["x" * (MAX_ARG_STRLEN - 1)], {}),  # 131,072 bytes with its NUL: the longest string
        (["x" * MAX_ARG_STRLEN], {}),  # one byte over
        (["é" * (MAX_ARG_STRLEN // 2 - 1)], {}),  # two bytes a character, just under
        (["é" * (MAX_ARG_STRLEN // 2)], {}),  # and just over
        (["\udcff" * (MAX_ARG_STRLEN - 1)], {}),  # a surrogate escape is one byte
        (["😀" * (MAX_ARG_STRLEN // 4)], {}),  # four bytes a character: over
        (["sh"], {f"V{i}": "x" * 40_000 for i in range(52)}),  # each short, together under
        (["sh"], {f"V{i}": "x" * 40_000 for i in range(53)}),  # ARG_MAX, and just over it
        (["sh"], {f"V{i}": "x" * 10_000 for i in range(200)}),
        # the longest name and the longest value in different variables: a loose bound
        (["sh"], {"N" * 20_000: "", "V": "x" * 20_000}),
        (["sh"], {"N" * 40_000: "", "V": "x" * 40_000}),
    ],
    ids=lambda v: f"{len(v)}" if isinstance(v, list | dict) else None,
)
def test_execve_limits_are_counted_in_bytes(argv: list[str], env: dict[str, str]) -> None:
    """The quick answer for short command lines agrees with counting every byte."""
    assert execve_too_big(argv, env) is _exact_e2big(argv, env)
    if surely_fits(argv, env):  # the bound a container start checks first
        assert not _exact_e2big(argv, env)


def test_env_just_under_the_execve_limits_starts() -> None:
    records = run(pod("echo ${#V16}", memory=None, extra=doubling_env(17)), until=10)
    assert logs(records) == ["65536"]


# -- recursion: a stack overflow, as ash's -------------------------------------


def test_endless_recursion_kills_the_shell_with_sigsegv() -> None:
    final = finished("f() { f; }; f", until=10)
    assert (final["reason"], final["exitCode"]) == ("Error", 139)


@pytest.mark.parametrize(
    "script",
    [
        "f() { x=$(f); }; f; echo $?",
        "f() { (f); }; f; echo $?",
        "f() { f | cat; }; f; echo $?",
    ],
)
def test_a_crashed_subshell_is_reported_by_its_parent(script: str) -> None:
    result = sh(script)
    assert result.stderr == "Segmentation fault\n"
    assert result.stdout.endswith("139\n") or result.stdout == "0\n"
    assert result.status == 0


@pytest.mark.parametrize(
    "script",
    [
        "f() { eval f; }; f",
        'trap "f" EXIT; f() { f; }',
        'echo "f() { . /tmp/x; }; f" > /tmp/x; . /tmp/x',
        "f() { " + "if true; then " * 20 + "f" + "; fi" * 20 + "; }; f",
        "echo " + "$(" * 60 + "echo" + ")" * 60,
        "echo " + '"${x:-' * 60 + "a" + '}"' * 60,
    ],
)
def test_every_kind_of_nesting_ends_in_a_stack_overflow_not_a_python_error(script: str) -> None:
    result = sh(script)
    assert (result.log, result.status) == ("", 139)


def test_deep_arithmetic_is_refused_in_the_playgrounds_words() -> None:
    result = sh("echo $((" + "(" * 40 + "1" + ")" * 40 + "))")
    assert result.stderr == "sh: arithmetic nested too deeply (the playground's limit: 32)\n"


def test_ordinary_recursion_still_works() -> None:
    script = (
        "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }"
    )
    assert sh(script + "; fact 10").stdout == "3628800\n"


# -- memory a process holds ------------------------------------------------------


def oom_of(records: list[dict]) -> tuple[str, int, int]:
    final = last(records, "container", container="c")
    oom = last(records, "oom", container="c")
    return final["reason"], final["exitCode"], oom["memory"]


@pytest.mark.parametrize(
    "script",
    [
        "x=a; while true; do x=$x$x; done",
        "a=$(yes)",
        "while true; do eval 'x=$x$x'; x=${x:-a}; done",
        "while true; do x=$(echo $x$x$x)a; done",
        "x=$(printf '%999999999d' 1)",
        "while true; do sleep 1 & done",
    ],
)
def test_a_memory_bomb_is_oomkilled_at_its_limit(script: str) -> None:
    with bounded(64 * MB):
        records = run(pod(script, memory="64Mi"), until=30)
    assert oom_of(records) == ("OOMKilled", 137, 64 * MB)


def test_without_a_limit_a_bomb_takes_what_the_node_has_left() -> None:
    with bounded(64 * MB):
        records = run(pod("x=a; while true; do x=$x$x; done", memory=None), until=30)
    reason, code, memory = oom_of(records)
    assert (reason, code) == ("OOMKilled", 137)
    assert memory > 7 * 1024 * MB  # the default node has 8Gi


def test_files_in_a_memory_backed_empty_dir_are_memory() -> None:
    volume = (
        "\n    volumeMounts: [{name: cache, mountPath: /cache}]"
        "\n  volumes: [{name: cache, emptyDir: {medium: Memory}}]"
    )
    records = run(pod("yes > /cache/f", memory="8Mi", extra=volume), until=30)
    assert oom_of(records) == ("OOMKilled", 137, 8 * MB)


def test_a_full_disk_answers_enospc_and_the_loop_goes_on() -> None:
    script = "yes > /tmp/f; echo status $?; echo hi > f; while true; do cat f f > g; mv g f; done"
    records = run(pod(script, memory=None), until=5)
    lines = logs(records)
    assert lines[:2] == ["yes: write error: No space left on device", "status 1"]
    assert "cat: write error: No space left on device" in lines


def test_variables_are_released_when_unset_and_when_a_subshell_ends() -> None:
    script = (
        "x=$(printf '%3000000s' ''); "
        "for i in 1 2 3 4 5 6 7 8 9 10; do (y=$x$x); z=$x; unset z; done; echo ok"
    )
    records = run(pod(script, memory="16Mi"), until=30)
    assert logs(records) == ["ok"]


def test_a_huge_printf_width_streams_without_being_built() -> None:
    with bounded(64 * MB):
        records = run(pod("printf '%99999999d' 1; echo; echo done", memory="16Mi"), until=60)
    final = last(records, "container", container="c")
    assert (final["reason"], final["exitCode"]) == ("Completed", 0)


def test_a_printf_width_past_int_max_prints_nothing_as_glibc() -> None:
    assert sh("printf '[%99999999999d]' 1").stdout == "[]"


# -- files and utilities that could recurse or pile up -------------------------


def test_a_deep_directory_tree_ends_at_path_max_and_rm_removes_it() -> None:
    name = "d" * 250
    script = f"cd /tmp; while mkdir {name}; do cd {name}; done; cd /tmp; rm -r {name}; ls"
    result = sh(script)
    assert result.stderr.startswith("mkdir: can't create directory '")
    assert result.stderr.endswith("': File name too long\n")
    assert result.stdout == ""


def test_files_without_content_still_fill_a_volume() -> None:
    fs = Filesystem(binaries=EVERYTHING)
    fs.root.capacity = fs.root.used + 10 * ENTRY_BYTES  # room for ten more entries
    result = sh("cd /tmp; i=0; while touch f$i; do i=$((i+1)); done; echo $i", fs=fs)
    assert result.log == "touch: f10: No space left on device\n10\n"


def test_cp_into_itself_is_refused_as_busybox_does() -> None:
    result = sh("mkdir -p /tmp/d; cp -r /tmp/d /tmp/d/e")
    assert (result.stderr, result.status) == (
        "cp: recursion detected, omitting directory '/tmp/d'\n",
        1,
    )


@pytest.mark.parametrize(
    ("script", "stdout"),
    [
        ("[ " + "! " * 5001 + "x ] && echo yes || echo no", "no\n"),
        ("[ " + "a -o " * 5000 + "a ] && echo yes", "yes\n"),
    ],
)
def test_long_test_expressions_are_loops_not_recursion(script: str, stdout: str) -> None:
    assert sh(script).stdout == stdout


def test_deeply_nested_test_and_expr_are_refused_in_the_playgrounds_words() -> None:
    result = sh("[ " + "'(' " * 40 + "x" + " ')'" * 40 + " ]")
    assert result.stderr == "sh: test: nested too deeply (the playground's limit: 32)\n"
    result = sh("expr " + "'(' " * 40 + "1" + " ')'" * 40)
    assert result.stderr == "expr: nested too deeply (the playground's limit: 32)\n"


def test_trimming_a_long_value_is_linear_and_exact() -> None:
    script = (
        "x=$(printf '%2000000s' ''); x=a${x}b.c.d; y=${x%%b*}; z=${x##*.}; w=${x#a*[ ]}; "
        "echo ${#y} $z ${#w}; y=foo.tar.gz; echo ${y%.*} ${y%%.*} ${y#*.} ${y##*.} ${y#[!f]*}"
    )
    result = sh(script)
    assert result.stdout == "2000001 d 2000004\nfoo.tar foo tar.gz gz foo.tar.gz\n"
