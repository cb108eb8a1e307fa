"""A real Daphne for the browser tests: migrated, started, waited for and stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def serve_daphne(env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """Migrate, start Daphne on ``port`` with ``env``, yield its URL, stop it afterwards."""
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode != 0:
        pytest.fail(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
    daphne = Path(sys.executable).with_name("daphne")
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "playground.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Daphne exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Daphne did not listen within 20 s:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
