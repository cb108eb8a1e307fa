"""The crash loop's start path builds some records and objects by hand: each is held
equal to what the general path (``Recorder.emit``, a new SimPy event...) gives."""

from __future__ import annotations

from collections.abc import Generator
from types import SimpleNamespace
from typing import Any

import simpy

from cluster_sim.kubelet.logs import MAX_LINE, Entry, LogRate, LogTotals, PodLogs
from cluster_sim.records import Recorder


class _EmitLogs(PodLogs):
    """``PodLogs`` whose ``_show`` writes through ``Recorder.emit``, as it did before its
    records were built in place."""

    def _show(self, name: str, entries: list[Entry], now: int, *, closing: bool) -> None:
        rate = self._rates.get(name)
        if rate is None:
            rate = self._rates[name] = LogRate(self.run.log_rate)
        emit = self.rec.emit
        for i, entry in enumerate(entries):
            held = rate.admit(now)
            if not held:
                if entry.partial and not closing:
                    emit("log", pod=self.pod, container=name, line=entry.content, partial=True)
                else:
                    emit("log", pod=self.pod, container=name, line=entry.content)
                continue
            if held == 1:
                second = now // 1000
                timer = self.env.timeout((second + 1) * 1000 - now)

                def report(_event: simpy.Event, s: int = second) -> None:
                    self._report_held(name, rate, s)

                timer.callbacks.append(report)
            if i + 1 < len(entries):
                rate.hold(now, len(entries) - i - 1)
            break


def _log_records(
    cls: type[PodLogs], writes: list[tuple[float, str, str, str]], rate: int | None
) -> list[list[tuple[str, Any]]]:
    """The records of ``writes`` (time, container, text, stream; then each container's
    close), with their fields in order."""
    env = simpy.Environment()
    rec = Recorder(env)
    run = SimpleNamespace(log_totals=LogTotals(), log_rate=rate)
    logs = cls(env, rec, "default/p", run)
    names = sorted({w[1] for w in writes})
    for name in names:
        logs.started(name, f"containerd://{name}")

    def program() -> Generator[simpy.Event, Any, None]:
        for at, name, text, stream in writes:
            yield env.timeout(at - env.now)
            logs.write(name, text, stream)
        for name in names:
            logs.close(name)

    env.process(program())
    env.run()
    return [list(r.items()) for r in rec.take() if r is not None]


def test_log_records_built_in_place_are_emits_records() -> None:
    long = "x" * (MAX_LINE + 10)
    writes = [
        (0, "a", "starting\n", "stdout"),
        (0, "b", "half", "stdout"),
        (5, "a", "one\ntwo\nthree\n", "stderr"),
        (5, "a", long + "\n", "stdout"),  # partial entries, then the rest
        (1_250, "b", " more\nopen", "stdout"),  # a line, then one left open at the close
        (2_000, "a", "ünïcode\n", "stdout"),
    ]
    for rate in (None, 2):
        records = _log_records(PodLogs, writes, rate)
        assert rate is not None or any(dict(r).get("partial") for r in records)
        assert rate is None or any(dict(r)["kind"] == "log-held" for r in records)
        assert records == _log_records(_EmitLogs, writes, rate)
