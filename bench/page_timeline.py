"""How smooth the page stays with many Pods: live streaming, jump to the end, scrubbing.

Starts Daphne on a free port (its own SQLite database), opens the page in
Debian's Chromium, runs N Pods (a mix of probed web servers, liveness-probe
restarts and crash loops) and measures, in the browser:

  - live: the page's own render time per animation frame (the fold of the
    records up to the view time, tables, events, logs, inspector, timeline
    bookkeeping; window.podPlayground.perf) and the interval between frames,
    while the server streams at the chosen speed;
  - jump: wall time to run to the horizon with "Jump to end", and the frames
    that took longer than 50 ms meanwhile;
  - scrub: for random instants, the time from setting the view time to the
    end of the next painted frame (render + style + layout + paint).

    .venv/bin/python bench/page_timeline.py [--pods 50] [--speed 100] [--seconds 6]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sim_throughput import POD as CRASH

BASE_DIR = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

WEB = """apiVersion: v1
kind: Pod
metadata: {{name: web-{i}, labels: {{app: web}}}}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 5}}
    livenessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 10}}
"""
LIVENESS = """apiVersion: v1
kind: Pod
metadata: {{name: live-{i}}}
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args: [liveness]
    livenessProbe:
      httpGet: {{path: /healthz, port: 8080}}
      initialDelaySeconds: 3
      periodSeconds: 3
"""


def manifest(pods: int) -> str:
    kinds = (WEB, LIVENESS, CRASH)
    return "---\n".join(kinds[i % 3].format(i=i) for i in range(pods))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ordered[-1]:.1f} ms (n={len(ordered)})"
    )


FRAME_WATCH = """() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""

# From the start of the frame that shows the new instant to the end of its
# paint: the page's render, the timeline's, style, layout and paint.
SCRUB = """async (t) => {
  window.podPlayground.scrubTo(t);
  return await new Promise((resolve) => requestAnimationFrame((frameStart) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now() - frameStart);
    channel.port2.postMessage(0);
  }));
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=50)
    parser.add_argument("--speed", default="100")
    parser.add_argument("--seconds", type=float, default=6.0, help="wall seconds of live play")
    parser.add_argument("--scrubs", type=int, default=60)
    parser.add_argument("--style", default="", help="extra CSS, for experiments")
    args = parser.parse_args()

    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="pp-bench-"))
    env = {
        **os.environ,
        "SERVE_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    daphne = Path(sys.executable).with_name("daphne")
    server = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "playground.asgi:application"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#status[data-state=ready]")
            if args.style:
                page.add_style_tag(content=args.style)
            page.fill("#manifest", manifest(args.pods))
            page.select_option("#speed", args.speed)
            page.evaluate(FRAME_WATCH)
            page.click("#run")
            page.wait_for_timeout(args.seconds * 1000)
            live = page.evaluate(
                "() => ({perf: window.podPlayground.perf.renderMs.slice(),"
                " timeline: window.podPlayground.timeline.renderMs.slice(),"
                " frames: window.__frames.slice(5),"
                " records: window.podPlayground.store.records.length,"
                " now: window.podPlayground.store.now})"
            )
            print(f"{args.pods} Pods at {args.speed}x for {args.seconds:g} s of wall time:")
            print(
                f"  live: {live['records']} records up to t = {live['now']:.0f} s; "
                f"render per frame {summary(live['perf'])}"
            )
            print(f"        timeline render per frame {summary(live['timeline'])}")
            print(f"        frame interval {summary(live['frames'])}")

            page.evaluate("() => { window.__frames = []; }")
            began = time.monotonic()
            page.click("#jump")
            page.wait_for_selector("#status[data-state=finished]", timeout=600_000)
            jump_s = time.monotonic() - began
            jump = page.evaluate(
                "() => ({frames: window.__frames.slice(),"
                " records: window.podPlayground.store.records.length,"
                " now: window.podPlayground.store.now})"
            )
            long_frames = [f for f in jump["frames"] if f > 50]
            print(
                f"  jump to the end: t = {jump['now']:.0f} s, {jump['records']} records "
                f"in {jump_s:.1f} s; frames over 50 ms: {len(long_frames)} of "
                f"{len(jump['frames'])} (longest {max(jump['frames'], default=0):.0f} ms)"
            )

            rng = random.Random(1)
            horizon = jump["now"]
            page.evaluate(
                "() => { window.podPlayground.perf.renderMs.splice(0);"
                " window.podPlayground.timeline.renderMs.splice(0); }"
            )
            scrubs = [page.evaluate(SCRUB, rng.uniform(0, horizon)) for _ in range(args.scrubs)]
            render = page.evaluate("() => window.podPlayground.perf.renderMs.slice()")
            drawn = page.evaluate("() => window.podPlayground.timeline.renderMs.slice()")
            print(f"  scrub to a random instant, frame start to painted: {summary(scrubs)}")
            print(f"        the page's render {summary(render)}")
            print(f"        the timeline's render {summary(drawn)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
