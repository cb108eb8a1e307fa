"""The live timeline as a user drives it: playback, scrubbing, actions, inspector, sharing."""

from __future__ import annotations

import re

import pytest
from page_text import to_fixed_1
from playwright.sync_api import Browser, Locator, Page, expect

TIMEOUT_MS = 20_000


def open_example(page: Page, url: str, example: str, speed: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", example)
    page.select_option("#speed", speed)


def sim_now(page: Page) -> float:
    return float(page.locator("#sim-now").text_content() or "nan")


def pod_row(page: Page, name: str) -> Locator:
    return page.locator(f'#pods tbody tr[data-pod="default/{name}"]')


def container_row(page: Page, pod: str) -> Locator:
    return page.locator(f'#containers tbody tr[data-pod="default/{pod}"]')


def wait_for_restart(page: Page, name: str) -> None:
    expect(pod_row(page, name).locator("td.col-restarts")).to_have_text(
        re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT_MS
    )


def pause(page: Page) -> None:
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    expect(page.locator("#play")).to_have_attribute("aria-label", "Play (Space)")


def test_scrubbing_back_shows_the_container_before_its_first_restart(
    page: Page, daphne_url: str
) -> None:
    open_example(page, daphne_url, "liveness-http", "20")
    page.click("#run")
    expect(page.locator("#play")).to_have_attribute("aria-label", "Pause (Space)")
    wait_for_restart(page, "liveness-http")
    pause(page)
    live = sim_now(page)
    assert live > 20
    lane = page.locator('.lane[data-pod="default/liveness-http"]')
    expect(lane).to_have_attribute("data-restarts", re.compile(r"^[1-9]"))
    events_before = page.locator("#events tbody tr").count()

    # Back to 10 s with the keyboard on the scrubber: Home, then 1 s per arrow.
    scrubber = page.locator("#scrubber")
    scrubber.focus()
    page.keyboard.press("Home")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#sim-now")).to_have_text("10.0")
    expect(page.locator("#live-now")).to_have_text(to_fixed_1(live))
    expect(page.locator("#view-note")).to_contain_text("Viewing t = 10.0 s")
    row = container_row(page, "liveness-http")
    expect(row.locator("td.col-state")).to_have_text(re.compile(r"^Running since "))
    expect(row.locator("td.col-restarts")).to_have_text("0")
    expect(row.locator("td.col-last-state")).to_have_text("")
    expect(pod_row(page, "liveness-http").locator("td.col-restarts")).to_have_text("0")
    expect(pod_row(page, "liveness-http").locator("td.col-age")).to_have_text("10s")
    describe = page.locator("#describe")
    expect(describe).to_contain_text(re.compile(r"State:\s+Running"))
    expect(describe).to_contain_text(re.compile(r"Restart Count:\s+0"))
    expect(describe).not_to_contain_text("Last State")
    # The timeline shows the run as it was: restart count 0, a playhead at 10 s.
    expect(lane).to_have_attribute("data-restarts", "0")
    expect(page.locator(".timeline-lanes")).to_have_attribute("data-view", "10.000")
    expect(page.locator(".view-head")).to_be_visible()  # the playhead on the axis
    expect(page.locator(".timeline-veil")).to_be_visible()  # what came later is hidden
    # No Unhealthy event yet: the probe fails only after 10 s.
    expect(page.locator('#events tbody tr[data-reason="Unhealthy"]')).to_have_count(0)
    # Live actions wait for the live edge.
    expect(page.locator("#act-delete")).to_be_disabled()
    expect(page.locator("#actions-hint")).to_contain_text("Scrubbed back")

    # Forward again: the restart is there, and nothing was lost on the way.
    page.keyboard.press("End")
    expect(page.locator("#sim-now")).to_have_text(to_fixed_1(live))
    expect(row.locator("td.col-restarts")).to_have_text(re.compile(r"^[1-9]"))
    expect(row.locator("td.col-last-state")).to_contain_text("Error, exit code 2")
    expect(describe).to_contain_text(re.compile(r"Last State:\s+Terminated"))
    expect(lane).to_have_attribute("data-restarts", re.compile(r"^[1-9]"))
    expect(page.locator("#events tbody tr")).to_have_count(events_before)
    expect(page.locator("#view-note")).to_be_hidden()
    expect(page.locator("#act-delete")).to_be_enabled()
    # Paused the whole time: the live edge did not move.
    assert sim_now(page) == live


def test_deleting_a_pod_from_the_page_shows_its_termination(page: Page, daphne_url: str) -> None:
    open_example(page, daphne_url, "liveness-exec", "20")
    page.click("#run")
    row = pod_row(page, "liveness-exec")
    expect(row.locator(".status-text")).to_have_text("Running", timeout=TIMEOUT_MS)
    pause(page)
    page.select_option("#act-pod", "default/liveness-exec")
    page.fill("#act-grace", "5")
    page.click("#act-delete")

    feedback = page.locator("#action-feedback li").first
    expect(feedback).to_have_text(
        re.compile(r"^t = \d+\.\d s: kubectl delete pod default/liveness-exec --grace-period=5$")
    )
    # The worker may have simulated a slice past the paused clock; what it made is
    # sent before the action, so the page's clock comes to the action's time. The
    # feedback is written at once, the clock at the next animation frame: wait for it.
    said = re.match(r"^t = (\d+\.\d) s", feedback.text_content() or "")
    assert said is not None
    at = float(said.group(1))
    expect(page.locator("#sim-now")).to_have_text(f"{at:.1f}")
    # Paused: the Pod stays Terminating, its grace period hatched on the timeline.
    expect(row.locator(".status-text")).to_have_text("Terminating")
    expect(row).not_to_have_attribute("data-deleted", "true")
    group = page.locator('.pod-group[data-pod="default/liveness-exec"]')
    expect(group.locator(".terminating-band")).to_be_visible()
    expect(page.locator("#notices")).to_contain_text(
        f"[{at:.1f}s] Live action: kubectl delete pod default/liveness-exec --grace-period=5"
    )
    mark = group.locator('.action-marker[data-action="delete"]')
    mark.hover()
    expect(mark.locator(":scope > title")).to_contain_text("(live action)")

    page.click("#play")  # the shell ignores SIGTERM: SIGKILL 5 s later, then the Pod is gone
    expect(row).to_have_attribute("data-deleted", "true", timeout=TIMEOUT_MS)
    expect(row.locator(".deleted-badge")).to_be_visible()
    expect(group.locator(".deleted-marker")).to_be_visible()
    lane = page.locator('.lane[data-pod="default/liveness-exec"]')
    expect(lane.locator('.signal-marker[data-signal="SIGTERM"]')).to_have_count(1)
    expect(lane.locator('.signal-marker[data-signal="SIGKILL"]')).to_have_count(1)
    grace = lane.locator(".grace-band")
    expect(grace).to_have_attribute("data-grace", "5")
    start = float(grace.get_attribute("data-start") or "nan")
    assert abs(start - at) < 0.05
    assert float(grace.get_attribute("data-end") or "nan") == pytest.approx(start + 5)  # SIGKILL
    expect(page.locator("#act-pod option")).to_have_count(0)  # nothing left to delete


def test_a_share_link_opens_the_same_moment_paused(
    page: Page, browser: Browser, daphne_url: str
) -> None:
    open_example(page, daphne_url, "liveness-http", "20")
    page.click("#run")
    wait_for_restart(page, "liveness-http")
    pause(page)
    page.select_option("#act-pod", "default/liveness-http")
    page.click("#act-kill")  # a live action, so the link must replay the action log
    expect(page.locator("#action-feedback li").first).to_contain_text("kill container liveness")
    page.click("#step")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused")
    page.wait_for_timeout(200)
    moment = page.locator("#sim-now").text_content()
    restarts = pod_row(page, "liveness-http").locator("td.col-restarts").text_content()
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{8}$"))
    expect(page.locator("#share-status")).to_contain_text(f"at t = {moment} s")
    url = link.input_value()

    context = browser.new_context()
    try:
        viewer = context.new_page()
        viewer.goto(url)
        expect(viewer.locator("#shared-banner")).to_contain_text(f"opens paused at t = {moment} s")
        expect(viewer.locator("#status")).to_have_attribute(
            "data-state", "paused", timeout=TIMEOUT_MS
        )
        expect(viewer.locator("#sim-now")).to_have_text(moment or "")
        expect(pod_row(viewer, "liveness-http").locator("td.col-restarts")).to_have_text(
            restarts or ""
        )
        expect(viewer.locator("#play")).to_have_attribute("aria-label", "Play (Space)")
        expect(viewer.locator("#notices")).to_contain_text("Live action: kill container liveness")
        viewer.wait_for_timeout(300)
        expect(viewer.locator("#sim-now")).to_have_text(moment or "")  # still paused
        expect(viewer.locator("#manifest")).to_have_value(re.compile("agnhost:2.40"))
        # Fork: the page becomes an ordinary playground with a copy to edit.
        viewer.click("#fork")
        expect(viewer.locator("#shared-banner")).to_contain_text("you are editing a copy")
        assert viewer.url.endswith("/") and "/s/" not in viewer.url
        assert viewer.evaluate("() => document.getElementById('manifest').readOnly") is False
    finally:
        context.close()

    missing = page.goto(daphne_url + "/s/doesnotexist")
    assert missing is not None and missing.status == 404
    expect(page.locator("h2")).to_have_text("There is no shared run at /s/doesnotexist")
    page.click("[data-testid=home-link]")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


def test_the_container_view_shows_env_sources_files_and_services(
    page: Page, daphne_url: str
) -> None:
    open_example(page, daphne_url, "environment", "20")
    page.click("#run")
    expect(pod_row(page, "client").locator(".status-text")).to_have_text(
        "Running", timeout=TIMEOUT_MS
    )
    pause(page)
    page.select_option("#inspect-pod", "default/client")
    page.click("#tab-container")
    table = page.locator("[data-testid=env-table]")

    def variable(name: str) -> Locator:
        return table.locator(f'tbody tr[data-name="{name}"]')

    expect(variable("LOG_LEVEL").locator("td.col-value")).to_have_text("debug")
    expect(variable("LOG_LEVEL").locator("td.col-source")).to_have_text(
        "configMap default/app-config LOG_LEVEL"
    )
    expect(variable("MY_POD_NAME").locator("td.col-value")).to_have_text("client")
    expect(variable("MY_POD_NAME").locator("td.col-source")).to_have_text("downward metadata.name")
    expect(variable("BACKEND_SERVICE_PORT").locator("td.col-value")).to_have_text("80")
    expect(variable("BACKEND_SERVICE_PORT").locator("td.col-source")).to_have_text(
        "service default/backend"
    )
    # A secret is masked until revealed.
    token = variable("API_TOKEN").locator("td.col-value")
    expect(token).to_contain_text("••••••")
    expect(token).not_to_contain_text("s3cr3t")
    token.get_by_role("button", name="Reveal the value of API_TOKEN").click()
    expect(variable("API_TOKEN").locator("td.col-value")).to_contain_text("s3cr3t-t0ken")
    # Files: ls -al of the mount, then the contents of one (kubectl exec ... cat).
    page.click('.file-link[data-path="/etc/app/greeting.txt"]')
    expect(page.locator('pre.file-content[data-path="/etc/app/greeting.txt"]')).to_have_text(
        "hello from a ConfigMap"
    )
    expect(page.locator("[data-testid=env-hostname]")).to_have_text("client")
    expect(page.locator("[data-testid=env-resolv]")).to_contain_text(
        "search default.svc.cluster.local"
    )
    expect(page.locator("[data-testid=env-hosts]")).to_contain_text("client")
    backend = page.locator('[data-testid=env-services] tr[data-service="default/backend"]')
    expect(backend).to_contain_text("backend.default.svc.cluster.local")
    # Scrubbed back, the view says it is the live edge's.
    page.locator("#scrubber").focus()
    page.keyboard.press("Home")
    expect(page.locator("#env-hint")).to_contain_text("Scrubbed back to 0.0 s")
    expect(page.locator("#env-hint")).to_contain_text("answer for the live edge")


def test_space_pauses_and_resumes_and_the_right_arrow_steps(page: Page, daphne_url: str) -> None:
    open_example(page, daphne_url, "crashloop", "5")
    page.click("#run")
    expect(page.locator("#status")).to_have_attribute("data-state", "running", timeout=TIMEOUT_MS)
    page.locator("#timeline-title").click()  # focus on nothing in particular
    page.wait_for_function("() => Number(document.getElementById('sim-now').textContent) > 1")

    page.keyboard.press("Space")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    held = sim_now(page)
    page.wait_for_timeout(400)  # 2 simulated seconds at 5x, if the clock still ran
    assert sim_now(page) == held

    page.keyboard.press("Space")
    expect(page.locator("#status")).to_have_attribute("data-state", "running")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(f"() => Number(document.getElementById('sim-now').textContent) > {held}")

    page.keyboard.press("Space")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused")
    before = sim_now(page)
    records_before = page.evaluate("() => window.podPlayground.store.records.length")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => Number(document.getElementById('sim-now').textContent) > {before}"
    )
    expect(page.locator("#status")).to_have_attribute("data-state", "paused")
    stepped = sim_now(page)
    # The step went to the next instant at which something happened, and no further.
    records = page.evaluate("() => window.podPlayground.store.records")
    new = records[records_before:]
    assert new and {round(r["t"], 1) for r in new} == {stepped}
    page.wait_for_timeout(300)
    assert sim_now(page) == stepped  # still paused after the step


