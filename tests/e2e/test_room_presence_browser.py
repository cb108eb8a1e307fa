"""A room's presenter in a real browser: the students it sees come and go, with their nicknames,
and a second presenter tab that takes control while the first is told so."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, expect
from test_rooms_browser import TIMEOUT_MS, WITHIN_MS, contexts, join, new_page, open_room

__all__ = ["contexts"]  # the fixture

NICKNAME = "() => window.localStorage.setItem('podPlayground.nickname', 'Ana')"


def test_the_presenter_sees_students_come_and_go_with_their_nicknames(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts, viewport={"width": 1366, "height": 768})
    code = open_room(presenter, daphne_url)
    people = presenter.locator("[data-testid=room-people]")
    expect(people).to_have_text("· no students yet", timeout=TIMEOUT_MS)

    ana = new_page(browser, contexts)
    ana.goto(daphne_url + "/")
    ana.evaluate(NICKNAME)  # answered a question here before: the device keeps her nickname
    join(ana, daphne_url, code)
    ben = new_page(browser, contexts)
    join(ben, daphne_url, code)
    expect(people).to_have_text("· 2 students here: Ana and 1 without a nickname", timeout=2000)
    ben.close()
    expect(people).to_have_text("· 1 student here: Ana", timeout=2000)
    ana.close()
    expect(people).to_have_text("· no students yet", timeout=2000)


def test_a_second_presenter_tab_takes_control_and_the_first_says_so(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    first = new_page(browser, contexts)
    code = open_room(first, daphne_url)
    student = new_page(browser, contexts)
    join(student, daphne_url, code)

    second = first.context.new_page()  # the same browser: it holds the presenter's key
    second.goto(f"{daphne_url}/r/{code}")
    role = "[data-testid=room-role]"
    expect(second.locator(role)).to_have_text("You are presenting.", timeout=TIMEOUT_MS)
    expect(first.locator("[data-testid=room-note]")).to_contain_text(
        "This room is now presented from another tab or device", timeout=WITHIN_MS * 2
    )
    expect(first.locator(role)).to_have_text("Following the presenter.")
    expect(first.locator("[data-testid=room-handover]")).to_be_hidden()
    second.click("#play")
    expect(student.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)
    expect(first.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)

    # The first tab takes control back when asked to (never on its own, e.g. on a reconnect).
    first.click("[data-testid=room-present-here]")
    expect(first.locator(role)).to_have_text("You are presenting.", timeout=TIMEOUT_MS)
    expect(second.locator("[data-testid=room-note]")).to_contain_text(
        "This room is now presented from another tab or device", timeout=WITHIN_MS * 2
    )
    expect(first.locator("[data-testid=room-present-here]")).to_be_hidden()
    first.click("#play")  # pause
    expect(student.locator("#status")).to_have_attribute("data-state", "paused", timeout=WITHIN_MS)
    assert re.match(r"^\d+\.\d$", student.locator("#sim-now").text_content() or "")
