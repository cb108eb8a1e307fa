"""The inspector's kubectl exec changes nothing: a run replays exactly whatever was exec'd."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle

# A Pod whose records show its files, its pids, its memory and its signals: an exec
# that changed any of them would show in what it prints, in its events or its status.
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c"]
    args:
    - |
      trap 'echo got TERM; exit 3' TERM
      i=0
      while true; do
        sleep 2 & wait $!
        echo "tick $i pid $! tmp [$(ls /tmp /data)] flag [$(cat /tmp/flag /data/x 2>&1)]"
        i=$((i+1))
      done
    resources:
      limits: {memory: 64Mi}
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: ram, mountPath: /ram}
    livenessProbe:
      exec: {command: ["sh", "-c", "test ! -e /tmp/flag && test ! -e /data/x"]}
      periodSeconds: 3
  volumes:
  - name: data
    emptyDir: {}
  - name: ram
    emptyDir: {medium: Memory}
"""

HOSTILE: list[list[str]] = [
    ["sh", "-c", "echo PWNED > /tmp/flag"],
    ["env", "sh", "-c", "echo PWNED > /tmp/flag"],
    ["touch", "/data/x"],
    ["sh", "-c", "echo x >> /data/x; mkdir /tmp/d; ln -s / /tmp/l; cp /etc/passwd /ram/"],
    ["rm", "-rf", "/tmp", "/data", "/etc/passwd"],
    ["mv", "/etc/passwd", "/tmp/p"],
    ["kill", "1"],
    ["kill", "-9", "1"],
    ["sh", "-c", "kill -TERM 1; killall sh; nginx -s stop"],
    ["sh", "-c", "sleep 1 & echo $!; sleep 5 & wait"],
    ["sh", "-c", "x=$(yes | head -c 900000); y=$x$x$x$x$x$x$x$x; z=$y$y$y$y$y$y$y$y$y"],
    ["sh", "-c", "while true; do :; done"],
    ["sh", "-c", "f() { f; }; f"],
    ["stress", "--vm", "1", "--vm-bytes", "512M", "--cpu", "4"],
    ["yes"],
    ["sh", "-c", "nc -l -p 80 & httpd -f -p 8080"],
]


def run(execs: list[list[str]]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    records = sim.advance(9.5)
    answers = [sim.exec("box", "app", argv) for argv in execs]
    records += sim.advance(60)
    return records, answers


def test_a_run_after_hostile_execs_equals_the_run_without_them() -> None:
    quiet, _ = run([])
    loud, answers = run(HOSTILE)
    assert loud == quiet
    assert all(status != 0 or output for status, output in answers[:2])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["sh", "-c", "echo PWNED > /tmp/flag"],
            (2, "sh: can't create /tmp/flag: Read-only file system\n"),
        ),
        (["touch", "/data/x"], (1, "touch: /data/x: Read-only file system\n")),
        (
            ["mkdir", "/tmp/d"],
            (1, "mkdir: can't create directory '/tmp/d': Read-only file system\n"),
        ),
    ],
)
def test_writes_fail_as_on_a_read_only_mount(argv: list[str], expected: tuple[int, str]) -> None:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    sim.advance(5)
    assert sim.exec("box", "app", argv) == expected


def test_reads_see_the_container_as_it_is_now() -> None:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    sim.advance(5)
    assert sim.exec("box", "app", ["cat", "/etc/hostname"]) == (0, "box\n")
    assert sim.exec("box", "app", ["sh", "-c", "echo $((6 * 7)) > /dev/null; echo ok"]) == (
        0,
        "ok\n",
    )


def test_signals_and_ports_are_dropped_and_said_so() -> None:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    sim.advance(5)
    status, output = sim.exec("box", "app", ["kill", "1"])
    assert (status, output) == (
        0,
        "(the inspector is read-only: the signal was not delivered)\n",
    )


def test_endless_output_is_cut_and_a_memory_bomb_ends_in_137() -> None:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    sim.advance(5)
    status, output = sim.exec("box", "app", ["printf", "%200000d", "1"])
    assert output.endswith("(output cut at 64 KiB)\n")
    assert len(output) < 70 * 1024
    bomb = "x=$(yes | head -c 1000000); while true; do x=$x$x; done"
    status, output = sim.exec("box", "app", ["sh", "-c", bomb])
    assert status == 137


def test_an_endless_loop_in_exec_ends_without_moving_the_clock() -> None:
    sim = Simulation(load_bundle([("box.yaml", POD)]), seed=7, horizon=60)
    sim.advance(5)
    status, output = sim.exec("box", "app", ["sh", "-c", "while true; do :; done"])
    assert status == 0
    assert output in (
        "(the inspector does not wait for sleep)\n",
        "(the inspector stopped the command after 1 s of CPU)\n",
    )
    assert sim.now == 5.0
