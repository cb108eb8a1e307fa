"""A run's budgets (issue #9, section 3): counted as the clock runs, never timed.

Hitting one ends the run at that simulated instant with a ``budget`` record
naming the limit and its value; everything before it is kept, and the stop
is the same however ``advance`` is sliced.
"""

from __future__ import annotations

import io
import json

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.cli import main
from cluster_sim.limits import DEFAULT_LIMITS, BudgetHit, RunLimits


def pod(script: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        f"  - name: c\n    image: busybox\n    command: [sh, -c, {json.dumps(script)}]\n"
    )


TICKING = pod("while true; do sleep 0.01; done")  # 100 wake-ups per simulated second
BURST = pod("seq 1 3000; sleep 1000")  # 3,000 lines at once
CRASHING = pod("echo hi; exit 1")


def run(text: str, limits: RunLimits, slice_s: float) -> tuple[Simulation, list[dict]]:
    sim = Simulation(load_bundle([("p.yaml", text)]), limits=limits, horizon=60)
    records: list[dict] = []
    while not sim.finished:
        records += sim.advance(sim.now + slice_s)
    return sim, records


CASES = [
    (
        TICKING,
        DEFAULT_LIMITS.raised(events_per_second=50),
        {
            "t": 2.66,
            "kind": "budget",
            "limit": "simulation events per simulated second",
            "field": "events_per_second",
            "value": 50,
            "message": "the run stopped at 2.66 s: it reached the playground's limit of 50 "
            "simulation events per simulated second (the CLI's --max-events-per-second "
            "raises it)",
        },
    ),
    (
        BURST,
        DEFAULT_LIMITS.raised(records_per_second=1000, log_lines_per_container_second=None),
        {
            "t": 2.18,  # 3 ms of seq's work, under a quantum: no visible time (DESIGN.md)
            "kind": "budget",
            "limit": "records per simulated second",
            "field": "records_per_second",
            "value": 1000,
            "message": "the run stopped at 2.18 s: it reached the playground's limit of 1,000 "
            "records per simulated second (the CLI's --max-records-per-second raises it)",
        },
    ),
    (
        CRASHING,
        DEFAULT_LIMITS.raised(records=40),
        {
            "t": 23.82,
            "kind": "budget",
            "limit": "records per run",
            "field": "records",
            "value": 40,
            "message": "the run stopped at 23.82 s: it reached the playground's limit of 40 "
            "records per run (the CLI's --max-records raises it)",
        },
    ),
    (
        CRASHING,
        # The first start's env record passes it (the recorder holds one per container: a
        # crash loop's later starts add nothing, test_a_crash_loop_holds_one_env_record)
        DEFAULT_LIMITS.raised(memory_bytes=500),
        {
            "t": 2.18,
            "kind": "budget",
            "limit": "bytes of simulator memory per run",
            "field": "memory_bytes",
            "value": 500,
            "message": "the run stopped at 2.18 s: it reached the playground's limit of 500 "
            "bytes of simulator memory per run (the CLI's --max-memory-bytes raises it)",
        },
    ),
]


@pytest.mark.parametrize(("text", "limits", "budget"), CASES)
def test_a_budget_ends_the_run_with_a_record_naming_it(
    text: str, limits: RunLimits, budget: dict
) -> None:
    sim, records = run(text, limits, 60)
    assert records[-1] == budget
    assert all(r["t"] <= budget["t"] for r in records)
    assert sim.finished
    assert sim.stopped_by == BudgetHit(budget["t"], budget["field"], budget["value"])
    assert sim.advance(60) == []


@pytest.mark.parametrize(("text", "limits", "budget"), CASES)
def test_the_stop_is_the_same_however_the_run_is_sliced(
    text: str, limits: RunLimits, budget: dict
) -> None:
    assert run(text, limits, 0.25)[1] == run(text, limits, 60)[1]


def test_the_records_before_the_stop_are_the_unlimited_runs() -> None:
    _, stopped = run(TICKING, DEFAULT_LIMITS.raised(events_per_second=50), 1)
    _, free = run(TICKING, DEFAULT_LIMITS, 1)
    assert stopped[:-1] == [r for r in free if r["t"] <= stopped[-1]["t"]][: len(stopped) - 1]


def test_default_limits_let_a_busy_minute_finish() -> None:
    sim, _ = run(TICKING, DEFAULT_LIMITS, 10)
    assert sim.stopped_by is None and sim.now == 60


def test_the_cli_prints_the_message_on_stderr_and_exits_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["run", "-", "--until", "60", "-o", "jsonl", "--max-events-per-second", "50"],
        stdin=io.StringIO(TICKING),
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert err.getvalue() == CASES[0][2]["message"] + "\n"
    assert json.loads(out.getvalue().splitlines()[-1]) == CASES[0][2]


def test_a_cli_flag_raises_a_limit() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "run",
            "-",
            "--until",
            "5",
            "-o",
            "jsonl",
            "--all-logs",
            "--max-records-per-second",
            "5000",
        ],
        stdin=io.StringIO(BURST),
        stdout=out,
        stderr=err,
    )
    assert (code, err.getvalue()) == (0, "")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sum(r["kind"] == "log" for r in lines) == 3000


def test_a_cli_flag_must_be_positive() -> None:
    err = io.StringIO()
    code = main(["run", "-", "--max-records", "0"], stdin=io.StringIO(BURST), stderr=err)
    assert (code, err.getvalue()) == (2, "--max-records must be a positive number, not 0\n")


