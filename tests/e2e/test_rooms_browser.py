"""Classroom rooms in a real browser: a presenter and two students, each in a context of their own
(their own localStorage: the presenter's key, the students' nicknames and device ids).

Set POD_PLAYGROUND_SCREENSHOTS=docs to write the README's screenshots
(docs/room-projector-1366x768.png, docs/room-phone-prediction.png).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from test_csp_browser import production_url, violations, watched

__all__ = ["production_url"]  # the production server's fixture, shared with the CSP test

TIMEOUT_MS = 20_000
WITHIN_MS = 1_000  # issue #10: students see what the presenter does within a second
SHOTS = os.environ.get("POD_PLAYGROUND_SCREENSHOTS")
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """The test's contexts (new_page adds to them), closed at its end."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def new_page(browser: Browser, contexts: list[BrowserContext], **options: object) -> Page:
    context = browser.new_context(**options)
    contexts.append(context)
    return context.new_page()


def screenshot(page: Page, name: str) -> None:
    if SHOTS:
        page.wait_for_timeout(600)  # the timeline settles on its zoom (layout.js)
        page.screenshot(path=str(ROOT / SHOTS / name))


def sim_now(page: Page) -> float:
    return float(page.locator("#sim-now").text_content() or "nan")


def open_room(page: Page, base: str, example: str = "graceful-deletion", until: float = 3) -> str:
    """Runs an example on the playground page, pauses it and opens a room from it: its code."""
    page.goto(base + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", example)
    page.select_option("#speed", "2")
    page.click("#run")
    page.wait_for_function(
        f"() => Number(document.getElementById('sim-now').textContent) >= {until}",
        timeout=TIMEOUT_MS,
    )
    page.click("#play")  # pause
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    moment = sim_now(page)
    expect(page.locator("[data-testid=open-room]")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("[data-testid=open-room]")
    page.wait_for_url(re.compile(r"/r/[A-Z2-9]{6}\?view=projector$"), timeout=TIMEOUT_MS)
    expect(page.locator("[data-testid=room-role]")).to_have_text(
        re.compile("You are presenting"), timeout=TIMEOUT_MS
    )
    expect(page.locator("html")).to_have_attribute("data-view", "projector")
    # The new room's join code and QR code, large, for the class to scan.
    big = page.locator("[data-testid=room-big]")
    expect(big).to_be_visible()
    code = page.locator("[data-testid=room-code]").text_content() or ""
    expect(big.locator("[data-testid=room-big-code]")).to_have_text(code)
    qr = page.request.get(base + (page.locator("[data-testid=room-qr]").get_attribute("src") or ""))
    assert qr.ok and qr.headers["content-type"] == "image/svg+xml"
    screenshot(page, "room-join-code.png")
    big.locator("button").click()
    expect(big).to_be_hidden()
    # The room opened at the run's moment, paused.
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    assert sim_now(page) == moment
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    return code


def join(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/r/{code}")
    expect(page.locator("[data-testid=room-role]")).to_have_text(
        "Following the presenter.", timeout=TIMEOUT_MS
    )
    expect(page.locator("#status")).not_to_have_attribute(
        "data-state", "connecting", timeout=TIMEOUT_MS
    )


def same_moment(presenter: Page, *students: Page) -> None:
    """Every student's clock shows the presenter's time, within a second."""
    shown = presenter.locator("#sim-now").text_content()
    for student in students:
        expect(student.locator("#sim-now")).to_have_text(shown or "", timeout=WITHIN_MS)


def test_students_follow_the_presenter_play_pause_scrub_select_and_delete(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts, viewport={"width": 1366, "height": 768})
    code = open_room(presenter, daphne_url)
    ana = new_page(browser, contexts, viewport={"width": 1280, "height": 900})
    ben = new_page(browser, contexts, viewport=PHONE)
    for student in (ana, ben):
        join(student, daphne_url, code)
        same_moment(presenter, student)
    expect(presenter.locator("[data-testid=room-people]")).to_have_text(
        "· 2 students here", timeout=TIMEOUT_MS
    )

    presenter.click("#play")
    for student in (ana, ben):
        expect(student.locator("#status")).to_have_attribute(
            "data-state", "running", timeout=WITHIN_MS
        )
        expect(student.locator("#play")).to_have_attribute("data-state", "playing")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 5", timeout=TIMEOUT_MS
    )
    presenter.click("#play")  # pause
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    for student in (ana, ben):
        expect(student.locator("#status")).to_have_attribute(
            "data-state", "paused", timeout=WITHIN_MS
        )
    same_moment(presenter, ana, ben)

    # The speed: the room's clock frames carry it.
    presenter.select_option("#speed", "10")
    for student in (ana, ben):
        expect(student.locator("#speed")).to_have_value("10", timeout=WITHIN_MS)

    # A scrub back: the students look at the same instant, the room's clock stays.
    presenter.evaluate(
        "() => { const s = document.getElementById('scrubber'); s.value = '2';"
        " s.dispatchEvent(new Event('input')); }"
    )
    expect(presenter.locator("#sim-now")).to_have_text("2.0")
    for student in (ana, ben):
        expect(student.locator("#sim-now")).to_have_text("2.0", timeout=WITHIN_MS)
    presenter.click("#to-live")
    same_moment(presenter, ana, ben)

    # The selected Pod.
    presenter.select_option("#inspect-pod", "default/sleeper")
    for student in (ana, ben):
        expect(student.locator("#inspect-pod")).to_have_value("default/sleeper", timeout=WITHIN_MS)

    # The inspector's tab.
    presenter.click("#tab-logs")
    for student in (ana, ben):
        expect(student.locator("#tab-logs")).to_have_attribute(
            "aria-selected", "true", timeout=WITHIN_MS
        )
    presenter.click("#tab-describe")

    # A live action: delete a Pod; everyone sees it happen.
    presenter.select_option("#act-pod", "default/web")
    presenter.click("#act-delete")
    expect(presenter.locator("[data-testid=action-feedback]")).to_contain_text("delete")
    for student in (ana, ben):
        expect(
            student.locator('#timeline .action-marker[data-action="delete"]').first
        ).to_be_attached(timeout=WITHIN_MS)
        expect(student.locator("#pods tbody")).to_contain_text("Terminating", timeout=WITHIN_MS)

    # Looking around: a student scrubs back on their own and snaps back.
    ana.locator("#step-back").click()
    expect(ana.locator("[data-testid=room-follow]")).to_be_visible()
    expect(ana.locator("[data-testid=room-role]")).to_have_text(re.compile("Looking around"))
    presenter.click("#play")
    expect(ana.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)
    expect(ana.locator("#to-live")).to_be_visible()  # still scrubbed back
    ana.click("[data-testid=room-follow]")
    expect(ana.locator("[data-testid=room-follow]")).to_be_hidden()
    expect(ana.locator("#to-live")).to_be_hidden(timeout=WITHIN_MS)
    presenter.click("#play")  # pause
    # The presenter's own clock is read once it has paused (under load it could still be
    # showing an earlier frame's time right after the click).
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    for student in (ana, ben):
        expect(student.locator("#status")).to_have_attribute(
            "data-state", "paused", timeout=WITHIN_MS
        )
    same_moment(presenter, ana, ben)


def test_a_student_s_control_is_refused_and_a_late_joiner_lands_on_the_moment(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts)
    code = open_room(presenter, daphne_url)
    ana = new_page(browser, contexts)
    join(ana, daphne_url, code)

    ana.click("#play")
    note = ana.locator("[data-testid=room-note]")
    expect(note).to_have_text(re.compile(r"^Only the presenter controls this room\."))
    expect(note).to_have_attribute("data-kind", "refused")
    expect(ana.locator("#status")).to_have_attribute("data-state", "paused")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    # A live action too: said next to the button.
    ana.click("#act-delete")
    expect(ana.locator("[data-testid=action-feedback]")).to_contain_text(
        "Only the presenter controls this room."
    )

    # The room plays on a while; a late joiner lands on its current moment at once.
    presenter.click("#play")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 8", timeout=TIMEOUT_MS
    )
    presenter.click("#play")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    late = new_page(browser, contexts)
    join(late, daphne_url, code)
    same_moment(presenter, late)
    assert late.evaluate("() => window.podPlayground.store.records.length") == presenter.evaluate(
        "() => window.podPlayground.store.records.length"
    )


def ask(presenter: Page, question: str, choices: list[str] | None) -> None:
    presenter.click("[data-testid=room-ask]")
    presenter.fill("[data-testid=ask-question]", question)
    if choices is None:
        presenter.check("[data-testid=ask-kind-number]")
    else:
        presenter.fill("[data-testid=ask-choices]", "\n".join(choices))
    presenter.click("[data-testid=ask-send]")


def answer(student: Page, nickname: str, choice: str) -> None:
    card = student.locator("[data-testid=room-prediction]")
    card.locator("[data-testid=prediction-nickname]").fill(nickname)
    card.locator(f'.prediction-choice[data-choice="{choice}"]').click()
    expect(card.locator("[data-testid=prediction-mine]")).to_have_text(
        re.compile(f"^Your answer: {re.escape(choice)}"), timeout=TIMEOUT_MS
    )


def bars(page: Page) -> list[tuple[str, int]]:
    rows = page.locator("[data-testid=room-prediction] [data-testid=tally] li")
    return [
        (row.get_attribute("data-label") or "", int(row.get_attribute("data-count") or -1))
        for row in rows.all()
    ]


def test_a_prediction_round_with_two_answers_shows_the_tally(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts, viewport={"width": 1366, "height": 768})
    code = open_room(presenter, daphne_url)
    ana = new_page(browser, contexts, viewport=PHONE, is_mobile=True, has_touch=True)
    ben = new_page(browser, contexts)
    for student in (ana, ben):
        join(student, daphne_url, code)

    presenter.click("#play")
    expect(ana.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)
    choices = ["0", "1", "2", "3 or more"]
    ask(presenter, "How many times has sleeper restarted at 30 s?", choices)
    # Asking pauses the room.
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    for student in (ana, ben):
        expect(student.locator("#status")).to_have_attribute("data-state", "paused")
        expect(student.locator("[data-testid=prediction-question]")).to_have_text(
            "How many times has sleeper restarted at 30 s?", timeout=WITHIN_MS
        )
        expect(student.locator("[data-testid=tally]")).to_have_count(0)  # not before the reveal

    answer(ana, "Ana", "0")
    answer(ben, "Ben", "3 or more")
    answer(ana, "Ana", "2")  # changed her mind while the question is open
    card = presenter.locator("[data-testid=room-prediction]")
    expect(card.locator("[data-testid=prediction-state]")).to_have_text(
        re.compile(r"^2 answers so far"), timeout=TIMEOUT_MS
    )
    screenshot(ana, "room-phone-prediction.png")
    expect(card.locator("[data-testid=tally] li")).to_have_count(4)  # the presenter's, live
    card.locator("[data-testid=prediction-reveal]").click()
    for student in (ana, ben):
        expect(student.locator("[data-testid=prediction-state]")).to_have_text(
            re.compile(r"^2 answers · the class's predictions"), timeout=WITHIN_MS
        )
        assert bars(student) == [("0", 0), ("1", 0), ("2", 1), ("3 or more", 1)]
    assert bars(presenter) == [("0", 0), ("1", 0), ("2", 1), ("3 or more", 1)]
    expect(ana.locator('[data-testid=tally] li[data-mine="true"]')).to_have_attribute(
        "data-label", "2"
    )
    screenshot(ana, "room-phone-tally.png")
    # The nickname stays with the device.
    assert ana.evaluate("() => localStorage.getItem('podPlayground.nickname')") == "Ana"
    presenter.click("#play")  # and the run shows the answer
    expect(ben.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)


def test_a_student_forks_the_room_s_moment_and_runs_their_copy(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts)
    code = open_room(presenter, daphne_url)
    presenter.select_option("#act-pod", "default/web")
    presenter.click("#act-delete")
    expect(presenter.locator("[data-testid=action-feedback]")).to_contain_text("delete")
    presenter.click("#play")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 6", timeout=TIMEOUT_MS
    )
    presenter.click("#play")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    moment = presenter.locator("#sim-now").text_content()

    ana = new_page(browser, contexts)
    join(ana, daphne_url, code)
    with ana.context.expect_page(timeout=TIMEOUT_MS) as opened:
        ana.click("[data-testid=room-fork]")
    copy = opened.value
    copy.wait_for_url(re.compile(r"/s/[\w-]+$"), timeout=TIMEOUT_MS)
    expect(ana.locator("[data-testid=room-note]")).to_contain_text(
        f"Your copy of the room at t = {moment} s opened in a new tab"
    )
    # Their own sandbox at the room's instant, with the room's live action.
    expect(copy.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    expect(copy.locator("#sim-now")).to_have_text(moment or "")
    expect(copy.locator("#shared-banner")).to_contain_text("1 live action replayed")
    copy.click("#fork")
    copy.evaluate(
        "() => window.podEditor.setValue(window.podEditor.getValue()"
        ".replace('name: sleeper', 'name: dreamer'))"
    )
    copy.click("#run")
    expect(copy.locator("#status")).to_have_attribute("data-state", "running", timeout=TIMEOUT_MS)
    expect(copy.locator('#timeline .lane[data-pod="default/dreamer"]')).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    # The room did not move.
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    assert presenter.locator("#sim-now").text_content() == moment


def within_viewport(page: Page, selector: str) -> None:
    size = page.viewport_size
    assert size is not None
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"] + 0.5, (selector, box)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (selector, box)


def test_the_presenter_s_projector_and_a_student_s_phone_show_what_matters_at_once(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    """The gallery's eviction lesson as a room: the projector at 1366x768 keeps the join code,
    the QR code, the clock, all three Pods' lanes and the question's tally on one screen; a
    phone shows a new question where the student is looking."""
    presenter = new_page(browser, contexts, viewport={"width": 1366, "height": 768})
    presenter.goto(daphne_url + "/gallery/eviction-order/")
    expect(presenter.locator("#status")).to_have_attribute(
        "data-state", "ready", timeout=TIMEOUT_MS
    )
    presenter.select_option("#speed", "20")
    presenter.click("#run")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 22", timeout=TIMEOUT_MS
    )
    presenter.click("#play")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    presenter.click("[data-testid=open-room]")
    big = presenter.locator("[data-testid=room-big]")
    expect(big).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(presenter, "room-join-code.png")
    big.locator("button").click()
    code = presenter.locator("[data-testid=room-code]").text_content() or ""
    students = [
        new_page(browser, contexts, viewport=PHONE, is_mobile=True, has_touch=True,
                 device_scale_factor=2)
        for _ in range(2)
    ]  # fmt: skip
    for student in students:
        join(student, daphne_url, code)
    expect(presenter.locator("[data-testid=room-people]")).to_have_text(
        "· 2 students here", timeout=TIMEOUT_MS
    )
    expect(presenter.locator("#timeline .lane")).to_have_count(3)
    screenshot(presenter, "room-projector-1366x768.png")
    for selector in (
        "#room-code",
        "#room-qr",
        "#room-link",
        "#sim-now",
        "#play",
        "#scrubber",
        "#logs",
        "#events",
        '#timeline .lane[data-pod="default/besteffort"]',
    ):
        within_viewport(presenter, selector)

    ask(presenter, "Which Pod is evicted first?", ["guaranteed", "burstable", "besteffort"])
    ana, ben = students
    expect(ana.locator("[data-testid=prediction-question]")).to_be_visible(timeout=WITHIN_MS)
    within_viewport(ana, "[data-testid=prediction-question]")
    answer(ana, "Ana", "besteffort")
    within_viewport(ana, '.prediction-choice[data-choice="besteffort"]')
    screenshot(ana, "room-phone-prediction.png")
    answer(ben, "Ben", "burstable")
    card = presenter.locator("[data-testid=room-prediction]")
    expect(card.locator("[data-testid=prediction-state]")).to_have_text(
        re.compile(r"^2 answers so far"), timeout=TIMEOUT_MS
    )
    card.locator("[data-testid=prediction-reveal]").click()
    expect(ana.locator("[data-testid=tally] li")).to_have_count(3, timeout=WITHIN_MS)
    lane = '#timeline .lane[data-pod="default/besteffort"]'
    for selector in ("[data-testid=tally]", "#sim-now", lane):
        within_viewport(presenter, selector)
    screenshot(presenter, "room-projector-tally.png")
    screenshot(ana, "room-phone-tally.png")


def test_the_presenter_hands_control_to_another_device(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    laptop = new_page(browser, contexts)
    code = open_room(laptop, daphne_url)
    laptop.click("[data-testid=room-handover]")
    link = laptop.locator("[data-testid=room-handover-link]")
    expect(link).to_have_value(re.compile(rf"/r/{code}#handover=[\w-]+$"), timeout=TIMEOUT_MS)
    tablet = new_page(browser, contexts)
    tablet.goto(link.input_value())
    expect(tablet.locator("[data-testid=room-role]")).to_have_text(
        "You are presenting.", timeout=TIMEOUT_MS
    )
    assert "#handover" not in tablet.url  # used once; a reload or a copy must not carry it
    expect(laptop.locator("[data-testid=room-note]")).to_contain_text(
        "You handed control to another device", timeout=TIMEOUT_MS
    )
    expect(laptop.locator("[data-testid=room-role]")).to_have_text("Following the presenter.")
    assert laptop.evaluate(f"() => localStorage.getItem('room-secret:{code}')") is None
    assert tablet.evaluate(f"() => localStorage.getItem('room-secret:{code}')")
    tablet.click("#play")
    expect(laptop.locator("#status")).to_have_attribute("data-state", "running", timeout=WITHIN_MS)
    laptop.click("#play")
    expect(laptop.locator("[data-testid=room-note]")).to_have_text(
        re.compile(r"^Only the presenter controls this room\.")
    )
    # The used link makes nobody the presenter again.
    again = new_page(browser, contexts)
    again.goto(link.input_value())
    expect(again.locator("[data-testid=room-note]")).to_have_text(
        "That handover link has been used or has expired; ask the presenter for a new one.",
        timeout=TIMEOUT_MS,
    )
    expect(again.locator("[data-testid=room-role]")).to_have_text("Following the presenter.")


def test_a_student_who_falls_behind_is_told_and_lands_on_the_current_moment(
    browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts)
    code = open_room(presenter, daphne_url, example="liveness-http")
    ana = new_page(browser, contexts)
    join(ana, daphne_url, code)
    # Ana's page stops acknowledging (a hidden tab, a stalled phone): the room stops sending
    # to her past its window (PLAYGROUND_ROOM_VIEWER_WINDOW) and never waits for her.
    ana.evaluate(
        "() => { const p = window.podPlayground, send = p.send;"
        " window.acks = true;"
        " p.send = (m) => (m.action === 'ack' && !window.acks ? false : send(m)); "
        " window.acks = false; }"
    )
    # More room frames than the window: the presenter's view, sent again and again.
    for n in range(40):
        presenter.evaluate(
            "(n) => { const p = window.podPlayground, i = p.inspector; p.send({action: 'view',"
            " view: {time: null, pod: i.pod, container: i.container, tab: i.tab, n}}); }",
            n,
        )
        presenter.wait_for_timeout(60)  # within the message rate limit
    presenter.select_option("#speed", "100")
    presenter.click("#play")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 400",
        timeout=TIMEOUT_MS,
    )
    presenter.click("#play")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    assert float(ana.locator("#sim-now").text_content() or 0) < sim_now(presenter)
    ana.evaluate("() => { window.acks = true; }")
    expect(ana.locator("[data-testid=room-note]")).to_have_text(
        "Your connection fell behind; jumped to the current moment.", timeout=TIMEOUT_MS
    )
    same_moment(presenter, ana)
    assert ana.evaluate("() => window.podPlayground.store.records.length") == presenter.evaluate(
        "() => window.podPlayground.store.records.length"
    )


def test_a_room_opened_from_a_share_link_satisfies_the_production_csp(
    browser: Browser, production_url: str, contexts: list[BrowserContext]
) -> None:
    presenter = new_page(browser, contexts, viewport={"width": 1366, "height": 768})
    student = new_page(browser, contexts, viewport=PHONE)
    complaints = [watched(presenter), watched(student)]
    presenter.goto(production_url + "/")
    expect(presenter.locator("#status")).to_have_attribute(
        "data-state", "ready", timeout=TIMEOUT_MS
    )
    presenter.select_option("#speed", "100")
    presenter.click("#run")
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 30", timeout=TIMEOUT_MS
    )
    presenter.click("#play")
    expect(presenter.locator("#status")).to_have_attribute("data-state", "paused")
    presenter.click("#share")
    link = presenter.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS)
    presenter.goto(link.input_value())
    expect(presenter.locator("#status")).to_have_attribute(
        "data-state", "paused", timeout=TIMEOUT_MS
    )
    # The link's page is paused from its first frame; its moment is read once it has landed
    # there (CI read 0.0, the page before the replay arrived).
    presenter.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 30", timeout=TIMEOUT_MS
    )
    moment = presenter.locator("#sim-now").text_content()
    # A share link's run becomes a room at its moment.
    expect(presenter.locator("[data-testid=open-room]")).to_be_enabled(timeout=TIMEOUT_MS)
    presenter.click("[data-testid=open-room]")
    expect(presenter.locator("[data-testid=room-big]")).to_be_visible(timeout=TIMEOUT_MS)
    presenter.locator("#room-big-close").click()
    expect(presenter.locator("#sim-now")).to_have_text(moment or "", timeout=TIMEOUT_MS)
    code = presenter.locator("[data-testid=room-code]").text_content() or ""

    join(student, production_url, code)
    same_moment(presenter, student)
    ask(presenter, "How many restarts at 2m?", None)
    student.locator("[data-testid=prediction-nickname]").fill("Ana")
    student.locator("[data-testid=prediction-value]").fill("3")
    student.locator("[data-testid=prediction-send]").click()
    expect(student.locator("[data-testid=prediction-mine]")).to_have_text(
        re.compile(r"^Your answer: 3"), timeout=TIMEOUT_MS
    )
    presenter.locator("[data-testid=prediction-reveal]").click()
    expect(student.locator("[data-testid=tally] li")).to_have_count(1, timeout=TIMEOUT_MS)
    assert bars(student) == [("3", 1)]
    presenter.click("[data-testid=room-show-code]")
    expect(presenter.locator("[data-testid=room-big]")).to_be_visible()
    assert violations(presenter) == [] and violations(student) == [] and complaints == [[], []]


def test_an_unknown_room_says_it_has_ended(page: Page, daphne_url: str) -> None:
    response = page.goto(daphne_url + "/r/zzzz22")
    assert response is not None and response.status == 404
    expect(page.locator("[data-testid=room-missing]")).to_contain_text(
        "This room has ended or never existed"
    )
    expect(page.locator(".room-code")).to_have_text("ZZZZ22")
