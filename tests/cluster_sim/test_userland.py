"""The container userland: busybox utilities, the shell, the filesystem, time and signals.

Each test drives a ``Process`` to completion with ``drive``: the helper plays
the kubelet, honouring every ``Sleep`` on a manual clock, and collects the log
(stdout and stderr interleaved, as ``kubectl logs`` shows them). Expected
strings are busybox's, byte for byte.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from cluster_sim.images import BUSYBOX_BINARIES
from cluster_sim.userland import Output, Process, Signal, Sleep
from cluster_sim.userland.filesystem import (
    EROFS,
    Filesystem,
    FsError,
    Volume,
)
from cluster_sim.userland.process import UTILITIES, Program

EVERYTHING = frozenset(UTILITIES)  # an image that ships every utility the playground has
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOSTNAME": "web-1", "HOME": "/root"}


class Clock:
    """The simulation clock as the kubelet would provide it: milliseconds."""

    def __init__(self, now: int = 0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@dataclass
class Run:
    status: int | None  # None: still running when the helper stopped
    log: str = ""
    stdout: str = ""
    stderr: str = ""
    slept: float = 0
    outputs: list[tuple[float, str]] = field(default_factory=list)


def drive(program: Program, clock: Clock | None = None, until: float = math.inf) -> Run:
    """Run ``program`` as the kubelet does; stop it (still running) at ``until`` ms slept."""
    run = Run(status=None)
    try:
        action = next(program)
        while True:
            if isinstance(action, Sleep):
                if run.slept + action.ms > until:
                    program.close()
                    return run
                run.slept += action.ms
                if clock is not None:
                    clock.now += int(action.ms)
            elif isinstance(action, Output):
                run.log += action.text
                run.outputs.append((run.slept, action.text))
                if action.stream == "stderr":
                    run.stderr += action.text
                else:
                    run.stdout += action.text
            action = program.send(None)
    except StopIteration as done:
        run.status = done.value
    return run


def sh(script: str, *, until: float = math.inf, **kwargs: object) -> Run:
    kwargs.setdefault("env", dict(ENV))
    process = Process(["sh", "-c", script], EVERYTHING, **kwargs)  # type: ignore[arg-type]
    return drive(process.run(), until=until)


def check(script: str, log: str, status: int = 0) -> None:
    result = sh(script)
    assert (result.log, result.status) == (log, status)


# -- the docs' liveness example ------------------------------------------------


def test_docs_exec_liveness_probe_sees_the_file_come_and_go() -> None:
    """``touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`` probed with ``cat``."""
    clock = Clock()
    fs = Filesystem(clock, binaries=BUSYBOX_BINARIES)
    script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"
    pid1 = Process(["/bin/sh", "-c", script], BUSYBOX_BINARIES, env=dict(ENV), fs=fs)
    program = pid1.run()
    assert next(program) == Sleep(30_000)  # touched, now sleeping 30 s

    def probe() -> Run:
        return drive(Process(["cat", "/tmp/healthy"], BUSYBOX_BINARIES, fs=fs, pid=7).run())

    clock.now = 10_000
    first = probe()
    assert (first.status, first.log) == (0, "")  # the file exists and is empty
    listing = drive(Process(["ls", "-l", "/tmp"], BUSYBOX_BINARIES, fs=fs, pid=8).run())
    assert listing.log == (
        "total 0\n-rw-r--r--    1 root     root             0 Jan  1 00:00 healthy\n"
    )

    clock.now = 30_000
    assert program.send(None) == Sleep(600_000)  # removed, now sleeping 600 s
    clock.now = 35_000
    second = probe()
    assert (second.status, second.log) == (
        1,
        "cat: can't open '/tmp/healthy': No such file or directory\n",
    )
    assert second.stderr == second.log and second.stdout == ""


def test_exec_probe_reads_what_pid1_wrote_and_pid1_keeps_its_variables() -> None:
    clock = Clock()
    fs = Filesystem(clock)
    pid1 = Process(["sh", "-c", "X=1; echo ok > /tmp/status; sleep 5"], EVERYTHING, fs=fs)
    program = pid1.run()
    assert next(program) == Sleep(5000)
    probe = drive(Process(["sh", "-c", 'cat /tmp/status; echo "X=$X"'], EVERYTHING, fs=fs).run())
    assert probe.log == "ok\nX=\n"  # same files, not the same shell variables


# -- the filesystem ----------------------------------------------------------


def test_default_image_layout() -> None:
    check("ls /", "bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar\n")
    check(
        "ls -ld /tmp /root",
        (
            "drwx------    2 root     root          4096 Jan  1 00:00 /root\n"
            "drwxrwxrwt    2 root     root          4096 Jan  1 00:00 /tmp\n"
        ),
    )
    check("ls -l /dev/null", "crw-rw-rw-    1 root     root        1,   3 Jan  1 00:00 /dev/null\n")
    check("cat /etc/hostname; head -n 1 /etc/passwd", "web-1\nroot:x:0:0:root:/root:/bin/sh\n")
    check("test -x /bin/sh && echo executable", "executable\n")


def test_mtimes_come_from_the_clock() -> None:
    clock = Clock(90_000)
    fs = Filesystem(clock)
    fs.write("/tmp/a", "hello\n")
    assert fs.stat("/tmp/a").mtime == 90_000
    clock.now = 200_000
    fs.touch("/tmp/a")
    assert (fs.stat("/tmp/a").mtime, fs.stat("/tmp/a").size) == (200_000, 6)
    run = drive(Process(["ls", "-l", "/tmp"], EVERYTHING, fs=fs).run())
    assert run.log == "total 4\n-rw-r--r--    1 root     root             6 Jan  1 00:03 a\n"


def test_ls_shows_a_year_for_old_files() -> None:
    clock = Clock(200 * 86_400_000)  # 200 days after the epoch
    fs = Filesystem(clock)
    run = drive(Process(["ls", "-ld", "/etc"], EVERYTHING, fs=fs).run())
    assert run.log == "drwxr-xr-x    2 root     root          4096 Jan  1  2026 /etc\n"


def configmap_volume() -> Volume:
    """The kubelet's atomic-writer layout for a ConfigMap with one key."""
    volume = Volume("config", read_only=True)
    volume.add_file("..2026_01_01_00_00_00.000000001/game.properties", "lives=3\n")
    volume.add_symlink("..data", "..2026_01_01_00_00_00.000000001")
    volume.add_symlink("game.properties", "..data/game.properties")
    return volume


