"""A chatty container in the browser: lines held back are counted, kubectl logs has them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000

CHATTY = """\
apiVersion: v1
kind: Pod
metadata:
  name: chatty
spec:
  containers:
  - name: app
    image: busybox
    command:
    - sh
    - -c
    - i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; sleep 3600
"""


def paste(page: Page, text: str) -> None:
    """Replace the editor's text the way a user pastes: click, select all, paste."""
    page.locator("#editor .CodeMirror-lines").click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(text)


def test_held_back_lines_are_counted_and_kubectl_logs_shows_them(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    expect(page.locator("#editor .CodeMirror")).to_be_visible(timeout=TIMEOUT_MS)
    paste(page, CHATTY)
    expect(page.locator("#manifest")).to_have_value(CHATTY)
    page.select_option("#speed", "100")
    page.click("#run")

    # The log pane: the first 100 lines of that second, then the count of the rest.
    held = page.locator("#logs .log-line.log-held")
    expect(held).to_have_count(1, timeout=TIMEOUT_MS)
    expect(held).to_contain_text("200 lines not shown; kubectl logs has them")
    kinds = page.evaluate("() => window.podPlayground.store.logs.map((r) => r.kind)")
    assert kinds == ["log"] * 100 + ["log-held"]  # the pane is a virtual list: ask the store

    page.click("#play")  # pause
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    page.click("#tab-logs")
    notice = page.locator("#logs-held")
    expect(notice).to_contain_text("200 lines not shown; kubectl logs has them")
    logs = page.locator("#container-logs")
    expect(logs).to_contain_text("line 99")
    expect(logs).not_to_contain_text("line 100\n")

    page.get_by_role("button", name="Show kubectl logs").click()
    expect(notice).to_contain_text(re.compile(r"Every line the node still has at the live edge"))
    expect(logs).to_contain_text("line 299", timeout=TIMEOUT_MS)
    text = logs.text_content() or ""
    assert text == "".join(f"line {i}\n" for i in range(300))

    page.get_by_role("button", name="Back to the streamed lines").click()
    expect(logs).not_to_contain_text("line 299")
    expect(notice).to_contain_text("200 lines not shown")
