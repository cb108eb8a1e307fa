"""A Pipeline's run on the clock (issue #16): what a learner sees step by step."""

from __future__ import annotations

from pipeline_bundles import bundle_text, of, run, steps

DIGEST_PREFIX = "sha256:"


def test_a_failed_test_step_builds_no_image_and_rolls_nothing_out():
    records = run(bundle_text(result="fail"))
    assert steps(records) == [
        (0.0, "tests", "Running"),
        (30.0, "tests", "Failed"),
        *[(30.0, step, "Skipped") for step in (
            "build", "push", "scan", "attest", "notify", "canary", "checks", "promote"
        )],
        (30.0, "run", "Failed"),
    ]  # fmt: skip
    [failed] = of(records, "event", reason="TestsFailed")
    assert failed["object"] == "Pipeline/shop/web" and failed["type"] == "Warning"
    assert failed["message"] == "Tests failed for commit 3f9c2e1: no image is built"
    assert of(records, "registry") == []  # no push
    assert of(records, "occurrence") == [] and of(records, "note") == []  # no birth certificate
    images = {tuple(r["images"]) for r in of(records, "workload", kindOf="Deployment")}
    assert images == {("nginx:1.27",)}  # no rollout
    assert not [r for r in of(records, "pod") if "web-canary" in r["pod"]]


def test_a_passing_commit_is_promoted_through_its_canary():
    records = run(bundle_text())
    timeline = steps(records)
    assert [(t, s, p) for t, s, p in timeline if p != "Running"] == [
        (30.0, "tests", "Succeeded"),
        (75.0, "build", "Succeeded"),  # 45 s
        (80.0, "push", "Succeeded"),  # 5 s
        (90.0, "scan", "Succeeded"),  # 10 s
        (91.0, "attest", "Succeeded"),  # 1 s
        (92.0, "notify", "Succeeded"),  # 1 s
        (92.0, "canary", "Succeeded"),
        # The canary's Pod is Ready at 101 s (pull, start, probe); the check that second ran
        # before the probe's result, so it counts the Pod from 102 s, and 20 s later passes.
        (122.0, "checks", "Succeeded"),
        (122.0, "promote", "Succeeded"),
        (122.0, "run", "Promoted"),
    ]
    [push] = of(records, "registry", action="push")
    digest = push["digest"]
    assert digest.startswith(DIGEST_PREFIX)
    assert (push["repository"], push["tag"], push["base"]) == (
        "registry.podlife.dev/shop/web",
        "3f9c2e1",
        "docker.io/library/nginx:1.27",
    )
    reference = f"registry.podlife.dev/shop/web@{digest}"
    canary = of(records, "workload", workload="Deployment/shop/web-canary")
    web = of(records, "workload", workload="Deployment/shop/web")
    assert [r["images"] for r in web][-1] == [reference]
    assert canary[-1]["images"] == [reference] and canary[-1]["desired"] == 0
    notices = [r["message"] for r in of(records, "notice") if r["t"] >= 92]
    assert notices == [
        "deployment.apps/web-canary image updated",
        "deployment.apps/web-canary scaled",
        "deployment.apps/web image updated",
        "deployment.apps/web-canary scaled",
    ]
    [promoted] = of(records, "event", reason="Promoted")
    assert promoted["message"] == (f"Promoted {reference} to deployment/web in shop")
    # The Pods it gives birth to come after its lanes: the canary's at 92 s, web's at 122 s.
    born = sorted({r["t"] for r in of(records, "event", reason="SuccessfulCreate")})
    assert born[0] == 0.0 and born[1] == 92.0 and 122.0 in born


def test_a_canary_that_never_gets_ready_is_rolled_back():
    records = run(bundle_text(base="busybox", timeout=60))
    assert [(t, s, p) for t, s, p in steps(records) if t >= 92] == [
        (92.0, "notify", "Succeeded"),
        (92.0, "canary", "Running"),
        (92.0, "canary", "Succeeded"),
        (92.0, "checks", "Running"),
        (152.0, "checks", "Failed"),
        (152.0, "rollback", "Running"),
        (152.0, "rollback", "Succeeded"),
        (152.0, "promote", "Skipped"),
        (152.0, "run", "RolledBack"),
    ]
    [failed] = of(records, "pipeline", step="checks", phase="Failed")
    assert failed["message"] == "0/1 canary Pod(s) Ready for 20s within 60s"
    [event] = of(records, "event", reason="CanaryFailed")
    assert event["message"] == (
        "Canary web-canary failed its checks: 0/1 canary Pod(s) Ready for 20s within 60s"
    )
    assert [r["message"] for r in of(records, "notice") if r["t"] == 152.0] == [
        "deployment.apps/web-canary rolled back",
        "deployment.apps/web-canary scaled",
    ]
    canary = of(records, "workload", workload="Deployment/shop/web-canary")
    assert canary[-1]["images"] == ["nginx:1.27"] and canary[-1]["desired"] == 0
    web = of(records, "workload", workload="Deployment/shop/web")
    assert {tuple(r["images"]) for r in web} == {("nginx:1.27",)}
    statuses = {r["status"] for r in of(records, "pod") if "web-canary" in r["pod"]}
    assert "CrashLoopBackOff" in statuses


def test_a_critical_vulnerability_leaves_the_image_unsigned_and_undeployed():
    records = run(
        bundle_text(findings="[{id: CVE-2026-9999, severity: CRITICAL, package: openssl}]")
    )
    [refused] = of(records, "pipeline", step="attest", phase="Failed")
    assert refused["t"] == 91.0
    assert refused["message"] == "not signed: CRITICAL vulnerabilities CVE-2026-9999"
    assert [(s, p) for _, s, p in steps(records)][-5:] == [
        ("notify", "Skipped"), ("canary", "Skipped"), ("checks", "Skipped"),
        ("promote", "Skipped"), ("run", "Failed"),
    ]  # fmt: skip
    kinds = [r["occurrence"]["kind"] for r in of(records, "occurrence")]
    assert kinds == ["BUILD", "DISCOVERY", "VULNERABILITY"]  # pushed and scanned, never signed


def test_a_run_is_the_same_every_time():
    text = bundle_text()
    assert run(text) == run(text)