def test_configmap_layout_symlinks_and_read_only_mount() -> None:
    fs = Filesystem()
    fs.mount("/etc/config", configmap_volume())
    run = drive(
        Process(
            [
                "sh",
                "-c",
                "cat /etc/config/game.properties; ls /etc/config; ls -l /etc/config; "
                "touch /etc/config/new; rm -f /etc/config/game.properties; echo > /etc/config/x",
            ],
            EVERYTHING,
            fs=fs,
        ).run()
    )
    assert run.log == (
        "lives=3\n"
        "game.properties\n"
        "total 0\n"
        "lrwxrwxrwx    1 root     root            22 Jan  1 00:00 game.properties -> "
        "..data/game.properties\n"
        "touch: /etc/config/new: Read-only file system\n"
        "rm: can't remove '/etc/config/game.properties': Read-only file system\n"
        "sh: can't create /etc/config/x: Read-only file system\n"
    )
    assert run.status == 2


def test_ls_a_shows_the_dot_entries_of_a_configmap() -> None:
    fs = Filesystem()
    fs.mount("/etc/config", configmap_volume())
    run = drive(Process(["ls", "-a", "/etc/config"], EVERYTHING, fs=fs).run())
    assert run.log == (".\n..\n..2026_01_01_00_00_00.000000001\n..data\ngame.properties\n")


def test_an_empty_dir_is_shared_between_containers() -> None:
    clock = Clock()
    shared = Volume("cache")
    writer_fs, reader_fs = Filesystem(clock), Filesystem(clock)
    writer_fs.mount("/cache", shared)
    reader_fs.mount("/data", shared, read_only=True)
    drive(Process(["sh", "-c", "echo one > /cache/a"], EVERYTHING, fs=writer_fs).run())
    run = drive(
        Process(["sh", "-c", "cat /data/a; echo two >> /data/a"], EVERYTHING, fs=reader_fs).run()
    )
    assert run.log == "one\nsh: can't create /data/a: Read-only file system\n"
    assert writer_fs.read("/cache/a") == "one\n"
    with pytest.raises(FsError) as err:
        reader_fs.write("/data/b", "x")
    assert err.value.reason == EROFS


