"""A tag that moves under a running Pod, from the page (issue #16): Image ID in describe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cluster_sim.registry import Registry

TIMEOUT_MS = 30_000
OLD = Registry().resolve("nginx:1.27").digest  # nginx:1.27 at the start of every run

WEB = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: "nginx:1.27"}]
"""
SCENARIO = """\
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: moved}
spec:
  horizon: 600
  nodes: 1
"""
AGAIN = """\
---
apiVersion: v1
kind: Pod
metadata: {name: again}
spec:
  containers: [{name: app, image: "nginx:1.27", imagePullPolicy: Always}]
"""


def test_a_push_moves_the_tag_and_a_new_pull_shows_the_new_image_id(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", WEB + SCENARIO)
    page.select_option("#speed", "10")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    web = page.locator('#pods tbody tr[data-pod="default/web"]')
    expect(web.locator(".status-text")).to_have_text("Running", timeout=TIMEOUT_MS)
    web.click()
    describe = page.locator("#describe")
    expect(describe).to_contain_text("Image:         nginx:1.27", timeout=TIMEOUT_MS)
    expect(describe).to_contain_text(f"Image ID:      docker.io/library/nginx@{OLD}")

    page.fill("#act-push-tag", "nginx:1.27")
    page.fill("#act-push-from", "nginx:1.28")
    page.fill("#act-push-commit", "9f1c2e0")
    page.click("#act-push-image")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text("push nginx:1.27 built FROM nginx:1.28 (commit 9f1c2e0)")
    page.wait_for_function(
        "() => window.podPlayground.store.records.some((r) => r.kind === 'registry')",
        timeout=TIMEOUT_MS,
    )
    records = page.evaluate("() => window.podPlayground.store.records")
    (push,) = [r for r in records if r["kind"] == "registry"]
    assert (push["tag"], push["previous"], push["sourceCommit"]) == ("1.27", OLD, "9f1c2e0")

    page.evaluate("(text) => window.podEditor.setValue(text)", WEB + AGAIN + SCENARIO)
    page.click("#act-apply")
    again = page.locator('#pods tbody tr[data-pod="default/again"]')
    # A run that went quiet goes on paused when an action gives it something to do.
    expect(again).to_be_visible(timeout=TIMEOUT_MS)
    play = page.locator("#play")
    expect(play).to_be_enabled(timeout=TIMEOUT_MS)
    if play.get_attribute("data-state") == "paused":
        play.click()
    expect(again.locator(".status-text")).to_have_text("Running", timeout=TIMEOUT_MS)
    again.click()
    expect(describe).to_contain_text(f"Image ID:      docker.io/library/nginx@{push['digest']}")
    web.click()  # the Pod that pulled before the push still runs the old bytes
    expect(describe).to_contain_text(f"Image ID:      docker.io/library/nginx@{OLD}")
