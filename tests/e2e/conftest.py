"""Browser tests: a real Daphne in a subprocess, driven by the Debian Chromium.

Run these in their own pytest invocation (see the Makefile): pytest-playwright's
session loop breaks pytest-asyncio tests that run after it in the same process.
"""

from __future__ import annotations

import os

# Sync Playwright keeps an event loop running in the main thread; without this
# any Django ORM use in these tests raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from daphne_server import serve_daphne

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_DIR = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: browser tests need Debian's Chromium "
        "(apt-get install -y chromium; never `playwright install`)"
    )
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true and {reason}")
    sys.stderr.write(f"\n*** SKIPPING BROWSER TESTS: {reason} ***\n")
    for item in items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def daphne_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Daphne serving the playground (HTTP, static files, websockets)."""
    port = _free_port()
    workdir = tmp_path_factory.mktemp("daphne")
    log_path = workdir / "daphne.log"
    env = {
        **os.environ,
        "SERVE_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        # A database of its own (shared runs), migrated here, never the developer's.
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        # Every browser test's rooms come from 127.0.0.1 and stay open until they idle out.
        "PLAYGROUND_ROOMS_PER_ADDRESS": "100",
        # A page that stops acknowledging falls behind after this many room frames (not 512).
        "PLAYGROUND_ROOM_VIEWER_WINDOW": "48",
    }
    yield from serve_daphne(env, port, log_path)
