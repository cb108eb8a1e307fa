"""Deleting Pods: Killing, preStop, the stop signal, the grace period, SIGKILL.

busybox:1.36 is pulled in 1.18 s after the 1 s sandbox, so its containers
start at t=2.18; nginx:1.27 starts at 8.24. Pods are deleted at t=20 by a
Scenario action. The rules are kubelet-lifecycle.md §3 (killContainer,
setTerminationGracePeriod, CheckGracefulDelete) and §1.5.
"""

from __future__ import annotations

from simrun import events, last, of, run, scenario


def pod(name: str, command: str = "", image: str = "busybox:1.36", extra: str = "") -> str:
    cmd = f"\n    command: [sh, -c, {command!r}]" if command else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:{extra}\n"
        f"  containers:\n  - name: app\n    image: {image}{cmd}\n"
    )


def test_a_shell_ignores_sigterm_and_is_killed_when_the_grace_period_ends() -> None:
    records = run(pod("sleeper", "sleep 3600") + scenario("{at: 20, delete: {pod: sleeper}}"))
    assert events(records, reason="Killing") == [(20.0, "Killing", "Stopping container app")]
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM"), (50.0, "SIGKILL")]
    assert of(records, "termination", step="killing")[0]["grace"] == 30
    statuses = [(r["t"], r["status"], r["phase"]) for r in of(records, "pod")]
    assert (20.0, "Terminating", "Running") in statuses
    app = last(records, "container", container="app")
    assert (app["t"], app["state"], app["reason"], app["exitCode"]) == (
        50.0,
        "terminated",
        "Error",
        137,
    )
    assert last(records, "pod")["phase"] == "Failed"
    assert [r["t"] for r in of(records, "deleted")] == [51.0]


def test_nginx_stops_at_its_stop_signal_and_the_pod_succeeds() -> None:
    """The nginx image's STOPSIGNAL is SIGQUIT: the runtime sends that, not SIGTERM."""
    records = run(pod("web", image="nginx:1.27") + scenario("{at: 20, delete: {pod: web}}"))
    app = last(records, "container", container="app")
    assert (app["t"], app["reason"], app["exitCode"]) == (20.0, "Completed", 0)
    logs = [r["line"] for r in of(records, "log")]
    assert logs[-2:] == [
        "[notice] 1#1: signal 3 (SIGQUIT) received, exiting",
        "[notice] 1#1: exit",
    ]
    assert last(records, "pod")["phase"] == "Succeeded"
    assert [r["t"] for r in of(records, "deleted")] == [21.0]


def test_the_deletions_grace_period_beats_the_pods() -> None:
    records = run(
        pod("sleeper", "sleep 3600", extra="\n  terminationGracePeriodSeconds: 60")
        + scenario("{at: 20, delete: {pod: sleeper, gracePeriodSeconds: 5}}")
    )
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (20.0, "SIGTERM"), (25.0, "SIGKILL")]


def test_pre_stop_time_comes_out_of_the_grace_period() -> None:
    extra = ""
    text = pod("hooked", "sleep 3600", extra=extra).replace(
        "    command:",
        "    lifecycle: {preStop: {sleep: {seconds: 10}}}\n    command:",
    )
    records = run(text + scenario("{at: 20, delete: {pod: hooked}}"))
    hooks = [(r["t"], r["hook"], r["phase"]) for r in of(records, "hook")]
    assert hooks == [(20.0, "preStop", "start"), (30.0, "preStop", "end")]
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    # 30 s grace - 10 s of preStop = 20 s between SIGTERM and SIGKILL.
    assert steps == [(20.0, "killing"), (30.0, "SIGTERM"), (50.0, "SIGKILL")]


def test_a_pre_stop_hook_that_overruns_leaves_the_two_second_minimum() -> None:
    # (a sleep hook longer than the grace period is rejected by validation; exec is not)
    text = pod("slowhook", "sleep 3600").replace(
        "    command:", "    lifecycle: {preStop: {exec: {command: [sleep, '40']}}}\n    command:"
    )
    records = run(text + scenario("{at: 20, delete: {pod: slowhook}}"))
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (50.0, "SIGTERM"), (52.0, "SIGKILL")]


def test_zero_termination_grace_is_a_force_delete_yet_the_kubelet_gives_one_then_two_seconds() -> (
    None
):
    # terminationGracePeriodSeconds 0: every delete is a force delete (CheckGracefulDelete
    # gives 0), the object goes at once. The kubelet's grace is never 0
    # (calculateEffectiveGracePeriod: at least 1), so preStop gets 1 s, then the 2 s minimum.
    text = pod("now", "sleep 3600", extra="\n  terminationGracePeriodSeconds: 0").replace(
        "    command:", "    lifecycle: {preStop: {exec: {command: [sleep, '10']}}}\n    command:"
    )
    records = run(text + scenario("{at: 20, delete: {pod: now}}"))
    assert [r["t"] for r in of(records, "deleted")] == [20.0]
    assert [(r["t"], r["phase"]) for r in of(records, "hook")] == [(20.0, "start"), (21.0, "end")]
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(20.0, "killing"), (21.0, "SIGTERM"), (23.0, "SIGKILL")]


def test_a_trap_runs_after_the_current_foreground_command() -> None:
    script = "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"
    records = run(pod("trapper", script) + scenario("{at: 20, delete: {pod: trapper}}"))
    app = last(records, "container", container="app")
    # The loop's sleeps end at 3.18, 4.18, ... 20.18: the trap runs when sleep returns.
    assert (app["t"], app["reason"], app["exitCode"]) == (20.18, "Completed", 0)
    assert [r["line"] for r in of(records, "log")] == ["bye"]


def test_deleting_an_unscheduled_pod_removes_it_at_once() -> None:
    text = pod("huge", "sleep 1").replace(
        "    command:", "    resources: {requests: {memory: 64Gi}}\n    command:"
    )
    records = run(text + scenario("{at: 20, delete: {pod: huge}}"))
    assert [r["t"] for r in of(records, "deleted")] == [20.0]
    assert events(records, reason="Killing") == []
