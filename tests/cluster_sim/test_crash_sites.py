"""The crash sites issue #9's fuzz run found, each run as the user would notice it.

Each manifest used to end ``advance`` (or ``/validate``) in a Python
exception; each now runs, or is refused in the playground's or Kubernetes'
words. Numbers out of range are in ``test_range_checks.py``.
"""

from __future__ import annotations

import json

from simrun import events

from cluster_sim import Simulation, load_bundle


def run(text: str, until: float = 60) -> list[dict]:
    sim = Simulation(load_bundle([("p.yaml", text)]), horizon=until)
    records = sim.advance(until)
    json.dumps(records)
    return records


def test_an_etcd_killed_by_its_liveness_probe_logs_its_shutdown() -> None:
    # etcd's image with a failing liveness probe and no command: the kubelet's SIGTERM made
    # etcd's JSON shutdown line go through str.format (KeyError: '"level"').
    records = run(
        """apiVersion: v1
kind: Pod
metadata: {name: etcd}
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.9-0
    livenessProbe:
      exec: {command: [sh, -c, "exit 1"]}
      periodSeconds: 1
      failureThreshold: 1
""",
        until=12,  # the image pull takes 9.8 s
    )
    logs = [r["line"] for r in records if r["kind"] == "log"]
    assert '{"level":"info","msg":"received signal; shutting down","signal":"terminated"}' in logs
    assert ("Killing", "Container etcd failed liveness probe, will be restarted") in [
        (reason, message) for _, reason, message in events(records)
    ]


def test_an_etcd_with_a_grpc_liveness_probe_and_no_command_stays_healthy() -> None:
    records = run(
        """apiVersion: v1
kind: Pod
metadata: {name: etcd}
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.9-0
    livenessProbe: {grpc: {port: 2379}, periodSeconds: 1}
"""
    )
    probes = [r for r in records if r["kind"] == "probe"]
    assert probes and {r["result"] for r in probes} == {"Success"}


def test_a_downward_api_volume_mounted_at_root_does_not_crash_the_runtime() -> None:
    # A read-only volume over / left no mount point for the service account token (FsError).
    records = run(
        """apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  volumes:
  - {name: d, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "cat /labels; sleep 100"]
    volumeMounts: [{name: d, mountPath: /}]
""",
        until=10,
    )
    assert [r["state"] for r in records if r["kind"] == "container"][-1] == "running"


def test_a_post_start_hook_that_starts_a_server_fails_as_a_hook_not_a_crash() -> None:
    records = run(
        """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, "3600"]
    lifecycle: {postStart: {exec: {command: [sh, -c, "httpd -f -p 8080"]}}}
""",
        until=60,
    )
    hooks = [(r["hook"], r["phase"]) for r in records if r["kind"] == "hook"]
    assert hooks[:2] == [("postStart", "start"), ("postStart", "end")]
    assert "FailedPostStartHook" in [reason for _, reason, _ in events(records)]


def test_stress_with_vm_hang_holds_its_memory() -> None:
    records = run(
        """apiVersion: v1
kind: Pod
metadata: {name: stress}
spec:
  containers:
  - name: app
    image: polinux/stress
    command: [stress, --vm, "1", --vm-bytes, 10M, --vm-hang, "0"]
    resources: {limits: {memory: 100Mi}}
""",
        until=30,
    )
    memory = [r["memory"] for r in records if r["kind"] == "resources"]
    assert memory and max(memory) >= 10 * 1024 * 1024
    assert not [r for r in records if r["kind"] == "oom"]
