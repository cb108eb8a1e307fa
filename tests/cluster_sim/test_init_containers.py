"""Init containers and native sidecars (kubelet-lifecycle.md §5)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from simrun import events, last, of, run

from cluster_sim.model import Container, Resources

SIDECAR_POD = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  restartPolicy: Never
  initContainers:
  - name: setup
    image: busybox:1.36
    command: [sh, -c, "echo preparing; sleep 5"]
  - name: logshipper
    image: busybox:1.36
    restartPolicy: Always
    command: [sh, -c, "while true; do echo shipping; sleep 10; done"]
    startupProbe:
      exec: {command: [sh, -c, "true"]}
      periodSeconds: 2
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "echo working; sleep 20; echo done"]
"""


def test_init_containers_run_in_order_and_the_sidecar_gates_the_app() -> None:
    records = run(SIDECAR_POD, until=80)
    started = events(records, reason="Started")
    assert started == [
        (2.18, "Started", "Started container setup"),
        (8.0, "Started", "Started container logshipper"),  # the relist after setup exits
        (10.0, "Started", "Started container app"),  # the sidecar's startup probe passed
    ]
    watch = [(r["t"], r["ready"], r["status"]) for r in of(records, "pod")]
    assert watch[:5] == [
        (0.0, "0/2", "Init:0/2"),
        (1.0, "0/2", "Init:0/2"),
        (7.18, "0/2", "Init:1/2"),
        (10.0, "2/2", "Running"),  # READY counts the sidecar
        (30.0, "1/2", "Completed"),
    ]
    setup = of(records, "container", container="setup")
    assert [(r["state"], r["ready"]) for r in setup] == [
        ("waiting", False),
        ("running", False),  # a regular init container is ready only once it exited 0
        ("terminated", True),
    ]


def test_sidecars_stop_after_the_main_containers_and_the_pod_succeeds() -> None:
    records = run(SIDECAR_POD, until=80)
    assert events(records, reason="Killing") == [(31.0, "Killing", "Stopping container logshipper")]
    shipper = last(records, "container", container="logshipper")
    assert (shipper["t"], shipper["exitCode"]) == (61.0, 137)  # a shell ignores SIGTERM
    pod = last(records, "pod")
    assert (pod["phase"], pod["status"]) == ("Succeeded", "Completed")


def test_a_failing_init_container_with_restart_policy_never_fails_the_pod() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: broken}
spec:
  restartPolicy: Never
  initContainers:
  - name: migrate
    image: busybox:1.36
    command: [sh, -c, "echo migration failed; exit 3"]
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""
    records = run(text, until=30)
    pod = last(records, "pod")
    assert (pod["phase"], pod["status"]) == ("Failed", "Init:Error")
    assert "Started container app" not in [e[2] for e in events(records)]


def test_a_failing_init_container_is_retried_with_back_off() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: retry}
spec:
  initContainers:
  - name: wait-for-db
    image: busybox:1.36
    command: [sh, -c, "echo no db; exit 1"]
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""
    records = run(text, until=60)
    statuses = [r["status"] for r in of(records, "pod")]
    assert "Init:Error" in statuses and "Init:CrashLoopBackOff" in statuses
    assert last(records, "pod")["phase"] == "Pending"
    # back-offs of 10 s and 20 s, each noticed by the pod worker's sync 10 s after it ends
    assert [t for t, _, _ in events(records, reason="Started")] == [2.18, 3.0, 23.0, 53.0]


def test_a_sidecar_that_exits_is_restarted_even_with_restart_policy_never() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: flaky-sidecar}
spec:
  restartPolicy: Never
  initContainers:
  - name: proxy
    image: busybox:1.36
    restartPolicy: Always
    command: [sh, -c, "sleep 5; exit 1"]
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""
    records = run(text, until=40)
    proxy = [r for r in of(records, "container", container="proxy") if r["state"] == "running"]
    assert [r["restartCount"] for r in proxy] == [0, 1, 2]
    assert last(records, "pod")["phase"] == "Running"


def test_docs_init_containers_wait_for_their_services() -> None:
    docs = Path(__file__).parent / "docs_examples"
    pod = (docs / "init-containers.yaml").read_text()
    services = (docs / "init-services.yaml").read_text().strip().removeprefix("---\n")
    indented = services.replace("\n", "\n        ")
    text = pod + (
        "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: s}\n"
        f"spec:\n  actions:\n  - at: 20\n    apply:\n      manifest: |\n        {indented}\n"
    )
    records = run(text, until=40)
    statuses = [r["status"] for r in of(records, "pod")]
    assert statuses[0] == "Init:0/2"
    waiting = [r["line"] for r in of(records, "log", container="init-myservice")]
    assert "waiting for myservice" in waiting
    assert "** server can't find myservice.default.svc.cluster.local: NXDOMAIN" in waiting
    # The Services appear at 20 s; the next nslookup (every 2 s) finds each one.
    assert last(records, "pod")["status"] == "Running"
    app = [r["line"] for r in of(records, "log", container="myapp-container")]
    assert app == ["The app is running!"]


def test_sidecar_is_computed_from_init_and_restart_policy() -> None:
    """``Container.sidecar`` is set once at construction: for every combination, and
    after ``dataclasses.replace`` changes either field, it is what the rule gives."""
    for init in (False, True):
        for policy in (None, "Always", "Never", "OnFailure"):
            c = Container("c", "busybox", "Always", None, None, Resources(), Resources(),
                          init=init, restart_policy=policy)  # fmt: skip
            assert c.sidecar == (init and policy == "Always")
            flipped = dataclasses.replace(c, init=not init)
            assert flipped.sidecar == ((not init) and policy == "Always")
            always = dataclasses.replace(c, restart_policy="Always")
            assert always.sidecar == init
