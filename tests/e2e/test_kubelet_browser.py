"""The kubelet's behaviour as a user sees it: probes, restarts, graceful deletion."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

TIMEOUT_MS = 20_000


def open_example(page: Page, url: str, example: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", example)
    page.select_option("#speed", "100")


def stop(page: Page) -> None:
    """Stop the run (unless it already finished) so that the timeline holds still."""
    page.locator("#stop").click(force=True)  # a no-op once the button is disabled
    expect(page.locator("#status")).to_have_attribute(
        "data-state", re.compile(r"^(stopped|finished)$"), timeout=TIMEOUT_MS
    )


def event_row(page: Page, reason: str, message: str) -> Locator:
    return (
        page.locator("#events tbody tr")
        .filter(has=page.locator("td.col-reason", has_text=re.compile(f"^{reason}$")))
        .filter(has=page.locator("td.col-message", has_text=re.compile(f"^{re.escape(message)}$")))
    )


def tooltip(mark: Locator) -> Locator:
    """Hover a timeline mark the way a user does; its <title> is the tooltip."""
    mark.hover()
    return mark.locator(":scope > title")


def center_x(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2


def test_failing_liveness_probe_restarts_the_container(page: Page, daphne_url: str) -> None:
    open_example(page, daphne_url, "liveness-http")
    expect(page.locator("#manifest")).to_have_value(re.compile(r"agnhost:2\.40"))
    page.click("#run")

    lane = page.locator('.lane[data-pod="default/liveness-http"][data-container="liveness"]')
    expect(lane).to_have_count(1, timeout=TIMEOUT_MS)
    passed = lane.locator('.probe-tick[data-probe="liveness"][data-result="Success"]')
    failed = lane.locator('.probe-tick[data-probe="liveness"][data-result="Failure"]')
    expect(passed.first).to_be_visible(timeout=TIMEOUT_MS)
    expect(failed.first).to_be_visible(timeout=TIMEOUT_MS)
    restart = lane.locator(".restart-marker").first
    expect(restart).to_be_visible(timeout=TIMEOUT_MS)
    # The killed run ends where the new one starts: an end mark, then running again.
    expect(lane.locator('.seg.run-end[data-reason="Error"]').first).to_be_visible()
    expect(lane.locator('.signal-marker[data-signal="SIGTERM"]').first).to_be_visible()

    pod_row = page.locator('#pods tbody tr[data-pod="default/liveness-http"]')
    expect(pod_row.locator("td.col-restarts")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(pod_row.locator("td.col-qos")).to_have_text("BestEffort")
    container_row = page.locator('#containers tbody tr[data-container="liveness"]')
    expect(container_row.locator("td.col-last-state")).to_contain_text("Error, exit code")

    unhealthy = event_row(
        page, "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500"
    )
    expect(unhealthy).to_have_count(1)
    expect(unhealthy.locator("td.col-type")).to_have_text("Warning")
    killing = event_row(
        page, "Killing", "Container liveness failed liveness probe, will be restarted"
    )
    expect(killing).to_have_count(1)
    expect(killing.locator("td.col-object")).to_have_text("pod/liveness-http")

    stop(page)
    expect(tooltip(failed.first)).to_contain_text("HTTP probe failed with statuscode: 500")
    expect(tooltip(passed.first)).to_contain_text("liveness probe of liveness at")
    restart_tip = tooltip(restart)
    expect(restart_tip).to_contain_text("restart #1 of liveness")
    expect(restart_tip).to_contain_text("last state: terminated (Error)")
    # The page explains its marks.
    legend = page.locator("[data-testid=legend]")
    for text in ("restart", "liveness probe", "SIGTERM", "grace period", "Pod Terminating"):
        expect(legend).to_contain_text(text)


def test_graceful_deletion_shows_terminating_grace_period_and_signals(
    page: Page, daphne_url: str
) -> None:
    open_example(page, daphne_url, "graceful-deletion")
    expect(page.locator("#manifest")).to_have_value(re.compile(r"kind: Scenario"))
    page.click("#run")

    # kubectl get pods -w: sleeper is Terminating for 30 simulated seconds
    # (0.3 s at 100x) before it is gone, so watch every animation frame.
    page.wait_for_function(
        """() => [...document.querySelectorAll('#pods tbody tr')].some((row) =>
             row.querySelector('td.col-name').textContent === 'sleeper' &&
             row.querySelector('.status-text').textContent === 'Terminating' &&
             row.dataset.deleted !== 'true')""",
        polling="raf",
        timeout=TIMEOUT_MS,
    )

    # Both Pods end up deleted: greyed out, marked "deleted", last status kept.
    for name in ("web", "sleeper"):
        row = page.locator(f'#pods tbody tr[data-pod="default/{name}"]')
        expect(row).to_have_attribute("data-deleted", "true", timeout=TIMEOUT_MS)
        expect(row).to_have_class(re.compile(r"\bdeleted\b"))
        expect(row.locator(".deleted-badge")).to_have_text("deleted")
        expect(row.locator(".deleted-badge")).to_be_visible()
        expect(row.locator(".status-text")).to_have_text("Terminating")
        group = page.locator(f'.pod-group[data-pod="default/{name}"]')
        expect(group).to_have_attribute("data-deleted", "true")
        expect(group.locator(".terminating-band")).to_be_visible()
        expect(group.locator(".deleted-marker")).to_be_visible()
        expect(group.locator('.action-marker[data-action="delete"]')).to_be_visible()
    expect(page.locator("#notices")).to_contain_text("Scenario action: kubectl delete pod sleeper")

    # sleeper's shell ignores SIGTERM: the whole 30 s grace period, then SIGKILL.
    sleeper = page.locator('.lane[data-pod="default/sleeper"][data-container="sleep"]')
    grace = sleeper.locator(".grace-band")
    expect(grace).to_have_count(1)
    expect(grace).to_be_visible()
    expect(grace).to_have_attribute("data-grace", "30")
    expect(grace).to_have_attribute("data-start", "20")
    expect(grace).to_have_attribute("data-end", "50")
    sigterm = sleeper.locator('.signal-marker[data-signal="SIGTERM"]')
    sigkill = sleeper.locator('.signal-marker[data-signal="SIGKILL"]')
    expect(sigterm).to_be_visible()
    expect(sigkill).to_be_visible()
    expect(sleeper.locator('.seg[data-state="terminated"][data-exit-code="137"]')).to_have_count(1)
    sleeper_row = page.locator('#containers tbody tr[data-pod="default/sleeper"]')
    expect(sleeper_row.locator("td.col-state")).to_have_text("Terminated: Error, exit code 137")

    # web runs its preStop hook first; nginx gets its stop signal (SIGQUIT, the image's
    # STOPSIGNAL) only when it is done.
    web = page.locator('.lane[data-pod="default/web"][data-container="nginx"]')
    pre_stop = web.locator('.hook-span[data-hook="preStop"]')
    expect(pre_stop).to_be_visible()
    expect(pre_stop).to_have_attribute("data-result", "Success")
    web_sigterm = web.locator('.signal-marker[data-signal="SIGQUIT"]')
    expect(web_sigterm).to_be_visible()
    expect(web.locator('.signal-marker[data-signal="SIGKILL"]')).to_have_count(0)
    web_row = page.locator('#containers tbody tr[data-pod="default/web"]')
    expect(web_row.locator("td.col-state")).to_have_text("Terminated: Completed, exit code 0")

    expect(event_row(page, "Killing", "Stopping container sleep")).to_have_count(1)

    stop(page)
    # Where things are drawn: the grace band runs from SIGTERM to SIGKILL, and
    # nginx's stop signal comes at the end of its preStop hook.
    grace_box = grace.bounding_box()
    assert grace_box is not None
    assert abs(grace_box["x"] - center_x(sigterm)) <= 2
    assert abs(grace_box["x"] + grace_box["width"] - center_x(sigkill)) <= 2
    hook_box = pre_stop.bounding_box()
    assert hook_box is not None
    assert abs(hook_box["x"] + hook_box["width"] - center_x(web_sigterm)) <= 2
    assert hook_box["width"] < grace_box["width"] / 3  # 5 s of hook against 30 s of grace

    grace_tip = tooltip(grace)
    expect(grace_tip).to_contain_text("grace period 30s from 20.0s")
    expect(grace_tip).to_contain_text(
        "the container ended at 50.0s (SIGKILL, Error, exit code 137)"
    )
    expect(tooltip(sigkill)).to_contain_text("SIGKILL to sleep at 50.0s")
    expect(tooltip(pre_stop)).to_contain_text("preStop hook of nginx: 20.0s – 25.0s, Success")