def test_mount_points_cannot_be_removed_and_links_can_loop() -> None:
    fs = Filesystem()
    fs.mount("/data", Volume("data"))
    fs.symlink("/tmp/b", "/tmp/a")
    fs.symlink("/tmp/a", "/tmp/b")
    run = drive(Process(["sh", "-c", "rm -rf /data; cat /tmp/a"], EVERYTHING, fs=fs).run())
    assert run.log == (
        "rm: can't remove '/data': Resource busy\ncat: can't open '/tmp/a': Symbolic link loop\n"
    )


# -- utilities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "log", "status"),
    [
        # touch, rm, cat
        ("touch /tmp/a /tmp/b; ls /tmp", "a\nb\n", 0),
        ("touch /nope/x", "touch: /nope/x: No such file or directory\n", 1),
        ("rm /tmp/x", "rm: can't remove '/tmp/x': No such file or directory\n", 1),
        ("rm -f /tmp/x", "", 0),
        ("mkdir /tmp/d; rm /tmp/d", "rm: '/tmp/d' is a directory\n", 1),
        ("mkdir -p /tmp/d/e; touch /tmp/d/e/f; rm -r /tmp/d; ls /tmp", "", 0),
        (
            "echo hi > /tmp/x; cat /tmp/x /tmp/y /tmp/x",
            ("hi\ncat: can't open '/tmp/y': No such file or directory\nhi\n"),
            1,
        ),
        ("cat /tmp", "cat: read error: Is a directory\n", 1),
        ("echo a | cat; echo b | cat -", "a\nb\n", 0),
        # ls
        ("ls /nope", "ls: /nope: No such file or directory\n", 1),
        ("mkdir /tmp/d; touch /tmp/f /tmp/.h; ls /tmp/f /tmp/d", "/tmp/f\n\n/tmp/d:\n", 0),
        ("touch /tmp/f /tmp/.h; ls -a /tmp", ".\n..\n.h\nf\n", 0),
        (
            "ln -s /etc/passwd /tmp/pw; ls -l /tmp",
            (
                "total 0\n"
                "lrwxrwxrwx    1 root     root            11 Jan  1 00:00 pw -> /etc/passwd\n"
            ),
            0,
        ),
        (
            "echo abc > /tmp/f; ls -al /tmp",
            (
                "total 12\n"
                "drwxrwxrwt    2 root     root          4096 Jan  1 00:00 .\n"
                "drwxr-xr-x   12 root     root          4096 Jan  1 00:00 ..\n"
                "-rw-r--r--    1 root     root             4 Jan  1 00:00 f\n"
            ),
            0,
        ),
        # mkdir
        ("mkdir /tmp", "mkdir: can't create directory '/tmp': File exists\n", 1),
        ("mkdir /a/b", "mkdir: can't create directory '/a/b': No such file or directory\n", 1),
        ("mkdir -p /a/b/c && test -d /a/b/c && echo ok", "ok\n", 0),
        ("mkdir -p /tmp", "", 0),
        # test / [
        ("[ -e /tmp ] && [ -d /tmp ] && [ ! -f /tmp ] && echo dir", "dir\n", 0),
        ("touch /tmp/e; [ -f /tmp/e ] && [ ! -s /tmp/e ] && echo empty", "empty\n", 0),
        ("echo x > /tmp/s; [ -s /tmp/s ] && echo nonempty", "nonempty\n", 0),
        ('[ -z "" ] && [ -n x ] && [ a = a ] && [ a != b ] && echo strings', "strings\n", 0),
        ("[ 2 -eq 2 ] && [ 2 -ne 3 ] && [ 1 -lt 2 ] && [ 3 -gt 2 ] && echo ints", "ints\n", 0),
        ("[ 2 -le 2 ] && [ 2 -ge 2 ] && [ ! 1 -ge 2 ] && echo more", "more\n", 0),
        ("[ a -eq 1 ]", "sh: a: bad number\n", 2),
        ("[ 1 = 1", "sh: missing ]\n", 2),
        ("[ 1 -eq ]", "sh: -eq: argument expected\n", 2),
        ("test", "", 1),
        ("test -e /nope || echo missing", "missing\n", 0),
        ("[ 1 -eq 1 -a 2 -eq 3 ] || [ 1 -eq 2 -o 2 -eq 2 ] && echo logic", "logic\n", 0),
        # echo, printf
        ("echo -n a; echo b c", "ab c\n", 0),
        ('echo -e "a\\tb\\nc\\0101"; echo "a\\nb"', "a\tb\ncA\na\\nb\n", 0),
        ('echo -e "stop\\cnot"; echo', "stop\n", 0),
        ('printf "%s is %d\\n" x 42 y 7', "x is 42\ny is 7\n", 0),
        ('printf "[%5s|%-3s|%03d|%x|%.2f]\\n" ab c 7 255 3.14159', "[   ab|c  |007|ff|3.14]\n", 0),
        ("printf '%d\\n' abc", "sh: invalid number 'abc'\n0\n", 1),
        ("printf 'no newline'", "no newline", 0),
        # date, hostname, env
        ("date", "Thu Jan  1 00:00:00 UTC 2026\n", 0),
        (
            "sleep 3661; date; date +%Y-%m-%dT%H:%M:%S%z",
            ("Thu Jan  1 01:01:01 UTC 2026\n2026-01-01T01:01:01+0000\n"),
            0,
        ),
        ("date +%s", "1767225600\n", 0),
        ("hostname", "web-1\n", 0),
        ("printenv HOSTNAME; printenv NOPE; echo $?", "web-1\n1\n", 0),
        ("env", "PATH=/usr/local/bin:/usr/bin:/bin\nHOSTNAME=web-1\nHOME=/root\n", 0),
        ("X=1; printenv X; export X; printenv X", "1\n", 0),
        ("FOO=bar printenv FOO; echo ${FOO:-unset}", "bar\nunset\n", 0),
        ("env GREETING=hi printenv GREETING", "hi\n", 0),
        ("env sh -c 'exit 3'; echo $?", "3\n", 0),
        # wc, head, tail
        ("printf 'a b\\nc\\n' | wc -l", "2\n", 0),
        ("printf 'a b\\nc\\n' | wc", "        2         3         6\n", 0),
        (
            "printf 'x\\ny\\n' > /tmp/f; wc -l /tmp/f; wc -w /tmp/f /tmp/f",
            ("2 /tmp/f\n        2 /tmp/f\n        2 /tmp/f\n        4 total\n"),
            0,
        ),
        ("wc -l /nope", "wc: can't open '/nope': No such file or directory\n", 1),
        ("seq 20 | head -n 3; seq 20 | head -2", "1\n2\n3\n1\n2\n", 0),
        ("seq 20 | tail -n 2; seq 5 | tail -n +4; seq 12 | tail -1", "19\n20\n4\n5\n12\n", 0),
        (
            "seq 3 > /tmp/a; seq 2 > /tmp/b; head -n 1 /tmp/a /tmp/b",
            ("==> /tmp/a <==\n1\n\n==> /tmp/b <==\n1\n"),
            0,
        ),
        (
            "tail /nope",
            ("tail: can't open '/nope': No such file or directory\ntail: no files\n"),
            1,
        ),
        # grep
        ("printf 'apple\\nbanana\\ncherry\\n' | grep an", "banana\n", 0),
        ("printf 'apple\\nbanana\\n' | grep -v an", "apple\n", 0),
        ("printf 'apple\\nbanana\\n' | grep -q pear; echo $?", "1\n", 0),
        ("printf 'apple\\nbanana\\n' | grep -q ban && echo found", "found\n", 0),
        ("printf 'a1\\nb22\\nc\\n' | grep -c '[0-9]'", "2\n", 0),
        ("printf 'a1\\nb22\\nc\\n' | grep -n '^b[0-9]*$'", "2:b22\n", 0),
        ("printf 'x.y\\nxzy\\n' | grep -F x.y", "x.y\n", 0),
        ("printf 'ab\\naab\\n' | grep -E '^a+b$'", "ab\naab\n", 0),
        ("printf 'ab\\naab\\n' | grep '^a\\{2\\}b'", "aab\n", 0),
        ("printf 'Hello\\n' | grep -i hello", "Hello\n", 0),
        ("grep x /nope", "grep: /nope: No such file or directory\n", 2),
        ("echo hit > /tmp/a; echo miss > /tmp/b; grep hit /tmp/a /tmp/b", "/tmp/a:hit\n", 0),
        # seq, yes, expr
        (
            "seq 3; seq 2 4; seq 1 3 10; seq -s , 3; seq 3 1",
            "1\n2\n3\n2\n3\n4\n1\n4\n7\n10\n1,2,3\n",
            0,
        ),
        ("seq -w 8 10", "08\n09\n10\n", 0),
        ("seq 0.5 0.5 1.5", "0.5\n1.0\n1.5\n", 0),
        ("yes | head -n 2; yes no | head -n 1", "y\ny\nno\n", 0),
        ("expr 1 + 2; expr 7 / 2; expr 7 % 3; expr 3 \\* 4; expr 5 - 9", "3\n3\n1\n12\n-4\n", 0),
        ("expr 2 \\< 10; expr a = b; echo $?", "1\n0\n1\n", 0),
        (
            "expr length hello; expr hello : 'hel'; expr abc123 : '[a-z]*\\([0-9]*\\)'",
            ("5\n3\n123\n"),
            0,
        ),
        ("expr 1 / 0", "expr: division by zero\n", 2),
        ("expr 1 +", "expr: syntax error\n", 2),
        ("expr a + 1", "expr: non-numeric argument\n", 2),
        # kill
        ("kill 4242", "sh: can't kill pid 4242: No such process\n", 1),
        ("kill -0 1 && kill -TERM 1 && echo alive", "alive\n", 0),
        # sleep
        ("sleep x", "sleep: invalid number 'x'\n", 1),
        # tee, basename, dirname, cp, mv
        ("echo data | tee /tmp/t; cat /tmp/t", "data\ndata\n", 0),
        ("basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c", "c\n/a/b\n.\n", 0),
        (
            "echo 1 > /tmp/a; cp /tmp/a /tmp/b; mv /tmp/a /tmp/c; ls /tmp; cat /tmp/b",
            ("b\nc\n1\n"),
            0,
        ),
        # not in the image
        ("nosuchcmd arg", "sh: nosuchcmd: not found\n", 127),
        ("/tmp/nope", "sh: /tmp/nope: not found\n", 127),
    ],
)
def test_utility(script: str, log: str, status: int) -> None:
    check(script, log, status)


