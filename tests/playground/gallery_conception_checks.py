"""The behaviour and watch-text checks of the Conception chapter's entries (issue #16).

test_gallery.py runs every entry and calls its check with the run's records;
``CONCEPTION_CHECKS`` joins its CHECKS table and the ``@watch_check``s register
themselves when this module is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gallery_watch import Records, Watch, watch_check

Record = dict[str, Any]
WEBHOOK_DENIAL = 'admission webhook "attestation.policy.podlife.dev" denied the request'


def _of(records: tuple[Record, ...], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def _step(records: tuple[Record, ...], step: str, phase: str) -> Record:
    [record] = _of(records, "pipeline", step=step, phase=phase)
    return record


def _steps(records: tuple[Record, ...]) -> list[tuple[str, str]]:
    return [(r["step"], r["phase"]) for r in _of(records, "pipeline")]


def _images(records: tuple[Record, ...], deployment: str) -> list[list[str]]:
    return [r["images"] for r in _of(records, "workload", workload=deployment)]


PROMOTED_STEPS = [
    ("tests", "Running"), ("tests", "Succeeded"), ("build", "Running"), ("build", "Succeeded"),
    ("push", "Running"), ("push", "Succeeded"), ("scan", "Running"), ("scan", "Succeeded"),
    ("attest", "Running"), ("attest", "Succeeded"), ("notify", "Running"),
    ("notify", "Succeeded"), ("canary", "Running"), ("canary", "Succeeded"),
    ("checks", "Running"), ("checks", "Succeeded"), ("promote", "Running"),
    ("promote", "Succeeded"), ("run", "Promoted"),
]  # fmt: skip


def check_canary_promoted(records: tuple[Record, ...]) -> None:
    assert _steps(records) == PROMOTED_STEPS
    digest = _step(records, "push", "Succeeded")["digest"]
    reference = f"registry.podlife.dev/shop/web@{digest}"
    [push] = _of(records, "registry", action="push")
    assert (push["tag"], push["digest"], push["sourceCommit"][:7]) == ("3f9c2e1", digest, "3f9c2e1")
    # The birth certificate: one occurrence of each kind, and a DEPLOYMENT per Pod.
    kinds = [r["occurrence"]["kind"] for r in _of(records, "occurrence", digest=digest)]
    assert kinds[:4] == ["BUILD", "DISCOVERY", "VULNERABILITY", "ATTESTATION"]
    deployed = {
        r["occurrence"]["deployment"]["config"]
        for r in _of(records, "occurrence", digest=digest)
        if r["occurrence"]["kind"] == "DEPLOYMENT"
    }
    canary = _step(records, "canary", "Succeeded")["t"]
    born_after = {r["pod"] for r in _of(records, "pod")} - {
        r["pod"] for r in _of(records, "pod") if r["t"] < canary
    }
    assert len(born_after) == 4  # the canary's Pod, then web's three
    assert deployed == {f"Pod/{p}" for p in born_after}
    assert _images(records, "Deployment/shop/web")[-1] == [reference]
    assert _images(records, "Deployment/shop/web-canary")[-1] == [reference]
    assert _of(records, "workload", workload="Deployment/shop/web-canary")[-1]["desired"] == 0
    assert _of(records, "workload", workload="Deployment/shop/web")[-1]["ready"] == 3


def check_canary_rolled_back(records: tuple[Record, ...]) -> None:
    assert _steps(records)[-6:] == [
        ("checks", "Running"), ("checks", "Failed"), ("rollback", "Running"),
        ("rollback", "Succeeded"), ("promote", "Skipped"), ("run", "RolledBack"),
    ]  # fmt: skip
    canary = _of(records, "pod")
    assert any(r["status"] == "CrashLoopBackOff" for r in canary if "web-canary" in r["pod"])
    assert not any(
        r["ready"] == "1/1" for r in _of(records, "pod") if r["pod"].startswith("shop/web-canary")
    )
    assert all(images == ["nginx:1.27"] for images in _images(records, "Deployment/shop/web"))
    assert _images(records, "Deployment/shop/web-canary")[-1] == ["nginx:1.27"]
    assert _of(records, "workload", workload="Deployment/shop/web-canary")[-1]["desired"] == 0
    assert _of(records, "deleted") and all(
        r["pod"].startswith("shop/web-canary") for r in _of(records, "deleted")
    )


def check_attestation_required(records: tuple[Record, ...]) -> None:
    refused = [
        r for r in _of(records, "event", reason="FailedCreate") if WEBHOOK_DENIAL in r["message"]
    ]
    signed = _step(records, "attest", "Succeeded")["t"]
    assert refused and all(r["t"] < signed for r in refused)
    assert all('image "nginx:1.27"' in r["message"] for r in refused)
    assert _of(records, "pod") and all(r["t"] > signed for r in _of(records, "pod"))
    assert _step(records, "run", "Promoted")
    assert _of(records, "workload", workload="Deployment/secure/web")[-1]["ready"] == 2


def _first_running(records: tuple[Record, ...]) -> dict[str, Record]:
    """Each Pod's first running container record (its image and imageID)."""
    first: dict[str, Record] = {}
    for r in _of(records, "container", state="running"):
        first.setdefault(r["pod"], r)
    return first


def _digest(record: Record) -> str:
    return str(record["imageID"]).rpartition("@")[2]


