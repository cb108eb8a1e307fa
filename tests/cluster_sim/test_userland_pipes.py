"""Pipelines run their stages at the same time, joined by 64 KiB pipes (issue #13, item 14).

Before, a pipeline ran one stage after the other, so a stage that never ends
(``tail -F``, an endless loop) never let the next one see a line.
"""

from __future__ import annotations

import itertools

from simrun import of, run
from test_userland import EVERYTHING, drive, sh

from cluster_sim.userland import Process


def test_an_endless_loop_piped_to_grep_delivers_each_line_at_its_second() -> None:
    result = sh("while true; do echo x; sleep 1; done | grep x", until=3500)
    assert result.status is None  # still running
    assert result.outputs == [(0, "x\n"), (1000, "x\n"), (2000, "x\n"), (3000, "x\n")]


def test_tail_follow_piped_to_grep_delivers_lines_as_a_background_writer_appends_them() -> None:
    script = (
        "mkdir -p /var/log; touch /var/log/app.log; "
        "(sleep 2.5; echo 'ERROR one' >> /var/log/app.log; sleep 3; "
        "echo 'INFO two' >> /var/log/app.log; echo 'ERROR three' >> /var/log/app.log) & "
        "tail -F /var/log/app.log | grep ERROR"
    )
    result = sh(script, until=10_000)
    assert result.status is None
    # tail -F looks once a second: each line comes out at the first look after it is written
    assert result.outputs == [(3000, "ERROR one\n"), (6000, "ERROR three\n")]


SIDECAR = """apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  volumes: [{name: logs, emptyDir: {}}]
  containers:
  - name: app
    image: busybox
    command:
    - sh
    - -c
    - >-
      i=0; while true; do i=$((i+1));
      if [ $((i % 3)) = 0 ]; then echo "$i ERROR boom" >> /var/log/app.log;
      else echo "$i INFO ok" >> /var/log/app.log; fi; sleep 2; done
    volumeMounts: [{name: logs, mountPath: /var/log}]
  - name: errors
    image: busybox
    command: ["sh", "-c", "tail -F /var/log/app.log | grep ERROR"]
    volumeMounts: [{name: logs, mountPath: /var/log}]
"""


def test_an_adapter_sidecar_greps_the_lines_another_container_writes() -> None:
    records = run(SIDECAR, until=30)
    lines = [(r["container"], r["line"]) for r in of(records, "log")]
    assert lines == [("errors", f"{i} ERROR boom") for i in (3, 6, 9, 12)]
    times = [r["t"] for r in of(records, "log")]
    assert [round(b - a, 3) for a, b in itertools.pairwise(times)] == [6.0, 6.0, 6.0]


def test_yes_piped_to_head_ends_and_the_writer_dies_of_sigpipe() -> None:
    assert sh("yes | head -n 1; echo $?").log == "y\n0\n"
    assert sh("set -o pipefail; yes | head -n 2; echo $?").log == "y\ny\n141\n"
    assert sh("yes | head -c 5; echo; echo done").log == "y\ny\ny\ndone\n"


def test_a_writer_blocks_once_the_pipe_holds_64_kib() -> None:
    """``seq 100000`` writes 588,895 bytes: it can finish only as the reader drains the pipe."""
    result = sh("(seq 100000; echo 'seq done' >&2) | (sleep 5; wc -l)")
    assert result.log == "seq done\n100000\n"
    (done_at,) = [t for t, text in result.outputs if text == "seq done\n"]
    assert done_at >= 5000  # blocked on the full pipe until wc began to read at 5 s
    small = sh("(seq 10; echo 'seq done' >&2) | (sleep 5; wc -l)")
    assert small.outputs == [(0, "seq done\n"), (5000, "10\n")]  # 21 bytes fit at once


def test_the_reader_sees_end_of_file_when_every_writer_has_closed() -> None:
    result = sh("(echo a; sleep 1; echo b) | (while read l; do echo got $l; done; echo eof)")
    assert result.outputs == [(0, "got a\n"), (1000, "got b\n"), (1000, "eof\n")]


def test_stages_of_a_pipeline_interleave_with_each_others_sleeps() -> None:
    result = sh("(echo 1; sleep 2; echo 3) | cat & (sleep 1; echo 2) | cat; wait")
    assert result.outputs == [(0, "1\n"), (1000, "2\n"), (2000, "3\n")]


def test_an_endless_pipeline_is_still_throttled_as_a_runaway() -> None:
    """``yes | cat`` never ends: it runs like ``yes`` alone, then 25 times slower after 1 s."""
    result = drive(Process(["sh", "-c", "yes | cat"], EVERYTHING).run(), until=3000)
    assert result.status is None  # still running after 3 s of simulated time
    first = sum(text.count("\n") for t, text in result.outputs if t < 1000)
    third = sum(text.count("\n") for t, text in result.outputs if 2000 <= t < 3000)
    assert (first, third) == (15 * 65536, 65536 // 2)  # in 64 KiB pipe reads of "y\n"


def test_sort_of_an_endless_pipe_is_killed_for_its_memory() -> None:
    from cluster_sim.userland.memory import OutOfMemory

    program = Process(["sh", "-c", "yes | sort"], EVERYTHING).run()
    try:
        drive(program, until=60_000)
    except OutOfMemory:
        return
    raise AssertionError("yes | sort should run out of memory")
