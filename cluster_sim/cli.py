"""``python -m cluster_sim run FILE... [--until S] [--seed N] [--output jsonl|table]``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from .bundle import load_bundle
from .errors import BundleError, InputError
from .records import Record
from .simulation import DEFAULT_HORIZON_S, Simulation

EXIT_INVALID = 2


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m cluster_sim",
        description="Simulate Kubernetes Pods deterministically and print what happens.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run manifests and print the record stream")
    run.add_argument("files", nargs="+", metavar="FILE", help="YAML files; - reads stdin")
    run.add_argument(
        "--until",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"simulated seconds to run (default: the Scenario's horizon, else "
        f"{DEFAULT_HORIZON_S:g})",
    )
    run.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed for the run's choices (default: the Scenario's seed, else 0)",
    )
    run.add_argument("--output", "-o", choices=("jsonl", "table"), default="table")
    args = parser.parse_args(argv)

    sources: list[tuple[str, str]] = []
    for name in args.files:
        try:
            if name == "-":
                sources.append(("-", stdin.read()))
            else:
                with open(name, encoding="utf-8") as f:
                    sources.append((name, f.read()))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}:1:1: cannot read: {exc}", file=stderr)
            return EXIT_INVALID
    until = args.until
    if until is not None and until < 0:
        print("--until must not be negative", file=stderr)
        return EXIT_INVALID
    try:
        bundle = load_bundle(sources)
    except BundleError as exc:
        report(exc.errors, stderr)
        return EXIT_INVALID
    sim = Simulation(bundle, seed=args.seed, horizon=until)
    records = sim.advance(sim.horizon)
    if args.output == "jsonl":
        write_jsonl(records, stdout)
    else:
        write_table(records, stdout)
    return 0


def report(errors: Iterable[InputError], stderr: TextIO) -> None:
    for error in errors:
        print(error, file=stderr)


def write_jsonl(records: Iterable[Record], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")))
        out.write("\n")


def write_table(records: Iterable[Record], out: TextIO) -> None:
    """A ``kubectl get pods -w`` view interleaved with events and logs."""
    for r in records:
        t = f"{r['t']:>9.3f}s"
        kind = r["kind"]
        if kind == "pod":
            line = (
                f"{r['pod']:<28} {r['ready']:<6} {r['status']:<26} "
                f"{r['restarts']:<9} {r['node'] or '<none>':<10} {r['podIP'] or '<none>'}"
            )
        elif kind == "event":
            line = f"{r['type']:<8} {r['reason']:<17} {r['object']:<28} {r['message']}"
        elif kind == "log":
            line = f"{r['pod']}/{r['container']}: {r['line']}"
        elif kind == "container":
            detail = r["reason"] or r["state"]
            if r["exitCode"] is not None:
                detail += f" (exit code {r['exitCode']})"
            line = (
                f"{r['pod']}/{r['container']:<19} {r['state']:<10} {detail:<26} "
                f"restarts={r['restartCount']} ready={str(r['ready']).lower()}"
            )
        elif kind == "node":
            line = (
                f"{r['node']} cpu={r['cpu']} memory={r['memory']} pods={r['pods']} ip={r['nodeIP']}"
            )
        elif kind == "notice":
            line = r["message"]
        else:
            line = json.dumps({k: v for k, v in r.items() if k not in ("t", "kind")})
        out.write(f"{t}  {kind:<9} {line}\n")
