"""A container's new log file keeps the run before and frees the older ones (issue #15).

``ContainerLogs.started`` runs at every start of a crash loop; the test would
fail if a start left the previous file open, kept a third file or its bytes.
"""

from __future__ import annotations

from cluster_sim.kubelet.logs import ContainerLogs, LogFile, LogTotals


def _write(logs: ContainerLogs, now_ms: int, text: str) -> None:
    latest = logs.latest
    assert latest is not None
    latest.write(now_ms, text)


def test_each_start_keeps_the_run_before_and_frees_the_older_ones() -> None:
    totals = LogTotals()
    logs = ContainerLogs(totals)
    first = logs.started("c1", 0)
    assert logs.files == [first] and logs.previous is None
    _write(logs, 1, "one\npartial")  # a line without its newline: the close flushes it
    second = logs.started("c2", 10)
    assert not first.running and first.read(10) == "one\npartial"
    assert logs.files == [first, second] and second.running
    _write(logs, 11, "two\n")
    first_bytes = first.size
    third = logs.started("c3", 20)
    assert logs.files == [second, third]
    assert third is first  # removed: its bytes are let go, its object holds the new file
    assert third.container_id == "c3" and third.size == 0 and third.read(20) == ""
    assert totals.bytes == second.size and first_bytes > 0
    assert not second.running and second.read(20) == "two\n"
    assert totals.bytes == second.size + third.size == second.size > 0
    closed = third.close(30)  # exited before the next start: not closed again
    assert closed == []
    fourth = logs.started("c4", 40)
    assert logs.files == [third, fourth] and totals.bytes == third.size == 0


def _state(log: LogFile) -> dict[str, object]:
    return {
        name: getattr(log, name)
        for name in LogFile.__slots__
        if name != "_totals"  # the run's, the same object (checked below)
    }


def test_a_removed_runs_file_reopened_is_a_new_file() -> None:
    """``LogFile.reopen`` leaves what ``LogFile()`` builds, whatever the run held: rotated,
    dropped, open and sealed blocks, a partial line."""
    totals = LogTotals()
    old = LogFile("c1", 0, totals)
    for ms in range(1, 6):  # blocks of 400 lines, past HOLD_BYTES: the oldest dropped
        old.write(ms, "y\n" * 400)
    old.write(6, "x" * 3000 + "\npartial")  # an open block, a pending line
    old.write(15_000, "z\n")  # a rotation check past 10 s: rotated away
    old.write(15_001, "w" * 100)
    assert old.rotations and old.dropped and old._pending and old._open
    old.close(16_000)
    kept = totals.bytes
    assert kept == old.size > 0
    old.reopen("c2", 20_000)
    fresh = LogFile("c2", 20_000, LogTotals())
    assert _state(old) == _state(fresh) and old._totals is totals and totals.bytes == 0
    assert old.write(20_001, "hello\n") == fresh.write(20_001, "hello\n")
    assert _state(old) == _state(fresh) and totals.bytes == old.size
