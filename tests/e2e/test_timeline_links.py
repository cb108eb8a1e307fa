"""Timeline marks link to their event and manifest line; the time axis zooms."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000


def test_a_failed_liveness_tick_selects_its_event_and_line_and_the_axis_zooms(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", "liveness-http")
    page.select_option("#speed", "100")
    page.click("#run")
    lane = page.locator('.lane[data-pod="default/liveness-http"]')
    failed = lane.locator('.probe-tick[data-probe="liveness"][data-result="Failure"]')
    expect(failed.first).to_be_visible(timeout=TIMEOUT_MS)
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)

    failed.first.click()
    selected = page.locator('#events tbody tr[aria-selected="true"]')
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("data-reason", "Unhealthy")
    highlighted = page.locator(".CodeMirror .cm-mark-source")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_contain_text("livenessProbe:")
    expect(page.locator("#mark-explain")).to_contain_text("failureThreshold")

    axis = page.locator(".timeline-axis")
    span = float(axis.get_attribute("data-span") or "nan")
    page.click("#zoom-in")
    expect(axis).not_to_have_attribute("data-span", str(span).rstrip("0").rstrip("."))
    page.wait_for_function(
        f"() => Number(document.querySelector('.timeline-axis').dataset.span) < {span}"
    )
    page.click("#zoom-fit")
    page.wait_for_function(
        f"() => Number(document.querySelector('.timeline-axis').dataset.span) === {span}"
    )
