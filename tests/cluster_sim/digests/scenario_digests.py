"""A digest of every gallery scenario's and docs example's record stream.

Refactors must leave each run byte-identical; `test_scenario_digests.py` compares
the digests with `scenario_digests.json`. A change that means to alter what a run
shows regenerates the file on purpose and says so in its commit:

    .venv/bin/python tests/cluster_sim/digests/scenario_digests.py --update
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))  # this checkout's cluster_sim, also when run as a script

from cluster_sim import load_bundle  # noqa: E402
from cluster_sim.cli import main as main_cli  # noqa: E402
from cluster_sim.errors import BundleError  # noqa: E402

DIGESTS = Path(__file__).with_name("scenario_digests.json")
SOURCES = (ROOT / "gallery", ROOT / "tests" / "cluster_sim" / "docs_examples")
HORIZON_S = 600.0  # long enough for every gallery moment; the Scenario's own horizon wins


def inputs() -> list[Path]:
    return sorted(p for src in SOURCES for p in src.rglob("*.yaml"))


def key(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def digest(path: Path) -> str:
    """sha256 of what ``python -m cluster_sim run -o jsonl`` prints for the file, exit code
    included."""
    try:
        bundle = load_bundle([(path.name, path.read_text())])
        scenario_horizon = bundle.scenario.horizon if bundle.scenario else None
    except BundleError:
        scenario_horizon = None
    until = min(scenario_horizon or HORIZON_S, HORIZON_S)
    out, err = io.StringIO(), io.StringIO()
    # Read from stdin, so the checkout's path never enters the records or messages.
    stdin = io.StringIO(path.read_text())
    # Every record field (--output jsonl), not only the table's columns.
    argv = ["run", "-", "--output", "jsonl", "--until", str(until)]
    code = main_cli(argv, stdin=stdin, stdout=out, stderr=err)
    text = f"{code}\n{out.getvalue()}\n{err.getvalue()}"
    return hashlib.sha256(text.encode()).hexdigest()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite scenario_digests.json")
    args = parser.parse_args(argv)
    found = {key(p): digest(p) for p in inputs()}
    if args.update:
        DIGESTS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(found)} digests to {DIGESTS.relative_to(ROOT)}")
        return 0
    expected = json.loads(DIGESTS.read_text())
    changed = sorted(k for k in found.keys() | expected.keys() if found.get(k) != expected.get(k))
    for k in changed:
        print(f"changed: {k}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
