"""The YAML editor in a real browser: lint markers from live validation, and the gallery."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from playground.gallery import by_chapter, load_gallery

TIMEOUT_MS = 20_000
REQUIRED = "spec.containers[0].image: Required value"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
"""
SEVERAL = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    imag: nginx
    env:
    - name: X
      value: yes
"""


def open_editor(page: Page, url: str, path: str = "/") -> None:
    page.goto(url + path)
    expect(page.locator("#editor .CodeMirror")).to_be_visible(timeout=TIMEOUT_MS)
    # The first validation runs on load.
    expect(page.locator("#validation .validation")).to_be_attached(timeout=TIMEOUT_MS)


def paste(page: Page, text: str) -> None:
    """Replace the editor's text the way a user pastes: click, select all, paste."""
    page.locator("#editor .CodeMirror-lines").click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(text)


def editor_line(page: Page, number: int) -> Locator:
    """The editor's row for a 1-based line number: gutter and text."""
    return page.locator("#editor .CodeMirror-code > div").filter(
        has=page.locator(".CodeMirror-linenumber", has_text=re.compile(f"^{number}$"))
    )


def markers(page: Page) -> Locator:
    return page.locator("#editor .CodeMirror-lint-marker-error")


def cursor(page: Page) -> dict[str, int]:
    return page.evaluate(
        "() => { const c = window.podEditor.getCursor(); return {line: c.line + 1, ch: c.ch + 1}; }"
    )


def test_a_missing_image_gets_a_marker_on_its_line_until_it_is_fixed(
    page: Page, daphne_url: str
) -> None:
    open_editor(page, daphne_url)
    paste(page, POD)
    expect(page.locator("#validation .validation-ok")).to_have_text(
        "valid: 1 object (1 Pod)", timeout=TIMEOUT_MS
    )
    expect(markers(page)).to_have_count(0)

    # Remove the image line, as a user would: click it, select the line, delete it.
    editor_line(page, 8).locator(".CodeMirror-line").click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Shift+Home")  # CodeMirror: the first press stops at the indentation
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(page.locator("#manifest")).to_have_value(POD.replace("    image: nginx\n", ""))

    # The marker is on line 7, "- name: app": the container without an image.
    expect(markers(page)).to_have_count(1, timeout=TIMEOUT_MS)
    expect(editor_line(page, 7).locator(".CodeMirror-lint-marker-error")).to_be_visible()
    expect(editor_line(page, 7).locator(".CodeMirror-lint-mark-error").first).to_be_visible()
    underlined = "".join(
        editor_line(page, 7).locator(".CodeMirror-lint-mark-error").all_text_contents()
    )
    assert underlined == "name: app"
    errors = page.locator("#validation .validation-error")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("7:5")
    expect(errors.first).to_contain_text(f'The Pod "web" is invalid: {REQUIRED}')

    # Hovering the marker shows the message.
    editor_line(page, 7).locator(".CodeMirror-lint-marker-error").hover()
    expect(page.locator(".CodeMirror-lint-tooltip")).to_contain_text(REQUIRED)

    # Fix it: a new line under "- name: app", Tab indents by two spaces.
    editor_line(page, 7).locator(".CodeMirror-line").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("image: nginx")
    expect(page.locator("#manifest")).to_have_value(POD)
    expect(page.locator("#validation .validation-ok")).to_have_text(
        "valid: 1 object (1 Pod)", timeout=TIMEOUT_MS
    )
    expect(markers(page)).to_have_count(0)
    expect(page.locator("#editor .CodeMirror-lint-mark-error")).to_have_count(0)
    expect(page.locator("#validation .validation-error")).to_have_count(0)


def test_clicking_an_error_puts_the_cursor_on_it(page: Page, daphne_url: str) -> None:
    open_editor(page, daphne_url)
    paste(page, SEVERAL)
    errors = page.locator("#validation .validation-error")
    expect(errors).to_have_count(3, timeout=TIMEOUT_MS)
    expect(markers(page)).to_have_count(3)
    for line in (7, 8, 11):
        expect(editor_line(page, line).locator(".CodeMirror-lint-marker-error")).to_be_visible()
    expect(errors.nth(1)).to_contain_text("11:14")
    expect(errors.nth(1)).to_contain_text("YAML 1.1 reads the unquoted yes")

    page.locator("#run").focus()  # the editor does not have the focus before the click
    errors.nth(1).locator("button").click()
    expect(page.locator("#editor .CodeMirror")).to_have_class(re.compile(r"\bCodeMirror-focused\b"))
    assert cursor(page) == {"line": 11, "ch": 14}

    # Typing goes where the error is: quote the yes, and that error is gone.
    page.keyboard.press("Shift+End")
    page.keyboard.insert_text('"yes"')
    expect(page.locator("#manifest")).to_have_value(SEVERAL.replace("value: yes", 'value: "yes"'))
    expect(errors).to_have_count(2, timeout=TIMEOUT_MS)
    expect(editor_line(page, 11).locator(".CodeMirror-lint-marker-error")).to_have_count(0)
    expect(page.locator("#validation")).not_to_contain_text("YAML 1.1")

    errors.filter(has_text="8:5").click()
    assert cursor(page) == {"line": 8, "ch": 5}


