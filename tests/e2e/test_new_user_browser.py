"""The page as a new user tries it (issue #10): each defect they met, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

TIMEOUT_MS = 20_000

SLEEPER = """apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""

SCENARIO_ACTIONS = (
    SLEEPER
    + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: acts}
spec:
  horizon: 60
  actions:
  - {at: 5, unhealthy: {pod: sleeper, container: app}}
  - {at: 8, healthy: {pod: sleeper, container: app}}
  - {at: 10, fillMemory: {pod: sleeper, container: app, mib: 10}}
  - {at: 12, cordon: node-1}
  - {at: 14, uncordon: node-1}
  - at: 16
    apply:
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data: {a: "2"}
  - {at: 20, drain: node-2}
  - {at: 25, failNode: node-3}
"""
)


def scenario(horizon: str, pod: str = SLEEPER) -> str:
    return (
        pod
        + "---\napiVersion: playground.podlife.dev/v1\nkind: Scenario\n"
        + f"metadata: {{name: h}}\nspec: {{horizon: {horizon}}}\n"
    )


def open_page(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


def run_text(page: Page, text: str, speed: str = "10") -> None:
    page.fill("textarea[name=manifest]", text)
    page.select_option("#speed", speed)
    page.click("#run")


def jump_to_end(page: Page) -> None:
    expect(page.locator("#jump")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#jump")
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=TIMEOUT_MS)


def wait_until(page: Page, seconds: float) -> None:
    page.wait_for_function(
        f"() => Number(document.getElementById('sim-now').textContent) >= {seconds}",
        timeout=TIMEOUT_MS,
    )


def pause(page: Page) -> None:
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)


def test_a_refused_run_marks_the_previous_run_as_the_old_one(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "100")
    expect(page.locator('.lane[data-pod="default/sleeper"]')).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.locator("#stale-note")).to_be_hidden()

    page.fill("textarea[name=manifest]", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: bad\n")
    page.click("#run")
    expect(page.locator("#errors li.error")).to_have_count(1, timeout=TIMEOUT_MS)
    note = page.locator("#stale-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("This is the previous run, stopped at t = ")
    expect(note).to_contain_text("the edited manifest was refused")
    expect(page.locator("#playground")).to_have_attribute("data-stale", "true")
    expect(page.locator("#stop")).to_be_disabled()

    run_text(page, SLEEPER, "100")
    expect(note).to_be_hidden(timeout=TIMEOUT_MS)
    expect(page.locator("#playground")).to_have_attribute("data-stale", "false")


def test_every_scenario_action_leaves_a_mark_on_the_timeline(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run_text(page, SCENARIO_ACTIONS, "100")
    jump_to_end(page)
    lane = page.locator('.lane[data-pod="default/sleeper"]')
    for action in ("unhealthy", "healthy", "fillMemory"):
        expect(lane.locator(f'.action-marker[data-action="{action}"]')).to_have_count(1)
    cluster = page.locator('[data-row="cluster"]')
    expect(cluster.locator(".cluster-label")).to_have_text("cluster")
    for action in ("cordon", "uncordon", "apply", "drain", "failNode"):
        expect(cluster.locator(f'.action-marker[data-action="{action}"]')).to_have_count(1)
    apply_mark = cluster.locator('.action-marker[data-action="apply"]')
    apply_mark.hover()
    expect(apply_mark.locator("title")).to_have_text(
        "16.0s: kubectl apply: ConfigMap cfg (Scenario action)"
    )


def test_a_live_action_leaves_a_mark_and_unhealthy_without_probes_says_so(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 3)
    pause(page)
    page.select_option("#act-pod", "default/sleeper")
    page.click("#act-unhealthy")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text(
        "unhealthy: container app of pod sleeper has no liveness, readiness or startup probe",
        timeout=TIMEOUT_MS,
    )
    page.click("#act-cordon")
    expect(feedback.locator("li.ok").first).to_contain_text("kubectl cordon node-1")
    lane = page.locator('.lane[data-pod="default/sleeper"]')
    mark = lane.locator('.action-marker[data-action="unhealthy"]')
    expect(mark).to_have_count(1, timeout=TIMEOUT_MS)
    mark.hover()
    expect(mark.locator("title")).to_contain_text("(live action)")
    cordon = page.locator('[data-row="cluster"] .action-marker[data-action="cordon"]')
    expect(cordon).to_have_attribute("data-live", "true")


def test_a_live_apply_with_a_yaml_error_names_the_editor(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 2)
    pause(page)
    page.fill("textarea[name=manifest]", "apiVersion: v1\nkind: [\n")
    page.click("#act-apply")
    notice = page.locator("#action-feedback li.notice").first
    expect(notice).to_contain_text("apply: editor.yaml:3:1: ", timeout=TIMEOUT_MS)
    expect(page.locator("#action-feedback")).not_to_contain_text("scenario line")


def test_restart_says_it_drops_the_live_actions_or_replays_them(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 2)
    pause(page)
    keep = page.locator("#keep-actions-label")
    expect(keep).to_be_hidden()
    page.click("#act-cordon")
    expect(keep).to_be_visible(timeout=TIMEOUT_MS)
    expect(keep).to_contain_text("Replay the 1 action of this run")

    page.click("#run")  # Restart, the box unticked: the action is dropped, and the page says so
    expect(page.locator("#run-info")).to_contain_text(
        "without the previous run's 1 live action", timeout=TIMEOUT_MS
    )
    expect(page.locator("#action-feedback li.notice").first).to_contain_text(
        "Restarted without the previous run's 1 live action"
    )
    expect(keep).to_be_hidden()

    wait_until(page, 1)
    pause(page)
    page.click("#act-cordon")
    expect(keep).to_be_visible(timeout=TIMEOUT_MS)
    # the exact moment, not the clock's text: "1.3" is 1.25 shown to a tenth of a second
    acted_at = page.evaluate("() => window.podPlayground.store.now")
    page.check("#keep-actions")
    page.click("#run")
    expect(page.locator("#run-info")).to_contain_text(
        "1 action of the previous run replayed", timeout=TIMEOUT_MS
    )
    jump_to_end(page)
    cordon = page.locator('[data-row="cluster"] .action-marker[data-action="cordon"]')
    expect(cordon).to_have_count(1)
    assert abs(float(cordon.get_attribute("data-t") or "nan") - float(acted_at)) < 0.05
    expect(keep).to_be_visible()  # the replayed log can be carried again


def test_fork_keeps_the_shared_runs_actions_unless_told_not_to(
    page: Page, daphne_url: str, browser: Browser
) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 2)
    pause(page)
    page.click("#act-cordon")
    expect(page.locator("#action-feedback li.ok").first).to_contain_text("kubectl cordon")
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/"), timeout=TIMEOUT_MS)
    url = link.input_value()

    context = browser.new_context()
    try:
        viewer = context.new_page()
        viewer.goto(url)
        expect(viewer.locator("#status")).to_have_attribute(
            "data-state", "paused", timeout=TIMEOUT_MS
        )
        expect(viewer.locator("#keep-actions-label")).to_be_hidden()  # a replay is not a restart
        viewer.click("#fork")
        expect(viewer.locator("#shared-banner")).to_contain_text(
            "Run replays its 1 action unless you untick"
        )
        expect(viewer.locator("#keep-actions-label")).to_be_visible()
        expect(viewer.locator("#keep-actions")).to_be_checked()
        viewer.click("#run")
        expect(viewer.locator("#run-info")).to_contain_text(
            "1 action of the previous run replayed", timeout=TIMEOUT_MS
        )
    finally:
        context.close()


def test_a_restart_mark_selects_the_event_of_that_restart(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    page.select_option("#example", "liveness-exec")
    page.select_option("#speed", "100")
    page.click("#run")
    lane = page.locator('.lane[data-pod="default/liveness-exec"]')
    expect(lane.locator('.restart-marker[data-restart="2"]')).to_have_count(1, timeout=TIMEOUT_MS)
    pause(page)
    first = lane.locator('.restart-marker[data-restart="1"]')
    first.click(force=True)
    selected = page.locator("#events tbody tr.selected")
    expect(selected).to_have_count(1)
    expect(selected).not_to_have_attribute("data-reason", "BackOff")
    expect(page.locator("#mark-explain")).to_contain_text("liveness at 75.0 s")


def test_the_time_axis_fits_the_run(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    axis = page.locator(".timeline-axis")
    run_text(page, scenario("180"), "100")
    jump_to_end(page)
    expect(axis).to_have_attribute("data-span", "180")  # not 5 min
    page.click("#zoom-in")
    expect(axis).to_have_attribute("data-span", "90")
    page.click("#zoom-fit")
    expect(axis).to_have_attribute("data-span", "180")

    run_text(page, scenario("3600"), "100")
    jump_to_end(page)
    expect(axis).to_have_attribute("data-span", "3600")  # not 1h30m
    page.evaluate("() => window.podPlayground.scrubTo(72)")
    expect(page.locator("#sim-now")).to_have_text("72.0")
    svg = page.evaluate("() => window.podPlayground.timeline.toSVGString('x')")
    # The file's axis ends at the time shown: 72 s fill the plot, not 15 px of it.
    assert 'data-span="72"' in svg
    expect(axis).to_have_attribute("data-span", "3600")  # the page is as it was


def test_the_example_picker_stays_in_its_panel(page: Page, daphne_url: str) -> None:
    for width in (911, 960, 1024, 1100):
        page.set_viewport_size({"width": width, "height": 800})
        open_page(page, daphne_url)
        panel = page.locator(".editor-panel").bounding_box()
        picker = page.locator("#example").bounding_box()
        assert panel is not None and picker is not None
        assert picker["x"] + picker["width"] <= panel["x"] + panel["width"], width


def test_a_new_run_starts_with_no_pod_selected(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    page.select_option("#speed", "100")
    page.click("#run")  # crashy, the default example
    row = page.locator('#pods tbody tr[data-pod="default/crashy"]')
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    row.click()
    expect(page.locator("#inspect-pod")).to_have_value("default/crashy")
    expect(page.locator("#describe")).to_contain_text("Name:")
    page.select_option("#example", "liveness-exec")
    page.click("#run")
    expect(page.locator('#pods tbody tr[data-pod="default/liveness-exec"]')).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    # The new run's first Pod, as on a fresh page; never the old run's crashy.
    expect(page.locator("#inspect-pod")).to_have_value("default/liveness-exec")
    expect(page.locator("#describe")).to_contain_text("liveness-exec")
    expect(page.locator("#describe")).not_to_contain_text("crashy")
    selected_group = page.locator(".pod-group.selected")
    expect(selected_group).to_have_attribute("data-pod", "default/liveness-exec")


def test_an_oom_killed_container_never_shows_memory_over_its_limit(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    page.select_option("#example", "oom")
    page.select_option("#speed", "10")
    page.click("#run")
    memory = page.locator("#containers tbody tr td.col-memory").first
    expect(memory).to_have_text("100Mi / 100Mi OOMKilled", timeout=TIMEOUT_MS)
    expect(memory).to_have_attribute("title", re.compile(r"asked for 251Mi, over its 100Mi limit"))
    expect(page.locator("#describe")).to_contain_text("Usage:")
    expect(page.locator("#describe")).not_to_contain_text("251Mi")
    label = page.locator(".lane .lane-label").first
    label.hover()
    expect(label.locator("title")).to_contain_text("of 100Mi limit")
    expect(label.locator("title")).not_to_contain_text("251Mi")


def test_replaying_a_scrubbed_stretch_says_replaying(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 4)
    pause(page)
    page.evaluate("() => window.podPlayground.scrubTo(1)")
    page.select_option("#speed", "1")
    page.click("#play")
    status = page.locator("#status")
    expect(status).to_have_attribute("data-state", "replaying")
    expect(status).to_contain_text("Replaying the recorded run at 1x")
    page.click("#play")
    expect(status).to_have_attribute("data-state", "paused")


def test_the_finished_status_names_the_time_the_clock_shows(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run_text(page, scenario("3.5"), "100")
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=TIMEOUT_MS)
    expect(page.locator("#sim-now")).to_have_text("3.5")
    expect(page.locator("#status")).to_have_text("Finished at simulated 3.5 s.")


# Every WebSocket the page opens, so a test can drop the connection as a network would.
KEEP_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();
"""


def test_after_a_dropped_connection_share_and_export_wait_for_a_new_run(
    page: Page, daphne_url: str
) -> None:
    page.add_init_script(KEEP_SOCKETS)
    open_page(page, daphne_url)
    run_text(page, SLEEPER, "10")
    wait_until(page, 2)
    share, export = page.locator("#share"), page.locator("#export-records")
    expect(share).to_be_enabled()
    expect(export).to_be_enabled()

    page.evaluate("() => window.__sockets.at(-1).close()")  # the server is gone with the run
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    assert page.evaluate("() => window.__sockets.length") == 2  # the page reconnected
    expect(share).to_be_disabled()
    expect(export).to_be_disabled()
    expect(share).to_have_attribute("title", re.compile("no longer holds this run: press Run"))
    expect(page.locator("#export-svg")).to_be_enabled()  # drawn from what the page holds

    page.click("#run")
    expect(share).to_be_enabled(timeout=TIMEOUT_MS)
    expect(share).to_have_attribute("title", "")
    page.click("#share")
    expect(page.locator("#share-link")).to_have_value(
        re.compile(r"^http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS
    )
