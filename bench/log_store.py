"""What a chatty container costs: the kubelet log store and the record rate.

    .venv/bin/python bench/log_store.py [--runs 3] [--lines 100000]

1. Writing ``--lines`` short lines, one program write each (``echo`` in a
   loop), at one simulated instant: the path before the log store (split the
   text, one ``log`` record per line: the baseline, measured in this process)
   beside ``PodLogs.write`` with the record rate (100 lines per second: the
   rest counted) and with every line shown. Time and the Python memory left
   held afterwards (tracemalloc), as ratios to the baseline.
2. ``while true; do echo hi; done`` simulated for ``--seconds`` s: wall time,
   records, the log bytes held and whether a budget stopped the run, limited
   beside ``log_records="all"`` (whose flood of records the run's budgets stop).

Each figure is min/median/max over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet.logs import LogTotals, PodLogs
from cluster_sim.records import Recorder

ECHO_LOOP = """\
apiVersion: v1
kind: Pod
metadata: {name: chatty}
spec:
  containers:
  - {name: app, image: busybox, command: ["sh", "-c", "while true; do echo hi; done"]}
"""


class Run:
    """What the log path needs of a run (the Cluster's log settings)."""

    def __init__(self, rate: int | None) -> None:
        self.log_totals = LogTotals()
        self.log_rate = rate


def baseline(env: simpy.Environment, rec: Recorder, lines: int) -> object:
    """The path before the log store: every line a record, a str buffer per container."""
    partial: dict[str, str] = {}
    for i in range(lines):
        buffered = partial.get("app", "") + f"line {i}\n"
        *done, rest = buffered.split("\n")
        partial["app"] = rest
        for line in done:
            rec.emit("log", pod="default/chatty", container="app", line=line)
    return partial


def store(rate: int | None) -> Path_:
    def write(env: simpy.Environment, rec: Recorder, lines: int) -> object:
        logs = PodLogs(env, rec, "default/chatty", Run(rate))
        logs.started("app", "containerd://bench")
        for i in range(lines):
            logs.write("app", f"line {i}\n")
        return logs

    return write


Path_ = Callable[[simpy.Environment, Recorder, int], object]


def measure(path: Path_, lines: int) -> tuple[float, int]:
    """(seconds, bytes still held afterwards) for one path: timed without tracemalloc."""
    gc.collect()
    env = simpy.Environment()
    start = time.perf_counter()
    kept = path(env, Recorder(env), lines)
    elapsed = time.perf_counter() - start
    del kept
    gc.collect()
    env = simpy.Environment()
    tracemalloc.start()
    rec = Recorder(env)  # the records the run keeps count, as the log files do
    kept = path(env, rec, lines)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept, rec
    return elapsed, held


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def echo_loop(log_records: str, seconds: float) -> tuple[float, int, int, str]:
    bundle = load_bundle([("chatty.yaml", ECHO_LOOP)])
    sim = Simulation(bundle, horizon=seconds, log_records=log_records)  # type: ignore[arg-type]
    start = time.perf_counter()
    records = sim.advance(seconds)
    stopped = f"stopped at {sim.stopped_by.t:g} s" if sim.stopped_by else "ran to the end"
    return time.perf_counter() - start, len(records), sim.cluster.log_totals.bytes, stopped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    paths = {"limited (100/s)": store(100), "every line": store(None)}
    ratios: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in paths}
    base_times: list[float] = []
    for _ in range(args.runs):
        base_t, base_m = measure(baseline, args.lines)
        base_times.append(base_t)
        for name, path in paths.items():
            t, m = measure(path, args.lines)
            ratios[name][0].append(t / base_t)
            ratios[name][1].append(m / base_m)
    base = spread(base_times, "{:.3f}")
    print(f"{args.lines:,} one-line writes at one instant; baseline {base} s")
    print(f"{'path':<18} {'time ratio (min/median/max)':<30} memory held ratio")
    for name, (times, memory) in ratios.items():
        print(f"{name:<18} {spread(times):<30} {spread(memory, '{:.4f}')}")

    print(f"\nwhile true; do echo hi; done for {args.seconds:g} simulated seconds")
    modes = ("limited", "all")
    results = {mode: [echo_loop(mode, args.seconds) for _ in range(args.runs)] for mode in modes}
    for mode, runs in results.items():
        print(
            f"{mode:<8} wall {spread([r[0] for r in runs], '{:.3f}')} s, "
            f"records {runs[0][1]:,}, log bytes held {runs[0][2]:,}, {runs[0][3]}"
        )
    ratio = [a[0] / b[0] for a, b in zip(results["limited"], results["all"], strict=True)]
    print(f"limited/all wall-time ratio: {spread(ratio)}")


if __name__ == "__main__":
    main()
