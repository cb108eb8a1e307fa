"""The behaviour checks of the gallery's Birth entries about Jobs, CronJobs, DaemonSets and
StatefulSets (issue #12).

test_gallery.py runs every entry and calls its check with the run's records;
these join its CHECKS table. Each asserts what the entry's "what to watch for"
text promises: its times, counts and statuses.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gallery_watch import Records, Watch, watch_check

from cluster_sim import Simulation, load_bundle
from playground.gallery import entry

Record = dict[str, Any]


def _of(records: tuple[Record, ...], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def _events(records: tuple[Record, ...], reason: str, obj: str) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in _of(records, "event", reason=reason, object=obj)]


def _lane(records: tuple[Record, ...], workload: str) -> list[Record]:
    return _of(records, "workload", workload=workload)


def _logs(records: tuple[Record, ...], pod: str) -> list[tuple[float, str]]:
    return [(r["t"], r["line"]) for r in _of(records, "log", pod=f"default/{pod}")]


def _created_pods(records: tuple[Record, ...], owner: str) -> list[tuple[float, str]]:
    return [
        (t, m.removeprefix("Created pod: ")) for t, m in _events(records, "SuccessfulCreate", owner)
    ]


def _ready_since(records: tuple[Record, ...], pod: str) -> float:
    """When ``pod`` first showed Running with the Ready condition True."""
    return next(
        r["t"]
        for r in _of(records, "pod", pod=f"default/{pod}")
        if r["status"] == "Running" and r["conditions"].get("Ready") == "True"
    )


def check_job_backoff(records: tuple[Record, ...]) -> None:
    job = "Job/default/flaky-import"
    created = _created_pods(records, job)
    assert len(created) == 4, "the first Pod and three retries"
    failed_at = []
    for _, pod in created:
        [done] = _of(records, "container", pod=f"default/{pod}", state="terminated")
        assert (done["exitCode"], done["reason"]) == (1, "Error")
        assert round(done["finishedAt"] - done["startedAt"], 3) == 2.0, "each Pod fails after 2 s"
        failed_at.append(done["finishedAt"])
    # The next Pod comes 10 s, 20 s, 40 s after the last failure.
    gaps = [round(b[0] - a, 3) for a, b in zip(failed_at, created[1:], strict=False)]
    assert gaps == [10.0, 20.0, 40.0]
    assert _events(records, "BackoffLimitExceeded", job) == [
        (failed_at[3], "Job has reached the specified backoff limit")
    ]
    last = _lane(records, job)[-1]
    assert last["conditions"]["Failed"]["status"] == "True"
    assert last["conditions"]["Failed"]["reason"] == "BackoffLimitExceeded"
    assert (last["succeeded"], last["failed"], last["completions"]) == (0, 4, 1)


def _job_created(records: tuple[Record, ...], cronjob: str) -> list[tuple[float, str]]:
    return [
        (t, m.removeprefix("Created job "))
        for t, m in _events(records, "SuccessfulCreate", f"CronJob/default/{cronjob}")
    ]


def _job_ended(records: tuple[Record, ...], job: str) -> float:
    [(t, _)] = _events(records, "Completed", f"Job/default/{job}")
    return t


def check_cronjob_forbid(records: tuple[Record, ...]) -> None:
    skipped = "Not starting job because prior execution is running and concurrency policy is Forbid"
    for cronjob in ("catch-up", "strict"):
        already = _events(records, "JobAlreadyActive", f"CronJob/default/{cronjob}")
        assert (120.1, skipped) in already, "at 120 s the first Job is still active"
        # Each Job's Pod runs 100 s: longer than the minute between runs.
        for _, job in _job_created(records, cronjob):
            [(_, pod)] = _created_pods(records, f"Job/default/{job}")
            lines = _logs(records, pod)
            if lines[-1][1] == "done":
                assert round(lines[-1][0] - lines[0][0], 3) == 100.0
    # 29453761 is 00:01 (minutes since the Unix epoch); 29453762 the skipped 00:02 run.
    catch_up = _job_created(records, "catch-up")
    assert catch_up[0] == (60.1, "catch-up-29453761")
    late_at, late = catch_up[1]
    assert late == "catch-up-29453762", "the skipped 00:02 run, started late"
    assert late_at == _job_ended(records, "catch-up-29453761"), "the moment its Job ends"
    assert round(late_at) == 162
    strict = _job_created(records, "strict")
    assert strict == [
        (60.1, "strict-29453761"),
        (180.1, "strict-29453763"),
        (300.1, "strict-29453765"),
    ], "strict drops the 00:02 and 00:04 runs and waits for its next minutes"
    assert _job_ended(records, "strict-29453761") < 180.1


def check_daemonset_follows_nodes(records: tuple[Record, ...]) -> None:
    ds = "DaemonSet/default/log-agent"
    created = _created_pods(records, ds)
    assert [t for t, _ in created] == [0.0, 0.0, 30.0], "one per node, node-3's when it joins"
    node_of = {pod: _of(records, "pod", pod=f"default/{pod}")[-1]["node"] for _, pod in created}
    assert sorted(node_of.values()) == ["node-1", "node-2", "node-3"]
    for pod, node in node_of.items():
        assert (_logs(records, pod)[0][1]) == f"collecting logs on {node}"
    lane = _lane(records, ds)
    full = next(r for r in lane if r["ready"] == 3)
    assert 30 < full["t"] < 33 and full["desired"] == 3
    on = {node: pod for pod, node in node_of.items()}
    # Cordoned at 60 s, node-2 keeps its Pod to the end.
    assert _of(records, "node", node="node-2", unschedulable=True)[0]["t"] == 60.0
    assert _events(records, "Killing", f"Pod/default/{on['node-2']}") == []
    assert _of(records, "pod", pod=f"default/{on['node-2']}")[-1]["status"] == "Running"
    # node-1 leaves at 90 s: 2 desired at once; the Pod GC deletes its Pod at 140 s.
    assert [r["desired"] for r in lane if r["t"] < 90][-1] == 3
    assert [r["desired"] for r in lane if r["t"] == 90.0][-1] == 2
    assert [r["t"] for r in _of(records, "deleted", pod=f"default/{on['node-1']}")] == [140.0]
    assert len(created) == 3, "no Pod made again for node-1"
    last = lane[-1]
    assert (last["desired"], last["current"], last["ready"]) == (2, 2, 2)


def check_statefulset_ordered(records: tuple[Record, ...]) -> None:
    sts = "StatefulSet/default/web"
    made = [
        (t, m.split()[2])
        for t, m in _events(records, "SuccessfulCreate", sts)
        if m.startswith("create Pod ")
    ]
    first_round = [name for t, name in made if t < 60]
    assert first_round == ["web-0", "web-1", "web-2"]
    at = dict((name, t) for t, name in made if t < 60)
    for before, after in itertools.pairwise(first_round):
        # web-1 is created only once web-0 is Running and Ready, web-2 after web-1.
        assert at[before] < _ready_since(records, before) <= at[after]
    for name in first_round:
        assert ("I am " + name) in [line for _, line in _logs(records, name)]
    client = [line for _, line in _logs(records, "client")]
    ip = next(r["podIP"] for r in _of(records, "pod", pod="default/web-0") if r["podIP"])
    index = client.index("Name:\tweb-0.nginx.default.svc.cluster.local")
    assert client[index + 1] == f"Address: {ip}", "web-0.nginx resolves to web-0's own IP"
    # Scaled to 1 at 60 s: web-2 goes first, then web-1 once web-2 is gone.
    deletes = [(t, m.split()[2]) for t, m in _events(records, "SuccessfulDelete", sts) if t >= 60]
    assert [name for _, name in deletes] == ["web-2", "web-1"]
    [web2_gone] = [r["t"] for r in _of(records, "deleted", pod="default/web-2") if r["t"] < 100]
    assert deletes[0][0] == 60.0 and web2_gone <= deletes[1][0]
    # Their claims stay Bound: nothing deletes them.
    claims = {r["claim"]: r for r in _of(records, "claim")}
    assert sorted(claims) == ["default/www-web-0", "default/www-web-1", "default/www-web-2"]
    assert all(r["phase"] == "Bound" and not r["deleted"] for r in claims.values())
    # Scaled back at 100 s: web-1 is made again, and finds its old visits file.
    assert [name for t, name in made if t >= 100] == ["web-1", "web-2"]
    again = [line for t, line in _logs(records, "web-1") if t >= 100]
    assert again[0] == "I am web-1"
    assert again[1:] == ["web-1 started at 00:00:10", "web-1 started at 00:01:41"]
    last = _lane(records, sts)[-1]
    assert (last["desired"], last["current"], last["ready"]) == (3, 3, 3)


def _node_of(records: tuple[Record, ...], pod: str) -> str | None:
    node: str | None = _of(records, "pod", pod=f"default/{pod}")[-1]["node"]
    return node


def _scheduling(records: tuple[Record, ...], pod: str) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["reason"], r["message"])
        for r in _of(records, "event", object=f"Pod/default/{pod}")
        if r["reason"] in ("Scheduled", "FailedScheduling")
    ]


def check_taints_and_tolerations(records: tuple[Record, ...]) -> None:
    assert _scheduling(records, "trainer") == [
        (0.0, "Scheduled", "Successfully assigned default/trainer to gpu-1")
    ]
    assert _logs(records, "trainer")[0][1] == "training on the GPU node"
    [(_, reason, _)] = _scheduling(records, "web")
    assert reason == "Scheduled" and _node_of(records, "web") in ("node-1", "node-2")
    # gpu-1 is the emptiest node: without its taint, LeastAllocated picks it for web.
    taint = "  taints:\n  - {key: dedicated, value: gpu, effect: NoSchedule}\n"
    text = entry("taints-and-tolerations").text
    assert taint in text
    untainted = Simulation(load_bundle([("x.yaml", text.replace(taint, ""))]), horizon=1)
    assert ("web", "gpu-1") in {
        (r["object"].split("/")[-1], r["message"].split()[-1])
        for r in untainted.advance(1)
        if r["kind"] == "event" and r["reason"] == "Scheduled"
    }
    assert _scheduling(records, "gpu-job") == [
        (
            0.0,
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
            "2 node(s) didn't match Pod's node affinity/selector.",
        )
    ]
    last = _of(records, "pod", pod="default/gpu-job")[-1]
    assert (last["phase"], last["node"], last["conditions"]) == (
        "Pending",
        None,
        {"PodScheduled": "False"},
    )


WORKLOAD_CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "job-backoff": check_job_backoff,
    "cronjob-forbid": check_cronjob_forbid,
    "daemonset-follows-nodes": check_daemonset_follows_nodes,
    "statefulset-ordered": check_statefulset_ordered,
    "taints-and-tolerations": check_taints_and_tolerations,
}


# -- what to watch for: each fact of the texts, from the run --------------------

ORDINAL = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


@watch_check("job-backoff")
def _job_backoff(records: Records, watch: Watch) -> None:
    job = "Job/default/flaky-import"
    created = _created_pods(records, job)
    done = [
        _of(records, "container", pod=f"default/{pod}", state="terminated")[0] for _, pod in created
    ]
    runs = {round(d["finishedAt"] - d["startedAt"], 3) for d in done}
    watch.says("Each Pod fails after {} s", *runs)
    gaps = [round(b[0] - a["finishedAt"], 3) for a, b in zip(done, created[1:], strict=False)]
    watch.says("the next one {} s, then {} s, then {} s after the last failure", *gaps)
    last = _lane(records, job)[-1]
    watch.says("The {} failure is more than", ORDINAL[last["failed"]])
    watch.configured("backoffLimit 3", "backoffLimit: 3")
    failed = last["conditions"]["Failed"]
    watch.says(
        "{}, the Job is {} ({}/{} completions)",
        failed["reason"],
        "Failed" if failed["status"] == "True" else "not failed",
        last["succeeded"],
        last["completions"],
    )


def _minute(job: str) -> str:
    """The scheduled time a CronJob's Job is named after (minutes since the Unix epoch)."""
    return datetime.fromtimestamp(int(job.rsplit("-", 1)[1]) * 60, UTC).strftime("%H:%M")


