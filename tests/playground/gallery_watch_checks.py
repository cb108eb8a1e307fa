"""The watch-text checks of the gallery entries (see gallery_watch.py for the mechanism).

Each function confirms, from the entry's run, every fact its "what to watch for"
text states: times, counts, statuses, reasons. They register themselves with
``@watch_check(slug)``; test_gallery.py runs them for every entry.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from gallery_watch import Records, Watch, spelled, watch_check

from cluster_sim.eviction import THRESHOLD
from cluster_sim.kubelet.restart import BACKOFF_RESYNC_MS

Record = dict[str, Any]


def of(records: Records, kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def events(records: Records, reason: str, obj: str | None = None) -> list[Record]:
    return [
        r
        for r in of(records, "event", reason=reason)
        if obj is None or r["object"] in (obj, f"Pod/default/{obj}")
    ]


def logs(records: Records, pod: str, container: str | None = None) -> list[str]:
    return [
        r["line"]
        for r in of(records, "log", pod=f"default/{pod}")
        if container in (None, r["container"])
    ]


def pods(records: Records, pod: str) -> list[Record]:
    return of(records, "pod", pod=f"default/{pod}")


def last_pod(records: Records, pod: str) -> Record:
    return pods(records, pod)[-1]


def statuses(records: Records, pod: str) -> list[str]:
    return [r["status"] for r in pods(records, pod)]


def actions(records: Records, action: str) -> list[float]:
    return [r["t"] for r in of(records, "action", action=action)]


def lane(records: Records, workload: str) -> list[Record]:
    return of(records, "workload", workload=workload)


def ready_at(lane_: list[Record], t: float) -> int:
    return int([r for r in lane_ if r["t"] <= t][-1]["ready"])


def _pods_by_name(records: Records) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for r in of(records, "pod"):
        out.setdefault(r["pod"], []).append(r)
    return out


def env_of(records: Records, pod: str) -> dict[str, str]:
    record = of(records, "env", pod=f"default/{pod}")[-1]
    return {e["name"]: e["value"] for e in record["env"]}


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 3) for a, b in itertools.pairwise(times)]


def in_s(values: list[float]) -> str:
    """``[10.0, 20.0]`` as a text lists durations: "10 s, 20 s"."""
    return ", ".join(f"{int(v) if float(v).is_integer() else v} s" for v in values)


def times_word(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}[n]


# -- What a Pod is -----------------------------------------------------------------


@watch_check("shared-network")
def _shared_network(records: Records, watch: Watch) -> None:
    answers = logs(records, "two-containers", "client")
    watch.holds(
        "The client reaches nginx at http://localhost", set(answers) == {"Welcome to nginx!"}
    )
    started = [e["message"] for e in events(records, "Started", "two-containers")]
    watch.holds(
        "Containers start in the order listed",
        started[:2] == ["Started container web", "Started container client"],
    )
    failed = [line for line in logs(records, "two-containers") if "wget:" in line]
    watch.holds("no wget fails", failed == [], f"{failed}")


@watch_check("shared-volume")
def _shared_volume(records: Records, watch: Watch) -> None:
    # The reader prints the writer's last entry: "entry 3 written at 00:00:12".
    seen = {
        int(m.group(1)): int(m.group(2)) * 60 + int(m.group(3))
        for line in logs(records, "shared-volume", "reader")
        if (m := re.search(r"entry (\d+) written at 00:(\d\d):(\d\d)", line))
    }
    first, last = min(seen), max(seen)
    watch.says(
        "The writer appends to /data/diary every {} s", (seen[last] - seen[first]) / (last - first)
    )
    watch.holds(
        "The reader cannot see the writer's /tmp/only-in-writer",
        "ls: /tmp/only-in-writer: No such file or directory"
        in logs(records, "shared-volume", "reader"),
    )


@watch_check("hostname")
def _hostname(records: Records, watch: Watch) -> None:
    watch.says('hostname prints "{}"', logs(records, "hostname-demo")[0])
    # The numbers here are the Pod's name and its FQDN; test_gallery checks the lines.
    fqdn = next(
        line.split()[1] for line in logs(records, "hostname-demo") if line.startswith("10.")
    )
    watch.says("makes {} resolve", fqdn)
    watch.says('The headless Service "{}"', fqdn.split(".")[1])


# -- Birth ---------------------------------------------------------------------------


@watch_check("node-selector")
def _node_selector(records: Records, watch: Watch) -> None:
    [scheduled] = events(records, "Scheduled", "fast-db")
    watch.says('lands on node "{}"', scheduled["message"].rsplit(" ", 1)[1])
    watch.holds("stays Pending", last_pod(records, "gpu-job")["phase"] == "Pending")
    watch.holds("a FailedScheduling event", bool(events(records, "FailedScheduling", "gpu-job")))


@watch_check("unschedulable")
def _unschedulable(records: Records, watch: Watch) -> None:
    [failed] = events(records, "FailedScheduling", "report")
    watch.holds("FailedScheduling, Insufficient memory", "Insufficient memory" in failed["message"])
    watch.configured("report asks for 2Gi", "memory: 2Gi")
    watch.configured("batch holds 3Gi", "memory: 3Gi")
    watch.says("of the node's {}:", _gi(int(of(records, "node")[0]["memory"])))
    batch = last_pod(records, "batch")
    watch.holds("When batch finishes (Succeeded)", batch["phase"] == "Succeeded")
    [scheduled] = events(records, "Scheduled", "report")
    finished = of(records, "container", pod="default/batch", state="terminated")[0]["t"]
    watch.holds("report is Scheduled at once", scheduled["t"] - finished <= 1, f"{scheduled['t']}")


def _gi(value: int) -> str:
    return f"{value // 2**30}Gi" if value % 2**30 == 0 else str(value)


@watch_check("image-pull-failures")
def _image_pull_failures(records: Records, watch: Watch) -> None:
    pulls = [e["message"] for e in events(records, "Pulling", "typo")]
    image = pulls[0].split('"')[1]
    watch.says("{} does not exist", image)
    reasons = [r["reason"] for r in of(records, "container", pod="default/typo")]
    watch.holds(
        "ErrImagePull, then ImagePullBackOff",
        reasons.index("ErrImagePull") < reasons.index("ImagePullBackOff"),
    )
    failed = [e["t"] for e in events(records, "Failed", "typo") if "Failed to pull" in e["message"]]
    pulling = [e["t"] for e in events(records, "Pulling", "typo")]
    waits = [round(p - f, 3) for f, p in zip(failed, pulling[1:], strict=False)]
    watch.says("with retries {} apart", in_s(waits[:3]))
    flaky = [e for e in events(records, "Failed", "flaky") if "Failed to pull" in e["message"]]
    watch.says("flaky's registry fails {}", times_word(len(flaky)))
    watch.says("the {} pull succeeds", ordinal(len(flaky) + 1))
    watch.holds("the Pod runs", last_pod(records, "flaky")["status"] == "Running")


@watch_check("init-containers")
def _init_containers(records: Records, watch: Watch) -> None:
    shown = statuses(records, "myapp-pod")
    watch.holds("STATUS shows Init:0/2", "Init:0/2" in shown)
    applied = actions(records, "apply")
    watch.says("The Services appear at t={} and t={}", *applied)
    done = [
        r
        for r in of(records, "container", pod="default/myapp-pod", state="terminated")
        if r["init"]
    ]
    watch.holds("each init container exits 0", [r["exitCode"] for r in done] == [0, 0])


@watch_check("replication-controller")
def _replication_controller(records: Records, watch: Watch) -> None:
    rc = "ReplicationController/default/nginx"
    [deleted] = actions(records, "delete")
    watch.says(
        "At {} s one of the {} Pods is deleted", deleted, spelled(lane(records, rc)[0]["desired"])
    )
    created = [e["t"] for e in events(records, "SuccessfulCreate", rc)]
    watch.holds(
        "at once the ReplicationController creates another (SuccessfulCreate)", deleted in created
    )
    [scaled] = actions(records, "scale")
    watch.says("At {} s it is scaled to {}", scaled, lane(records, rc)[-1]["desired"])


@watch_check("rollout-stuck")
def _rollout_stuck(records: Records, watch: Watch) -> None:
    deploy = "Deployment/default/web"
    [changed] = actions(records, "setImage")
    image = of(records, "action", action="setImage")[0]["args"]["image"].split(":")[0]
    watch.says("At {} s the image becomes {} by mistake", changed, image)
    old = lane(records, deploy)
    watch.says(
        "the {} old ones stay",
        spelled(min(r["ready"] for r in old if r["t"] >= changed and r["t"] < 120)),
    )
    stuck = next(
        r
        for r in old
        if r["conditions"].get("Progressing", {}).get("reason") == "ProgressDeadlineExceeded"
    )
    progressing = [
        r["t"]
        for r in old
        if r["t"] >= changed
        and r["conditions"].get("Progressing", {}).get("reason") == "ReplicaSetUpdated"
    ]
    # The deadline counts from the last progress; the controller notices at its next sync.
    since = progressing[-1] if progressing else changed
    watch.configured("60 s later Progressing turns False", "progressDeadlineSeconds: 60")
    watch.holds("(ProgressDeadlineExceeded)", 60 <= stuck["t"] - since <= 62, f"{stuck['t']}")
    assert stuck["conditions"]["Progressing"]["status"] == "False"
    [undo] = actions(records, "rolloutUndo")
    watch.says("the undo at {} s brings revision 1 back as revision {}", undo, old[-1]["revision"])


@watch_check("recreate-vs-rolling")
def _recreate_vs_rolling(records: Records, watch: Watch) -> None:
    [args] = [r["args"] for r in of(records, "action", action="setImage")][:1]
    times = actions(records, "setImage")
    assert len(set(times)) == 1
    watch.says("At {} s both Deployments get {}", times[0], args["image"])
    recreate = lane(records, "Deployment/default/recreate")
    rolling = lane(records, "Deployment/default/rolling")
    scaled = [
        e["message"] for e in events(records, "ScalingReplicaSet", "Deployment/default/recreate")
    ]
    watch.holds("Recreate first scales its old ReplicaSet to 0", scaled[1].endswith(" to 0"))
    watch.holds(
        "no Pod is ready for a while", min(r["ready"] for r in recreate if r["t"] >= times[0]) == 0
    )
    surge = max(r["current"] for r in rolling) - rolling[0]["desired"]
    watch.says("RollingUpdate brings {} new Pod at a time", "one" if surge == 1 else spelled(surge))
    watch.says("keeps {} ready throughout", min(r["ready"] for r in rolling if r["t"] >= times[0]))
    watch.says(
        "compare the {} ready areas", spelled(len({r["workload"] for r in recreate + rolling}))
    )


@watch_check("node-failure-heals")
def _node_failure_heals(records: Records, watch: Watch) -> None:
    [failed] = actions(records, "failNode")
    node = of(records, "action", action="failNode")[0]["args"]["node"]
    watch.says("{} fails at {} s", node, failed)
    [not_ready] = [e["t"] for e in events(records, "NodeNotReady", f"Node/{node}")]
    deploy = lane(records, "Deployment/default/web")
    watch.says(
        "at {} s it is NotReady and its Pod is not ready any more: {} of {} ready",
        not_ready,
        ready_at(deploy, not_ready),
        deploy[0]["desired"],
    )
    evicted = events(records, "TaintManagerEviction")
    watch.says("At {} s the {} s toleration runs out", evicted[0]["t"], evicted[0]["t"] - not_ready)
    watch.holds("the Pod is evicted", len(evicted) == 1)
    new = [
        e["message"].removeprefix("Created pod: ")
        for e in events(records, "SuccessfulCreate")
        if e["t"] >= evicted[0]["t"]
    ]
    nodes = {r["node"] for name in new for r in pods(records, name)}
    watch.says("a replacement on {}", *nodes)


# -- The environment -------------------------------------------------------------


@watch_check("configmap")
def _configmap(records: Records, watch: Watch) -> None:
    [changed] = actions(records, "apply")
    watch.says("At t={} the ConfigMap changes", changed)
    lines = [(r["t"], r["line"]) for r in of(records, "log", pod="default/configured")]
    late = [line for t, line in lines if t > changed]
    watch.holds(
        "the env var never does",
        all(line.startswith("env LOG_LEVEL=info,") for line in late) and late[-1].endswith("debug"),
    )


@watch_check("service-links")
def _service_links(records: Records, watch: Watch) -> None:
    service = [
        r["t"]
        for r in of(records, "action", action="apply")
        if "kind: Service" in r["args"]["manifest"]
    ]
    watch.says("late starts after the Service is applied (t={})", *service)
    late = [
        r["t"]
        for r in of(records, "action", action="apply")
        if "name: late" in r["args"]["manifest"]
    ]
    assert late[0] > service[0]
    early = env_of(records, "early")
    watch.holds(
        "its env has only the KUBERNETES_* variables",
        not any(k.startswith("BACKEND_") for k in early),
    )


@watch_check("downward-api")
def _downward_api(records: Records, watch: Watch) -> None:
    env = env_of(records, "self-aware")
    pod = last_pod(records, "self-aware")
    watch.holds(
        "yet the env has them",
        env.get("MY_NODE") == pod["node"] and env.get("MY_POD_IP") == pod["podIP"],
    )


@watch_check("secret")
def _secret(records: Records, watch: Watch) -> None:
    lines = logs(records, "secret-demo")
    watch.holds("readable by its owner only", any(line.startswith("-r--------") for line in lines))


@watch_check("literal-env")
def _literal_env(records: Records, watch: Watch) -> None:
    lines = logs(records, "env-demo")
    watch.holds("$(UNDEFINED) stays as literal text", "$(UNDEFINED) stays as it is" in lines)


@watch_check("envfrom-prefix")
def _envfrom_prefix(records: Records, watch: Watch) -> None:
    watch.holds("DB_PORT wins", "DB_PORT=6432" in logs(records, "envfrom-demo"))


@watch_check("service-account-token")
def _service_account_token(records: Records, watch: Watch) -> None:
    watch.holds(
        'The namespace file says "default"', "namespace: default" in logs(records, "sa-demo")
    )


# -- Health ----------------------------------------------------------------------------


@watch_check("liveness-restart")
def _liveness_restart(records: Records, watch: Watch) -> None:
    pod = "liveness-exec"
    unhealthy = [e["t"] for e in events(records, "Unhealthy", pod)]
    killing = [e["t"] for e in events(records, "Killing", pod)]
    started = [e["t"] for e in events(records, "Started", pod)]
    before_kill = [t for t in unhealthy if t <= killing[0]]
    watch.configured("After 30 s /tmp/healthy is gone", "sleep 30; rm -f /tmp/healthy")
    assert started[0] + 30 < before_kill[0] <= started[0] + 30 + 5  # the next probe fails
    watch.says("{} failed probes in a row", spelled(len(before_kill)))
    restarted = next(t for t in started if t > killing[0])
    watch.says("SIGKILL comes {} s later", restarted - killing[0])
    watch.holds("The shell ignores SIGTERM", restarted - killing[0] >= 30)
    watch.says("RESTARTS is {}", last_pod(records, pod)["restarts"])


@watch_check("readiness-endpoints")
def _readiness_endpoints(records: Records, watch: Watch) -> None:
    watch.says("it stays {}", last_pod(records, "web-b")["ready"])
    watch.holds(
        "never passes (HTTP 404)",
        any("404" in e["message"] for e in events(records, "Unhealthy", "web-b")),
    )
    watch.says("The client asks the Service {} times", spelled(len(logs(records, "client"))))
    watch.holds("Nobody restarts web-b", last_pod(records, "web-b")["restarts"] == 0)


@watch_check("startup-probe")
def _startup_probe(records: Records, watch: Watch) -> None:
    ok = [r["t"] for r in of(records, "probe", probe="startup", result="Success")]
    started = [e["t"] for e in events(records, "Started", "slow-starter")]
    watch.configured("The server needs 60 s to answer (a Scenario fault)", "startupSeconds: 60")
    assert started[0] + 60 <= ok[0] <= started[0] + 65  # the first probe after it passes
    watch.configured("with failureThreshold 1", "failureThreshold: 1")
    watch.holds("no restart, ever", last_pod(records, "slow-starter")["restarts"] == 0)


@watch_check("crashloop-backoff")
def _crashloop_backoff(records: Records, watch: Watch) -> None:
    starts = [e["t"] for e in events(records, "Started", "crashy")]
    exits = [r for r in of(records, "container", pod="default/crashy", state="terminated")]
    watch.says("The app exits {} as it starts", exits[0]["exitCode"])
    restart_gaps = gaps(starts)
    watch.holds("the first restart is immediate", restart_gaps[0] <= 1)
    watch.says("the next after {}", in_s(gaps(starts[1:])[:4]))
    watch.holds(
        "Between attempts STATUS reads CrashLoopBackOff",
        "CrashLoopBackOff" in statuses(records, "crashy"),
    )
    # each gap is the back-off plus the kubelet's sync 10 s after it ends (issue #13 item 1)
    back_offs = [g - BACKOFF_RESYNC_MS / 1000 for g in gaps(starts[1:])]
    watch.holds(
        "the back-off doubles up to 5 minutes",
        all(b == 2 * a or b == 300 for a, b in itertools.pairwise(back_offs)),
    )


# -- Classed society --------------------------------------------------------------------


@watch_check("qos-classes")
def _qos_classes(records: Records, watch: Watch) -> None:
    classes = {
        name: last_pod(records, name)["qosClass"]
        for name in ("guaranteed", "burstable", "besteffort")
    }
    watch.says("requests = limits for every resource: {}.", classes["guaranteed"])
    watch.says("Some requests or limits: {}.", classes["burstable"])
    watch.says("None: {}.", classes["besteffort"])


@watch_check("oom-kill")
def _oom_kill(records: Records, watch: Watch) -> None:
    watch.configured("stress asks for 250M", '"--vm-bytes", "250M"')
    watch.configured("with a 100Mi limit", 'memory: "100Mi"')
    killed = of(records, "container", pod="default/memory-demo-2", reason="OOMKilled")
    watch.says("reason {}, exit {}", killed[0]["reason"], killed[0]["exitCode"])
    watch.holds("it is killed again", len(killed) >= 2)
    shown = statuses(records, "memory-demo-2")
    watch.holds(
        "OOMKilled alternates with CrashLoopBackOff",
        "OOMKilled" in shown and "CrashLoopBackOff" in shown,
    )


@watch_check("eviction-order")
def _eviction_order(records: Records, watch: Watch) -> None:
    evicted = [e["object"].rsplit("/", 1)[1] for e in events(records, "Evicted")]
    watch.says("free memory drops under {}Mi", THRESHOLD // 2**20)
    evicted_at = [e["t"] for e in events(records, "Evicted")]
    watch.holds("evicts one Pod at a time", len(set(evicted_at)) == len(evicted_at))
    watch.holds("it reports MemoryPressure", bool(events(records, "NodeHasInsufficientMemory")))
    watch.holds(
        "BestEffort goes first, then the Burstable Pod", evicted == ["besteffort", "burstable"]
    )
    watch.holds("Guaranteed stays", last_pod(records, "guaranteed")["status"] == "Running")


# -- Death -------------------------------------------------------------------------------


@watch_check("graceful-termination")
def _graceful_termination(records: Records, watch: Watch) -> None:
    [deleted] = actions(records, "delete")
    watch.says("At t={} the Pod is deleted: STATUS Terminating", deleted)
    assert "Terminating" in statuses(records, "web")
    signals = [
        r["step"]
        for r in of(records, "termination", pod="default/web")
        if r["step"].startswith("SIG")
    ]
    watch.says("its STOPSIGNAL, {}", signals[0])
    nginx = of(records, "container", pod="default/web")[-1]
    watch.says("nginx handles it and exits {} at once", nginx["exitCode"])
    [killing] = [r for r in of(records, "termination", pod="default/web", step="killing")]
    watch.says("the {} s grace period", killing["grace"])
    watch.says(": {}.", nginx["reason"])


@watch_check("prestop-hook")
def _prestop_hook(records: Records, watch: Watch) -> None:
    [deleted] = actions(records, "delete")
    watch.says("at deletion (t={}) preStop runs before any signal", deleted)
    watch.holds(
        "The hook sends nginx SIGQUIT",
        "[notice] 1#1: signal 3 (SIGQUIT) received, exiting" in logs(records, "lifecycle-demo"),
    )
    nginx = of(records, "container", pod="default/lifecycle-demo")[-1]
    watch.says("nginx exits {}", nginx["exitCode"])
    steps = [r["step"] for r in of(records, "termination", pod="default/lifecycle-demo")]
    watch.holds("the kubelet never sends SIGTERM", "SIGTERM" not in steps)


@watch_check("sigterm-ignored")
def _sigterm_ignored(records: Records, watch: Watch) -> None:
    steps = [(r["t"], r["step"]) for r in of(records, "termination", pod="default/stubborn")]
    watch.configured("sleep runs as PID 1 with no handler", 'command: ["sleep", "3600"]')
    watch.holds(
        "the kernel drops SIGTERM and the Pod stays Terminating",
        "Terminating" in statuses(records, "stubborn") and steps[1][1] == "SIGTERM",
    )
    watch.says("{} s later the grace period ends: {}", steps[2][0] - steps[1][0], steps[2][1])
    watch.says("exit code {}", of(records, "container", pod="default/stubborn")[-1]["exitCode"])


@watch_check("sigterm-trapped")
def _sigterm_trapped(records: Records, watch: Watch) -> None:
    steps = [r["step"] for r in of(records, "termination", pod="default/polite")]
    watch.holds("The trap runs at SIGTERM", steps == ["killing", "SIGTERM"])
    worker = of(records, "container", pod="default/polite")[-1]
    watch.says("exits {} within seconds", worker["exitCode"])
    watch.configured('"sleep 3600 & wait" matters', "sleep 3600 &")


@watch_check("drain-blocked-by-pdb")
def _drain_blocked_by_pdb(records: Records, watch: Watch) -> None:
    [drained] = actions(records, "drain")
    watch.says("kubectl drain node-1 at {} s", drained)
    notices = [(r["t"], r["message"]) for r in of(records, "notice")]
    refused = [t for t, m in notices if "(will retry after 5s)" in m]
    watch.says("get {} and retry every {} s", 429, gaps(refused)[0])
    watch.holds('then "node/node-1 drained"', any(m == "node/node-1 drained" for _, m in notices))
    evicting = [(t, m.rsplit("/", 1)[1]) for t, m in notices if m.startswith("evicting pod ")]
    allowed = [
        (t, pod)
        for t, pod in evicting
        if not any(t == r and pod in m for r, m in notices if "will retry" in m)
    ]
    watch.holds("the first eviction is allowed", allowed[0][0] == drained)
    ready_on_2 = sorted(
        min(r["t"] for r in rows if r["ready"] == "1/1")
        for rows in _pods_by_name(records).values()
        if rows[0]["node"] == "node-2"
        and rows[0]["t"] >= drained
        and any(r["ready"] == "1/1" for r in rows)
    )
    waited = all(
        any(before < t <= at for t in ready_on_2)
        for (before, _), (at, _) in itertools.pairwise(allowed)
    )
    watch.holds("Each waits until the Deployment's replacement on node-2 is Ready", waited)


# -- Patterns ----------------------------------------------------------------------------


@watch_check("adapter-metrics")
def _adapter_metrics(records: Records, watch: Watch) -> None:
    first = logs(records, "app-with-adapter", "app")[0]
    watch.says('The app writes "{}" lines', first.removeprefix("wrote: "))
    watch.configured("follows the file (tail -F | while read)", "tail -n+1 -F /metrics/raw.log |")


@watch_check("ambassador-proxy")
def _ambassador_proxy(records: Records, watch: Watch) -> None:
    answers = logs(records, "app-with-ambassador", "app")
    watch.says("http://localhost:{}", answers[0].split("localhost:")[1].split("/")[0])


@watch_check("sidecar-log-shipper")
def _sidecar_log_shipper(records: Records, watch: Watch) -> None:
    pod = "default/app-with-shipper"
    shipper = of(records, "container", pod=pod, container="shipper")
    app = of(records, "container", pod=pod, container="app")
    watch.says("restartPolicy {}", "Always" if shipper[-1]["sidecar"] else "(not a sidecar)")
    started = {
        c: next(r["t"] for r in of(records, "container", pod=pod, container=c, state="running"))
        for c in ("shipper", "app")
    }
    watch.holds("starts first", started["shipper"] <= started["app"])
    watch.holds("is stopped after the app", shipper[-1]["finishedAt"] > app[-1]["finishedAt"])
    watch.holds(
        "follows the file into its own log",
        any(line.startswith("shipped [") for line in logs(records, "app-with-shipper", "shipper")),
    )
