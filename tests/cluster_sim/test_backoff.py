"""``cluster_sim.backoff`` against the ``backoff/*`` reference cases.

``Backoff`` is client-go's ``util/flowcontrol.Backoff`` (no jitter); the
kubelet's crash-loop back-off is ``NewBackOff(10s, 300s)`` with a fixed 600 s
``HasExpiredFunc`` (kubelet-lifecycle.md §2). The ``backoff/flowcontrol``
cases are client-go's unit tests, run on a fake clock stepped by hand; the
``backoff/crashloop-*`` cases drive a back-off the way the kubelet's
``doBackOff`` does for a container that keeps crashing.
"""

from __future__ import annotations

import json
import re

import pytest
from reference_cases import load

from cluster_sim import Simulation, load_bundle
from cluster_sim.backoff import Backoff, crash_loop_backoff, go_duration
from cluster_sim.kubelet.restart import BACKOFF_RESYNC_MS

CASES_FILE = "kubelet-lifecycle-cases.json"
CASES = load(CASES_FILE)

SECOND = 1_000  # the simulation clock runs in milliseconds
START = 1_700_000_000_000  # the fake clock's start (testingclock.NewFakeClock(time.Now()))


def select(topic: str) -> list[dict]:
    found = [case for case in CASES if case["topic"] == topic]
    assert found, f"no {topic!r} cases in {CASES_FILE}"
    return found


def case_id(case: dict) -> str:
    source = case["source"]
    test = re.search(r"\b(Test\w+)$", source)
    if test:
        return f"{case['topic']}:{test.group(1)}"
    gates = case["input"].get("featureGates")
    if isinstance(gates, dict):
        return f"{case['topic']}:{','.join(gates)}"
    return f"{case['topic']}:{'default-gates' if gates else 'ran-over-600s-then-crashed'}"


def params(topic: str) -> list:
    return [pytest.param(c, id=case_id(c)) for c in select(topic)]


class FakeClock:
    """k8s.io/utils/clock/testing.FakeClock: time moves only when stepped."""

    def __init__(self, start: int = START) -> None:
        self.time = start

    def now(self) -> int:
        return self.time

    def step(self, ms: int) -> None:
        self.time += ms


def seconds(text: str) -> int:
    """``"1s"``, ``"50s"``, ``"2s"`` (the cases' durations) in milliseconds."""
    match = re.fullmatch(r"(\d+)s", text)
    assert match, text
    return int(match.group(1)) * SECOND


def test_case_tables() -> None:
    assert [
        len(select(t))
        for t in ("backoff/flowcontrol", "backoff/crashloop-sequence", "backoff/crashloop-reset")
    ] == [3, 3, 1]
    assert not [
        c for c in CASES if c["topic"].startswith("backoff/") and "UNVERIFIED" in json.dumps(c)
    ]


# --------------------------------------------------------------------------
# client-go util/flowcontrol/backoff_test.go


