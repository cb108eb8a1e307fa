"""A container's new log file keeps the run before and frees the older ones (issue #15).

``ContainerLogs.started`` runs at every start of a crash loop; the test would
fail if a start left the previous file open, kept a third file or its bytes.
"""

from __future__ import annotations

from cluster_sim.kubelet.logs import ContainerLogs, LogTotals


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
    third = logs.started("c3", 20)
    assert logs.files == [second, third]
    assert first.size == 0 and first.read(20) == ""  # removed: its bytes are let go
    assert not second.running and second.read(20) == "two\n"
    assert totals.bytes == second.size + third.size == second.size > 0
    closed = third.close(30)  # exited before the next start: not closed again
    assert closed == []
    fourth = logs.started("c4", 40)
    assert logs.files == [third, fourth] and totals.bytes == third.size == 0