@watch_check("cronjob-forbid")
def _cronjob_forbid(records: Records, watch: Watch) -> None:
    durations = set()
    for cronjob in ("catch-up", "strict"):
        for _, job in _job_created(records, cronjob):
            [(_, pod)] = _created_pods(records, f"Job/default/{job}")
            lines = _logs(records, pod)
            if lines[-1][1] == "done":
                durations.add(round(lines[-1][0] - lines[0][0], 3))
    watch.says("Each run takes {} s", *durations)
    skips = {
        cronjob: [t for t, _ in _events(records, "JobAlreadyActive", f"CronJob/default/{cronjob}")]
        for cronjob in ("catch-up", "strict")
    }
    [first] = {int(times[0]) for times in skips.values()}
    watch.says("at {} s both skip their run, a Job is still active ({})", first, "JobAlreadyActive")
    late_at, late = _job_created(records, "catch-up")[1]
    watch.says("catch-up starts the skipped {} run late, at {} s,", _minute(late), int(late_at))
    watch.holds(
        "when its Job ends", late_at == _job_ended(records, _job_created(records, "catch-up")[0][1])
    )
    watch.configured("(startingDeadlineSeconds 30)", "startingDeadlineSeconds: 30")
    watch.says("waits for {} s", int(_job_created(records, "strict")[1][0]))


