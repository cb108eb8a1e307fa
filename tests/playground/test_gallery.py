"""The scenario gallery: the loader's schema errors, and every entry runs and makes its point."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gallery_birth_checks import BIRTH_CHECKS, KUBECTL_SAID
from gallery_conception_checks import CONCEPTION_CHECKS
from gallery_death_checks import DEATH_CHECKS, DRAIN_SAID
from gallery_netpol_checks import NETPOL_CHECKS
from gallery_node_checks import NODE_CHECKS
from gallery_rbac_checks import RBAC_CHECKS
from gallery_sysctl_checks import SYSCTL_CHECKS
from gallery_watch import KNOWN_DRIFT, WATCH_CHECKS, Watch
from gallery_watch_checks import of as _of  # noqa: F401  (registers the watch checks)
from gallery_workload_checks import WORKLOAD_CHECKS

from cluster_sim import Simulation, load_bundle
from cluster_sim.endpoints_records import expand
from playground.gallery import (
    CHAPTERS,
    GALLERY_DIR,
    GalleryError,
    by_chapter,
    entry,
    load_gallery,
)

Record = dict[str, Any]
DEFAULT_HORIZON = 300.0

# -- the loader ----------------------------------------------------------------

HEADER = """\
apiVersion: playground.podlife.dev/v1
kind: GalleryEntry
metadata: {{name: {slug}}}
spec:
  title: {title}
  chapter: {chapter}
  watch: |
    First thing to watch.
    Second thing to watch.
  order: {order}
