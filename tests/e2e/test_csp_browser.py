"""The production Content-Security-Policy in a real browser: no violation, and the page works.

A Daphne of its own runs with DEBUG off (the class server's settings, minus TLS,
which the test has not got): the page, the gallery and a shared run load, the
editor validates, a run plays and is shared, and the browser reports no
``securitypolicyviolation`` and no CSP message on the console.
"""

from __future__ import annotations

import re
import secrets
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from daphne_server import serve_daphne
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

BASE_DIR = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 20_000
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.fixture(scope="module")
def production_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    workdir = tmp_path_factory.mktemp("daphne-production")
    log_path = workdir / "daphne.log"
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'production.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SERVE_STATIC": "1",
        # No TLS here: what a TLS proxy would make true is switched off, nothing else.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_PROXY_SSL_HEADER": "off",
        "PLAYGROUND_WORKERS": "2",
    }
    yield from serve_daphne(env, port, log_path)


def watched(page: Page) -> list[str]:
    """CSP complaints the browser makes on ``page``, on the console or as events."""
    messages: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            messages.append(message.text)

    page.on("console", console)
    page.add_init_script(RECORD_VIOLATIONS)
    return messages


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def test_the_page_gallery_and_a_shared_run_satisfy_the_production_csp(
    page: Page, browser: Browser, production_url: str
) -> None:
    console = watched(page)
    response = page.goto(production_url + "/")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    # The editor: CodeMirror drawn, and htmx's POST /validate (CSRF header) answered.
    expect(page.locator(".CodeMirror")).to_be_visible()
    expect(page.get_by_test_id("validation-ok")).to_be_visible(timeout=TIMEOUT_MS)

    # A run plays over the websocket ('self' covers ws:), and is shared.
    page.select_option("#speed", "100")
    page.click("#run")
    lane = page.locator(".lane").first
    expect(lane).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("#events td.col-reason").first).to_be_visible(timeout=TIMEOUT_MS)
    page.click("#play")  # pauses a run that plays
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS)
    shared_url = link.input_value()
    # The timeline's SVG export writes the page's styles into the file without a
    # style attribute (one would be an inline style).
    svg = page.evaluate("() => window.podPlayground.timeline.toSVGString('csp')")
    assert 'fill="' in svg and not re.search(r"\sstyle=", svg)
    assert violations(page) == [] and console == []

    page.goto(production_url + "/gallery/")
    expect(page.get_by_test_id("gallery")).to_be_visible()
    page.locator(".gallery-title").first.click()
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("validation-result")).to_be_visible(timeout=TIMEOUT_MS)
    assert violations(page) == [] and console == []

    page.goto(shared_url)
    expect(page.locator("#shared-banner")).to_contain_text("opens paused")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    expect(page.locator("#events td.col-reason").first).to_be_visible()
    assert violations(page) == [] and console == []
