"""readOnlyRootFilesystem: the image's files are read-only, volumes and the runtime's
files are not (busybox's EROFS wording)."""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle

POD = """apiVersion: v1
kind: Pod
metadata: {name: ro}
spec:
  restartPolicy: Never
  volumes:
  - {name: scratch, emptyDir: {}}
  containers:
  - name: app
    image: busybox:1.36
    command:
    - sh
    - -c
    - >-
      touch /x; mkdir /tmp/d; echo hi > /data/f && cat /data/f;
      echo bye > /dev/termination-log && echo logged; echo ok > /dev/shm/s && echo shm
    volumeMounts:
    - {name: scratch, mountPath: /data}
    securityContext: {readOnlyRootFilesystem: true}
"""


def test_writes_outside_volumes_fail_with_read_only_file_system() -> None:
    records = Simulation(load_bundle([("ro.yaml", POD)]), seed=0, horizon=30).advance(10)
    lines = [r["line"] for r in records if r.get("kind") == "log"]
    assert lines == [
        "touch: /x: Read-only file system",
        "mkdir: can't create directory '/tmp/d': Read-only file system",
        "hi",
        "logged",
        "shm",
    ]


def test_without_the_field_the_root_is_writable() -> None:
    text = POD.replace("    securityContext: {readOnlyRootFilesystem: true}\n", "")
    records = Simulation(load_bundle([("rw.yaml", text)]), seed=0, horizon=30).advance(10)
    lines = [r["line"] for r in records if r.get("kind") == "log"]
    assert lines == ["hi", "logged", "shm"]