def test_the_example_picker_and_ctrl_enter_work_with_the_editor(
    page: Page, daphne_url: str
) -> None:
    open_editor(page, daphne_url)
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", "liveness-http")
    expect(page.locator("#editor .CodeMirror-code")).to_contain_text("agnhost:2.40")
    expect(page.locator("#validation .validation-ok")).to_have_text(
        "valid: 1 object (1 Pod)", timeout=TIMEOUT_MS
    )

    editor_line(page, 1).locator(".CodeMirror-line").click()
    page.keyboard.press("ControlOrMeta+Enter")
    expect(page.locator("#status")).to_have_attribute("data-state", "running", timeout=TIMEOUT_MS)
    expect(page.locator('.lane[data-container="liveness"]')).to_have_count(1, timeout=TIMEOUT_MS)
    page.locator("#stop").click(force=True)


def test_run_shows_the_markers_of_the_run_errors(page: Page, daphne_url: str) -> None:
    open_editor(page, daphne_url)
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    paste(page, POD.replace("    image: nginx\n", ""))
    expect(page.locator("#validation .validation-error")).to_have_count(1, timeout=TIMEOUT_MS)
    # Run validates once more, so the markers match what the run reports.
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/validate")):
        page.click("#run")
    expect(page.locator("#errors li.error")).to_contain_text(REQUIRED, timeout=TIMEOUT_MS)
    expect(editor_line(page, 7).locator(".CodeMirror-lint-marker-error")).to_be_visible()
    # Its location in the Run errors moves the editor's cursor too.
    page.locator("#errors .error-loc").first.click()
    expect(page.locator("#editor .CodeMirror")).to_have_class(re.compile(r"\bCodeMirror-focused\b"))
    assert cursor(page) == {"line": 7, "ch": 5}


def test_the_editor_can_be_made_taller(page: Page, daphne_url: str) -> None:
    open_editor(page, daphne_url)
    frame = page.locator("#editor .CodeMirror")
    before = frame.bounding_box()
    assert before is not None
    corner_x, corner_y = before["x"] + before["width"] - 3, before["y"] + before["height"] - 3
    page.mouse.move(corner_x, corner_y)
    page.mouse.down()
    page.mouse.move(corner_x, corner_y + 120, steps=5)
    page.mouse.up()
    after = frame.bounding_box()
    assert after is not None
    assert after["height"] > before["height"] + 100
    # The editor draws its lines in the new space (CodeMirror was refreshed).
    paste(page, "".join(f"line{i}: {i}\n" for i in range(60)))
    expect(editor_line(page, 25)).to_be_visible()


def test_a_gallery_entry_opens_in_the_editor(page: Page, daphne_url: str) -> None:
    chapters = by_chapter(load_gallery())
    chapter, entries = chapters[3]
    item = entries[0]

    page.goto(daphne_url + "/")
    page.get_by_test_id("gallery-link").click()
    expect(page).to_have_url(daphne_url + "/gallery/")
    expect(page.locator(".gallery-chapter h3")).to_have_count(len(chapters))
    section = page.locator(f'.gallery-chapter[data-chapter="{chapter.slug}"]')
    expect(section.locator("h3")).to_contain_text(chapter.name)
    expect(section.locator(".gallery-entry")).to_have_count(len(entries))
    watch = section.locator(".gallery-entry").first.locator(".gallery-watch")
    for line in item.watch:
        expect(watch).to_contain_text(line)

    section.get_by_role("link", name=item.title).click()
    expect(page).to_have_url(f"{daphne_url}/gallery/{item.slug}/")
    expect(page.locator("#editor .CodeMirror")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("gallery-note")).to_contain_text(item.title)
    shown = page.evaluate("() => window.podEditor.getValue()")
    assert shown == item.text
    first_line = item.text.splitlines()[0]
    expect(editor_line(page, 1)).to_contain_text(first_line)
    expect(page.locator("#manifest")).to_have_value(item.text)
    expect(page.locator("#validation .validation-ok")).to_contain_text("valid:", timeout=TIMEOUT_MS)
    expect(markers(page)).to_have_count(0)


def test_the_page_says_when_live_validation_is_unavailable(page: Page, daphne_url: str) -> None:
    open_editor(page, daphne_url)
    # 503: with DEBUG on, django-htmx's debug handler shows 400/403/404/500 pages itself.
    page.route("**/validate", lambda route: route.fulfill(status=503, body="Service Unavailable"))
    paste(page, POD)
    expect(page.locator("#validation")).to_have_text(
        "Live validation is unavailable (the server answered 503); Run still checks the manifest.",
        timeout=TIMEOUT_MS,
    )