def test_missing_operands_print_the_usage() -> None:
    run = sh("sleep")
    assert run.status == 1
    assert run.stdout == ""
    assert run.stderr.startswith("BusyBox v1.36.1 ")
    assert "\nUsage: sleep [N]...\n" in run.stderr


def test_a_utility_the_image_lacks_is_not_found() -> None:
    run = drive(Process(["sh", "-c", "grep x /etc/passwd"], BUSYBOX_BINARIES - {"grep"}).run())
    assert (run.status, run.log) == (127, "sh: grep: not found\n")


def test_errors_go_to_stderr_and_both_streams_reach_the_log() -> None:
    run = sh("echo out; cat /nope; echo err >&2; ls /nope 2>/dev/null; echo $?")
    assert run.stdout == "out\n1\n"
    assert run.stderr == "cat: can't open '/nope': No such file or directory\nerr\n"
    assert run.log == "out\ncat: can't open '/nope': No such file or directory\nerr\n1\n"


# -- the shell ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "log", "status"),
    [
        # command substitution
        ("echo $(echo a b) `echo c`", "a b c\n", 0),
        ('x=$(printf "1\\n2\\n\\n"); echo "[$x]"', "[1\n2]\n", 0),
        ("for i in $(seq 3); do echo n$i; done", "n1\nn2\nn3\n", 0),
        ('echo "$(echo "inner quotes")"', "inner quotes\n", 0),
        ("x=$(false); echo $?", "1\n", 0),
        ("echo $(echo $(echo nested))", "nested\n", 0),
        # arithmetic
        ("i=0; i=$((i+1)); echo $i $((i*10)) $((7/2)) $((7%3)) $((-7/2))", "1 10 3 1 -3\n", 0),
        (
            "echo $((1<2)) $((2==3)) $((1 && 0)) $((3 > 2 ? 10 : 20)) $(( (1+2)*3 ))",
            "1 0 0 10 9\n",
            0,
        ),
        ("x=5; : $((x+=2)); echo $x $((x++)) $x", "7 7 8\n", 0),
        ("echo $((0x10 + 010))", "24\n", 0),
        ("echo $((1/0)); echo after", "sh: divide by zero\n", 2),
        ("echo $((1 +)); echo after", "sh: arithmetic syntax error\n", 2),
        # parameters
        ("echo ${NOPE:-default} ${HOSTNAME:-default} ${NOPE-dash}", "default web-1 dash\n", 0),
        ("E=; echo [${E:-colon}] [${E-nocolon}]", "[colon] []\n", 0),
        ("echo ${A:=assigned}; echo $A", "assigned\nassigned\n", 0),
        ("echo [${HOSTNAME:+set}] [${NOPE:+set}]", "[set] []\n", 0),
        ("echo ${NOPE:?must be set}; echo after", "sh: NOPE: must be set\n", 2),
        ("echo ${NOPE:?}", "sh: NOPE: parameter not set or null\n", 2),
        (
            "f=/var/log/app.log; echo ${#f} ${f##*/} ${f%.log} ${f#/*/} ${f%%/*}x",
            ("16 app.log /var/log/app log/app.log x\n"),
            0,
        ),
        (
            "echo $0 $# $$; set -- a 'b c'; echo $# $2; for a; do echo \"<$a>\"; done",
            ("sh 0 1\n2 b c\n<a>\n<b c>\n"),
            0,
        ),
        ("unset HOSTNAME; echo [$HOSTNAME]", "[]\n", 0),
        ("set -u; echo $NOPE", "sh: NOPE: parameter not set\n", 2),
        # quoting and field splitting
        ('x="a   b"; echo $x; echo "$x"', "a b\na   b\n", 0),
        ('e=; for w in $e "$e" x; do echo "<$w>"; done', "<>\n<x>\n", 0),
        ("echo 'single $x' \"dq \\$x\" \\$x", "single $x dq $x $x\n", 0),
        ("echo ~ ~/x", "/root /root/x\n", 0),
        # globbing
        (
            "touch /tmp/a.log /tmp/b.log /tmp/c.txt; echo /tmp/*.log; echo '/tmp/*.log'",
            ("/tmp/a.log /tmp/b.log\n/tmp/*.log\n"),
            0,
        ),
        ("echo /tmp/*.none", "/tmp/*.none\n", 0),
        ("cd /etc && echo pass*", "passwd\n", 0),
        # pipes
        ("seq 5 | wc -l", "5\n", 0),
        ("seq 10 | grep 1 | wc -l", "2\n", 0),
        ("echo x | false; echo $?; false | echo y; echo $?", "1\ny\n0\n", 0),
        ("! true; echo $?; ! false; echo $?", "1\n0\n", 0),
        ("set -o pipefail; false | true; echo $?", "1\n", 0),
        ("echo v | read x; echo [$x]", "[]\n", 0),
        ("printf 'a b\\nc d\\n' | while read x y; do echo \"$y-$x\"; done", "b-a\nd-c\n", 0),
        ("cat /nope 2>&1 | wc -l", "1\n", 0),
        # redirections
        ("echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f", "one\ntwo\n", 0),
        ("cat < /nope; echo $?", "sh: can't open /nope: no such file\n2\n", 0),
        ("echo x > /nope/f; echo $?", "sh: can't create /nope/f: nonexistent directory\n2\n", 0),
        ("echo x > /tmp; echo $?", "sh: can't create /tmp: Is a directory\n2\n", 0),
        ("{ echo a; echo b >&2; } > /tmp/f 2>&1; cat /tmp/f", "a\nb\n", 0),
        ("ls /nope 2> /tmp/err; cat /tmp/err", "ls: /nope: No such file or directory\n", 0),
        ("for i in 1 2; do echo $i; done > /tmp/f; wc -l < /tmp/f", "2\n", 0),
        ("cat <<EOF\nhello $HOSTNAME\n$((1+1))\nEOF", "hello web-1\n2\n", 0),
        ("cat <<'EOF'\nliteral $HOSTNAME\nEOF", "literal $HOSTNAME\n", 0),
        ("echo visible > /dev/stdout; echo gone > /dev/null", "visible\n", 0),
        ("exec > /tmp/all; echo quiet; cat /tmp/all > /dev/stderr", "quiet\n", 0),
        # lists and control flow
        ("true && echo and; false || echo or; false && echo no; echo $?", "and\nor\n1\n", 0),
        ("if [ -d /tmp ]; then echo yes; elif true; then echo no; else echo never; fi", "yes\n", 0),
        ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done", "1\n2\n3\n", 0),
        ("i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i", "2\n", 0),
        (
            "for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
            ("1\n3\n"),
            0,
        ),
        ("case web-1 in db*) echo db;; web-*|www) echo web;; *) echo other;; esac", "web\n", 0),
        ("case x in [abc]) echo abc;; '*') echo star;; *) echo any;; esac", "any\n", 0),
        ('greet() { echo "hi $1 ($#)"; return 3; }; greet you me; echo $?', "hi you (2)\n3\n", 0),
        ("(cd /tmp; x=1; exit 4); echo $? [$x] $(pwd)", "4 [] /\n", 0),
        ("{ x=1; }; echo $x", "1\n", 0),
        ("eval 'echo evaluated $HOSTNAME'", "evaluated web-1\n", 0),
        ("echo 'echo sourced' > /tmp/lib.sh; . /tmp/lib.sh", "sourced\n", 0),
        ("sh -c 'exit 3'; echo $?; sh -c 'echo $0 $1' zero one", "3\nzero one\n", 0),
        ("printf 'echo from-file $1\\n' > /tmp/s.sh; sh /tmp/s.sh arg", "from-file arg\n", 0),
        ("sh /nope.sh", "sh: can't open '/nope.sh': No such file or directory\n", 2),
        (
            "echo 'echo script' > /tmp/x.sh; /tmp/x.sh; echo $?",
            "sh: /tmp/x.sh: Permission denied\n126\n",
            0,
        ),
        ("exit 7; echo never", "", 7),
        ("exit foo", "sh: exit: Illegal number: foo\n", 2),
        # set -e, export, unset
        ("set -e; echo a; false; echo b", "a\n", 1),
        ("set -e; if false; then :; fi; false || true; ! true; echo survived", "survived\n", 0),
        ("set -x; echo traced", "+ echo traced\ntraced\n", 0),
        ("export GREETING=hello; sh -c 'echo $GREETING'", "hello\n", 0),
        ("LOCAL=1; sh -c 'echo [$LOCAL]'", "[]\n", 0),
        # traps
        ("trap 'echo bye' EXIT; echo work", "work\nbye\n", 0),
        ("trap 'echo bye' EXIT; exit 3", "bye\n", 3),
        ("trap 'echo caught' TERM; kill -TERM 1; echo after", "caught\nafter\n", 0),
        ("trap 'echo caught' TERM; trap - TERM; kill 1; echo after", "after\n", 0),
        # syntax errors
        ("if true; then echo", 'sh: syntax error: unexpected end of file (expecting "fi")\n', 2),
        ("echo a )", 'sh: syntax error: unexpected ")"\n', 2),
        ("echo 'open", "sh: syntax error: unterminated quoted string\n", 2),
        ("do echo", 'sh: syntax error: unexpected "do"\n', 2),
    ],
)
def test_shell(script: str, log: str, status: int) -> None:
    check(script, log, status)