def test_an_apply_past_the_pod_limit_is_a_notice_and_adds_nothing() -> None:
    one = pod("sleep 100").replace("name: p}", "name: a}")
    sim = Simulation(load_bundle([("p.yaml", one)]), limits=DEFAULT_LIMITS.raised(pods=2))
    sim.advance(1)
    sim.act("apply", {"manifest": one.replace("name: a}", "name: b}")})
    sim.act("apply", {"manifest": one.replace("name: a}", "name: c}")})
    records = sim.advance(2)
    assert [r["message"] for r in records if r["kind"] == "notice"] == [
        "apply: the playground runs at most 2 Pods at once; this would make 3"
    ]
    assert {r["pod"] for r in records if r["kind"] == "pod"} == {"default/b"}


DATA_HOLDERS = """apiVersion: v1
kind: Pod
metadata: {name: holder}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'x=$(printf "%0200000d" 0); sleep 30; exit 1']
---
apiVersion: v1
kind: Pod
metadata: {name: quick}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'x=$(printf "%0100000d" 0); sleep 5']
"""


def test_the_memory_budget_counts_the_data_of_running_containers_only() -> None:
    """A container's data counts while it runs; exited, or its Pod gone, never again."""
    sim = Simulation(load_bundle([("t.yaml", DATA_HOLDERS)]), seed=0, horizon=300)
    sim.advance(4)
    both = sim.cluster.program_data_bytes()
    assert both >= 300_000  # holder's 200 kB and quick's 100 kB
    sim.advance(10)  # quick exited at about 7 s
    holder = sim.cluster.program_data_bytes()
    assert 200_000 <= holder < both - 100_000
    sim.advance(32.5)  # holder exited at 32.18 s; restarted at the next relist (33 s)
    assert sim.cluster.program_data_bytes() == 0
    sim.advance(50)  # running again, holding its string again
    assert sim.cluster.program_data_bytes() == holder
    sim.act("delete", {"pod": "holder", "gracePeriodSeconds": 0})
    sim.advance(60)
    assert sim.cluster.program_data_bytes() == 0


# Starts, restarts, exits and a deletion, with data held before a start (the environment),
# grown and let go (``unset``), and written to a memory-backed volume.
DATA_CHURN = """apiVersion: v1
kind: Pod
metadata: {name: vars}
spec:
  containers:
  - name: app
    image: busybox:1.36
    env: [{name: GREETING, value: "hello from the environment"}]
    command: [sh, -c, 'x=$(printf "%050000d" 0); sleep 3; unset x; sleep 2;
      y=$(printf "%020000d" 0); sleep 4; exit 1']
---
apiVersion: v1
kind: Pod
metadata: {name: tmpfs}
spec:
  containers:
  - name: writer
    image: busybox:1.36
    command: [sh, -c, 'i=0; while [ $i -lt 12 ]; do printf "%01000d\\n" $i >> /cache/log;
      i=$((i+1)); sleep 1; done; rm /cache/log; sleep 3; exit 2']
    volumeMounts: [{name: cache, mountPath: /cache}]
  - name: idle
    image: busybox:1.36
    env: [{name: MODE, value: idle}]
    command: [sleep, "3600"]
  volumes: [{name: cache, emptyDir: {medium: Memory}}]
---
apiVersion: v1
kind: Pod
metadata: {name: quick}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'x=$(printf "%010000d" 0); sleep 7']
---
apiVersion: v1
kind: Pod
metadata: {name: doomed}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'x=$(printf "%030000d" 0); while true; do sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def data_of_running_containers(sim: Simulation) -> int:
    """The full walk: every Pod worker's current, running container instances."""
    return sum(
        instance.meter.stored
        for worker in sim.cluster.workers.values()
        for instance in worker.instances.values()
        if instance.exit_code is None and instance.meter is not None
    )


def test_the_memory_budget_count_equals_a_walk_of_every_running_container() -> None:
    """Only containers whose programs hold data are looked at: the sum is still all of them."""
    sim = Simulation(load_bundle([("t.yaml", DATA_CHURN)]), seed=0, horizon=600)
    seen = set()
    for step in range(1, 241):
        if step == 60:
            sim.act("delete", {"pod": "doomed", "gracePeriodSeconds": 0})
        sim.advance(step * 0.5)
        counted = sim.cluster.program_data_bytes()
        assert counted == data_of_running_containers(sim), f"at {sim.now} s"
        seen.add(counted)
    assert len(seen) > 10  # the figure moved: starts, growth, exits, the deletion
    web = sim.cluster.workers["default/web"].instances["web"]
    assert web.meter is not None and web.meter.stored == 0
    assert web not in sim.cluster._metered  # holding nothing, never walked


def test_data_held_before_a_container_starts_is_counted() -> None:
    """A meter already holding data when its container starts joins the count at once."""
    sim = Simulation(load_bundle([("t.yaml", DATA_CHURN)]), seed=0, horizon=600)
    sim.advance(5)
    idle = sim.cluster.workers["default/tmpfs"].instances["idle"]
    assert idle.meter is not None and idle.meter.stored == 0
    idle.meter.on_data = None  # as if it grew before ``container_started``
    idle.meter.grow(1000)
    sim.cluster.container_started("default/tmpfs", "idle", idle)
    assert sim.cluster.program_data_bytes() == data_of_running_containers(sim) > 1000


def test_a_crash_loop_holds_one_env_record() -> None:
    """Every start writes the container's ``env`` record; the recorder holds the latest
    only, so the memory a crash loop's run is charged for stays where its first start
    put it, however many restarts follow."""
    sim = Simulation(load_bundle([("p.yaml", CRASHING)]), horizon=600)
    footprints, starts = [], 0
    for until in (60, 300, 600):
        starts += sum(1 for r in sim.advance(until) if r["kind"] == "env")
        footprints.append(sim._footprint())
    assert starts == 7  # the back-off doubles from 10 s up to 300 s
    assert sim.cluster.recorder.kept == 1
    assert footprints == [footprints[0]] * 3