"""
BODY = """\
---
# shown in the editor
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: busybox}]}
"""


def write(
    root: Path,
    slug: str,
    chapter: str = "pod",
    *,
    title: str = "A title",
    order: int = 10,
    edit: tuple[str, str] = ("", ""),
    body: str = BODY,
    directory: str | None = None,
) -> Path:
    """Write ``root/<directory or chapter>/<slug>.yaml``; ``edit`` replaces a header line."""
    path = root / (directory or chapter) / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(slug=slug, title=title, chapter=chapter, order=order)
    if edit[0]:
        assert edit[0] in header
        header = header.replace(*edit)
    path.write_text(header + body, encoding="utf-8")
    return path


def error_of(root: Path) -> GalleryError:
    with pytest.raises(GalleryError) as info:
        load_gallery(root)
    return info.value


def test_a_valid_gallery_loads_in_chapter_then_order(tmp_path: Path) -> None:
    write(tmp_path, "second", order=20)
    write(tmp_path, "first", order=10)
    write(tmp_path, "dying", "death", order=1)
    write(tmp_path, "born", "birth", order=99)
    entries = load_gallery(tmp_path)
    assert [e.slug for e in entries] == ["first", "second", "born", "dying"]
    first = entries[0]
    assert first.chapter.name == "What a Pod is"
    assert first.title == "A title"
    assert first.watch == ("First thing to watch.", "Second thing to watch.")
    assert first.order == 10
    assert first.path == tmp_path / "pod" / "first.yaml"
    # The editor gets the bundle without the header document.
    assert first.text == BODY.removeprefix("---\n")
    assert "GalleryEntry" not in first.text
    load_bundle([("first.yaml", first.text)])
    assert entry("born", tmp_path).chapter.slug == "birth"
    with pytest.raises(KeyError):
        entry("nope", tmp_path)
    assert [(c.slug, [e.slug for e in group]) for c, group in by_chapter(entries)] == [
        ("pod", ["first", "second"]),
        ("birth", ["born"]),
        ("death", ["dying"]),
    ]


def test_one_line_of_watch_and_no_order_are_fine(tmp_path: Path) -> None:
    write(tmp_path, "short", edit=("    Second thing to watch.\n  order: 10\n", ""))
    (item,) = load_gallery(tmp_path)
    assert (item.watch, item.order) == (("First thing to watch.",), 0)


def test_missing_title(tmp_path: Path) -> None:
    path = write(tmp_path, "untitled", edit=("  title: A title\n", ""))
    error = error_of(tmp_path)
    assert str(error) == f"{path}:4: missing spec.title"
    assert (error.path, error.line, error.problem) == (path, 4, "missing spec.title")


def test_empty_title(tmp_path: Path) -> None:
    path = write(tmp_path, "blank", title='""')
    assert str(error_of(tmp_path)) == f"{path}:5: spec.title must be non-empty text"


def test_unknown_chapter(tmp_path: Path) -> None:
    path = write(tmp_path, "lost", "afterlife", directory="pod")
    assert str(error_of(tmp_path)) == (
        f'{path}:6: unknown chapter "afterlife"; the chapters are '
        "conception, pod, birth, environment, health, society, death, patterns"
    )


def test_a_chapter_directory_that_is_not_a_chapter(tmp_path: Path) -> None:
    path = write(tmp_path, "lost", "pod", directory="misc")
    assert str(error_of(tmp_path)) == (
        f'{path}:1: unknown chapter directory "misc"; the chapters are '
        "conception, pod, birth, environment, health, society, death, patterns"
    )


def test_chapter_and_directory_must_agree(tmp_path: Path) -> None:
    path = write(tmp_path, "misfiled", "death", directory="birth")
    assert str(error_of(tmp_path)) == (
        f'{path}:6: chapter "death" but the file is in birth/; move it to gallery/death/'
    )


def test_watch_longer_than_two_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "chatty", edit=("    Second thing", "    Second.\n    Third thing"))
    assert str(error_of(tmp_path)) == (
        f"{path}:7: spec.watch has 3 lines; what to watch for is at most two lines"
    )


def test_empty_watch(tmp_path: Path) -> None:
    edit = ("  watch: |\n    First thing to watch.\n    Second thing to watch.\n", '  watch: ""\n')
    path = write(tmp_path, "mute", edit=edit)
    assert str(error_of(tmp_path)) == f"{path}:7: spec.watch must be non-empty text"


def test_duplicate_slug(tmp_path: Path) -> None:
    write(tmp_path, "twin", "birth")
    later = write(tmp_path, "twin", "death")
    assert str(error_of(tmp_path)) == (
        f'{later}:3: duplicate slug "twin": {tmp_path / "birth" / "twin.yaml"} has it already'
    )


def test_the_name_must_match_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "file-name", edit=("{name: file-name}", "{name: other-name}"))
    assert str(error_of(tmp_path)) == (
        f'{path}:3: metadata.name "other-name" must match the file name (file-name.yaml)'
    )


def test_a_slug_is_lowercase(tmp_path: Path) -> None:
    path = write(tmp_path, "Big_Name")
    assert str(error_of(tmp_path)) == (
        f'{path}:3: metadata.name "Big_Name" must be a slug: lowercase letters, digits and "-"'
    )


def test_missing_name(tmp_path: Path) -> None:
    path = write(tmp_path, "anonymous", edit=("{name: anonymous}", "{}"))
    assert str(error_of(tmp_path)) == f"{path}:3: missing metadata.name (the entry's slug)"


def test_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, "typo", edit=("  order: 10\n", "  order: 10\n  level: easy\n"))
    assert str(error_of(tmp_path)) == (
        f'{path}:11: unknown field "spec.level"; a GalleryEntry has title, chapter, watch, order'
    )


def test_order_must_be_a_whole_number(tmp_path: Path) -> None:
    path = write(tmp_path, "odd", edit=("order: 10", "order: first"))
    assert str(error_of(tmp_path)) == f"{path}:10: spec.order must be a whole number"


def test_the_first_document_must_be_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "headless", body="")
    path.write_text(BODY.removeprefix("---\n"))
    assert str(error_of(tmp_path)) == f"{path}:3: the first document must have kind: GalleryEntry"


def test_the_header_needs_its_api_version(tmp_path: Path) -> None:
    path = write(tmp_path, "old", edit=("podlife.dev/v1", "podlife.dev/v0"))
    assert str(error_of(tmp_path)) == (
        f"{path}:1: the header's apiVersion must be playground.podlife.dev/v1"
    )


def test_a_header_without_manifests(tmp_path: Path) -> None:
    path = write(tmp_path, "empty", body="")
    assert str(error_of(tmp_path)) == (
        f"{path}:10: no manifests after the header (separate them with a --- line)"
    )


def test_a_header_that_is_not_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", title="[unclosed")
    error = error_of(tmp_path)
    assert error.path == path and error.problem.startswith("the header is not valid YAML: ")


# -- the real gallery ------------------------------------------------------------

ENTRIES = load_gallery()
SLUGS = [e.slug for e in ENTRIES]
BY_SLUG = {e.slug: e for e in ENTRIES}


@functools.cache
def run(slug: str) -> tuple[Record, ...]:
    bundle = load_bundle([(f"{slug}.yaml", BY_SLUG[slug].text)])
    horizon = (bundle.scenario and bundle.scenario.horizon) or DEFAULT_HORIZON
    sim = Simulation(bundle, horizon=horizon)
    records = tuple(sim.advance(horizon))
    assert sim.finished
    return records


def of(records: tuple[Record, ...], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def events(records: tuple[Record, ...], reason: str, pod: str | None = None) -> list[Record]:
    return [
        r
        for r in of(records, "event", reason=reason)
        if pod is None or r["object"] == f"Pod/default/{pod}"
    ]


def logs(
    records: tuple[Record, ...], pod: str | None = None, container: str | None = None
) -> list[str]:
    return [
        r["line"]
        for r in of(records, "log")
        if pod in (None, r["pod"].split("/")[1]) and container in (None, r["container"])
    ]


def last_pod(records: tuple[Record, ...], pod: str) -> Record:
    return of(records, "pod", pod=f"default/{pod}")[-1]


def env(records: tuple[Record, ...], pod: str) -> dict[str, str]:
    record = of(records, "env", pod=f"default/{pod}")[-1]
    return {e["name"]: e["value"] for e in record["env"]}


def steps(records: tuple[Record, ...], pod: str) -> list[tuple[float, str]]:
    return [(r["t"], r["step"]) for r in of(records, "termination", pod=f"default/{pod}")]


# One check per entry: the point the entry makes really happens in its run.


def check_shared_network(records: tuple[Record, ...]) -> None:
    answers = logs(records, "two-containers", "client")
    assert len(answers) >= 5
    assert set(answers) == {"Welcome to nginx!"}  # localhost:80 is nginx's port


def check_shared_volume(records: tuple[Record, ...]) -> None:
    reader = logs(records, "shared-volume", "reader")
    assert reader[0] == "ls: /tmp/only-in-writer: No such file or directory"
    seen = [
        int(m.group(1)) for line in reader if (m := re.match(r"reader sees (\d+) entries", line))
    ]
    assert seen[0] >= 1 and seen[-1] > seen[0]  # it keeps seeing the writer's new lines


def check_hostname(records: tuple[Record, ...]) -> None:
    ip = last_pod(records, "hostname-demo")["podIP"]
    lines = logs(records, "hostname-demo")
    assert lines[0] == "db-0"
    assert f"{ip}\tdb-0.db.default.svc.cluster.local\tdb-0" in lines
    assert "Name:\tdb-0.db.default.svc.cluster.local" in lines
    assert f"Address: {ip}" in lines


def check_node_selector(records: tuple[Record, ...]) -> None:
    [scheduled] = events(records, "Scheduled", "fast-db")
    assert scheduled["message"].endswith(" to ssd-1")
    [failed] = events(records, "FailedScheduling", "gpu-job")
    assert "didn't match Pod's node affinity/selector" in failed["message"]
    assert events(records, "Scheduled", "gpu-job") == []
    assert last_pod(records, "gpu-job")["phase"] == "Pending"


def check_unschedulable(records: tuple[Record, ...]) -> None:
    [failed] = events(records, "FailedScheduling", "report")
    assert "Insufficient memory" in failed["message"]
    [scheduled] = events(records, "Scheduled", "report")
    batch_done = of(records, "container", pod="default/batch", state="terminated")[0]
    assert failed["t"] < batch_done["t"] <= scheduled["t"]
    assert last_pod(records, "report")["phase"] == "Succeeded"


def check_image_pull_failures(records: tuple[Record, ...]) -> None:
    typo = {r["reason"] for r in of(records, "container", pod="default/typo")}
    assert {"ErrImagePull", "ImagePullBackOff"} <= typo
    assert not of(records, "container", pod="default/typo", state="running")
    failed = [e for e in events(records, "Failed", "flaky") if "Failed to pull" in e["message"]]
    assert len(failed) == 2
    [pulled] = [e for e in events(records, "Pulled", "flaky")]
    assert pulled["t"] > failed[-1]["t"]
    assert last_pod(records, "flaky")["status"] == "Running"


def check_init_containers(records: tuple[Record, ...]) -> None:
    statuses = [r["status"] for r in of(records, "pod", pod="default/myapp-pod")]
    assert "Init:0/2" in statuses and "Init:1/2" in statuses
    done = {
        r["container"]: r["t"]
        for r in of(records, "container", pod="default/myapp-pod", state="terminated")
        if r["init"] and r["exitCode"] == 0
    }
    assert done["init-myservice"] > 20 and done["init-mydb"] > 30
    [app_started] = [
        e for e in events(records, "Started", "myapp-pod") if "myapp-container" in e["message"]
    ]
    assert app_started["t"] > max(done.values())
    assert "The app is running!" in logs(records, "myapp-pod", "myapp-container")


def check_literal_env(records: tuple[Record, ...]) -> None:
    assert logs(records, "env-demo")[:2] == ["Hello, Pod!", "$(UNDEFINED) stays as it is"]
    assert env(records, "env-demo")["MESSAGE"] == "Hello, Pod!"


def check_configmap(records: tuple[Record, ...]) -> None:
    lines = [(r["t"], r["line"]) for r in of(records, "log", pod="default/configured")]
    assert lines[0][1] == "app.properties" and lines[1][1] == "log-level"
    assert (lines[2][1]) == "env LOG_LEVEL=info, file log-level=info"
    after = [line for t, line in lines if t > 70]
    assert after and set(after) == {"env LOG_LEVEL=info, file log-level=debug"}
    assert of(records, "volume")


def check_secret(records: tuple[Record, ...]) -> None:
    assert env(records, "secret-demo")["DB_PASSWORD"] == "s3cr3t"  # plain text inside
    lines = logs(records, "secret-demo")
    assert not any("s3cr3t" in line for line in lines)  # the app masks it
    assert "password from env: 6 characters (masked)" in lines
    assert any(line.startswith("-r--------") and "/etc/db/password" in line for line in lines)


def check_downward_api(records: tuple[Record, ...]) -> None:
    pod = last_pod(records, "self-aware")
    lines = logs(records, "self-aware")
    assert f"running on node {pod['node']} with IP {pod['podIP']}" in lines
    assert "my memory limit is 67108864 bytes" in lines
    assert 'app="shop"' in lines and 'build="42"' in lines


def check_envfrom_prefix(records: tuple[Record, ...]) -> None:
    assert logs(records, "envfrom-demo") == [
        "DB_HOST=db.example.internal",
        "DB_PORT=6432",
        "DB_NAME=shop",
    ]


def check_service_links(records: tuple[Record, ...]) -> None:
    early, late = env(records, "early"), env(records, "late")
    assert "BACKEND_SERVICE_HOST" not in early and "KUBERNETES_SERVICE_HOST" in early
    assert late["BACKEND_SERVICE_HOST"].startswith("10.96.")
    assert late["BACKEND_PORT_80_TCP_PROTO"] == "tcp"
    assert not any(line.startswith("BACKEND_") for line in logs(records, "early"))
    assert any(line.startswith("BACKEND_SERVICE_HOST=") for line in logs(records, "late"))


def check_service_account_token(records: tuple[Record, ...]) -> None:
    lines = logs(records, "sa-demo")
    for name in ("ca.crt", "namespace", "token"):
        assert any(line.endswith(f" {name} -> ..data/{name}") for line in lines)
    assert "namespace: default" in lines


def check_liveness_restart(records: tuple[Record, ...]) -> None:
    killing = events(records, "Killing", "liveness-exec")
    assert killing[0]["message"] == "Container liveness failed liveness probe, will be restarted"
    assert len(events(records, "Unhealthy", "liveness-exec")) >= 3
    assert last_pod(records, "liveness-exec")["restarts"] >= 1
    # Killed and started in one sync, twice without back-off (issue #13 item 1).
    assert [e["t"] for e in events(records, "Started", "liveness-exec")][1:] == [75.0, 145.0]
    assert events(records, "BackOff", "liveness-exec") == []


def check_readiness_endpoints(records: tuple[Record, ...]) -> None:
    answers = logs(records, "client")
    assert len(answers) == 10
    assert set(answers) == {f"request {i} answered by: web-a" for i in range(1, 11)}
    assert not of(records, "pod", pod="default/web-b", ready="1/1")
    ip_b = last_pod(records, "web-b")["podIP"]
    assert all(ip_b not in r["ready"] for r in of(expand(records), "endpoints"))
    assert events(records, "Killing") == []


def check_startup_probe(records: tuple[Record, ...]) -> None:
    probes = [(r["t"], r["probe"], r["result"]) for r in of(records, "probe")]
    startup_ok = [t for t, probe, result in probes if probe == "startup" and result == "Success"]
    assert len(startup_ok) == 1
    failures = [t for t, probe, result in probes if probe == "startup" and result == "Failure"]
    assert len(failures) >= 10 and max(failures) < startup_ok[0]
    liveness = [t for t, probe, _ in probes if probe == "liveness"]
    assert liveness and min(liveness) > startup_ok[0]
    assert events(records, "Killing") == []
    assert last_pod(records, "slow-starter")["restarts"] == 0


def check_crashloop_backoff(records: tuple[Record, ...]) -> None:
    starts = [e["t"] for e in events(records, "Started", "crashy")]
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(starts[1:])]
    # each back-off (10, 20, 40, 80 s) plus the kubelet's next sync 10 s after it ends
    assert gaps[:4] == [20, 30, 50, 90]
    assert "CrashLoopBackOff" in {r["status"] for r in of(records, "pod", pod="default/crashy")}


def check_qos_classes(records: tuple[Record, ...]) -> None:
    classes = {
        name: last_pod(records, name)["qosClass"]
        for name in ("guaranteed", "burstable", "besteffort")
    }
    assert classes == {
        "guaranteed": "Guaranteed",
        "burstable": "Burstable",
        "besteffort": "BestEffort",
    }


def check_oom_kill(records: tuple[Record, ...]) -> None:
    killed = of(records, "container", pod="default/memory-demo-2", reason="OOMKilled")
    assert killed and killed[0]["exitCode"] == 137
    assert of(records, "oom")
    assert "CrashLoopBackOff" in {r["reason"] for r in of(records, "container")}


def check_eviction_order(records: tuple[Record, ...]) -> None:
    evicted = [e["object"] for e in events(records, "Evicted")]
    assert evicted == ["Pod/default/besteffort", "Pod/default/burstable"]
    assert of(records, "event", reason="NodeHasInsufficientMemory")
    assert last_pod(records, "guaranteed")["status"] == "Running"
    # Evicted while its containers stop, then kubectl shows how they stopped (printers.go).
    assert last_pod(records, "besteffort")["status"] == "Error"
    assert any(r["status"] == "Evicted" for r in of(records, "pod", pod="default/besteffort"))


def check_graceful_termination(records: tuple[Record, ...]) -> None:
    assert steps(records, "web") == [(30.0, "killing"), (30.0, "SIGQUIT")]  # STOPSIGNAL
    nginx = of(records, "container", pod="default/web")[-1]
    assert (nginx["t"], nginx["reason"], nginx["exitCode"]) == (30.0, "Completed", 0)
    assert "Terminating" in {r["status"] for r in of(records, "pod", pod="default/web")}
    assert of(records, "deleted", pod="default/web")


def check_prestop_hook(records: tuple[Record, ...]) -> None:
    hooks = [(r["hook"], r["phase"], r.get("result")) for r in of(records, "hook")]
    assert ("postStart", "end", "Success") in hooks
    assert ("preStop", "end", "Success") in hooks
    assert [s for _, s in steps(records, "lifecycle-demo")] == ["killing"]  # no SIGTERM, SIGKILL
    assert "[notice] 1#1: signal 3 (SIGQUIT) received, exiting" in logs(records, "lifecycle-demo")


def check_sigterm_ignored(records: tuple[Record, ...]) -> None:
    assert steps(records, "stubborn") == [(20.0, "killing"), (20.0, "SIGTERM"), (50.0, "SIGKILL")]
    sleeper = of(records, "container", pod="default/stubborn")[-1]
    assert (sleeper["t"], sleeper["exitCode"]) == (50.0, 137)
    assert [r["t"] for r in of(records, "deleted")] == [51.0]


def check_sigterm_trapped(records: tuple[Record, ...]) -> None:
    assert [s for _, s in steps(records, "polite")] == ["killing", "SIGTERM"]
    assert logs(records, "polite")[-2:] == ["got SIGTERM: saving my work", "saved, bye"]
    worker = of(records, "container", pod="default/polite")[-1]
    assert (worker["t"], worker["exitCode"]) == (22.0, 0)


def check_sidecar_log_shipper(records: tuple[Record, ...]) -> None:
    shipped = [
        (r["t"], m.groups())
        for r in of(records, "log", pod="default/app-with-shipper", container="shipper")
        if (m := re.fullmatch(r"shipped \[(\d\d:\d\d:\d\d)\] (.*)", r["line"]))
    ]
    assert [what for _, (_, what) in shipped] == [f"order {i} processed" for i in range(1, 6)]
    assert logs(records, "app-with-shipper", "app") == ["all orders processed"]
    shipper = of(records, "container", pod="default/app-with-shipper", container="shipper")[-1]
    app = of(records, "container", pod="default/app-with-shipper", container="app")[-1]
    # The tail -F | while-read pipeline delivers each line as it is written (within
    # tail's 1 s poll), while the app still runs: the stages run concurrently.
    for t, (written, _) in shipped:
        h, m, sec = map(int, written.split(":"))
        assert 0 <= t - (h * 3600 + m * 60 + sec) <= 2
        assert t < app["finishedAt"]
    assert shipper["sidecar"] and shipper["state"] == "terminated" and shipper["exitCode"] == 0
    assert shipper["finishedAt"] > app["finishedAt"]
    assert last_pod(records, "app-with-shipper")["phase"] == "Succeeded"


def check_ambassador_proxy(records: tuple[Record, ...]) -> None:
    answers = logs(records, "app-with-ambassador", "app")
    assert answers and set(answers) == {
        "asked localhost:8080/hostname, answered by: app-with-ambassador"
    }
    [ready] = of(records, "probe", container="ambassador", probe="startup", result="Success")
    [app_started] = [e for e in events(records, "Started") if "container app" in e["message"]]
    assert app_started["t"] > ready["t"]


def check_adapter_metrics(records: tuple[Record, ...]) -> None:
    raw = logs(records, "app-with-adapter", "app")
    assert raw[0] == "wrote: reqs=7 errs=0 lat=137ms"
    out = logs(records, "app-with-adapter", "adapter")
    assert out[:3] == ["app_requests_total 7", "app_errors_total 0", "app_latency_seconds 0.137"]
    assert all(re.fullmatch(r"app_[a-z_]+ \d+(\.\d{3})?", line) for line in out)
    # Every line the app writes comes out of the tail -F | while-read pipeline at once.
    wrote = [r for r in of(records, "log", pod="default/app-with-adapter", container="app")]
    totals = [r for r in of(records, "log", pod="default/app-with-adapter", container="adapter")]
    totals = [r for r in totals if r["line"].startswith("app_requests_total ")]
    assert len(totals) >= len(wrote) - 1 >= 10
    for raw, total in zip(wrote, totals, strict=False):
        assert raw["line"].split()[1] == "reqs=" + total["line"].split()[1]
        assert 0 <= total["t"] - raw["t"] <= 1


CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "shared-network": check_shared_network,
    "shared-volume": check_shared_volume,
    "hostname": check_hostname,
    "node-selector": check_node_selector,
    "unschedulable": check_unschedulable,
    "image-pull-failures": check_image_pull_failures,
    "init-containers": check_init_containers,
    "literal-env": check_literal_env,
    "configmap": check_configmap,
    "secret": check_secret,
    "downward-api": check_downward_api,
    "envfrom-prefix": check_envfrom_prefix,
    "service-links": check_service_links,
    "service-account-token": check_service_account_token,
    "liveness-restart": check_liveness_restart,
    "readiness-endpoints": check_readiness_endpoints,
    "startup-probe": check_startup_probe,
    "crashloop-backoff": check_crashloop_backoff,
    "qos-classes": check_qos_classes,
    "oom-kill": check_oom_kill,
    "eviction-order": check_eviction_order,
    "graceful-termination": check_graceful_termination,
    "prestop-hook": check_prestop_hook,
    "sigterm-ignored": check_sigterm_ignored,
    "sigterm-trapped": check_sigterm_trapped,
    "sidecar-log-shipper": check_sidecar_log_shipper,
    "ambassador-proxy": check_ambassador_proxy,
    "adapter-metrics": check_adapter_metrics,
}

CHECKS.update(BIRTH_CHECKS)  # the Birth entries about controllers (issue #11)
CHECKS.update(DEATH_CHECKS)  # the Death entries about node maintenance (issue #12)
CHECKS.update(WORKLOAD_CHECKS)  # the Birth entries about Jobs, CronJobs, DS, STS (issue #12)
CHECKS.update(NODE_CHECKS)  # the entries about node taints (issue #12)
CHECKS.update(NETPOL_CHECKS)  # the Classed society entries about NetworkPolicy (issue #14)
CHECKS.update(RBAC_CHECKS)  # the Classed society entries about RBAC (issue #14)
CHECKS.update(SYSCTL_CHECKS)  # the Classed society entry about sysctls (issue #14)
CHECKS.update(CONCEPTION_CHECKS)  # the Conception entries: pipelines, attestation (issue #16)


def test_the_gallery_has_entries_in_every_chapter() -> None:
    assert [chapter.slug for chapter, _ in by_chapter(ENTRIES)] == [c.slug for c in CHAPTERS]
    assert all(e.path.is_relative_to(GALLERY_DIR) for e in ENTRIES)


def test_every_entry_has_a_behaviour_check() -> None:
    assert sorted(set(SLUGS) - set(CHECKS)) == [], "add a check_<slug> to CHECKS"
    assert sorted(set(CHECKS) - set(SLUGS)) == [], "a check for an entry that is gone"


@pytest.mark.parametrize("slug", SLUGS)
def test_entry_loads_and_runs(slug: str) -> None:
    item = entry(slug)
    assert 1 <= len(item.watch) <= 2 and item.title
    records = run(slug)
    assert records, "the run produced nothing"
    # Every Scenario action took effect: the only notice allowed is the default cluster.
    notices = [r["message"] for r in of(records, "notice")]
    assert [
        m
        for m in notices
        if not m.startswith("no Node in the input")
        and not KUBECTL_SAID.match(m)
        and not DRAIN_SAID.match(m)
    ] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_entry_makes_its_point(slug: str) -> None:
    check = CHECKS.get(slug)
    if check is None:
        pytest.fail(f"no behaviour check for gallery entry {slug!r}")
    check(run(slug))


# -- what to watch for: every fact of an entry's watch text holds in its run ------


def test_every_entry_has_a_watch_check() -> None:
    missing = sorted(set(SLUGS) - set(WATCH_CHECKS))
    assert missing == [], "add a @watch_check(slug) (see gallery/README.md, 'Checking the text')"
    assert sorted(set(WATCH_CHECKS) - set(SLUGS)) == [], "a watch check for an entry that is gone"


WATCH_SLUGS = [
    pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DRIFT[s]))
    if s in KNOWN_DRIFT
    else s
    for s in SLUGS
]


@pytest.mark.parametrize("slug", WATCH_SLUGS)
def test_entry_watch_text_holds(slug: str) -> None:
    check = WATCH_CHECKS.get(slug)
    if check is None:
        pytest.fail(f"no watch check for gallery entry {slug!r}")
    item = BY_SLUG[slug]
    watch = Watch(slug, item.watch, item.text)
    check(run(slug), watch)
    assert watch.unchecked() == [], (
        f"{slug}: the watch text states facts no check confirms from the run:\n{watch.text}"
    )
