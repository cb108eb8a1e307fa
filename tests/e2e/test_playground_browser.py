"""The playground in a real browser against a real Daphne."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000


def open_playground(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    expect(page.locator("#run")).to_be_enabled()


def test_crash_looping_pod_at_100x_shows_restarts_backoff_and_events(
    page: Page, daphne_url: str
) -> None:
    open_playground(page, daphne_url)
    expect(page.locator("textarea[name=manifest]")).to_contain_text("exit 1")

    page.select_option("#speed", "100")
    page.click("#run")

    lane = page.locator('.lane[data-container="app"]')
    expect(lane).to_have_count(1, timeout=TIMEOUT_MS)
    expect(lane.locator(".restart-marker").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(lane.locator('.seg[data-reason="CrashLoopBackOff"]').first).to_be_attached()
    crashed = lane.locator('.seg[data-state="terminated"][data-reason="Error"]')
    expect(crashed.first).to_be_visible()
    expect(lane).to_have_attribute("data-restarts", re.compile(r"^[1-9]\d*$"))
    expect(page.locator(".timeline-svg .tick-label").first).to_be_visible()

    events = page.locator("#events tbody tr")
    expect(
        events.filter(has=page.locator("td.col-reason", has_text="BackOff")).first
    ).to_be_visible()
    expect(
        events.filter(has=page.locator("td.col-reason", has_text="Started")).first
    ).to_be_visible()
    backoff_row = events.filter(has=page.locator("td.col-reason", has_text="BackOff")).first
    expect(backoff_row.locator("td.col-type")).to_have_text("Warning")
    expect(backoff_row.locator("td.col-object")).to_have_text("pod/crashy")

    pod_row = page.locator('#pods tbody tr[data-pod$="/crashy"]')
    expect(pod_row.locator("td.col-name")).to_have_text("crashy")
    expect(pod_row.locator("td.col-restarts")).to_have_text(re.compile(r"^[1-9]\d*"))

    expect(page.locator("#logs .log-line").first).to_contain_text("starting")
    expect(page.locator("#status")).to_have_attribute("data-state", "running")

    page.click("#stop")
    expect(page.locator("#status")).to_have_attribute("data-state", "stopped", timeout=TIMEOUT_MS)
    expect(page.locator("#status")).to_contain_text("Stopped at simulated")
    expect(page.locator("#stop")).to_be_disabled()
    stopped_at = page.locator("#sim-now").text_content()
    page.wait_for_timeout(500)  # 50 simulated seconds at 100x, if anything still streamed
    assert page.locator("#sim-now").text_content() == stopped_at
    assert float(stopped_at or "0") > 0


def test_bad_yaml_shows_errors_with_file_line_and_column(page: Page, daphne_url: str) -> None:
    open_playground(page, daphne_url)
    page.fill("textarea[name=manifest]", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: bad\n")
    page.click("#run")

    errors = page.locator("#errors li.error")
    expect(errors).to_have_count(1, timeout=TIMEOUT_MS)
    expect(errors.first).to_contain_text("editor.yaml:4:1")
    expect(page.locator("#status")).to_have_attribute("data-state", "error")
    expect(page.locator(".lane")).to_have_count(0)

    page.click("#errors .error-loc")
    selection_start = page.eval_on_selector("#manifest", "el => el.selectionStart")
    assert selection_start == len("apiVersion: v1\nkind: Pod\nmetadata:\n")