@watch_check("daemonset-follows-nodes")
def _daemonset_follows_nodes(records: Records, watch: Watch) -> None:
    ds = "DaemonSet/default/log-agent"
    lane = _lane(records, ds)
    [added] = _of(records, "action", action="addNode")
    full = next(r for r in lane if r["ready"] == 3)
    watch.says(
        "{} joins at {} s and gets its own Pod at once ({} desired, {} ready at {} s)",
        added["args"]["name"],
        added["t"],
        full["desired"],
        full["ready"],
        int(full["t"]),
    )
    [cordon] = _of(records, "action", action="cordon")
    node = cordon["args"]["node"]
    pods = {r["node"]: r["pod"] for r in _of(records, "pod") if r["pod"].startswith("default/log-")}
    kept = _of(records, "pod", pod=pods[node])[-1]["status"] == "Running"
    watch.holds(f"Cordoning {node} at {cordon['t']:g} s keeps its Pod", kept)
    [removed] = _of(records, "action", action="removeNode")
    gone = removed["args"]["name"]
    desired = next(r for r in lane if r["t"] >= removed["t"])["desired"]
    watch.says("{} leaves at {} s: {} desired at once", gone, removed["t"], desired)
    [deleted] = _of(records, "deleted", pod=pods[gone])
    watch.says("the Pod GC deletes its Pod at {} s", deleted["t"])


