"""Container processes cost simulated CPU, shared as the kernel shares it (issue #9, section 1).

busybox:1.36 containers start at t=2.18. An endless loop is runnable all the
time: the clock moves on, probes and signals reach it, the resources records
show its usage (1000m, or its limit, with throttled CFS periods).
"""

from __future__ import annotations

from collections import Counter

from simrun import events, last, of, run, scenario

from cluster_sim import Simulation, load_bundle

ONE_CORE_NODE = (
    "apiVersion: v1\nkind: Node\nmetadata: {name: small}\n"
    "status: {allocatable: {cpu: '1', memory: 4Gi, pods: '110'}}\n---\n"
)


def pod(name: str, script: str, resources: str = "", extra: str = "") -> str:
    res = f"\n    resources: {resources}" if resources else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:{extra}\n"
        f"  containers:\n  - name: app\n    image: busybox:1.36\n"
        f"    command: [sh, -c, {script!r}]{res}\n"
    )


def usage(records: list[dict], name: str) -> list[tuple[float, int, bool]]:
    return [
        (r["t"], r["cpu"], r["throttled"]) for r in of(records, "resources", pod=f"default/{name}")
    ]


def lines_per_second(records: list[dict], name: str) -> Counter[int]:
    """Lines the container wrote in each second: shown as log records or counted as held."""
    count: Counter[int] = Counter()
    for r in of(records, "log", pod=f"default/{name}"):
        count[int(r["t"])] += 1
    for r in of(records, "log-held", pod=f"default/{name}"):
        count[r["since"]] += r["lines"]
    return count


def test_an_endless_echo_loop_moves_the_clock_and_shows_a_busy_core() -> None:
    sim = Simulation(load_bundle([("p.yaml", pod("busy", "while true; do echo hi; done"))]))
    records = sim.advance(until=6)
    assert sim.now == 6
    written = lines_per_second(records, "busy")
    assert sorted(written) == list(range(2, 6))  # every second, not all at one instant
    assert written[2] > written[5] > 0  # the first second at full speed, then a runaway's pace
    # Runnable for a whole second (3.18), it is metered: 820 ms of CPU in the rest of
    # that second, then the whole core in each second.
    assert usage(records, "busy") == [(2.18, 0, False), (4.0, 820, False), (5.0, 1000, False)]


def test_a_liveness_probe_still_kills_a_busy_loop() -> None:
    text = pod(
        "spin",
        "while true; do echo hi; done",
        extra="\n  terminationGracePeriodSeconds: 5",
    ).replace(
        "    command:",
        "    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 5}\n    command:",
    )
    records = run(text, until=20)
    killing = events(records, reason="Killing")
    # Probes at 5, 10, 15 (the worker's ticker): the third failure restarts it.
    assert killing[0] == (15.0, "Killing", "Container app failed liveness probe, will be restarted")
    steps = [(r["t"], r["step"]) for r in of(records, "termination")][:3]
    assert steps == [(15.0, "killing"), (15.0, "SIGTERM"), (20.0, "SIGKILL")]  # sh ignores TERM
    restarted = of(records, "container", restartCount=1)[0]
    assert restarted["t"] == 20.0
    assert (restarted["lastState"]["exitCode"], restarted["lastState"]["reason"]) == (137, "Error")


def test_deleting_a_busy_pod_kills_it_after_the_grace_period() -> None:
    busy = pod("busy", "while true; do echo hi; done", extra="\n  terminationGracePeriodSeconds: 4")
    records = run(busy + scenario("{at: 5, delete: {pod: busy}}"), until=12)
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(5.0, "killing"), (5.0, "SIGTERM"), (9.0, "SIGKILL")]  # sh ignores TERM
    app = last(records, "container")
    assert (app["t"], app["exitCode"]) == (9.0, 137)
    assert [r["t"] for r in of(records, "deleted")] == [10.0]
    assert usage(records, "busy")[-1] == (9.0, 0, False)  # an exited container uses no CPU


def test_sleep_zero_and_colon_loops_move_the_clock() -> None:
    for script in ("while true; do sleep 0; done", "while :; do :; done"):
        sim = Simulation(load_bundle([("p.yaml", pod("spin", script))]))
        records = sim.advance(until=5)
        assert sim.now == 5, script
        assert usage(records, "spin")[-1][1:] == (1000, False), script


def test_a_sleeping_loop_uses_no_cpu_and_keeps_its_timings() -> None:
    records = run(pod("tick", "while true; do echo tick; sleep 1; done"), until=6)
    assert [r["t"] for r in of(records, "log")] == [2.18, 3.18, 4.18, 5.18]
    assert usage(records, "tick") == [(2.18, 0, False)]


def test_a_cpu_limit_throttles_to_its_quota_and_does_a_fifth_of_the_work() -> None:
    loop = "while true; do echo hi; done"
    limited = pod("limited", loop, resources="{limits: {cpu: 200m}}")
    free = pod("free", loop)
    records = run(limited + "---\n" + free, until=14)
    final = last(records, "resources", pod="default/limited")
    assert (final["cpu"], final["cpuLimit"], final["throttled"]) == (200, 200, True)
    # One throttled period per 100 ms period: 20 ms of CPU, then throttled for 80 ms.
    assert final["cpuPeriods"] - final["cpuThrottledPeriods"] <= 1
    assert final["cpuThrottledPeriods"] >= 110
    assert last(records, "resources", pod="default/free")["cpu"] == 1000
    slow, fast = lines_per_second(records, "limited"), lines_per_second(records, "free")
    ratio = sum(slow[s] for s in range(5, 14)) / sum(fast[s] for s in range(5, 14))
    assert 0.19 <= ratio <= 0.21


def test_two_busy_containers_share_one_core_by_their_requests() -> None:
    loop = "while true; do :; done"
    text = (
        ONE_CORE_NODE
        + pod("small", loop, resources="{requests: {cpu: 100m}}")
        + "---\n"
        + pod("large", loop, resources="{requests: {cpu: 300m}}")
    )
    records = run(text, until=6)
    assert last(records, "resources", pod="default/small")["cpu"] == 250
    assert last(records, "resources", pod="default/large")["cpu"] == 750


def test_a_busy_loop_run_is_deterministic() -> None:
    text = pod("busy", "while true; do echo $((i=i+1)); done", resources="{limits: {cpu: 300m}}")
    assert run(text, until=5) == run(text, until=5)
