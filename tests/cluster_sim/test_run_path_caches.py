"""What a container's run keeps across restarts gives what computing it again gives (issue #15).

``StartPlan.unchanged_file`` keeps its answers (the runtime reads the
termination-message path at every exit of a crash loop): each is held to a
fresh plan's walk, and whole runs to runs that keep nothing.
"""

from __future__ import annotations

import pytest
from simrun import of, run
from test_fs_deferred import PATHS, _plan

from cluster_sim.kubelet import start_plan


def test_a_kept_answer_is_a_fresh_plans_walk_for_every_path() -> None:
    plan = _plan()
    extra = [f"/etc/x{i}" for i in range(2 * start_plan.UNCHANGED_KEPT)]  # past the bound
    for _ in range(2):  # asked again: the kept answers
        for path in [*PATHS, *extra]:
            assert plan.unchanged_file(path) is plan._unchanged_file(path), path
    assert len(plan._unchanged) == start_plan.UNCHANGED_KEPT


# Runs that write the termination message and runs that leave it empty (the file is read
# from the plan's layer then), with the log's tail as the message of those, each its own.
ALTERNATING = """apiVersion: v1
kind: Pod
metadata: {name: alt}
spec:
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: app
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    volumeMounts: [{name: data, mountPath: /data}]
    command:
    - sh
    - -c
    - |
      echo x >> /data/runs
      n=$(wc -l < /data/runs)
      echo "run $n"
      if [ $((n % 2)) -eq 0 ]; then echo "even $n" > /dev/termination-log; fi
      exit 1
  - name: quiet
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    command: [sh, -c, "echo starting; exit 1"]
"""


def test_restarts_read_each_runs_own_termination_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = run(ALTERNATING, until=300)
    messages = [
        r.get("message") for r in of(kept, "container", container="app", state="terminated")
    ]
    assert messages[:4] == ["run 1\n", "even 2\n", "run 3\n", "even 4\n"]
    monkeypatch.setattr(start_plan, "UNCHANGED_KEPT", 0)  # nothing kept
    assert run(ALTERNATING, until=300) == kept


# ``Faults`` answers at once when the Scenario injects none (every Always start pulls):
# with one, the pulls it names still fail and the runs it names still crash.
FAULTED = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "sleep 3600"]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: t}
spec:
  horizon: 120
  faults:
  - {pod: web, container: app, imagePullFailures: 2, crash: {after: 10, exitCode: 3}}
"""


def test_a_scenarios_faults_still_fail_pulls_and_crash_runs() -> None:
    records = run(FAULTED, until=120)
    failed = [r for r in of(records, "event", reason="Failed") if "ErrImagePull" in r["message"]]
    assert len(failed) == 2
    exits = of(records, "container", container="app", state="terminated")
    assert exits and all(r.get("exitCode") == 3 for r in exits)
    plain = run(FAULTED.split("---")[0], until=120)
    assert not of(plain, "container", container="app", state="terminated")
