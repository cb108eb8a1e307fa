"""Export records in a real browser: the downloaded file has the CLI's bytes.

The page's "Records (JSON lines)" button saves the run as a link at the live edge and downloads
that link's records.jsonl, written on the server by cluster_sim/jsonlines.py: the same bytes as
``python -m cluster_sim run -o jsonl --until <the page's live edge>`` for the page's manifest
(floats as ``5.0``, never the browser's ``5``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from page_text import to_fixed_1
from playwright.sync_api import Browser, Page, expect

TIMEOUT_MS = 20_000
BASE_DIR = Path(__file__).resolve().parents[2]


def run_to_a_pause(page: Page, url: str, example: str, at_least: float) -> float:
    """Open ``example``, run it fast, pause past ``at_least`` s; the page's live edge."""
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.select_option("#example", example)
    page.select_option("#speed", "100")
    page.click("#run")
    page.wait_for_function(
        f"() => window.podPlayground.store.now >= {at_least}", timeout=TIMEOUT_MS
    )
    page.click("#play")
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    return float(page.evaluate("() => window.podPlayground.store.now"))


def exported(page: Page) -> bytes:
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.click("#export-records")
    return Path(download.value.path()).read_bytes()


def cli_output(manifest: str, until: float, tmp_path: Path) -> bytes:
    path = tmp_path / "manifest.yaml"
    path.write_text(manifest)
    command = ["run", "-o", "jsonl", "--until", repr(until), str(path)]
    done = subprocess.run(
        [sys.executable, "-m", "cluster_sim", *command],
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
    )
    return done.stdout


def test_exported_records_are_the_cli_s_bytes_up_to_the_live_edge(
    page: Page, daphne_url: str, tmp_path: Path
) -> None:
    now = run_to_a_pause(page, daphne_url, "crashloop", 12)
    manifest = page.evaluate("() => document.getElementById('manifest').value")
    data = exported(page)

    assert data == cli_output(manifest, now, tmp_path)
    assert re.search(rb'"t":\d+\.\d', data)  # Python's float repr: "t":5.0, not "t":5
    # The same records the page holds, in the same order.
    records = [json.loads(line) for line in data.decode().splitlines()]
    assert records == page.evaluate("() => window.podPlayground.store.records")
    # It was saved as a link to the live edge, shown with the download.
    expect(page.locator("#share-status")).to_contain_text(f"up to t = {to_fixed_1(now)} s")
    expect(page.locator("#share-link")).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"))
    expect(page.locator("#export-records")).to_be_enabled()


def test_a_share_link_s_page_exports_the_link_s_records_without_leaving_its_room(
    page: Page, daphne_url: str, tmp_path: Path
) -> None:
    run_to_a_pause(page, daphne_url, "liveness-http", 8)
    page.click("#share")
    link = page.locator("#share-link")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{8}$"), timeout=TIMEOUT_MS)
    url = link.input_value()
    manifest = page.evaluate("() => document.getElementById('manifest').value")

    page.goto(url)
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    moment = float(json.loads(page.locator("#shared-run").text_content() or "{}")["moment"])
    page.wait_for_function(f"() => window.podPlayground.store.now >= {moment}", timeout=TIMEOUT_MS)
    data = exported(page)

    assert data == cli_output(manifest, moment, tmp_path)
    assert data == page.request.get(url + "/records.jsonl").body()
    # Nothing was saved or started: the page still shows the link's room.
    assert page.evaluate("() => window.PodRoomMode.phase()") == "room"
    expect(page.locator("#share-link")).to_have_value(url)


def test_a_room_s_student_exports_the_room_s_records(
    page: Page, browser: Browser, daphne_url: str, tmp_path: Path
) -> None:
    # The presenter opens a room from a paused run; a student in a context of their own exports.
    run_to_a_pause(page, daphne_url, "liveness-http", 6)
    manifest = page.evaluate("() => document.getElementById('manifest').value")
    page.click("[data-testid=open-room]")
    page.wait_for_url(re.compile(r"/r/[A-Z2-9]{6}"), timeout=TIMEOUT_MS)
    code = page.locator("[data-testid=room-code]").text_content() or ""
    context = browser.new_context()
    try:
        student = context.new_page()
        student.goto(f"{daphne_url}/r/{code}")
        expect(student.locator("[data-testid=room-role]")).to_have_text(
            "Following the presenter.", timeout=TIMEOUT_MS
        )
        expect(student.locator("#export-records")).to_be_enabled(timeout=TIMEOUT_MS)
        now = float(student.evaluate("() => window.podPlayground.store.now"))
        data = exported(student)

        assert data == cli_output(manifest, now, tmp_path)
        expect(student.locator("#share-status")).to_contain_text(f"up to t = {to_fixed_1(now)} s")
    finally:
        context.close()
