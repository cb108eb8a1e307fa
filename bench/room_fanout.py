"""One room, 200 viewers: the room's fan-out against a raw ``websockets`` broadcast.

    .venv/bin/python bench/room_fanout.py [--runs 3] [--viewers 200] [--horizon 300]

Each run, for one server process and then for two over Redis (REDIS_URL, the
viewers split between them, the presenter on the first):

1. *room*: Daphne serving the playground as in production (DEBUG off, a fresh
   SQLite file shared by the processes); a presenter opens a room on a 100-Pod
   crash-looping scenario, the viewers join it, the presenter plays it at 100x
   to its horizon. Each viewer acknowledges every 32 frames, as the page does.
2. *raw*: the same frames (the exact text the presenter received, ``seq`` and
   all) broadcast at the same moments by a minimal server on the ``websockets``
   library (``websockets.broadcast``, as ``../shared/bench-baselines/ws_raw_server.py``
   does), to as many viewers of the same client, in the same run.

Latency is receive time minus the time the frame entered the fan-out
(CLOCK_MONOTONIC, shared by the processes: the room server records it in
``Hub.broadcast``, the raw server before ``broadcast``). Prints, per mode, the
ratios room/raw of deliveries per second (target >= 0.5) and of the p99 frame
latency (target <= 3), and the records lost (target 0: every viewer's record
count equals the presenter's), with min/median/max over the runs.

The baselines' helpers (``common.py``: percentiles, summaries, CPU, the quiet
gate) are imported from ``../shared/bench-baselines/`` (``--baselines``).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_BASELINES = BASE_DIR.parent / "shared" / "bench-baselines"
ACK_EVERY = 32
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
mono = time.monotonic


def scenario(pods: int = 100) -> str:
    """``pods`` crash-looping Pods: a steady stream of restarts, back-offs and events."""
    docs = []
    for i in range(pods):
        docs.append(
            f"""apiVersion: v1
kind: Pod
metadata:
  name: crashy-{i}
  labels:
    app: crashy
spec:
  restartPolicy: Always
  containers:
    - name: app
      image: busybox:1.36
      command: ["sh", "-c", "echo starting {i}; sleep {1 + i % 7}; exit 1"]
"""
        )
    return "---\n".join(docs)


# -- the servers (this file is also the room server's ASGI module and the raw server) ----


def _room_application() -> Any:
    """playground.asgi's application, with the time each room frame enters the fan-out."""
    from playground.asgi import application
    from playground.rooms.hub import Hub

    sent: dict[int, float] = {}
    broadcast = Hub.broadcast

    async def timed(self: Hub, frame: str, *, keep: bool = True) -> None:
        sent[self.seq + 1] = mono()
        await broadcast(self, frame, keep=keep)

    Hub.broadcast = timed  # type: ignore[method-assign]

    def dump() -> None:
        Path(os.environ["BENCH_ROOM_TIMES"]).write_text(json.dumps(sent))

    atexit.register(dump)
    return application


if os.environ.get("BENCH_ROOM_TIMES") and __name__ != "__main__":
    application = _room_application()


async def raw_server(port: int) -> None:
    """Viewers on /view; /present gets the frames and their moments, broadcasts them."""
    from websockets.asyncio.server import broadcast, serve

    viewers: set[Any] = set()

    async def handler(ws: Any) -> None:
        if ws.request.path == "/view":
            viewers.add(ws)
            try:
                await ws.send('{"ctl":"hello"}')
                await ws.wait_closed()
            finally:
                viewers.discard(ws)
            return
        async for message in ws:
            plan = json.loads(message)
            sent = {}
            began = mono()
            planned = zip(plan["seqs"], plan["offsets"], plan["frames"], strict=True)
            for seq, offset, frame in planned:
                delay = began + offset - mono()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent[seq] = mono()
                broadcast(viewers, frame)
            await ws.send(json.dumps({"ctl": "done", "sent": sent}))

    async with serve(handler, "127.0.0.1", port, max_size=None, compression=None):
        await asyncio.Future()


# -- the client side -------------------------------------------------------------------


@dataclass
class Seen:
    """What one viewer received."""

    times: dict[int, float] = field(default_factory=dict)  # seq -> receive time
    records: int = 0
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


def _seq(text: str) -> int | None:
    if text.startswith('{"seq":'):
        return int(text[7 : text.index(",", 7)])
    return None


def _records(text: str) -> int:
    head = text[:48]
    return text.count('{"t":') if '"type":"records"' in head else 0


