"""``python -m cluster_sim run FILE... [--until S] [--seed N] [--output jsonl|table] [limits]``.

Records are written as the run produces them, one simulated second at a time,
so a long run never holds its whole stream. Exit status: 0 when the run
reached its end (the horizon, ``--until``, or nothing left to happen); 2 when
the input is refused (``FILE:LINE:COL: message`` lines on stderr) or a
budget stopped the run (its message on stderr, after the records up to it).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from .bundle import load_bundle
from .endpoints_records import EndpointsFold
from .errors import BundleError, InputError
from .jsonlines import write_jsonl
from .limits import DEFAULT_LIMITS, LIMITS, RunLimits
from .records import Record
from .simulation import DEFAULT_HORIZON_S, Simulation
from .validation.limits import horizon_problem

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_BUDGET = 2
SLICE_S = 1.0  # simulated seconds between two writes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cluster_sim",
        description="Simulate Kubernetes Pods deterministically and print what happens.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run manifests and print the record stream",
        epilog="exit status: 0 the run reached its end; 2 the input was refused or a "
        "limit stopped the run (the message is on stderr)",
    )
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
    run.add_argument(
        "--all-logs",
        action="store_true",
        help="show every log line (default: at most "
        f"{DEFAULT_LIMITS.log_lines_per_container_second} per container per simulated "
        "second; the rest are counted)",
    )
    raise_ = run.add_argument_group("limits (raise them for local use)")
    for entry in LIMITS:
        if not entry.flag or entry.field == "log_lines_per_container_second":
            continue
        default = getattr(DEFAULT_LIMITS, entry.field)
        raise_.add_argument(
            entry.flag,
            dest=entry.field,
            type=type(default),
            default=None,
            metavar="N",
            help=f"{entry.label} (default {default:,})",
        )
    return parser


def limits_from(args: argparse.Namespace) -> RunLimits | str:
    """The run's limits with the flags' raises; a message for a flag out of range."""
    changes: dict[str, int | float | None] = {}
    for entry in LIMITS:
        value = getattr(args, entry.field, None)
        if value is None:
            continue
        if not math.isfinite(value) or value < 1:
            return f"{entry.flag} must be a positive number, not {value:g}"
        changes[entry.field] = value
    if args.all_logs:
        changes["log_lines_per_container_second"] = None
    return DEFAULT_LIMITS.raised(**changes)


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = _parser().parse_args(argv)
    limits = limits_from(args)
    if isinstance(limits, str):
        print(limits, file=stderr)
        return EXIT_INVALID

    sources: list[tuple[str, str]] = []
    unreadable: list[InputError] = []
    for name in args.files:
        try:
            source = read_source(name, stdin)
        except OSError as exc:
            print(f"{name}:1:1: cannot read: {exc}", file=stderr)
            return EXIT_INVALID
        if isinstance(source, InputError):
            unreadable.append(source)
        else:
            sources.append(source)
    if unreadable:
        report(unreadable, stderr)
        return EXIT_INVALID
    until = args.until
    if until is not None and not until >= 0:
        print("--until must be a number of seconds, at least 0", file=stderr)
        return EXIT_INVALID
    too_long = horizon_problem(until, limits.horizon_s)
    if too_long is not None:
        print(f"--until: {too_long} (--max-horizon raises the limit)", file=stderr)
        return EXIT_INVALID
    try:
        bundle = load_bundle(sources, limits)
    except BundleError as exc:
        report(exc.errors, stderr)
        return EXIT_INVALID
    sim = Simulation(bundle, seed=args.seed, horizon=until, limits=limits)
    shown = EndpointsFold()  # the table prints each endpoints record's whole lists
    while True:
        records = sim.advance(sim.now + SLICE_S)
        if args.output == "jsonl":
            write_jsonl(records, stdout)
        else:
            write_table(records, stdout, shown)
        if sim.finished:
            break
    stdout.flush()
    if sim.stopped_by is not None:
        print(sim.stopped_by.message, file=stderr)
        return EXIT_BUDGET
    return EXIT_OK


def read_source(name: str, stdin: TextIO) -> tuple[str, str] | InputError:
    """``(name, text)``, or an InputError pinned to the first byte that is not UTF-8."""
    raw: bytes | str
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        raw = buffer.read() if buffer is not None else stdin.read()
    else:
        with open(name, "rb") as f:
            raw = f.read()
    if isinstance(raw, str):
        return name, raw
    try:
        return name, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return InputError(
            name,
            line,
            column,
            f"input is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            f"({exc.reason})",
            "",
            "encoding",
        )


def report(errors: Iterable[InputError], stderr: TextIO) -> None:
    for error in errors:
        print(error, file=stderr)


def write_table(records: Iterable[Record], out: TextIO, shown: EndpointsFold | None = None) -> None:
    """A ``kubectl get pods -w`` view interleaved with events, logs and the rest.

    ``shown`` folds the ``endpoints`` records written so far (pass the same one to each
    call of a run): a record that carries a change prints the Service's whole lists."""
    shown = shown if shown is not None else EndpointsFold()
    for r in records:
        if r["kind"] == "endpoints":
            shown.add(r)
            r = {"t": r["t"], "kind": "endpoints", **shown.full(r["service"])}
        out.write(f"{r['t']:>9.3f}s  {r['kind']:<11} {describe(r)}\n")


