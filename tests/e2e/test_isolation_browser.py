"""One user's endless loop does not stall another user's page (a real Daphne, two browsers)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

TIMEOUT_MS = 20_000
ENDLESS = """\
apiVersion: v1
kind: Pod
metadata:
  name: chatty
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "while true; do echo hi; done"]
"""


def ready(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


def test_a_second_user_runs_and_scrubs_normally_beside_an_endless_loop(
    browser: Browser, daphne_url: str
) -> None:
    hog_context = browser.new_context()
    hog = hog_context.new_page()
    ready(hog, daphne_url)
    hog.fill("textarea[name=manifest]", ENDLESS)
    hog.select_option("#speed", "100")
    hog.click("#run")
    expect(hog.locator("#status")).to_have_attribute("data-state", "running", timeout=TIMEOUT_MS)

    user_context = browser.new_context()
    page = user_context.new_page()
    ready(page, daphne_url)  # the page loads while the loop runs
    page.select_option("#example", "liveness-http")
    page.select_option("#speed", "20")
    page.click("#run")
    restarts = page.locator('#pods tbody tr[data-pod="default/liveness-http"] td.col-restarts')
    expect(restarts).to_have_text(re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT_MS)
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    live = float(page.locator("#sim-now").text_content() or "nan")
    assert live > 20

    # Scrub back to 10 s and forward to the live edge, as without the loop.
    page.locator("#scrubber").focus()
    page.keyboard.press("Home")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#sim-now")).to_have_text("10.0")
    expect(restarts).to_have_text("0")
    page.keyboard.press("End")
    # The live edge: where the page was paused, or later if the worker had simulated a
    # slice past the pause before it heard of it (what it made is still sent and shown).
    page.wait_for_function(
        "() => document.getElementById('sim-now').textContent"
        " === window.podPlayground.store.now.toFixed(1)",
        timeout=TIMEOUT_MS,
    )
    assert float(page.locator("#sim-now").text_content() or "nan") >= live
    expect(restarts).to_have_text(re.compile(r"^[1-9]\d*$"))

    # The loop's own page is still live, and Stop stops it.
    expect(hog.locator("#status")).to_have_attribute("data-state", "running")
    hog.click("#stop")
    expect(hog.locator("#status")).to_have_attribute("data-state", "stopped", timeout=TIMEOUT_MS)
    hog_context.close()
    user_context.close()
