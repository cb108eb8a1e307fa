"""Container logs: the CRI log file, its rotation, ``kubectl logs`` and the record rate."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from types import SimpleNamespace

import simpy
from simrun import of

from cluster_sim import Simulation, load_bundle
from cluster_sim.cli import main
from cluster_sim.kubelet.logs import (
    CONTAINER_LOG_MAX_SIZE,
    HOLD_BYTES,
    MAX_LINE,
    LogFile,
    LogTotals,
    PodLogs,
)
from cluster_sim.records import Recorder


def pod(script: str, *, restart: str = "Always", name: str = "chatty", extra: str = "") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  restartPolicy: {restart}
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", {json.dumps(script)}]
{extra}"""


def sim(text: str, *, until: float, **kwargs: object) -> tuple[Simulation, list[dict]]:
    bundle = load_bundle([("test.yaml", text)])
    s = Simulation(bundle, horizon=300, **kwargs)  # type: ignore[arg-type]
    return s, s.advance(until)


FLOOD = "i=0; while [ $i -lt 10000 ]; do echo line $i; i=$((i+1)); done; sleep 3600"


@functools.cache
def flood() -> str:
    """The records of 10,000 lines printed at one instant, as JSON (run once)."""
    return json.dumps(sim(pod(FLOOD), until=30)[1])


# -- the rate of log records -----------------------------------------------------------


def test_a_flood_shows_the_first_hundred_lines_of_a_second_and_counts_the_rest() -> None:
    records = json.loads(flood())
    logs = of(records, "log")
    assert [r["line"] for r in logs] == [f"line {i}" for i in range(100)]
    second = int(logs[0]["t"])
    assert {int(r["t"]) for r in logs} == {second}  # all printed within one second
    assert of(records, "log-held") == [
        {
            "t": second + 1.0,
            "kind": "log-held",
            "pod": "default/chatty",
            "container": "c",
            "lines": 9_900,
            "since": second,
        }
    ]


def test_log_records_all_shows_every_line() -> None:
    _, records = sim(pod(FLOOD), until=30, log_records="all")
    assert len(of(records, "log")) == 10_000
    assert of(records, "log-held") == []


def test_the_rate_starts_again_each_simulated_second() -> None:
    script = (
        "for s in 1 2; do i=0; while [ $i -lt 150 ]; do echo $s.$i; i=$((i+1)); done; sleep 1; done"
    )
    _, records = sim(pod(script, restart="Never"), until=30)
    lines = [r["line"] for r in of(records, "log")]
    assert lines == [f"1.{i}" for i in range(100)] + [f"2.{i}" for i in range(100)]
    assert [(r["lines"], r["t"] - r["since"]) for r in of(records, "log-held")] == [
        (50, 1),
        (50, 1),
    ]


def test_two_runs_give_byte_identical_records() -> None:
    assert json.dumps(sim(pod(FLOOD), until=30)[1]) == flood()


# -- kubectl logs ---------------------------------------------------------------------


def test_kubectl_logs_has_the_lines_the_records_held_back() -> None:
    script = "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; sleep 3600"
    s, records = sim(pod(script), until=5)
    assert len(of(records, "log")) == 100
    assert s.logs("chatty", "c") == (0, "".join(f"line {i}\n" for i in range(300)))


def test_a_file_over_the_max_size_is_rotated_at_the_next_ten_second_check() -> None:
    # 1,000 lines of 51 file bytes (CRI timestamp, stream, tag): over 32 KiB at t = 2.18.
    script = (
        "i=0; while [ $i -lt 1000 ]; do echo line $i; i=$((i+1)); done; "
        "sleep 9; echo after; sleep 3600"
    )
    s, _ = sim(pod(script), until=9.9)
    assert s.logs("chatty", "c")[1].startswith("line 0\n")
    s.advance(10.0)  # the kubelet's check at 10 s rotates the file
    assert s.logs("chatty", "c") == (0, "")
    s.advance(12.0)
    assert s.logs("chatty", "c") == (0, "after\n")


def test_a_small_file_is_not_rotated() -> None:
    script = "i=0; while [ $i -lt 100 ]; do echo line $i; i=$((i+1)); done; sleep 3600"
    s, _ = sim(pod(script), until=25)
    assert s.logs("chatty", "c") == (0, "".join(f"line {i}\n" for i in range(100)))


