"""Acceptance (issue #16): the birth certificate of a running container, and the pipeline's lanes.

The gallery's canary-promoted run: a Pipeline tests, builds, pushes, scans,
signs and promotes a commit through a canary. The timeline draws a lane per
step above the Pods. Selecting a container of the promoted Deployment shows its
image's birth certificate in the inspector: the commit, the pipeline run, the
scan, the attestation and the other Pods that run the digest; a container of a
catalogue image says it has none. The run's Grafeas metadata downloads as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from playground.gallery import entry

TIMEOUT_MS = 30_000
SHA = "3f9c2e1d4b5a69788f0e1d2c3b4a5968778695a4"
PROMOTED = (
    "() => window.podPlayground.store.records.some((r) => r.kind === 'pipeline'"
    " && r.step === 'run' && r.phase === 'Promoted')"
)
LANES_ABOVE_PODS = """() => {
    const lanes = document.querySelector('.pipeline-rows');
    const pod = document.querySelector('.pod-group');
    if (!lanes || !pod) return false;
    return lanes.getBoundingClientRect().bottom <= pod.getBoundingClientRect().top;
}"""
WEB_POD = (
    "() => { const s = window.podPlayground.store; const r = s.records.find((x) => "
    "x.kind === 'container' && x.state === 'running' && x.pod.startsWith('shop/web-') && "
    "!x.pod.startsWith('shop/web-canary') && String(x.imageID).includes('registry.podlife.dev'));"
    " return r ? r.pod : null; }"
)
OLD_POD = (
    "() => { const s = window.podPlayground.store; const r = s.records.find((x) => "
    "x.kind === 'container' && x.state === 'running' && x.pod.startsWith('shop/web-'));"
    " return r ? r.pod : null; }"
)


def test_a_running_containers_birth_certificate_names_its_commit_and_attestation(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", entry("canary-promoted").text)
    page.select_option("#speed", "100")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")

    # The pipeline's lanes come before the Pods: one per step, the tests first.
    steps = page.locator('.pipeline-run[data-run="web-3f9c2e1"] [data-row="pipeline-step"]')
    expect(steps.first).to_have_attribute("data-step", "tests", timeout=TIMEOUT_MS)
    page.wait_for_function(PROMOTED, timeout=TIMEOUT_MS)
    page.wait_for_function(WEB_POD, timeout=TIMEOUT_MS)
    expect(page.locator('.pipeline-run[data-run="web-3f9c2e1"]')).to_have_attribute(
        "data-outcome", "Promoted", timeout=TIMEOUT_MS
    )
    names = steps.evaluate_all("(els) => els.map((e) => e.dataset.step + ':' + e.dataset.phase)")
    assert names == [
        "tests:Succeeded", "build:Succeeded", "push:Succeeded", "scan:Succeeded",
        "attest:Succeeded", "notify:Succeeded", "canary:Succeeded", "checks:Succeeded",
        "promote:Succeeded",
    ]  # fmt: skip
    # A new Pod's group is drawn at the top of its layer and moved to its place by the
    # next layout pass (``layoutDirty``), a frame later: the lanes must end above it
    # once it is laid out (measured right after it became visible, the group was
    # sometimes still at the top, 0).
    expect(page.locator(".pod-group").first).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function(LANES_ABOVE_PODS, timeout=TIMEOUT_MS)

    # A container of the promoted Deployment: its birth certificate.
    pod = page.evaluate(WEB_POD)
    page.select_option("#inspect-pod", pod)
    box = page.locator("#birthcert-view")
    expect(box).to_be_visible(timeout=TIMEOUT_MS)
    expect(box.locator("[data-testid=birthcert-commit]")).to_contain_text(
        "3f9c2e1 Serve the new front page", timeout=TIMEOUT_MS
    )
    expect(box.locator("[data-testid=birthcert-source]")).to_contain_text(SHA)
    expect(box.locator("[data-testid=birthcert-run]")).to_contain_text("web-3f9c2e1")
    expect(box.locator("[data-testid=birthcert-scan]")).to_contain_text(
        "1 vulnerability: 1 LOW (CVE-2026-1234)"
    )
    expect(box.locator("[data-testid=birthcert-attestation]")).to_contain_text(
        "signed by ci-release"
    )
    expect(box.locator("[data-testid=birthcert-elsewhere]")).to_contain_text("shop/web-")
    # The canary's Pod started the digest first and is gone since the promotion.
    expect(box.locator("[data-testid=birthcert-before]")).to_contain_text("shop/web-canary-")

    # The run's Grafeas metadata, as JSON.
    with page.expect_download() as info:
        box.locator("[data-testid=birthcert-export]").click()
    exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    kinds = [o["kind"] for o in exported["occurrences"]]
    assert kinds[:4] == ["BUILD", "DISCOVERY", "VULNERABILITY", "ATTESTATION"]
    assert "DEPLOYMENT" in kinds
    assert (
        exported["occurrences"][0]["build"]["provenance"]["sourceProvenance"]["context"]["git"][
            "revisionId"
        ]
        == SHA
    )
    assert {n["kind"] for n in exported["notes"]} >= {"BUILD", "ATTESTATION"}

    # A Pod that ran the catalogue's nginx:1.27 before the promotion has none.
    old = page.evaluate(OLD_POD)
    page.select_option("#inspect-pod", old)
    expect(box.locator("[data-testid=birthcert-none]")).to_contain_text(
        "was not built by a pipeline in this cluster: it has no birth certificate here",
        timeout=TIMEOUT_MS,
    )