def test_stdin_reaches_the_first_reader() -> None:
    run = sh('read first; echo "[$first]"; cat', stdin="line one\nline two\n")
    assert run.log == "[line one]\nline two\n"


# -- time --------------------------------------------------------------------


def test_sleeps_add_up_and_busy_loops_cost_cpu_time() -> None:
    assert sh("sleep 1; sleep 0.5; sleep 2m").slept == 121_500
    # Each pass: `[` and the assignment (12 us each), $i and $((...)) (4 us each), the
    # loop (4 us): 36 ms of CPU for 1,000 passes, computed in 10 ms quanta; the last
    # 6 ms, under a quantum, are absorbed when the process exits (userland.cpu).
    busy = sh("i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done")
    assert (busy.status, busy.slept) == (0, 30)


def test_yes_forever_still_advances_time() -> None:
    """``yes`` to the log costs a microsecond of CPU a line: a runaway after its first second."""
    run = drive(Process(["yes"], EVERYTHING).run(), until=3000)
    assert run.status is None  # still running after 3 s
    assert run.log == "y\n" * run.log.count("y\n")
    first = sum(text.count("\n") for t, text in run.outputs if t < 1000)
    third = sum(text.count("\n") for t, text in run.outputs if 2000 <= t < 3000)
    assert first == 484 * 2048  # about 1,000 lines per simulated millisecond, in 4 KiB writes
    assert third == 20 * 2048  # SUSTAINED_SLOWDOWN (25) times fewer: about 40 per millisecond