@pytest.mark.parametrize("case", params("backoff/flowcontrol"))
def test_flowcontrol(case: dict) -> None:
    given, expected = case["input"], case["expected"]
    clock = FakeClock()
    step = SECOND
    initial, max_ms = seconds(given["initial"]), seconds(given["max"])
    backoff = Backoff(initial, max_ms, clock.now)  # NewFakeBackOff: default 2*max expiry
    key = "_id"
    test = case_id(case).rsplit(":", 1)[1]

    if test == "TestSlowBackoff":
        assert given["loop"] == "10x: clock.Step(1s); Get(id); Next(id, now)"
        got = []
        for _ in range(10):
            clock.step(step)
            got.append(backoff.get(key))
            backoff.next(key, clock.now())
        assert got == [s * SECOND for s in expected["GetBeforeEachNext_seconds"]]
        return

    # TestBackoffReset / TestBackoffHighWaterMark: "6x (Step 1s; Next)" reaches max.
    for _ in range(max_ms // step + 1):
        clock.step(step)
        backoff.next(key, clock.now())
    assert backoff.get(key) == max_ms

    if test == "TestBackoffReset":
        assert expected["IsInBackOffSince(now) before step"] is True
        assert backoff.is_in_backoff_since(key, clock.now()) is True
        last_update = clock.now()
        clock.step(2 * max_ms + step)  # 11 s > 2*max
        assert (
            backoff.is_in_backoff_since(key, last_update)
            is (expected["IsInBackOffSince(lastUpdate) after 11s"])
        )
    elif test == "TestBackoffHighWaterMark":
        clock.step(max_ms + step)  # 6 s < 2*max: the entry has not expired
        backoff.next(key, clock.now())
        assert expected["Get"].startswith(f"{given['max']} ")
        assert backoff.get(key) == max_ms
    else:
        pytest.fail(f"unknown upstream test {test}")


def test_flowcontrol_slow_backoff_reset() -> None:
    """TestSlowBackoff's tail: ``Next; Reset(id)`` then ``Get(id) == 0`` ("afterReset": 0)."""
    (case,) = [c for c in select("backoff/flowcontrol") if c["source"].endswith("TestSlowBackoff")]
    clock = FakeClock()
    backoff = Backoff(SECOND, 50 * SECOND, clock.now)
    backoff.next("_idSlow", clock.now())
    if not hasattr(backoff, "reset"):
        pytest.skip(
            "Backoff has no reset(key) (client-go Backoff.Reset); the kubelet never "
            "calls it, so cluster_sim does not have it yet"
        )
    backoff.reset("_idSlow")
    assert backoff.get("_idSlow") == case["expected"]["afterReset"]


# --------------------------------------------------------------------------
# The kubelet's crash loop


def default_gates_case() -> dict:
    (case,) = [
        c
        for c in select("backoff/crashloop-sequence")
        if str(c["input"]["featureGates"]).startswith("defaults")
    ]
    return case


def crash_loop(backoff: Backoff, clock: FakeClock, crashes: int, run_ms: int = 0) -> list[int]:
    """Delays (ms) between each crash's finishedAt and the restart the kubelet allows.

    Each container instance runs ``run_ms`` and exits; at every sync the kubelet
    runs ``doBackOff``: ``IsInBackOffSince(key, finishedAt)`` -> stay in
    CrashLoopBackOff, else ``Next(key, finishedAt)`` and start the container now.
    Syncs are polled every 10 ms, and the exact boundary is checked.
    """
    key = "web_default_uid_app_hash"
    delays = []
    for _ in range(crashes):
        clock.step(run_ms)
        finished_at = clock.now()
        while backoff.is_in_backoff_since(key, finished_at):
            clock.step(10)
        delay = clock.now() - finished_at
        if delay:  # the restart is due exactly at finishedAt + backoff, not before
            clock.step(-1)
            assert backoff.is_in_backoff_since(key, finished_at)
            clock.step(1)
            assert delay == backoff.get(key)
        backoff.next(key, finished_at)
        delays.append(delay)
    return delays


def test_crashloop_sequence_default_gates() -> None:
    case = default_gates_case()
    expected = case["expected"]["delayBeforeRestartAfterCrashN"]
    clock = FakeClock()
    backoff = crash_loop_backoff(clock.now)
    delays = crash_loop(backoff, clock, crashes=10)
    assert [go_duration(d) for d in delays[:7]] == [
        expected[str(n)].split(" ")[0] for n in range(1, 8)
    ]
    assert [go_duration(d) for d in delays[7:]] == [expected["8+"]] * 3
    assert expected["1"] == "0s (immediate; Next() creates entry with 10s)"
    backoff_after_first = crash_loop_backoff(FakeClock().now)
    backoff_after_first.next("k", START)
    assert backoff_after_first.get("k") == 10 * SECOND


def test_crashloop_sequence_reduced_decay() -> None:
    """ReduceDefaultCrashLoopBackOffDecay (alpha v1.32): 1 s initial, 60 s max, same 600 s reset.

    ``crash_loop_backoff`` takes no feature gates (the simulator targets the
    defaults), so the gate's back-off is built directly.
    """
    (case,) = [
        c
        for c in select("backoff/crashloop-sequence")
        if isinstance(c["input"]["featureGates"], dict)
        and c["input"]["featureGates"].get("ReduceDefaultCrashLoopBackOffDecay")
    ]
    expected = case["expected"]
    clock = FakeClock()
    reset = seconds(expected["resetThreshold"])
    backoff = Backoff(
        seconds(expected["initial"]),
        seconds(expected["max"]),
        clock.now,
        expired=lambda event, last, _max: event - last > reset,
    )
    delays = crash_loop(backoff, clock, crashes=len(expected["delays"]))
    assert [go_duration(d) for d in delays] == expected["delays"]


def test_crashloop_sequence_kubelet_max_config() -> None:
    (case,) = [
        c
        for c in select("backoff/crashloop-sequence")
        if isinstance(c["input"]["featureGates"], dict)
        and c["input"]["featureGates"].get("KubeletCrashLoopBackOffMax")
    ]
    assert case["expected"]["max"] == "2s"
    pytest.skip(
        "KubeletCrashLoopBackOffMax (crashLoopBackOff.maxContainerRestartPeriod) is not "
        "modelled: crash_loop_backoff(now) takes no kubelet configuration"
    )


def test_crashloop_waiting_message_and_event_in_the_simulation() -> None:
    """The waiting state and BackOff event formats of the crashloop-sequence case."""
    case = default_gates_case()
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.36\n    command: [sh, -c, 'exit 1']\n"
    )
    sim = Simulation(load_bundle([("web.yaml", manifest)]), seed=0, horizon=1000)
    records = sim.advance(1000)
    (pod,) = sim.cluster.pods
    fill = {"<name>": "app", "<podname>": "web", "<namespace>": "default", "<uid>": pod.uid}

    def expand(template: str, duration: str = "") -> str:
        for placeholder, value in {**fill, "<Go duration>": duration}.items():
            template = template.replace(placeholder, value)
        return template

    waiting = case["expected"]["waitingState"]
    back_off = [
        r
        for r in records
        if r["kind"] == "container" and r["state"] == "waiting" and r["reason"] == waiting["reason"]
    ]
    assert [r["message"] for r in back_off] == [
        expand(waiting["message"], d)
        # crashes at ~2 s, 3 s, 13 s, 33 s, 73 s, 153 s, 313 s, 613 s and 913 s
        for d in ("10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s", "5m0s")
    ]
    event = case["expected"]["event"]
    events = [
        (r["type"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["reason"] == event["reason"]
    ]
    assert events == [(event["type"], event["reason"], expand(event["message"]))] * 8


def test_crashloop_delays_in_the_simulation() -> None:
    """Restart times in a run: each Started after crash N >= 2 comes exactly its delay
    after the crashed container's finishedAt, plus the 10 s until the pod worker's next
    sync notices the back-off ended (issue #13 item 1; the image is already on the node,
    so IfNotPresent adds no pull time); the first restart waits only for the PLEG relist."""
    case = default_gates_case()
    expected = case["expected"]["delayBeforeRestartAfterCrashN"]
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.36\n    command: [sh, -c, 'exit 1']\n"
    )
    records = Simulation(load_bundle([("web.yaml", manifest)]), seed=0, horizon=1300).advance(1300)
    finished = [r["t"] for r in records if r["kind"] == "container" and r["state"] == "terminated"]
    started = [r["t"] for r in records if r["kind"] == "event" and r["reason"] == "Started"]
    delays = [round((s - f) * SECOND) for f, s in zip(finished, started[1:], strict=False)]
    assert len(delays) >= 9
    assert 0 < delays[0] <= 1_000  # "immediate": the next 1 s PLEG relist
    want = [expected[str(n)] for n in range(2, 8)] + [expected["8+"]] * (len(delays) - 7)
    assert [go_duration(d - BACKOFF_RESYNC_MS) for d in delays[1:]] == want


@pytest.mark.parametrize("case", params("backoff/crashloop-reset"))
def test_crashloop_reset(case: dict) -> None:
    """After > 600 s between the last Next() and a crash's finishedAt, the entry expires."""
    assert case["expected"]["restart"] == "immediate (entry expired)"
    assert case["expected"]["nextDelays"].startswith("10s, 20s")
    clock = FakeClock()
    backoff = crash_loop_backoff(clock.now)
    before = crash_loop(backoff, clock, crashes=5)  # in backoff: 0s 10s 20s 40s 1m20s
    assert [go_duration(d) for d in before] == ["0s", "10s", "20s", "40s", "1m20s"]
    # The restarted container runs 600.001 s (finishedAt - lastUpdate > 600 s), then
    # keeps crashing at once.
    after = crash_loop(backoff, clock, crashes=1, run_ms=600 * SECOND + 1)
    after += crash_loop(backoff, clock, crashes=3)
    assert [go_duration(d) for d in after] == ["0s", "10s", "20s", "40s"]


def test_crashloop_expiry_is_strictly_more_than_600s() -> None:
    """HasExpiredFunc is ``eventTime.Sub(lastUpdate) > 600*time.Second``: at exactly
    600 s ``Next`` still doubles; 1 ms more and it starts over at 10 s."""
    for run_ms, want in ((600 * SECOND, 300 * SECOND), (600 * SECOND + 1, 10 * SECOND)):
        clock = FakeClock()
        backoff = crash_loop_backoff(clock.now)
        crash_loop(backoff, clock, crashes=5)  # delays 0s..1m20s; the entry is now 2m40s
        assert backoff.get("web_default_uid_app_hash") == 160 * SECOND
        clock.step(run_ms)
        backoff.next("web_default_uid_app_hash", clock.now())
        assert backoff.get("web_default_uid_app_hash") == want


def test_crashloop_no_reset_when_the_crash_comes_600s_after_the_last_restart() -> None:
    """A container that ran exactly 600 s since the last restart decision is not reset:
    its crash waits the next delay (2m40s), the one after that 5m0s."""
    clock = FakeClock()
    backoff = crash_loop_backoff(clock.now)
    crash_loop(backoff, clock, crashes=5)  # 0s 10s 20s 40s 1m20s; the entry is now 2m40s
    after = crash_loop(backoff, clock, crashes=1, run_ms=600 * SECOND)
    after += crash_loop(backoff, clock, crashes=1)
    assert [go_duration(d) for d in after] == ["2m40s", "5m0s"]


def test_is_in_backoff_since_judges_expiry_at_event_time() -> None:
    """kubelet-lifecycle.md §2.2: IsInBackOffSince(key, ts) = entry exists, not
    expired(ts, lastUpdate), and now - ts < entry.backoff."""
    clock = FakeClock()
    backoff = crash_loop_backoff(clock.now)
    key = "web_default_uid_app_hash"
    crash_loop(backoff, clock, crashes=8, run_ms=0)  # entry at the 5m0s cap
    assert backoff.get(key) == 300 * SECOND
    last_update = clock.now()
    clock.step(500 * SECOND)  # the container runs 500 s, then crashes
    finished_at = clock.now()
    assert backoff.is_in_backoff_since(key, finished_at) is True
    clock.step(100 * SECOND + 1)  # a sync 100 s later: now - lastUpdate > 600 s
    assert clock.now() - last_update > 600 * SECOND
    assert finished_at - last_update <= 600 * SECOND  # not expired at the event time
    assert backoff.is_in_backoff_since(key, finished_at) is True  # 100 s < 300 s


# --------------------------------------------------------------------------
# Go time.Duration strings


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0s"),
        (1_000, "1s"),
        (10_000, "10s"),
        (20_000, "20s"),
        (40_000, "40s"),
        (60_000, "1m0s"),
        (80_000, "1m20s"),
        (160_000, "2m40s"),
        (300_000, "5m0s"),
        (1_561, "1.561s"),  # images/events: "Successfully pulled image ... in 1.561s"
        (410, "410ms"),
    ],
)
def test_go_duration(ms: int, text: str) -> None:
    assert go_duration(ms) == text


