"""No run can stall the server: another client's latency beside runaway and huge runs.

    .venv/bin/python bench/isolation.py [--runs 3] [--tries 200]

Each run starts the server as in production (Daphne, DEBUG off, 127.0.0.1, a
free port) and measures, over ``--tries`` tries each, one client's page load
(GET /), ``/validate`` round trip (POST, CSRF as the page does it) and pause
latency (pause sent -> "paused" clock frame received, on a run playing at 1x):
first on the idle server (the baseline, same process, same run), then while a
second process keeps three runs going flat out: ``while :; do :; done``,
``while true; do echo hi; done`` (both at the top speed) and a 1,000-Pod run
that jumps to its end, each restarted whenever it ends. Then it stops the
server with SIGTERM under that load and times the exit.

Prints p50/p99 (ms) per measure, idle and loaded, their ratio, and the
min/median/max over the runs. Target: loaded p99 <= 3x idle and below 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from liveserver import percentile, running_server

RUNAWAY_BUSY = """\
apiVersion: v1
kind: Pod
metadata: {name: spin}
spec:
  containers:
  - {name: app, image: busybox, command: ["sh", "-c", "while :; do :; done"]}
"""
RUNAWAY_ECHO = RUNAWAY_BUSY.replace("spin", "chatty").replace(
    "while :; do :; done", "while true; do echo hi; done"
)
MEASURED_RUN = """\
apiVersion: v1
kind: Pod
metadata: {name: crashy}
spec:
  restartPolicy: Always
  containers:
  - {name: app, image: busybox, command: ["sh", "-c", "echo starting; sleep 2; exit 1"]}
