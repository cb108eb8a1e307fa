"""A share link's page in a real browser: it lands through the link's room (one simulation for
everyone who opens the link), and plays on in a sandbox of its own after Play."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from daphne_server import serve_daphne
from page_text import to_fixed_1
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

TIMEOUT_MS = 20_000


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


@pytest.fixture(scope="module")
def one_viewer_rooms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose rooms take one follower: a link's room is full at its second viewer."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    workdir: Path = tmp_path_factory.mktemp("daphne-one-viewer")
    env = {
        **os.environ,
        "SERVE_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "PLAYGROUND_ROOM_MAX_VIEWERS": "1",
    }
    yield from serve_daphne(env, port, workdir / "daphne.log")


def viewer_page(browser: Browser, contexts: list[BrowserContext]) -> tuple[Page, list[str]]:
    """A page of its own context, and the paths of the websockets it opens."""
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(re.sub(r"^wss?://[^/]+", "", socket.url)))
    return page, sockets


def sim_now(page: Page) -> float:
    return float(page.locator("#sim-now").text_content() or "nan")


def restarts(page: Page) -> Locator:
    return page.locator('#pods tbody tr[data-pod="default/liveness-http"] td.col-restarts')


def test_a_share_page_lands_through_the_link_s_room_then_plays_on_its_own(
    page: Page, browser: Browser, daphne_url: str, contexts: list[BrowserContext]
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", "liveness-http")
    page.select_option("#speed", "20")
    page.click("#run")
    expect(restarts(page)).to_have_text(re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT_MS)
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS)
    moment = page.locator("#sim-now").text_content() or ""
    shown_restarts = restarts(page).text_content() or ""
    url = link.input_value()

    ana, ana_sockets = viewer_page(browser, contexts)
    ben, ben_sockets = viewer_page(browser, contexts)
    for viewer in (ana, ben):
        viewer.goto(url)
    for viewer in (ana, ben):
        # As the share page always looked: paused at the link's moment, the same Pods.
        expect(viewer.locator("#status")).to_have_attribute(
            "data-state", "paused", timeout=TIMEOUT_MS
        )
        expect(viewer.locator("#sim-now")).to_have_text(moment)
        expect(restarts(viewer)).to_have_text(shown_restarts)
        expect(viewer.locator("#status")).to_contain_text(f"Paused at simulated {moment} s")
        assert viewer.evaluate("() => window.PodRoomMode.phase()") == "room"
        expect(viewer.locator("#stop")).to_be_disabled()  # nothing of its own to stop yet
    # Both watch the link's one room; neither has a run of its own.
    assert ana_sockets == ["/ws/room/"] and ben_sockets == ["/ws/room/"]

    # Scrubbing and the inspector work on the room's frames.
    ana.locator("#scrubber").focus()
    ana.keyboard.press("Home")
    expect(ana.locator("#sim-now")).to_have_text("0.0")
    expect(restarts(ana)).not_to_have_text(shown_restarts)  # before any restart
    ana.keyboard.press("End")
    expect(ana.locator("#sim-now")).to_have_text(moment)
    ana.locator('#pods tbody tr[data-pod="default/liveness-http"]').click()
    expect(ana.locator("#inspector")).to_contain_text("liveness", timeout=TIMEOUT_MS)

    # Play: Ana's page leaves the room for a run of its own, at the same moment, and plays on.
    ana.click("#play")
    expect(ana.locator("#status")).to_have_attribute("data-state", "running", timeout=TIMEOUT_MS)
    ana.wait_for_function(
        f"() => Number(document.getElementById('sim-now').textContent) > {moment} + 2",
        timeout=TIMEOUT_MS,
    )
    assert ana_sockets == ["/ws/room/", "/ws/run/"]
    assert ana.evaluate("() => window.PodRoomMode.phase()") == "own"
    # Her run replayed the link up to its moment: the same records up to it as Ben's. The clock
    # shows the moment to a tenth of a second; the comparison takes Ben's exact edge, since Ana's
    # run has gone on past it (a record between 26.95 and 27.0 is after a moment of 26.95).
    exact = ben.evaluate("() => window.podPlayground.store.now")
    assert to_fixed_1(exact) == moment
    history = "(m) => window.podPlayground.store.records.filter((r) => r.t <= m).map((r) => r.t)"
    assert ana.evaluate(history, exact) == ben.evaluate(history, exact)
    # Still the Pod she picked.
    assert ana.evaluate("() => window.podPlayground.inspector.pod") == "default/liveness-http"
    # Ben is still at the link's moment, paused; nothing he did asked for a run.
    expect(ben.locator("#sim-now")).to_have_text(moment)
    expect(ben.locator("#status")).to_have_attribute("data-state", "paused")
    assert ben_sockets == ["/ws/room/"]

    # A live action is Ben's own too: his page leaves the room, and the action is done there.
    ben.select_option("#act-pod", "default/liveness-http")
    ben.click("#act-kill")
    expect(ben.locator("#action-feedback li").first).to_contain_text(
        "kill container liveness", timeout=TIMEOUT_MS
    )
    assert ben_sockets == ["/ws/room/", "/ws/run/"]
    kills = "() => window.podPlayground.store.records.filter((r) => r.kind === 'action').length"
    assert ben.evaluate(kills) == 1  # his own, in his own run
    expect(ben.locator("#status")).to_have_attribute("data-state", "paused")


def test_a_share_page_that_cannot_join_the_link_s_room_replays_the_link_itself(
    page: Page, browser: Browser, one_viewer_rooms_url: str, contexts: list[BrowserContext]
) -> None:
    page.goto(one_viewer_rooms_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#speed", "20")
    page.click("#run")
    page.wait_for_function(
        "() => Number(document.getElementById('sim-now').textContent) >= 3", timeout=TIMEOUT_MS
    )
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS)
    moment = page.locator("#sim-now").text_content() or ""

    ana, ana_sockets = viewer_page(browser, contexts)
    ana.goto(link.input_value())
    expect(ana.locator("#sim-now")).to_have_text(moment, timeout=TIMEOUT_MS)
    ben, ben_sockets = viewer_page(browser, contexts)
    ben.goto(link.input_value())
    # The link's room is full: Ben's page replays the link on its own socket, as before.
    expect(ben.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    expect(ben.locator("#sim-now")).to_have_text(moment)
    expect(ben.locator("#errors")).to_be_hidden()
    ben.wait_for_timeout(1500)  # no reconnecting to the full room
    assert ben_sockets == ["/ws/room/", "/ws/run/"]
    assert ben.evaluate("() => window.PodRoomMode.phase()") == "own"
    assert ana_sockets == ["/ws/room/"]
