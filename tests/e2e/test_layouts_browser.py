"""The projector layout (?view=projector or the Layout switch) and the phone layout.

Set POD_PLAYGROUND_SCREENSHOTS=docs to write the README's screenshots
(docs/projector-1366x768.png, docs/projector-1920x1080.png, docs/phone.png).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

TIMEOUT_MS = 20_000
SHOTS = os.environ.get("POD_PLAYGROUND_SCREENSHOTS")
ROOT = Path(__file__).resolve().parents[2]
# What a room must see without scrolling.
ABOVE_THE_FOLD = (
    "#sim-now",
    "#play",
    "#scrubber",
    "#timeline .lane",
    "#logs",
    "#events",
    "#inspector",
)


def run_crashloop(page: Page, url: str, until: float = 60) -> None:
    page.goto(url)
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", "crashloop")
    page.select_option("#speed", "100")
    page.click("#run")
    page.wait_for_function(
        f"() => Number(document.getElementById('sim-now').textContent) >= {until}",
        timeout=TIMEOUT_MS,
    )
    page.evaluate("() => document.getElementById('play').click()")  # pause
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)


def run_gallery_to_the_end(page: Page, url: str) -> None:
    """The gallery's eviction lesson: three Pods, Scenario actions, evictions."""
    page.goto(url)
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.click("#run")
    expect(page.locator("#jump")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#jump")
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=TIMEOUT_MS)


def within_viewport(page: Page, selector: str, width: int, height: int) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= width + 0.5, (selector, box)
    assert box["y"] + box["height"] <= height + 0.5, (selector, box)


def screenshot(page: Page, name: str) -> None:
    if SHOTS:
        page.wait_for_timeout(600)  # the timeline settles on its zoom (layout.js)
        page.screenshot(path=str(ROOT / SHOTS / name))


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_projector_layout_keeps_the_room_s_view_on_one_screen(
    browser: Browser, daphne_url: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        run_gallery_to_the_end(page, daphne_url + "/gallery/eviction-order/?view=projector")
        expect(page.locator("html")).to_have_attribute("data-view", "projector")
        expect(page.locator("[data-testid=view-projector]")).to_have_attribute(
            "aria-pressed", "true"
        )
        for selector in ABOVE_THE_FOLD:
            within_viewport(page, selector, width, height)
        # All three Pods' lanes, not a strip of the first one.
        expect(page.locator("#timeline .lane")).to_have_count(3)
        within_viewport(page, '#timeline .lane[data-pod="default/besteffort"]', width, height)
        # Readable from the back: the clock is large, the timeline's bars scaled up.
        clock = page.locator("#sim-now").bounding_box()
        assert clock is not None and clock["height"] >= 36
        lane = page.locator("#timeline .lane .seg").first.bounding_box()
        assert lane is not None and lane["height"] >= 20  # the 16 px bar, zoomed
        # Logs and events beside the timeline, the inspector under it.
        timeline = page.locator(".timeline-panel").bounding_box()
        logs = page.locator(".logs-panel").bounding_box()
        inspector = page.locator(".inspector-panel").bounding_box()
        assert timeline and logs and inspector
        assert logs["x"] >= timeline["x"] + timeline["width"]
        assert inspector["y"] >= timeline["y"] + timeline["height"]
        # The legend is folded, and opens.
        legend = page.locator("#legend")
        expect(legend).not_to_have_attribute("open", "")
        page.click("#legend summary")
        expect(legend.locator(".legend-row").first).to_be_visible()
        page.click("#legend summary")
        screenshot(page, f"projector-{width}x{height}.png")
    finally:
        context.close()


def test_the_layout_switch_is_remembered_on_this_device(page: Page, daphne_url: str) -> None:
    page.goto(daphne_url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-view", "desk")
    expect(page.locator("#legend")).to_have_attribute("open", "")
    page.click("[data-testid=view-projector]")
    expect(html).to_have_attribute("data-view", "projector")
    assert page.url.endswith("/?view=projector")
    page.goto(daphne_url + "/")  # no parameter: this device's last choice
    expect(html).to_have_attribute("data-view", "projector")
    page.click("[data-testid=view-desk]")
    expect(html).to_have_attribute("data-view", "desk")
    page.goto(daphne_url + "/")
    expect(html).to_have_attribute("data-view", "desk")
    page.goto(daphne_url + "/?view=projector")
    expect(html).to_have_attribute("data-view", "projector")
    page.goto(daphne_url + "/?view=desk")
    expect(html).to_have_attribute("data-view", "desk")


def test_a_phone_gets_one_column_the_run_first_and_the_controls_at_hand(
    browser: Browser, daphne_url: str
) -> None:
    width, height = 390, 844
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        run_crashloop(page, daphne_url + "/")
        page.evaluate("() => window.scrollTo(0, 0)")
        # Nothing wider than the phone.
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
        tops = {
            name: (page.locator(f".{name}").bounding_box() or {"y": -1})["y"]
            for name in ("timeline-panel", "logs-panel", "events-panel", "editor-panel")
        }
        assert tops["timeline-panel"] < tops["logs-panel"] < tops["events-panel"]
        assert tops["events-panel"] < tops["editor-panel"]
        within_viewport(page, "#timeline .lane", width, height)
        screenshot(page, "phone.png")
        # Scrolled down to the editor, the clock and the playback are still at hand.
        page.locator(".editor-panel").scroll_into_view_if_needed()
        for selector in ("#sim-now", "#play", "#step", "#scrubber"):
            within_viewport(page, selector, width, height)
        play = page.locator("#play").bounding_box()
        assert play is not None and play["height"] >= 40  # a thumb's target
        page.locator("#play").tap()
        expect(page.locator("#status")).to_have_attribute("data-state", "running")
    finally:
        context.close()
