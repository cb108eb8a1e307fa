"""Deleting a Pod with native sidecars (issue #13, item 2).

``killContainersWithSyncResult`` kills every running container at once, so
every ``Killing`` event (and preStop hook) comes when termination starts; a
sidecar's ``StopContainer`` waits for the main containers, then for the
sidecar defined after it, and gets what is left of its grace period, at least
2 s (kuberuntime_container.go ``killContainer``, kuberuntime_termination_order.go).
busybox:1.36 containers start at t=2.18; the Pod is deleted at t=30.
"""

from __future__ import annotations

from simrun import events, of, run, scenario

POD = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: proxy
    image: busybox:1.36
    restartPolicy: Always
    command: [sh, -c, "sleep 3600"]
  - name: logs
    image: busybox:1.36
    restartPolicy: Always
    command: [sh, -c, "sleep 3600"]
  containers:
  - name: app
    image: nginx:1.27
    lifecycle:
      preStop:
        exec:
          command: [sleep, "10"]
"""


def steps(records: list[dict]) -> list[tuple[float, str, str]]:
    return [(r["t"], r["container"], r["step"]) for r in of(records, "termination")]


def test_every_container_gets_its_killing_event_when_termination_starts() -> None:
    records = run(POD + scenario("{at: 30, delete: {pod: web}}"), until=120)
    assert events(records, reason="Killing") == [
        (30.0, "Killing", "Stopping container app"),
        (30.0, "Killing", "Stopping container logs"),
        (30.0, "Killing", "Stopping container proxy"),
    ]


def test_sidecars_get_what_is_left_of_the_grace_period_in_reverse_order() -> None:
    records = run(POD + scenario("{at: 30, delete: {pod: web}}"), until=120)
    # app: its preStop takes 10 s, then nginx's SIGQUIT ends it. logs waited 10 s for
    # app: 30 - 10 = 20 s of grace. proxy waited for logs until the whole 30 s were
    # gone: the 2 s minimum. Before, each sidecar got a fresh 30 s (SIGKILLs at 70, 102).
    assert steps(records) == [
        (30.0, "app", "killing"),
        (30.0, "logs", "killing"),
        (30.0, "proxy", "killing"),
        (40.0, "app", "SIGQUIT"),
        (40.0, "logs", "SIGTERM"),
        (60.0, "proxy", "SIGTERM"),
        (60.0, "logs", "SIGKILL"),
        (62.0, "proxy", "SIGKILL"),
    ]
    assert [r["t"] for r in of(records, "deleted")] == [63.0]


def test_without_a_main_container_running_the_sidecars_stop_at_once_last_first() -> None:
    text = POD.replace("image: nginx:1.27", 'image: busybox:1.36\n    command: [sh, -c, "exit 0"]')
    text = text.replace("metadata: {name: web}", "metadata: {name: web}\n", 1).replace(
        "spec:\n", "spec:\n  restartPolicy: Never\n", 1
    )
    records = run(text, until=120)
    # The main container exits 0 at once: the kubelet kills the Pod's sidecars together
    # (both Killing events at the same sync); proxy waits for logs, which ignores
    # SIGTERM and is killed at the end of its 30 s; proxy then has the 2 s minimum.
    killing = events(records, reason="Killing")
    assert [m for _, _, m in killing] == ["Stopping container logs", "Stopping container proxy"]
    assert killing[0][0] == killing[1][0]
    t0 = killing[0][0]
    assert [(t - t0, c, s) for t, c, s in steps(records) if s != "killing"] == [
        (0.0, "logs", "SIGTERM"),
        (30.0, "logs", "SIGKILL"),
        (30.0, "proxy", "SIGTERM"),
        (32.0, "proxy", "SIGKILL"),
    ]
