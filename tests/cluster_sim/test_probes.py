"""Probes in whole runs: the docs' examples and the kubelet's rules.

Worker semantics are kubelet-lifecycle.md §1.2 (ticker anchored at the
worker's start at t=0, initial delay in truncated seconds since the container
started, startup gating, thresholds, on hold after a liveness failure) and
§1.3/§1.4 for events and kills.
"""

from __future__ import annotations

from pathlib import Path

from simrun import events, last, of, run, scenario

DOCS = Path(__file__).parent / "docs_examples"


def test_docs_http_liveness_agnhost_restarts_after_ten_seconds() -> None:
    records = run((DOCS / "http-liveness.yaml").read_text(), until=60)
    probes = [(r["t"], r["result"]) for r in of(records, "probe")]
    # agnhost starts at 7.1 s; ticks every 3 s from t=0; initialDelaySeconds 3 skips t=9.
    assert probes[:5] == [
        (12.0, "Success"),
        (15.0, "Success"),
        (18.0, "Failure"),
        (21.0, "Failure"),
        (24.0, "Failure"),
    ]
    unhealthy = events(records, reason="Unhealthy")
    assert unhealthy[:3] == [
        (t, "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500")
        for t in (18.0, 21.0, 24.0)
    ]
    assert events(records, reason="Killing")[0] == (
        24.0,
        "Killing",
        "Container liveness failed liveness probe, will be restarted",
    )
    restarted = next(r for r in of(records, "container") if r["restartCount"] == 1)
    assert restarted["t"] == 24.0 and restarted["state"] == "running"
    # agnhost is a Go program: it exits 2 on SIGTERM (PID 1 ignores the re-raised signal).
    assert restarted["lastState"]["reason"] == "Error"
    assert restarted["lastState"]["exitCode"] == 2


def test_docs_tcp_probes_goproxy_becomes_ready_after_the_initial_delay() -> None:
    records = run((DOCS / "tcp-liveness-readiness.yaml").read_text(), until=60)
    probes = [(r["t"], r["probe"], r["result"]) for r in of(records, "probe")]
    assert probes[:3] == [
        (20.0, "liveness", "Success"),
        (23.0, "readiness", "Success"),
        (30.0, "liveness", "Success"),
    ]
    ready = [(r["t"], r["ready"], r["status"]) for r in of(records, "pod")]
    assert ready[-1] == (23.0, "1/1", "Running")
    assert (2.39, "0/1", "Running") in ready  # running, not ready until the readiness probe
    assert last(records, "pod")["conditions"]["Ready"] == "True"


def test_docs_grpc_liveness_against_etcd() -> None:
    records = run((DOCS / "grpc-liveness.yaml").read_text(), until=60)
    results = {r["result"] for r in of(records, "probe")}
    assert results == {"Success"}
    # etcd starts at 10.8; at the 20 s tick only 9 whole seconds have passed (< 10).
    assert of(records, "probe")[0]["t"] == 30.0


def test_readiness_failure_never_kills() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: notready}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
      periodSeconds: 5
"""
    records = run(text, until=60)
    assert events(records, reason="Killing") == []
    unhealthy = events(records, reason="Unhealthy")
    assert unhealthy[0][2] == (
        "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"
    )
    pod = last(records, "pod")
    assert (pod["status"], pod["ready"], pod["restarts"]) == ("Running", "0/1", 0)
    assert pod["conditions"]["Ready"] == "False"
    assert pod["conditions"]["ContainersReady"] == "False"


def test_an_exec_probe_that_outlives_its_timeout_fails() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: slowcheck}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
    readinessProbe:
      exec: {command: [sleep, "5"]}
      periodSeconds: 10
"""
    records = run(text, until=30)
    first = of(records, "probe")[0]
    assert (first["result"], first["message"]) == ("Failure", 'command "sleep 5" timed out')
    # The check started at the readiness trigger (t=3) and gave up 1 s later.
    assert first["t"] == 4.0


def test_the_startup_probe_holds_back_liveness_until_the_app_answers() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: slowstart}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - name: liveness-port
      containerPort: 80
    livenessProbe:
      httpGet: {path: /, port: liveness-port}
      failureThreshold: 1
      periodSeconds: 10
    startupProbe:
      httpGet: {path: /, port: liveness-port}
      failureThreshold: 30
      periodSeconds: 5
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: slow}
spec:
  faults:
  - {pod: slowstart, container: web, startupSeconds: 30}