def test_between_checks_the_playground_holds_the_newest_lines_of_a_file() -> None:
    s, _ = sim(
        pod(
            "i=0; while [ $i -lt 10000 ]; do printf 'line %05d\\n' $i; i=$((i+1)); done; sleep 3600"
        ),
        until=5,
    )
    status, out = s.logs("chatty", "c")
    lines = out.splitlines()
    assert status == 0 and lines[-1] == "line 09999"
    # Entries of 51 file bytes go in blocks of 81 (4 KiB); 15 whole blocks and the
    # 37 newest entries fit in 64 KiB: the oldest block that did not fit was let go.
    assert len(lines) == 15 * 81 + 37
    assert lines[0] == "line 08748"
    assert (len(lines) * 51) <= HOLD_BYTES < (len(lines) + 81) * 51


def test_an_exited_container_is_not_rotated_and_keeps_its_file() -> None:
    script = "i=0; while [ $i -lt 1000 ]; do echo line $i; i=$((i+1)); done"
    s, _ = sim(pod(script, restart="Never"), until=60)
    assert CONTAINER_LOG_MAX_SIZE < 1000 * 51
    assert s.logs("chatty", "c") == (0, "".join(f"line {i}\n" for i in range(1000)))


RESTARTS = """\
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]
"""
COUNTING = (
    "n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; "
    "echo run $n; printf 'no newline'; exit 1"
)


def test_previous_reads_the_last_terminated_run() -> None:
    s, records = sim(pod(COUNTING, extra=RESTARTS), until=2.5)
    assert s.logs("chatty", "c") == (0, "run 1\nno newline")
    assert s.logs("chatty", "c", previous=True) == (
        1,
        "Error from server (BadRequest): "
        'previous terminated container "c" in pod "chatty" not found\n',
    )
    # The first restart is immediate (1.2 s later); in the back-off after the second
    # crash the container is waiting, and both reads show the run that crashed.
    s.advance(5)
    assert s.logs("chatty", "c", previous=True) == (0, "run 2\nno newline")
    assert s.logs("chatty", "c") == (0, "run 2\nno newline")
    # Run 4 ends at 54.23 s (back-offs of 10 and 20 s, each noticed 10 s after it ends);
    # until the next sync (55 s) it is terminated, not waiting: --previous is the run before it.
    s.advance(54.5)
    assert s.logs("chatty", "c") == (0, "run 4\nno newline")
    assert s.logs("chatty", "c", previous=True) == (0, "run 3\nno newline")
    s.advance(60)
    assert s.logs("chatty", "c", previous=True) == (0, "run 4\nno newline")
    # Only two runs are kept (the container garbage collector's MaxPerPodContainer).
    assert len(s.cluster.workers["default/chatty"].logs["c"].files) == 2
    # The record stream shows the last piece as a line, as before.
    assert [r["line"] for r in of(records, "log")] == ["run 1", "no newline"]


def test_kubectl_logs_errors() -> None:
    other = pod("true", name="other").replace("busybox", "no-such-image:1")
    text = pod("sleep 3600") + "---\n" + other
    s, _ = sim(text, until=3)
    assert s.logs("nope", "c") == (1, 'Error from server (NotFound): pods "nope" not found\n')
    assert s.logs("chatty", "x") == (
        1,
        "Error from server (BadRequest): container x is not valid for pod chatty\n",
    )
    status, out = s.logs("other", "c")
    assert status == 1 and out.startswith(
        'Error from server (BadRequest): container "c" in pod "other" is waiting to start: '
    )


def test_a_deleted_pod_has_no_logs_any_more() -> None:
    s, _ = sim(pod("echo hi; sleep 3600"), until=3)
    assert s.logs("chatty", "c") == (0, "hi\n")
    s.act("delete", {"pod": "chatty"})
    s.advance(60)
    assert s.logs("chatty", "c") == (1, 'Error from server (NotFound): pods "chatty" not found\n')
    assert s.cluster.log_totals.bytes == 0


# -- long lines -----------------------------------------------------------------------