def test_date_reads_the_clock_it_is_given() -> None:
    clock = Clock(86_400_000 + 3_600_000 + 5_250)
    run = drive(Process(["date"], EVERYTHING, clock=clock).run())
    assert run.log == "Fri Jan  2 01:00:05 UTC 2026\n"
    run = drive(Process(["date", "-I"], EVERYTHING, clock=clock).run())
    assert run.log == "2026-01-02\n"


def test_a_process_in_a_container_reads_the_container_clock() -> None:
    class Handle:
        def now(self) -> int:
            return 60_000

    process = Process(["sh", "-c", "date; touch /tmp/f"], EVERYTHING)
    process.container = Handle()
    assert drive(process.run()).log == "Thu Jan  1 00:01:00 UTC 2026\n"
    assert process.fs.stat("/tmp/f").mtime == 60_000


def test_tail_follows_a_file_another_container_writes() -> None:
    """The docs' logging sidecar: a counter writes to an emptyDir, ``tail -F`` follows it."""
    clock = Clock()
    logs = Volume("varlog")
    writer_fs, reader_fs = Filesystem(clock), Filesystem(clock)
    writer_fs.mount("/var/log", logs)
    reader_fs.mount("/var/log", logs)
    counter = Process(
        [
            "/bin/sh",
            "-c",
            "sleep 0.5; i=0; "
            'while true; do echo "$i: $(date)" >> /var/log/1.log; i=$((i+1)); sleep 1; done',
        ],
        EVERYTHING,
        fs=writer_fs,
    ).run()
    tailer = Process(
        ["/bin/sh", "-c", "tail -n+1 -F /var/log/1.log"], EVERYTHING, fs=reader_fs
    ).run()
    wakes = {"counter": 0.0, "tailer": 0.0}
    programs = {"counter": counter, "tailer": tailer}
    pending: dict[str, Sleep | Output | None] = {"counter": None, "tailer": None}
    log = []
    while True:
        name = min(wakes, key=lambda n: (wakes[n], n))
        if wakes[name] > 3_000:
            break
        clock.now = int(wakes[name])
        action = next(programs[name]) if pending[name] is None else programs[name].send(None)
        while isinstance(action, Output):
            if name == "tailer":
                log.append((clock.now, action.text))
            action = programs[name].send(None)
        assert isinstance(action, Sleep)
        pending[name] = action
        wakes[name] = clock.now + action.ms
    assert log == [
        (0, "tail: can't open '/var/log/1.log': No such file or directory\n"),
        (1000, "tail: /var/log/1.log has appeared; following end of new file\n"),
        (1000, "0: Thu Jan  1 00:00:00 UTC 2026\n"),
        (2000, "1: Thu Jan  1 00:00:01 UTC 2026\n"),
        (3000, "2: Thu Jan  1 00:00:02 UTC 2026\n"),
    ]


