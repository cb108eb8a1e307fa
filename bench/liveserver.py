"""Start the playground as in production (Daphne, DEBUG off) on a free local port.

Shared by ``bench/isolation.py`` and ``bench/client_fanout.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    ws_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def terminate(self, timeout: float = 10.0) -> float:
        """SIGTERM, then the seconds until the server process exited (SIGKILL after timeout)."""
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return float("inf")
        return time.monotonic() - began


@contextmanager
def running_server(extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="playground-bench-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVE_STATIC": "1",
            # Plain http on 127.0.0.1: no TLS proxy in front, so no redirect to https.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "playground.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            **(extra_env or {}),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        log = workdir / "daphne.log"
        daphne = Path(sys.executable).with_name("daphne")
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(daphne), "-b", "127.0.0.1", "-p", str(port), "playground.asgi:application"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/run/", process, log)
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"Daphne exited:\n{log.read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"Daphne did not listen:\n{log.read_text()}") from None
                    time.sleep(0.1)
            yield server
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if os.environ.get("BENCH_SERVER_LOG"):  # keep the server's log to look at
                Path(os.environ["BENCH_SERVER_LOG"]).write_text(log.read_text())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