async def follow(url: str, seen: Seen, *, ack: bool) -> None:
    from websockets.asyncio.client import connect

    origin = "http://" + url.split("/")[2]
    async with connect(url, origin=origin, max_size=None, compression=None, ping_interval=None,
                       open_timeout=60) as ws:  # fmt: skip
        unacked = 0
        async for text in ws:
            now = mono()
            seq = _seq(text)
            seen.records += _records(text)
            if seq is None:
                if text.startswith('{"type":"clock"') or text.startswith('{"ctl"'):
                    seen.ready.set()  # the snapshot ends with the room's clock
                continue
            seen.times[seq] = now
            if ack:
                unacked += 1
                if unacked >= ACK_EVERY:
                    unacked = 0
                    await ws.send(f'{{"action":"ack","seq":{seq}}}')
            if text.startswith('"type":"end"', text.index(",") + 1):
                seen.ended.set()


@dataclass
class Result:
    deliveries_per_s: float
    p99_ms: float
    lost: int
    frames: int
    records: int


def measure(seen: list[Seen], sent: dict[int, float], expected_records: int) -> Result:
    from common import pct

    latencies = sorted(
        seen_at - sent[seq] for s in seen for seq, seen_at in s.times.items() if seq in sent
    )
    deliveries = sum(len(s.times) for s in seen)
    first = min(sent[seq] for s in seen for seq in s.times if seq in sent)
    last = max(t for s in seen for t in s.times.values())
    lost = sum(abs(expected_records - s.records) for s in seen)
    return Result(deliveries / (last - first), pct(latencies, 99) * 1e3, lost, len(sent),
                  expected_records)  # fmt: skip


async def room_run(
    urls: list[str], viewers: int, horizon: float
) -> tuple[list[Seen], list[tuple[int, float, str]], int]:
    """Play the room once: what each viewer saw, the presenter's live frames, its records."""
    from websockets.asyncio.client import connect

    base = urls[0]
    origin = "http://" + base.split("/")[2]
    async with connect(f"{base}/ws/room/", origin=origin, max_size=None, compression=None,
                       ping_interval=None) as presenter:  # fmt: skip
        open_message = {"action": "open", "manifest": scenario(), "speed": 100, "seed": 0,
                        "horizon": horizon, "moment": 0}  # fmt: skip
        await presenter.send(json.dumps(open_message))
        opened = json.loads(await presenter.recv())
        assert opened["type"] == "opened", opened
        presenter_records = 0
        while True:
            text = await presenter.recv()
            presenter_records += _records(text)
            if '"type":"clock","state":"paused"' in text[:60]:
                break
        seen = [Seen() for _ in range(viewers)]
        path = f"/ws/room/{opened['code']}/"
        tasks = [
            asyncio.create_task(follow(urls[i % len(urls)] + path, s, ack=True))
            for i, s in enumerate(seen)
        ]
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in seen)), 120)
        await presenter.send('{"action":"play"}')
        frames: list[tuple[int, float, str]] = []
        unacked = 0
        while True:
            text = await presenter.recv()
            seq = _seq(text)
            presenter_records += _records(text)
            if seq is None:
                continue
            frames.append((seq, mono(), text))
            unacked += 1
            if unacked >= ACK_EVERY:
                unacked = 0
                await presenter.send(f'{{"action":"ack","seq":{seq}}}')
            if '"type":"end"' in text[:40]:
                break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(s.ended.wait() for s in seen)), 60)
        for task in tasks:
            task.cancel()
    return seen, frames, presenter_records


async def raw_run(url: str, viewers: int, frames: list[tuple[int, float, str]],
                  sent_room: dict[int, float]) -> tuple[list[Seen], dict[int, float]]:  # fmt: skip
    from websockets.asyncio.client import connect

    seen = [Seen() for _ in range(viewers)]
    tasks = [asyncio.create_task(follow(f"{url}/view", s, ack=False)) for s in seen]
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in seen)), 60)
    start = min(sent_room[seq] for seq, _, _ in frames if seq in sent_room)
    plan = {
        "seqs": [seq for seq, _, _ in frames],
        "offsets": [max(0.0, sent_room.get(seq, at) - start) for seq, at, _ in frames],
        "frames": [text for _, _, text in frames],
    }
    async with connect(f"{url}/present", max_size=None, compression=None) as present:
        await present.send(json.dumps(plan))
        while True:
            answer = json.loads(await present.recv())
            if answer.get("ctl") == "done":
                break
    await asyncio.wait_for(asyncio.gather(*(s.ended.wait() for s in seen)), 60)
    for task in tasks:
        task.cancel()
    return seen, {int(k): v for k, v in answer["sent"].items()}


