"""The Job controller through whole runs: what ``kubectl get events`` and the Job's status show."""

from __future__ import annotations

from typing import Any

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.store import ApiObject

JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
{spec}
  template:
    spec:
      restartPolicy: {policy}
      containers:
      - {{name: c, image: busybox:1.36, command: ["sh", "-c", "{script}"]}}
"""


def job(name: str, script: str, policy: str = "Never", **spec: Any) -> str:
    lines = "\n".join(f"  {k}: {v}" for k, v in spec.items()) or "  parallelism: 1"
    return JOB.format(name=name, spec=lines, policy=policy, script=script)


def run(
    text: str, until: float, horizon: float | None = None
) -> tuple[Simulation, list[dict[str, Any]]]:
    sim = Simulation(load_bundle([("job.yaml", text)]), seed=0, horizon=horizon or until)
    return sim, sim.advance(until)


def job_events(records: list[dict[str, Any]], name: str) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in records
        if r["kind"] == "event" and r["object"] == f"Job/default/{name}"
    ]


def conditions(obj: ApiObject) -> list[tuple[str, str, int]]:
    return [(c["type"], c["reason"], c["lastTransitionTime"]) for c in obj.status["conditions"]]


def test_a_job_runs_one_pod_to_completion() -> None:
    sim, records = run(job("once", "echo done; sleep 5"), 30)
    (pod,) = sim.store.list("Pod")
    assert job_events(records, "once") == [
        (0.0, "SuccessfulCreate", f"Created pod: {pod.name}"),
        (7.18, "Completed", "Job completed"),
    ]
    obj = sim.store.get("Job", "default", "once")
    assert obj is not None
    assert conditions(obj) == [
        ("SuccessCriteriaMet", "CompletionsReached", 7180),
        ("Complete", "CompletionsReached", 7180),
    ]
    assert obj.status["succeeded"] == 1
    assert obj.status["completionTime"] == 7180
    assert "active" not in obj.status
    assert pod.name.startswith("once-") and len(pod.name) == len("once-") + 5
    assert pod.labels["batch.kubernetes.io/job-name"] == "once"
    assert pod.labels["batch.kubernetes.io/controller-uid"] == obj.uid
    assert pod.labels["controller-uid"] == obj.uid
    assert obj.spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": obj.uid}}
    assert pod.finalizers == []  # the job-tracking finalizer came off once counted
    assert pod.status["phase"] == "Succeeded"


def test_a_running_pod_carries_the_job_tracking_finalizer() -> None:
    sim, _ = run(job("busy", "sleep 50"), 10)
    (pod,) = sim.store.list("Pod")
    assert pod.finalizers == ["batch.kubernetes.io/job-tracking"]


def test_failed_pods_are_replaced_after_an_exponential_back_off() -> None:
    sim, records = run(job("flaky", "sleep 1; exit 3", backoffLimit=2), 120)
    names = [p.name for p in sim.store.list("Pod")]
    assert job_events(records, "flaky") == [
        (0.0, "SuccessfulCreate", f"Created pod: {names[0]}"),
        # the first Pod failed at 3.18 s: 10 s of back-off
        (13.18, "SuccessfulCreate", f"Created pod: {names[1]}"),
        # the second at 15.18 s: 20 s
        (35.18, "SuccessfulCreate", f"Created pod: {names[2]}"),
        (38.36, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ]
    obj = sim.store.get("Job", "default", "flaky")
    assert obj is not None and obj.status["failed"] == 3
    assert [c[0] for c in conditions(obj)] == ["FailureTarget", "Failed"]
    assert [p.status["phase"] for p in sim.store.list("Pod")] == ["Failed"] * 3


def test_on_failure_restarts_in_place_and_counts_restarts_against_the_limit() -> None:
    sim, records = run(job("retry", "exit 1", policy="OnFailure", backoffLimit=2), 60)
    events = job_events(records, "retry")
    pod_name = events[0][2].removeprefix("Created pod: ")
    assert events == [
        (0.0, "SuccessfulCreate", f"Created pod: {pod_name}"),
        (23.0, "SuccessfulDelete", f"Deleted pod: {pod_name}"),
        (24.0, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ]
    starts = [
        r["t"]
        for r in records
        if r["kind"] == "event" and r["reason"] == "Started" and pod_name in r["object"]
    ]
    # one Pod, restarted by its kubelet (the 10 s back-off noticed 10 s after it ends)
    assert starts == [2.18, 3.0, 23.0]
    assert sim.store.list("Pod") == []


def test_indexed_pods_are_named_and_numbered_and_the_job_expires_after_its_ttl() -> None:
    text = job(
        "idx",
        "echo $JOB_COMPLETION_INDEX; sleep 2",
        completions=3,
        parallelism=2,
        completionMode="Indexed",
        ttlSecondsAfterFinished=20,
    )
    sim, records = run(text, 10, horizon=60)
    pods = sim.store.list("Pod")
    assert [p.name[: len("idx-0-")] for p in pods] == ["idx-0-", "idx-1-", "idx-2-"]
    assert [p.annotations["batch.kubernetes.io/job-completion-index"] for p in pods] == [
        "0",
        "1",
        "2",
    ]
    assert [p.spec["hostname"] for p in pods] == ["idx-0", "idx-1", "idx-2"]
    assert [e[0] for e in job_events(records, "idx")] == [0.0, 0.0, 4.18, 7.18]
    obj = sim.store.get("Job", "default", "idx")
    assert obj is not None and obj.status["completedIndexes"] == "0-2"
    logs = [sim.logs(p.name, "c")[1] for p in pods]
    assert logs == ["0\n", "1\n", "2\n"]
    sim.advance(27.17)
    assert sim.store.get("Job", "default", "idx") is not None
    sim.advance(27.2)
    assert sim.store.get("Job", "default", "idx") is None
    assert sim.store.list("Pod") == []


def test_active_deadline_deletes_the_pods_and_fails_once_they_are_gone() -> None:
    sim, records = run(job("slow", "sleep 100", activeDeadlineSeconds=10), 60)
    events = job_events(records, "slow")
    pod_name = events[0][2].removeprefix("Created pod: ")
    assert events[1:] == [
        (10.0, "SuccessfulDelete", f"Deleted pod: {pod_name}"),
        (40.0, "DeadlineExceeded", "Job was active longer than specified deadline"),
    ]
    obj = sim.store.get("Job", "default", "slow")
    assert obj is not None
    assert conditions(obj) == [
        ("FailureTarget", "DeadlineExceeded", 10000),
        ("Failed", "DeadlineExceeded", 40000),
    ]


def test_pod_failure_policy_fail_job_and_ignore() -> None:
    fail_job = (
        "\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n"
        "      onExitCodes: {containerName: c, operator: In, values: [42]}\n"
        "    - action: Ignore\n      onExitCodes: {operator: In, values: [7]}"
    )
    text = job("pfp", "exit 42", backoffLimit=f"3{fail_job}")
    sim, records = run(text, 30)
    (pod,) = sim.store.list("Pod")
    message = (
        f"Container c for pod default/{pod.name} failed with exit code 42 matching FailJob rule"
        " at index 0"
    )
    assert job_events(records, "pfp")[1:] == [(2.18, "PodFailurePolicy", message)]
    ignored = job("ign", "exit 7", backoffLimit=f"0{fail_job}")
    sim, records = run(ignored, 30)
    obj = sim.store.get("Job", "default", "ign")
    assert obj is not None and "failed" not in obj.status  # ignored failures do not count
    # a new Pod replaces each ignored failure, with no back-off
    assert [e[0] for e in job_events(records, "ign")][:3] == [0.0, 2.18, 3.18]


def test_backoff_limit_per_index_waits_per_index_and_fails_the_index() -> None:
    script = "if [ $JOB_COMPLETION_INDEX = 1 ]; then exit 1; fi; sleep 1"
    text = job(
        "per",
        script,
        completions=3,
        parallelism=3,
        completionMode="Indexed",
        backoffLimitPerIndex=1,
    )
    sim, records = run(text, 100)
    retried = [p for p in sim.store.list("Pod") if p.name.startswith("per-1-")]
    assert len(retried) == 2
    assert retried[1].annotations["batch.kubernetes.io/job-index-failure-count"] == "1"
    assert job_events(records, "per")[3:] == [
        # index 1 failed at 2.18 s: its own 10 s back-off
        (12.18, "SuccessfulCreate", f"Created pod: {retried[1].name}"),
        (13.18, "FailedIndexes", "Job has failed indexes"),
    ]
    obj = sim.store.get("Job", "default", "per")
    assert obj is not None
    assert (obj.status["completedIndexes"], obj.status["failedIndexes"]) == ("0,2", "1")