def check_tag_moves(records: tuple[Record, ...]) -> None:
    [push] = _of(records, "registry", action="push")
    assert (push["repository"], push["tag"], push["t"]) == ("docker.io/library/nginx", "1.27", 60.0)
    old, new = push["previous"], push["digest"]
    assert old and new and old != new
    started = _first_running(records)
    web = {p: r for p, r in started.items() if p.startswith("default/web-") and "pinned" not in p}
    pinned = {p: r for p, r in started.items() if "web-pinned" in p}
    # Before the push every Pod runs the old digest; after it, web's new replica (on node-3)
    # runs the new one under the same tag, and web-pinned's runs the old one again.
    assert sorted((r["t"] > 60, _digest(r)) for r in web.values()) == [
        (False, old), (False, old), (True, new)
    ]  # fmt: skip
    assert {_digest(r) for r in pinned.values()} == {old} and len(pinned) == 3
    late = [p for p, r in web.items() if r["t"] > 60]
    [scheduled] = _of(records, "event", reason="Scheduled", object=f"Pod/{late[0]}")
    assert scheduled["message"].endswith(" to node-3")
    assert all(r["image"] == "docker.io/library/nginx:1.27" for r in web.values())


CONCEPTION_CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "tag-moves": check_tag_moves,
    "canary-promoted": check_canary_promoted,
    "canary-rolled-back": check_canary_rolled_back,
    "attestation-required": check_attestation_required,
}


@watch_check("canary-promoted")
def _canary_promoted(records: Records, watch: Watch) -> None:
    tests = _step(records, "tests", "Succeeded")["t"]
    watch.says("tests {} s, build", tests)
    watch.holds(
        "build, push (a digest), scan, attest, notify",
        [s for s, p in _steps(records) if p == "Succeeded"][1:6]
        == ["build", "push", "scan", "attest", "notify"]
        and _step(records, "push", "Succeeded")["digest"].startswith("sha256:"),
    )
    canary = _step(records, "canary", "Succeeded")["t"]
    watch.says("at {} s the canary runs the digest", canary)
    checks = _step(records, "checks", "Succeeded")
    ready = [
        r["t"]
        for r in records
        if r["kind"] == "pod" and "web-canary" in r["pod"] and r["ready"] == "1/1"
    ]
    watch.holds("Its Pod is Ready for 30 s", checks["t"] - ready[0] >= 30)
    watch.says("so at {} s the pipeline promotes", _step(records, "promote", "Succeeded")["t"])


@watch_check("canary-rolled-back")
def _canary_rolled_back(records: Records, watch: Watch) -> None:
    watch.configured("rebuilds the image FROM busybox", "from: busybox")
    looping = any(
        r["status"] == "CrashLoopBackOff" for r in _of(records, "pod") if "web-canary" in r["pod"]
    )
    watch.holds("the canary goes to CrashLoopBackOff", looping)
    failed = _step(records, "checks", "Failed")
    started = _step(records, "checks", "Running")["t"]
    watch.says("The checks give up after {} s (at {} s)", failed["t"] - started, failed["t"])
    watch.holds(
        "the canary is rolled back and scaled to 0",
        _of(records, "workload", workload="Deployment/shop/web-canary")[-1]["desired"] == 0
        and bool(_of(records, "pipeline", step="rollback", phase="Succeeded")),
    )
    watch.holds(
        "web keeps running nginx:1.27",
        all(images == ["nginx:1.27"] for images in _images(records, "Deployment/shop/web")),
    )


@watch_check("attestation-required")
def _attestation_required(records: Records, watch: Watch) -> None:
    refused = [
        r for r in _of(records, "event", reason="FailedCreate") if WEBHOOK_DENIAL in r["message"]
    ]
    watch.holds(
        "web's ReplicaSet gets FailedCreate (admission webhook ... denied the request) for "
        "nginx:1.27",
        bool(refused) and all('image "nginx:1.27"' in r["message"] for r in refused),
    )
    watch.says("The pipeline signs its digest at {} s", _step(records, "attest", "Succeeded")["t"])
    canary_pods = [r for r in _of(records, "pod") if "web-canary" in r["pod"]]
    web_pods = [r for r in _of(records, "pod") if "web-canary" not in r["pod"]]
    promoted = _step(records, "promote", "Succeeded")["t"]
    watch.holds("the canary's Pod is admitted", bool(canary_pods))
    watch.holds(
        "once web is promoted its Pods are created",
        bool(web_pods) and min(r["t"] for r in web_pods) >= promoted,
    )


@watch_check("tag-moves")
def _tag_moves(records: Records, watch: Watch) -> None:
    [push] = _of(records, "registry", action="push")
    watch.says("At {} s nginx:{} is pushed again", push["t"], push["tag"])
    watch.holds("moves to a new digest", push["digest"] != push["previous"] != "")
    started = _first_running(records)
    web = [r for p, r in started.items() if p.startswith("default/web-") and "pinned" not in p]
    pinned = [r for p, r in started.items() if "web-pinned" in p]
    watch.holds(
        "web's Pods already running keep the old one",
        all(_digest(r) == push["previous"] for r in web if r["t"] < push["t"]),
    )
    [scaled] = [r for r in _of(records, "action", action="scale") if r["args"]["name"] == "web"]
    watch.says("At {} s web's new replica", scaled["t"])
    watch.holds(
        "on the new node pulls the new digest",
        [_digest(r) for r in web if r["t"] > scaled["t"]] == [push["digest"]],
    )
    watch.holds(
        "web-pinned's pulls the old one",
        [_digest(r) for r in pinned if r["t"] > scaled["t"]] == [push["previous"]],
    )