def test_a_line_longer_than_16_kib_is_cut_into_partial_entries() -> None:
    script = "i=0; while [ $i -lt 40 ]; do printf '%01000d' 0; i=$((i+1)); done; echo; sleep 3600"
    s, records = sim(pod(script), until=5)
    logs = of(records, "log")
    assert [(len(r["line"]), r.get("partial")) for r in logs] == [
        (MAX_LINE, True),
        (MAX_LINE, True),
        (40_000 - 2 * MAX_LINE, None),
    ]
    assert s.logs("chatty", "c") == (0, "0" * 40_000 + "\n")


def test_a_100_mb_line_without_newline_stays_bounded() -> None:
    totals = LogTotals()
    log = LogFile("containerd://x", 0, totals)
    chunk = "a" * (1 << 20)
    entries = 0
    for _ in range(100):
        out = log.write(1_000, chunk)
        entries += len(out)
        assert all(e.partial and len(e.content) == MAX_LINE for e in out)
        assert log.size <= HOLD_BYTES and totals.bytes == log.size
    assert entries == 100 * (1 << 20) // MAX_LINE - 1  # the last 16 KiB is still being written
    tail = log.close(2_000)
    assert [len(e.content) for e in tail] == [MAX_LINE]
    assert log.read(60_000) == "a" * len(log.read(60_000))
    assert len(log.read(60_000)) <= HOLD_BYTES


def test_the_cli_table_says_how_many_lines_it_held_back(tmp_path: Path) -> None:
    path = tmp_path / "chatty.yaml"
    path.write_text(pod(FLOOD.replace("10000", "1000")))
    out = io.StringIO()
    assert main(["run", str(path), "--until", "5"], stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().splitlines()[-1] == (
        "    3.000s  log-held    default/chatty/c: 900 lines not shown; kubectl logs has them "
        "(--all-logs shows every line)"
    )
    everything = io.StringIO()
    main(["run", str(path), "--until", "5", "--all-logs", "-o", "jsonl"], stdout=everything)
    kinds = [json.loads(line)["kind"] for line in everything.getvalue().splitlines()]
    assert kinds.count("log") == 1_000 and "log-held" not in kinds


def test_a_100_mb_line_reaches_the_records_as_a_hundred_16_kib_pieces_a_second() -> None:
    env = simpy.Environment()
    rec = Recorder(env)
    run = SimpleNamespace(log_totals=LogTotals(), log_rate=100)
    logs = PodLogs(env, rec, "default/chatty", run)
    logs.started("c", "containerd://x")
    for _ in range(100):
        logs.write("c", "a" * (1 << 20))
        assert run.log_totals.bytes <= HOLD_BYTES + MAX_LINE + 41
    env.run(until=1_001)  # the report at the end of the second (1 s)
    records = rec.take()
    shown = [r for r in records if r["kind"] == "log"]
    assert len(shown) == 100 and all(r["partial"] and len(r["line"]) == MAX_LINE for r in shown)
    assert [(r["t"], r["lines"]) for r in records if r["kind"] == "log-held"] == [
        (1.0, 100 * (1 << 20) // MAX_LINE - 1 - 100)
    ]


def test_stdout_and_stderr_are_cut_into_lines_each_on_its_own() -> None:
    # containerd reads each stream on its own: a line half-written on stdout is not
    # broken by a line on stderr.
    s, records = sim(pod("printf out; echo err >&2; echo ' more'; sleep 3600"), until=5)
    assert [r["line"] for r in of(records, "log")] == ["err", "out more"]
    assert s.logs("chatty", "c") == (0, "err\nout more\n")


def test_many_lines_in_one_write_keep_the_rate_and_the_newest_lines() -> None:
    s, records = sim(pod("seq 1 20000; sleep 3600"), until=5)
    assert [r["line"] for r in of(records, "log")] == [str(i) for i in range(1, 101)]
    assert [r["lines"] for r in of(records, "log-held")] == [19_900]
    lines = s.logs("chatty", "c")[1].splitlines()
    assert lines[-1] == "20000" and int(lines[0]) == 20_001 - len(lines)
    assert sum(len(line) + 41 for line in lines) <= HOLD_BYTES


def test_a_half_written_line_joins_the_first_of_many_lines() -> None:
    s, records = sim(pod("printf 'n='; seq 1 5; sleep 3600"), until=5)
    assert [r["line"] for r in of(records, "log")] == ["n=1", "2", "3", "4", "5"]
    assert s.logs("chatty", "c") == (0, "n=1\n2\n3\n4\n5\n")