@watch_check("statefulset-ordered")
def _statefulset_ordered(records: Records, watch: Watch) -> None:
    sts = "StatefulSet/default/web"
    made = {
        m.split()[2]: t
        for t, m in reversed(_events(records, "SuccessfulCreate", sts))
        if m.startswith("create Pod ")
    }
    watch.holds(
        "web-1 is created only once web-0 is Running and Ready",
        _ready_since(records, "web-0") <= made["web-1"],
    )
    watch.holds("web-2 after web-1", _ready_since(records, "web-1") <= made["web-2"])
    client = [line for _, line in _logs(records, "client")]
    watch.holds("web-0.nginx resolves", "Name:\tweb-0.nginx.default.svc.cluster.local" in client)
    scales = _of(records, "action", action="scale")
    deletes = [m.split()[2] for t, m in _events(records, "SuccessfulDelete", sts)]
    watch.says(
        "Scaled to {} at {} s: {} goes first, then {},",
        scales[0]["args"]["replicas"],
        scales[0]["t"],
        *deletes,
    )
    claims = {r["claim"]: r for r in _of(records, "claim")}
    watch.holds("their claims stay", all(not r["deleted"] for r in claims.values()))
    again = [line for t, line in _logs(records, "web-1") if t >= scales[1]["t"]]
    watch.says("scaled back at {} s", scales[1]["t"])
    watch.holds(
        "web-1 finds its old visits file", sum(" started at " in line for line in again) == 2
    )


@watch_check("taints-and-tolerations")
def _taints_and_tolerations(records: Records, watch: Watch) -> None:
    watch.configured(
        "tolerates the taint dedicated=gpu:NoSchedule",
        "- {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}",
    )
    watch.configured(
        "dedicated=gpu:NoSchedule", "- {key: dedicated, value: gpu, effect: NoSchedule}"
    )
    watch.says("and lands on {}", _node_of(records, "trainer"))
    watch.holds("web has no toleration and never does", _node_of(records, "web") != "gpu-1")
    [(_, _, message)] = _scheduling(records, "gpu-job")
    watch.holds(
        "gpu-job selects gpu-1 without the toleration",
        "2 node(s) didn't match Pod's node affinity/selector" in message,
    )
    phase = _of(records, "pod", pod="default/gpu-job")[-1]["phase"]
    watch.says('{}, "{}, ..."', phase, message.split(", ")[0])
