"""An exec handler past the container's memory limit fails; it does not crash the run.

Found by test_fuzz_pipeline: a postStart ``exec`` under a 1-byte memory limit let the
program's ``OutOfMemory`` escape ``prober.run_exec`` and stop the simulation.
"""

from __future__ import annotations

from simrun import events, of, run

POD = """apiVersion: v1
kind: Pod
metadata: {name: p0}
spec:
  containers:
  - name: a
    image: busybox
    lifecycle: {postStart: {exec: {command: [sh, -c, "kill -0 $$"]}}}
    resources: {limits: {memory: "1"}}
"""


def test_an_oom_killed_post_start_exec_is_a_failed_hook() -> None:
    records = run(POD, until=10)
    hooks = [(r["t"], r["phase"], r.get("result")) for r in of(records, "hook")]
    assert hooks[:2] == [(2.18, "start", None), (2.18, "end", "Failure")]
    assert (2.18, "FailedPostStartHook", "PostStartHook failed") in events(records)