# -- orchestration -----------------------------------------------------------------------


def _env(workdir: Path, extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "PLAYGROUND_WORKERS": "1",
        "PLAYGROUND_MESSAGES_PER_SECOND": "1000",
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(BASE_DIR)]),
        **extra,
    }


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    import socket

    deadline = mono() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if mono() > deadline:
                raise RuntimeError(f"server did not listen:\n{log.read_text()}") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def one_run(processes: int, viewers: int, horizon: float) -> dict[str, float]:
    from liveserver import free_port

    with tempfile.TemporaryDirectory(prefix="room-fanout-") as tmp:
        workdir = Path(tmp)
        extra = {"REDIS_URL": REDIS_URL} if processes > 1 else {}
        if processes > 1:
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        env = _env(workdir, extra)
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=BASE_DIR,
                       env=env, check=True, capture_output=True)  # fmt: skip
        daphne = Path(sys.executable).with_name("daphne")
        servers, urls, times = [], [], []
        for i in range(processes):
            port = free_port()
            times.append(workdir / f"times-{i}.json")
            log = workdir / f"daphne-{i}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [str(daphne), "-b", "127.0.0.1", "-p", str(port), "room_fanout:application"],
                    cwd=BASE_DIR, env={**env, "BENCH_ROOM_TIMES": str(times[-1])},
                    stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            servers.append(process)
            _wait_listening(port, process, log)
            urls.append(f"ws://127.0.0.1:{port}")
        try:
            seen, frames, presenter_records = asyncio.run(room_run(urls, viewers, horizon))
        finally:
            for process in servers:
                _stop(process)
        sent = {int(k): v for k, v in json.loads(times[0].read_text()).items()}
        room = measure(seen, sent, presenter_records)

        port = free_port()
        raw = subprocess.Popen([sys.executable, __file__, "--raw-serve", str(port)],
                               env=env, stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            _wait_listening(port, raw, workdir / "none")
            raw_seen, raw_sent = asyncio.run(raw_run(f"ws://127.0.0.1:{port}", viewers, frames,
                                                     sent))  # fmt: skip
        finally:
            _stop(raw)
        live_records = sum(_records(text) for _, _, text in frames)
        baseline = measure(raw_seen, raw_sent, live_records)
    return {
        "deliveries": room.deliveries_per_s / baseline.deliveries_per_s,
        "p99": room.p99_ms / baseline.p99_ms,
        "lost": room.lost,
        "raw_lost": baseline.lost,
        "room_deliveries_per_s": room.deliveries_per_s,
        "raw_deliveries_per_s": baseline.deliveries_per_s,
        "room_p99_ms": room.p99_ms,
        "raw_p99_ms": baseline.p99_ms,
        "frames": room.frames,
        "records": room.records,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--horizon", type=float, default=300.0)
    parser.add_argument("--processes", default="1,2", help="server process counts to measure")
    parser.add_argument("--baselines", type=Path, default=DEFAULT_BASELINES)
    parser.add_argument("--raw-serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_serve:
        asyncio.run(raw_server(args.raw_serve))
        return
    sys.path.insert(0, str(args.baselines))
    sys.path.insert(0, str(BENCH_DIR))
    from common import summarize, wait_quiet

    for processes in [int(p) for p in args.processes.split(",")]:
        label = "1 process" if processes == 1 else f"{processes} processes over Redis"
        results = []
        for run in range(args.runs):
            wait_quiet(max_wait=20)
            result = one_run(processes, args.viewers, args.horizon)
            results.append(result)
            print(
                f"{label}, run {run + 1}: deliveries {result['room_deliveries_per_s']:,.0f}/s "
                f"(raw {result['raw_deliveries_per_s']:,.0f}/s), "
                f"p99 {result['room_p99_ms']:.1f} ms "
                f"(raw {result['raw_p99_ms']:.1f} ms), {result['frames']} frames, "
                f"{result['records']:,} records, lost {result['lost']} (raw {result['raw_lost']})",
                flush=True,
            )
        for key, title, target in (
            ("deliveries", "deliveries/s, room / raw", ">= 0.5"),
            ("p99", "p99 frame latency, room / raw", "<= 3"),
            ("lost", "records lost (all viewers)", "0"),
        ):
            stats = summarize([r[key] for r in results])
            print(
                f"{label}: {title}: min {stats['min']:.2f}  median {stats['median']:.2f}  "
                f"max {stats['max']:.2f}  (target {target})",
                flush=True,
            )


if __name__ == "__main__":
    main()