# -- background jobs and signals ---------------------------------------------


def test_background_jobs_run_while_the_foreground_sleeps() -> None:
    run = sh("(while true; do echo tick; sleep 1; done) & sleep 2.5; echo done")
    assert run.outputs == [(0, "tick\n"), (1000, "tick\n"), (2000, "tick\n"), (2500, "done\n")]
    assert run.status == 0


def test_wait_returns_when_the_jobs_exit() -> None:
    run = sh('sleep 3 & a=$!; sleep 5 & wait $a; echo "a done $?"; wait; echo all')
    assert run.outputs == [(3000, "a done 0\n"), (5000, "all\n")]
    run = sh("sh -c 'sleep 1; exit 6' & wait $!; echo $?")
    assert (run.log, run.slept) == ("6\n", 1000)


def test_kill_ends_a_job() -> None:
    run = sh("sleep 100 & p=$!; kill $p; wait $p; echo status $?")
    assert (run.log, run.slept) == ("status 143\n", 0)


def shell_pid1(script: str) -> tuple[Process, Program]:
    process = Process(["sh", "-c", script], EVERYTHING, env=dict(ENV))
    return process, process.run()


def test_pid1_shell_ignores_signals_it_does_not_trap() -> None:
    process, program = shell_pid1("sleep 600")
    assert next(program) == Sleep(600_000)
    assert process.signal("TERM") == "ignored"


def test_a_trap_runs_after_the_foreground_command() -> None:
    process, program = shell_pid1("trap 'echo got TERM; exit 0' TERM; sleep 10; echo not reached")
    assert next(program) == Sleep(10_000)
    assert process.signal("TERM") == "deferred"
    run = drive(program)
    assert (run.status, run.log) == (0, "got TERM\n")


def test_a_trapped_signal_interrupts_wait() -> None:
    """``sleep 600 & wait``: the idiom that lets a shell PID 1 react to SIGTERM at once."""
    process, program = shell_pid1("trap 'echo stopping; exit 0' TERM; sleep 600 & wait; echo no")
    assert next(program) == Sleep(600_000)
    assert process.signal("TERM") == "interrupt"
    action = program.throw(Signal("TERM"))
    assert action == Output("stopping\n")
    with pytest.raises(StopIteration) as done:
        program.send(None)
    assert done.value.value == 0


def test_exec_makes_the_server_pid1() -> None:
    process, program = shell_pid1("echo starting; exec nginx")
    assert next(program) == Output("starting\n")
    while not isinstance(program.send(None), Sleep):
        pass
    assert process.pid1 == "nginx"
    assert process.signal("TERM") == "interrupt"
