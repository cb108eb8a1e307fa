"""A force delete from the page (issue #13, item 3): the Pod leaves at once, paused or not."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000


def test_force_deleting_a_pod_from_the_page_removes_it_at_once(page: Page, daphne_url: str) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", "liveness-exec")
    page.select_option("#speed", "20")
    page.click("#run")
    row = page.locator('#pods tbody tr[data-pod="default/liveness-exec"]')
    expect(row.locator(".status-text")).to_have_text("Running", timeout=TIMEOUT_MS)
    page.click("#play")  # pause: the Pod must be gone without the clock moving on
    page.select_option("#act-pod", "default/liveness-exec")
    page.check("#act-force")
    page.click("#act-delete")

    feedback = page.locator("#action-feedback li")
    expect(feedback.filter(has_text="kubectl delete")).to_have_text(
        re.compile(r"^t = \d+\.\d s: kubectl delete pod default/liveness-exec --force$")
    )
    forced = feedback.filter(has_text="force deleted")
    expect(forced).to_have_text('pod "liveness-exec" force deleted')
    expect(row).to_have_attribute("data-deleted", "true")
    expect(page.locator("#notices")).to_contain_text(
        "Warning: Immediate deletion does not wait for confirmation"
    )
    expect(page.locator("#notices")).to_contain_text('pod "liveness-exec" force deleted')