def test_export_downloads_the_timeline_as_svg(page: Page, daphne_url: str) -> None:
    # The records' export: test_export_records_browser.py.
    open_example(page, daphne_url, "oom", "100")
    page.click("#run")
    expect(page.locator(".lane .oom-marker").first).to_be_visible(timeout=TIMEOUT_MS)
    pause(page)
    with page.expect_download() as svg_download:
        page.click("#export-svg")
    assert svg_download.value.suggested_filename.endswith(".svg")
    svg = svg_download.value.path().read_text()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'id="hatch-grace"' in svg  # the patterns travel with it
    assert 'fill="rgb(' in svg  # styles written in, no stylesheet needed
    assert "memory-demo-2" in svg
    assert "class=" not in svg


def test_logs_of_the_previous_run_after_a_restart(page: Page, daphne_url: str) -> None:
    open_example(page, daphne_url, "crashloop", "100")
    page.click("#run")
    expect(pod_row(page, "crashy").locator("td.col-restarts")).to_have_text(
        re.compile(r"^[2-9]|\d\d"), timeout=TIMEOUT_MS
    )
    pause(page)
    restarts = int(pod_row(page, "crashy").locator("td.col-restarts").text_content() or "0")
    page.click("#tab-logs")
    runs = page.locator("#log-run option")
    expect(runs).to_have_count(restarts + 1)  # one entry per run: the current one and each before
    expect(runs.first).to_have_text(f"current run (#{restarts})")
    expect(runs.nth(1)).to_have_text(f"previous run (#{restarts - 1}, --previous)")
    logs = page.locator("#container-logs")
    page.select_option("#log-run", "previous")
    expect(page.locator("#logs-command")).to_have_text("kubectl logs crashy -c app --previous")
    expect(logs).to_have_attribute("data-run", str(restarts - 1))
    # Each run printed one line, at its own start: the previous run's, not the current one's.
    lines = (logs.text_content() or "").strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("starting")
    records = page.evaluate("() => window.podPlayground.store.records")
    starts = sorted(
        {
            r["startedAt"]
            for r in records
            if r["kind"] == "container" and r.get("startedAt") is not None
        }
    )
    assert lines[0].startswith(f"{starts[restarts - 1]:.1f}s ")
    page.select_option("#log-run", "0")
    expect(logs).to_have_attribute("data-run", "0")
    expect(logs).to_contain_text(f"{starts[0]:.1f}s starting")