def describe(r: Record) -> str:
    """One readable line for a record."""
    kind = r["kind"]
    where = f"{r.get('pod', '')}/{r.get('container', '')}"
    if kind == "pod":
        return (
            f"{r['pod']:<28} {r['ready']:<6} {r['status']:<26} "
            f"{r['restarts']:<9} {r['node'] or '<none>':<10} {r['podIP'] or '<none>'}"
        )
    if kind == "event":
        return f"{r['type']:<8} {r['reason']:<17} {r['object']:<28} {r['message']}"
    if kind == "log":
        return f"{where}: {r['line']}"
    if kind == "log-held":
        lines = f"{r['lines']:,} line{'s' if r['lines'] != 1 else ''}"
        return f"{where}: {lines} not shown; kubectl logs has them (--all-logs shows every line)"
    if kind == "container":
        detail = r["reason"] or r["state"]
        if r["exitCode"] is not None:
            detail += f" (exit code {r['exitCode']})"
        return (
            f"{where:<30} {r['state']:<10} {detail:<26} "
            f"restarts={r['restartCount']} ready={str(r['ready']).lower()}"
        )
    if kind == "probe":
        message = f"  {r['message']}" if r["message"] else ""
        return f"{where:<30} {r['probe']:<9} {r['result']}{message}"
    if kind == "termination":
        extra = f" grace={r['grace']}s" if "grace" in r else ""
        return f"{where:<30} {r['step']}{extra}"
    if kind == "hook":
        result = f" {r['result']}" if "result" in r else ""
        return f"{where:<30} {r['hook']} {r['phase']}{result}"
    if kind == "resources":
        limit = f"/{r['memoryLimit']}" if r["memoryLimit"] else ""
        throttled = " throttled" if r["throttled"] else ""
        return f"{where:<30} memory={r['memory']}{limit} cpu={r['cpu']}m{throttled}"
    if kind == "oom":
        return f"{where:<30} OOM kill: {r['memory']} bytes > limit {r['limit']}"
    if kind == "env":
        return f"{where:<30} " + " ".join(f"{e['name']}={e['value']}" for e in r["env"])
    if kind == "endpoints":
        return (
            f"{r['service']:<30} ready={','.join(r['ready']) or '-'} "
            f"notReady={','.join(r['notReady']) or '-'} "
            f"terminating={','.join(r['terminating']) or '-'}"
        )
    if kind == "node":
        return f"{r['node']} cpu={r['cpu']} memory={r['memory']} pods={r['pods']} ip={r['nodeIP']}"
    if kind == "action":
        return f"{r['action']} {json.dumps(r['args'], sort_keys=True)}"
    if kind == "workload":
        return describe_workload(r)
    if kind == "deleted":
        if "workload" in r:
            return f"{workload_name(str(r['workload']))} deleted"
        return f"{r['pod']} deleted"
    if kind == "volume":
        return f"{r['pod']} volume {r['volume']} {r['action']}"
    if kind in ("notice", "budget"):
        return str(r["message"])
    return json.dumps({k: v for k, v in r.items() if k not in ("t", "kind")})


def workload_name(ref: str) -> str:
    """``Deployment/default/web`` as ``deployment/web`` (``deployment/team/web`` elsewhere)."""
    kind, _, key = ref.partition("/")
    namespace, _, name = key.partition("/")
    shown = name if namespace == "default" else key
    return f"{kind.lower()}/{shown}"


def describe_workload(r: Record) -> str:
    """A ``kubectl get deploy,rs -w`` line for a ``workload`` record."""
    name = workload_name(str(r["workload"]))
    if r.get("kindOf") == "Deployment":
        line = (
            f"{name:<40} {r['ready']}/{r['desired']} ready, {r['updated'] or 0} up-to-date, "
            f"{r['available']} available"
        )
        if r.get("revision"):
            line += f"  rev {r['revision']}"
    else:
        line = f"{name:<40} desired {r['desired']} current {r['current']} ready {r['ready']}"
    if r.get("paused"):
        line += "  paused"
    for type_, condition in sorted((r.get("conditions") or {}).items()):
        if isinstance(condition, dict) and condition.get("status") != "True":
            line += f"  {type_}={condition.get('status')}"
            if condition.get("reason"):
                line += f" ({condition['reason']})"
    if r.get("deleting"):
        line += "  deleting"
    return line
