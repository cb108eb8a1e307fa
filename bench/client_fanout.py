"""Fifty clients at once: every run finishes, streams exactly the CLI's records, none dropped.

    .venv/bin/python bench/client_fanout.py [--runs 3] [--clients 50] [--pods 100]

Each run starts the server as in production (Daphne, DEBUG off, 127.0.0.1, a
free port, the per-address run limit raised for one machine playing fifty
pupils) and connects ``--clients`` websocket clients at once, each playing a
``--pods``-Pod crash loop at speed 1000 to its horizon (``--horizon``, 600
simulated seconds by default; seeds 0 to 4 in turn). It checks that every
client got an "end" frame with reason "finished", that its records equal
``cluster_sim.simulate`` for the same input and seed (what ``python -m
cluster_sim run`` prints), and that no connection was dropped.

The baseline, in the same run: one client alone on the same server. Prints the
wall time of the crowd beside the lone client's (the ratio), the records
delivered per second, and min/median/max over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from liveserver import running_server

from cluster_sim import load_bundle, simulate

SEEDS = 5


def crash_loop(pods: int) -> str:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: crashy-{i:03d}}}\nspec:\n"
        "  containers:\n"
        '  - {{name: app, image: busybox, command: ["sh", "-c", "echo starting; exit 1"]}}\n'
    )
    return "---\n".join(pod.format(i=i) for i in range(pods))


@dataclass
class Client:
    seed: int
    horizon: float
    records: list[dict[str, Any]] = field(default_factory=list)
    end: dict[str, Any] | None = None
    dropped: str = ""
    seconds: float = 0.0


async def play(url: str, ws_url: str, manifest: str, client: Client) -> None:
    import websockets

    start = {
        "action": "start",
        "manifest": manifest,
        "speed": 1000,
        "seed": client.seed,
        "horizon": client.horizon,
    }
    began = time.perf_counter()
    try:
        async with websockets.connect(ws_url, origin=url, max_size=None, open_timeout=60) as ws:
            await ws.send(orjson.dumps(start).decode())
            while client.end is None:
                frame = orjson.loads(await ws.recv())
                if frame["type"] == "records":
                    client.records += frame["records"]
                elif frame["type"] == "end":
                    client.end = frame
                elif frame["type"] == "error":
                    client.dropped = f"error frame: {frame['errors'][0]['message']}"
    except websockets.ConnectionClosed as exc:
        client.dropped = f"disconnected: {exc}"
    client.seconds = time.perf_counter() - began


async def crowd(url: str, ws_url: str, manifest: str, clients: list[Client]) -> float:
    began = time.perf_counter()
    await asyncio.gather(*(play(url, ws_url, manifest, c) for c in clients))
    return time.perf_counter() - began


def one_run(
    clients: int, manifest: str, horizon: float, references: dict[int, list[dict[str, Any]]]
) -> dict:
    env = {"PLAYGROUND_RUNS_PER_ADDRESS": str(clients + 1)}
    with running_server(env) as server:
        lone = [Client(seed=0, horizon=horizon)]
        lone_seconds = asyncio.run(crowd(server.url, server.ws_url, manifest, lone))
        many = [Client(seed=i % SEEDS, horizon=horizon) for i in range(clients)]
        crowd_seconds = asyncio.run(crowd(server.url, server.ws_url, manifest, many))
    finished = sum(c.end is not None and c.end["reason"] == "finished" for c in many)
    equal = sum(c.records == references[c.seed] for c in many)
    dropped = [c.dropped for c in many if c.dropped]
    return {
        "lone_ok": lone[0].records == references[0] and lone[0].end is not None,
        "lone": lone_seconds,
        "crowd": crowd_seconds,
        "finished": finished,
        "equal": equal,
        "dropped": dropped,
        "records": sum(len(c.records) for c in many),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pods", type=int, default=100)
    parser.add_argument("--horizon", type=float, default=600.0, help="simulated seconds")
    args = parser.parse_args()
    manifest = crash_loop(args.pods)
    began = time.perf_counter()
    references = {
        seed: orjson.loads(
            orjson.dumps(
                simulate(load_bundle([("editor.yaml", manifest)]), seed=seed, until=args.horizon)
            )
        )
        for seed in range(SEEDS)
    }
    cli_seconds = (time.perf_counter() - began) / SEEDS
    print(
        f"{args.pods}-Pod crash loop, {args.horizon:g} simulated seconds at speed 1000: "
        f"{len(references[0])} records; the CLI simulates it in {cli_seconds:.2f} s"
    )
    crowd_ratios, crowd_times = [], []
    ok = True
    for number in range(1, args.runs + 1):
        r = one_run(args.clients, manifest, args.horizon, references)
        ratio = r["crowd"] / r["lone"]
        crowd_ratios.append(ratio)
        crowd_times.append(r["crowd"])
        ok &= r["finished"] == r["equal"] == args.clients and not r["dropped"] and r["lone_ok"]
        print(
            f"run {number}: {r['finished']}/{args.clients} finished, {r['equal']}/{args.clients} "
            f"records equal the CLI's, {len(r['dropped'])} dropped; one client alone "
            f"{r['lone']:.2f} s, {args.clients} at once {r['crowd']:.2f} s ({ratio:.1f}x), "
            f"{r['records'] / r['crowd']:,.0f} records/s delivered"
        )
        for reason in r["dropped"][:5]:
            print(f"    {reason}")
    print(
        f"\n{args.clients} clients vs one alone, wall time ratio (min / median / max): "
        f"{min(crowd_ratios):.1f} / {statistics.median(crowd_ratios):.1f} / "
        f"{max(crowd_ratios):.1f}x; crowd wall time {min(crowd_times):.1f} / "
        f"{statistics.median(crowd_times):.1f} / {max(crowd_times):.1f} s"
    )
    print("all finished, equal and connected" if ok else "NOT all finished, equal and connected")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
