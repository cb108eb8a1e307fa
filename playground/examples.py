"""The manifest the editor starts with."""

from __future__ import annotations

CRASHLOOP_POD = """\
# The container exits 1 right after it starts. With
# restartPolicy Always the kubelet restarts it after a
# growing back-off (10s, 20s, 40s, ...): CrashLoopBackOff.
apiVersion: v1
kind: Pod
metadata:
  name: crashy
  labels:
    app: crashy
spec:
  restartPolicy: Always
  containers:
    - name: app
      image: busybox:1.36
      command: ["sh", "-c", "echo starting; exit 1"]
"""
