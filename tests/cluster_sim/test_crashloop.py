"""The walking skeleton's acceptance run: a busybox Pod that exits 1 forever.

Times follow the simulator's documented choices (DESIGN.md): sandbox 1 s,
busybox first pull 1.18 s and re-pull 410 ms (untagged image: imagePullPolicy
Always), PLEG relist every whole second, and the kubelet's crash-loop back-off
(first restart immediate, then 10 s, 20 s, 40 s, 80 s, 160 s after the
crashed container's finishedAt, noticed by the pod worker's sync 10 s after
the back-off ends: issue #13 item 1).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cluster_sim import Simulation, load_bundle

MANIFEST = (Path(__file__).parent / "manifests" / "crashloop.yaml").read_text()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return Simulation(load_bundle([("crashloop.yaml", MANIFEST)]), seed=0, horizon=400).advance(400)


def events(records: list[dict], reason: str) -> list[dict]:
    return [r for r in records if r["kind"] == "event" and r["reason"] == reason]


def test_event_sequence_until_the_first_back_off(records: list[dict]) -> None:
    seq = [(r["t"], r["type"], r["reason"], r["message"]) for r in records if r["kind"] == "event"]
    uid = seq[-1][3].split("(")[-1].rstrip(")")
    node = seq[0][3].rsplit(" ", 1)[-1]
    assert node in {"node-1", "node-2", "node-3"}
    assert seq[:12] == [
        (0.0, "Normal", "Scheduled", f"Successfully assigned default/crashy to {node}"),
        (1.0, "Normal", "Pulling", 'Pulling image "busybox"'),
        (
            2.18,
            "Normal",
            "Pulled",
            'Successfully pulled image "busybox" in 1.18s (1.18s '
            "including waiting). Image size: 2167176 bytes.",
        ),
        (2.18, "Normal", "Created", "Created container: app"),
        (2.18, "Normal", "Started", "Started container app"),
        (3.0, "Normal", "Pulling", 'Pulling image "busybox"'),
        (
            3.41,
            "Normal",
            "Pulled",
            'Successfully pulled image "busybox" in 410ms (410ms '
            "including waiting). Image size: 2167176 bytes.",
        ),
        (3.41, "Normal", "Created", "Created container: app"),
        (3.41, "Normal", "Started", "Started container app"),
        (
            4.0,
            "Warning",
            "BackOff",
            f"Back-off restarting failed container app in pod crashy_default({uid})",
        ),
        (23.41, "Normal", "Pulling", 'Pulling image "busybox"'),
        (
            23.82,
            "Normal",
            "Pulled",
            'Successfully pulled image "busybox" in 410ms (410ms '
            "including waiting). Image size: 2167176 bytes.",
        ),
    ]


def test_restarts_follow_the_kubelet_back_off(records: list[dict]) -> None:
    started = [r["t"] for r in events(records, "Started")]
    assert started == [2.18, 3.41, 23.82, 54.23, 104.64, 195.05, 365.46]
    # Each restart after the first waits out the back-off from the crash (finishedAt),
    # plus the 10 s until the pod worker's next sync, then spends 410 ms re-pulling.
    delays = [round(b - a - 0.41 - 10, 3) for a, b in itertools.pairwise(started[1:])]
    assert delays == [10.0, 20.0, 40.0, 80.0, 160.0]


def test_container_states_and_restart_counts(records: list[dict]) -> None:
    states = [
        (r["t"], r["state"], r["reason"], r["exitCode"], r["restartCount"])
        for r in records
        if r["kind"] == "container"
    ]
    assert states[:6] == [
        (0.0, "waiting", "ContainerCreating", None, 0),
        (2.18, "terminated", "Error", 1, 0),
        (3.41, "terminated", "Error", 1, 1),
        (4.0, "waiting", "CrashLoopBackOff", None, 1),
        (23.82, "terminated", "Error", 1, 2),
        (24.0, "waiting", "CrashLoopBackOff", None, 2),
    ]
    back_off = [
        r for r in records if r["kind"] == "container" and r["reason"] == "CrashLoopBackOff"
    ]
    assert [r["message"].split(" restarting")[0] for r in back_off] == [
        "back-off 10s",
        "back-off 20s",
        "back-off 40s",
        "back-off 1m20s",
        "back-off 2m40s",
        "back-off 5m0s",
    ]
    assert back_off[0]["message"].startswith(
        "back-off 10s restarting failed container=app pod=crashy_default("
    )


def test_pod_status_column_like_kubectl_get_pods_watch(records: list[dict]) -> None:
    watch = [
        (r["t"], r["ready"], r["status"], r["restarts"], r["phase"])
        for r in records
        if r["kind"] == "pod"
    ]
    assert watch[:7] == [
        (0.0, "0/1", "ContainerCreating", 0, "Pending"),
        (1.0, "0/1", "ContainerCreating", 0, "Pending"),  # the sandbox got its IP
        (2.18, "0/1", "Error", 0, "Running"),
        (3.41, "0/1", "Error", 1, "Running"),
        (4.0, "0/1", "CrashLoopBackOff", 1, "Running"),
        (23.82, "0/1", "Error", 2, "Running"),
        (24.0, "0/1", "CrashLoopBackOff", 2, "Running"),
    ]
    last = [r for r in records if r["kind"] == "pod"][-1]
    assert last["restarts"] == 6
    assert last["podIP"].startswith("10.244.")
    assert last["conditions"] == {
        "PodReadyToStartContainers": "True",
        "Initialized": "True",
        "Ready": "False",
        "ContainersReady": "False",
        "PodScheduled": "True",
    }


def test_every_run_logs_its_output(records: list[dict]) -> None:
    logs = [(r["t"], r["container"], r["line"]) for r in records if r["kind"] == "log"]
    assert [line for _, _, line in logs] == ["starting"] * 7
    assert [t for t, _, _ in logs] == [r["t"] for r in events(records, "Started")]


def test_records_are_ordered_by_time(records: list[dict]) -> None:
    times = [r["t"] for r in records]
    assert times == sorted(times)