def test_reset_ms_expires_entries_as_the_expired_rule_it_stands_for() -> None:
    """``reset_ms`` (judged inline) against the same rule given as ``expired``."""
    for reset in (None, 600 * SECOND):
        clock_a, clock_b = FakeClock(), FakeClock()
        rule = 2 * 300 * SECOND if reset is None else reset
        inline = Backoff(10 * SECOND, 300 * SECOND, clock_a.now, reset_ms=reset)
        called = Backoff(
            10 * SECOND,
            300 * SECOND,
            clock_b.now,
            expired=lambda event, last, _max, rule=rule: event - last > rule,
        )
        seen = []
        for gap in (0, 5, 9, 11, 30, 300, 599, 601, 1200, 1201, 10, 20, 40, 80, 160, 320, 700):
            for clock in (clock_a, clock_b):
                clock.step(gap * SECOND)
            for b, clock in ((inline, clock_a), (called, clock_b)):
                seen.append(
                    (
                        b.is_in_backoff_since("k", clock.now() - 7 * SECOND),
                        b.is_in_backoff_since_update("k"),
                        b.get("k"),
                        b.retry_at("k"),
                    )
                )
                b.next("k", clock.now())
        assert seen[0::2] == seen[1::2]
        assert {s[2] for s in seen} >= {10 * SECOND, 300 * SECOND}  # it doubled, capped, reset