"""
    records = run(text, until=80)
    probes = [(r["t"], r["probe"], r["result"]) for r in of(records, "probe")]
    startup = [p for p in probes if p[1] == "startup"]
    liveness = [p for p in probes if p[1] == "liveness"]
    # nginx starts at 8.24 and answers from 38.24: the startup probe fails 6 times
    # (10..35 s), succeeds at 40 s and stops; liveness only begins after that.
    assert [t for t, _, r in startup if r == "Failure"] == [10.0, 15.0, 20.0, 25.0, 30.0, 35.0]
    assert startup[-1] == (40.0, "startup", "Success")
    assert liveness[0] == (50.0, "liveness", "Success")
    message = of(records, "probe", probe="startup")[0]["message"]
    assert message.startswith('Get "http://10.244.')
    assert message.endswith(":80: connect: connection refused")
    assert events(records, reason="Killing") == []
    started = [(r["t"], r["started"]) for r in of(records, "container")]
    assert (40.0, True) in started


def test_liveness_kill_with_restart_policy_never_does_not_restart() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
    livenessProbe:
      exec: {command: [cat, /tmp/alive]}
      periodSeconds: 5
      failureThreshold: 1
      terminationGracePeriodSeconds: 3
"""
    records = run(text, until=60)
    assert events(records, reason="Killing") == [
        (5.0, "Killing", "Container app failed liveness probe")
    ]
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    # The probe's terminationGracePeriodSeconds (3) replaces the pod's 30.
    assert steps == [(5.0, "killing"), (5.0, "SIGTERM"), (8.0, "SIGKILL")]
    pod = last(records, "pod")
    assert (pod["phase"], pod["status"], pod["restarts"]) == ("Failed", "Error", 0)


def test_scenario_probe_failures_window() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
""" + scenario("{at: 1000, cordon: node-1}", horizon=90).replace(
        "  actions:",
        "  faults:\n  - {pod: web, probeFailures: [{probe: readiness, from: 30, to: 45}]}\n"
        "  actions:",
    )
    records = run(text, until=90)
    # nginx starts at 8.24; the readiness trigger at the 9 s sync re-anchors the
    # ticker, so readiness runs at 9, 14, 19, ... and fails inside [30, 45).
    failures = [r["t"] for r in of(records, "probe", result="Failure")]
    assert failures == [34.0, 39.0, 44.0]
    ready = [(r["t"], r["ready"]) for r in of(records, "pod")]
    # failureThreshold 3: unready at the third failure, ready again at the next success.
    assert (44.0, "0/1") in ready and (49.0, "1/1") in ready


def test_docs_exec_liveness_busybox_is_killed_and_restarted() -> None:
    records = run((DOCS / "exec-liveness.yaml").read_text(), until=100)
    results = [(r["t"], r["result"]) for r in of(records, "probe")]
    # Started at 2.18; probes every 5 s from t=10; /tmp/healthy is removed at 32.18.
    assert results[:8] == [
        (10.0, "Success"),
        (15.0, "Success"),
        (20.0, "Success"),
        (25.0, "Success"),
        (30.0, "Success"),
        (35.0, "Failure"),
        (40.0, "Failure"),
        (45.0, "Failure"),
    ]
    assert events(records, reason="Unhealthy")[0][2] == (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
    )
    assert events(records, reason="Killing") == [
        (45.0, "Killing", "Container liveness failed liveness probe, will be restarted")
    ]
    # The shell is PID 1 and ignores SIGTERM: SIGKILL after the 30 s grace period.
    steps = [(r["t"], r["step"]) for r in of(records, "termination")]
    assert steps == [(45.0, "killing"), (45.0, "SIGTERM"), (75.0, "SIGKILL")]
    restarted = next(r for r in of(records, "container") if r["restartCount"] == 1)
    assert restarted["t"] == 75.0
    assert restarted["lastState"] == {
        "reason": "Error",
        "message": "",
        "exitCode": 137,
        "startedAt": 2.18,
        "finishedAt": 75.0,
    }
    # The new container starts from a fresh filesystem: healthy again.
    assert (80.0, "Success") in results