"""
VALID_POD = MEASURED_RUN
MEASURES = ("page load", "/validate", "pause")


def thousand_pods() -> str:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:04d}}}\nspec: {{containers: "
        "[{{name: c, image: nginx, livenessProbe: {{httpGet: {{path: /, port: 80}}, "
        "periodSeconds: 10}}}}]}}\n"
    )
    return "---\n".join(pod.format(i=i) for i in range(1000))


# -- the measuring client (synchronous, one thread) ----------------------------------------


def measure(url: str, ws_url: str, tries: int) -> dict[str, list[float]]:
    from websockets.sync.client import connect

    page = urllib.request.urlopen(url + "/", timeout=30)
    html = page.read().decode()
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert token is not None, "no CSRF token in the page"

    def page_load() -> None:
        with urllib.request.urlopen(url + "/", timeout=30) as response:
            response.read()

    def validate() -> None:
        request = urllib.request.Request(
            url + "/validate",
            data=VALID_POD.encode(),
            headers={
                "Content-Type": "text/plain; charset=utf-8",
                "X-CSRFToken": token.group(1),
                "Cookie": cookie,
                "Referer": url + "/",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert b"valid" in response.read()

    results = {
        "page load": timed(page_load, tries),
        "/validate": timed(validate, tries),
    }
    with connect(ws_url, origin=url, max_size=None, open_timeout=30) as ws:
        ws.send(json.dumps({"action": "start", "manifest": MEASURED_RUN, "speed": 1, "seed": 0}))
        wait_for(ws, "started")
        latencies = []
        for _ in range(tries):
            began = time.perf_counter()
            ws.send('{"action": "pause"}')
            wait_for(ws, "clock", "paused")
            latencies.append(time.perf_counter() - began)
            ws.send('{"action": "resume"}')
            wait_for(ws, "clock", "playing")
            time.sleep(0.11)  # within the per-connection message rate (20/s)
        results["pause"] = latencies
    return results


def timed(call: Callable[[], None], tries: int) -> list[float]:
    latencies = []
    for _ in range(tries):
        began = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - began)
    return latencies


def wait_for(ws: object, kind: str, state: str | None = None) -> None:
    while True:
        frame = json.loads(ws.recv(timeout=30))  # type: ignore[attr-defined]
        if frame["type"] == kind and (state is None or frame.get("state") == state):
            return
        if frame["type"] in ("error", "end"):
            raise RuntimeError(f"unexpected {frame}")


# -- the load (another process, so its reading does not slow the measuring client) ---------


async def keep_running(ws_url: str, origin: str, manifest: str, jump: bool, counts: dict) -> None:
    import websockets

    start = {"action": "start", "manifest": manifest, "speed": 1000, "seed": 0}
    with contextlib.suppress(websockets.ConnectionClosed):  # the server stops at the end
        await _keep_running(ws_url, origin, start, jump, counts)


async def _keep_running(ws_url: str, origin: str, start: dict, jump: bool, counts: dict) -> None:
    import websockets

    async with websockets.connect(ws_url, origin=origin, max_size=None) as ws:
        while True:
            await ws.send(json.dumps(start))
            if jump:
                await ws.send('{"action": "jump"}')
            while True:
                frame = await ws.recv()
                counts["frames"] += 1
                counts["bytes"] += len(frame)
                if frame.startswith('{"type":"end"') or frame.startswith('{"type":"error"'):
                    counts["runs"] += 1
                    break


async def load(url: str, ws_url: str) -> None:
    counts = {"frames": 0, "bytes": 0, "runs": 0}
    tasks = [
        keep_running(ws_url, url, RUNAWAY_BUSY, False, counts),
        keep_running(ws_url, url, RUNAWAY_ECHO, False, counts),
        keep_running(ws_url, url, thousand_pods(), True, counts),
    ]
    stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    runs = asyncio.gather(*tasks)
    await asyncio.wait([stop, runs], return_when=asyncio.FIRST_COMPLETED)
    print(json.dumps(counts), flush=True)
    sys.exit(0)


# -- one run -------------------------------------------------------------------------------


def one_run(tries: int) -> dict[str, object]:
    with running_server() as server:
        idle = measure(server.url, server.ws_url, tries)
        loader = subprocess.Popen(
            [sys.executable, __file__, "--load", server.url, server.ws_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)  # let the three runs get going
        loaded = measure(server.url, server.ws_url, tries)
        still_serving = loader.poll() is None
        shutdown = [0.0]
        stopper = threading.Thread(target=lambda: shutdown.__setitem__(0, server.terminate()))
        stopper.start()  # SIGTERM under load
        stopper.join()
        out, _ = loader.communicate("", timeout=30)
        load_counts = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return {
        "idle": idle,
        "loaded": loaded,
        "sigterm": shutdown[0],
        "load": load_counts,
        "load_alive": still_serving,
    }


def summary(values: list[float]) -> tuple[float, float]:
    return percentile(values, 50) * 1000, percentile(values, 99) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tries", type=int, default=200)
    parser.add_argument("--load", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(load(*args.load))
        return
    ratios: dict[str, list[float]] = {m: [] for m in MEASURES}
    loaded_p99: dict[str, list[float]] = {m: [] for m in MEASURES}
    sigterms = []
    for number in range(1, args.runs + 1):
        result = one_run(args.tries)
        sigterm = result["sigterm"]
        print(f"\nrun {number}: load {result['load']}, SIGTERM under load: {sigterm:.2f} s")
        print(
            f"{'measure':<11} {'idle p50':>9} {'idle p99':>9} {'load p50':>9} {'load p99':>9} "
            f"{'p99 ratio':>9}"
        )
        for name in MEASURES:
            idle50, idle99 = summary(result["idle"][name])  # type: ignore[index]
            load50, load99 = summary(result["loaded"][name])  # type: ignore[index]
            ratios[name].append(load99 / idle99)
            loaded_p99[name].append(load99)
            print(
                f"{name:<11} {idle50:9.1f} {idle99:9.1f} {load50:9.1f} {load99:9.1f} "
                f"{load99 / idle99:8.2f}x"
            )
        sigterms.append(result["sigterm"])
    print(f"\nover {args.runs} runs (min / median / max); target p99 <= 3x idle and < 250 ms")
    for name in MEASURES:
        r, p = ratios[name], loaded_p99[name]
        print(
            f"{name:<11} p99 ratio {min(r):.2f} / {statistics.median(r):.2f} / {max(r):.2f}x"
            f"   loaded p99 {min(p):.1f} / {statistics.median(p):.1f} / {max(p):.1f} ms"
        )
    print(
        f"SIGTERM -> exit under load: {min(sigterms):.2f} / {statistics.median(sigterms):.2f} / "
        f"{max(sigterms):.2f} s (target < 5 s)"
    )


if __name__ == "__main__":
    main()
