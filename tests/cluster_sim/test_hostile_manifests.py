"""Issue #9's acceptance: hostile manifests end, in bounded output and memory.

Each manifest runs through the CLI (``python -m cluster_sim run FILE --until
60 -o jsonl``) in a child process: it must exit 0 (the simulated minute ran)
or 2 (a playground limit stopped it, with its message on stderr), print no
traceback, write a bounded number of bytes and keep its memory bounded (the
child's peak resident set, which it reports itself; tracemalloc would slow
every allocation several times over). The child runs under an address
space limit and a generous timeout: they are a safety net for the machine,
not what the test asserts (there are no timed assertions).
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUARD_TIMEOUT_S = 300  # a safety net only: a run that hangs fails here instead of forever
ADDRESS_SPACE = 3 * 1024**3  # the child cannot take the machine down
MAX_OUTPUT_BYTES = 64 * 1024**2
MAX_PEAK_RSS_BYTES = 512 * 1024**2  # the interpreter and its imports take about 60 MiB

# The child: the CLI; its peak resident set (Linux: KiB) goes to stderr's last line.
CHILD = """
import resource, sys
from cluster_sim.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(f"peak-rss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}", file=sys.stderr)
sys.exit(code)
"""


def pod(script: str, extra: str = "") -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: hostile}\nspec:\n"
        "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n"
        f"    command: [sh, -c, {json.dumps(script)}]\n" + extra
    )


def doubling_env() -> str:
    """Forty env vars, each ``$(V{i-1})$(V{i-1})``: 10 bytes doubled 39 times."""
    lines = ["    env:\n", "    - {name: V0, value: abcdefghij}\n"]
    lines += [f"    - {{name: V{i}, value: '$(V{i - 1})$(V{i - 1})'}}\n" for i in range(1, 40)]
    return "".join(lines)


def many_probed_containers() -> str:
    """600 containers with three exec probes each at 1 s: a valid ~170 KB manifest."""
    probes = "".join(
        f"    {kind}: {{exec: {{command: [sh, -c, 'true']}}, periodSeconds: 1}}\n"
        for kind in ("livenessProbe", "readinessProbe", "startupProbe")
    )
    containers = "".join(
        f"  - name: c{i}\n    image: busybox\n    command: [sleep, '3600']\n{probes}"
        for i in range(600)
    )
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n" + containers


HOSTILE = {
    "echo loop": pod("while true; do echo hi; done"),
    "busy loop": pod("while :; do :; done"),
    "sleep 0 loop": pod("while true; do sleep 0; done"),
    "regex bomb (grep)": pod("echo " + "a" * 36 + "! | grep -E '(a+)+$'"),
    "regex bomb (expr)": pod("expr " + "a" * 36 + "! : '\\(a*\\)*$'"),
    "huge shift": pod("echo $((1<<34359738368))"),
    "doubling env vars": pod("echo $V39 | wc -c", doubling_env()),
    "printf width": pod("printf '%999999999d' 1"),
    "shell recursion": pod("f() { f; }; f"),
    "600 probed containers": many_probed_containers(),
    "command substitution loop": pod("while true; do x=$(echo hi); done"),
    "eval loop": pod("while true; do eval 'x=1'; done"),
    "eval recursion": pod('s=\'eval "$s"\'; eval "$s"'),
    "file doubling": pod(
        "echo x > /tmp/f; while true; do cat /tmp/f /tmp/f > /tmp/g; mv /tmp/g /tmp/f; done"
    ),
    "yes into a file": pod("yes > /tmp/f"),
    "yes to stdout": pod("yes"),
    "background job loop": pod("while true; do sleep 1 & done"),
    "huge globs": pod("echo /*/*/*/*/*/*/*/*/*/*; echo " + "*" * 2000 + "a"),
    "seq with a tiny step": pod("seq 0 0.000001 1000000"),
    "sleep with tiny durations": pod("while true; do sleep 0.000001; done"),
    "variable doubling": pod("x=a; while true; do x=$x$x; done"),
}


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_manifest_runs_a_simulated_minute_within_bounds(
    name: str, tmp_path: Path
) -> None:
    manifest = tmp_path / "hostile.yaml"
    manifest.write_text(HOSTILE[name])
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "run", str(manifest), "--until", "60", "-o", "jsonl"],
        cwd=ROOT,
        capture_output=True,
        timeout=GUARD_TIMEOUT_S,
        preexec_fn=_limit_address_space,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    assert result.returncode in (0, 2), stderr[-2000:]
    assert len(result.stdout) < MAX_OUTPUT_BYTES
    peak = re.search(r"peak-rss=(\d+)", stderr)
    assert peak is not None, stderr[-2000:]
    assert int(peak.group(1)) < MAX_PEAK_RSS_BYTES
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all({"t", "kind"} <= r.keys() for r in records)
    if result.returncode == 2:  # a budget stopped it: the last record says which, as stderr does
        assert records[-1]["kind"] == "budget"
        assert records[-1]["message"] in stderr
    else:
        assert max(r["t"] for r in records) <= 60
