"""``python -m cluster_sim run``: the record stream on stdout, bad input on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cluster_sim.bundle import SUPPORTED_KINDS

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).parent / "manifests" / "crashloop.yaml"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cluster_sim", "run", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_jsonl_stream_for_the_crashing_pod() -> None:
    result = run(str(MANIFEST), "--until", "400", "--output", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert all({"t", "kind"} <= r.keys() for r in records)
    started = [r["t"] for r in records if r.get("reason") == "Started"]
    back_offs = [r for r in records if r.get("reason") == "BackOff"]
    logs = [r["line"] for r in records if r["kind"] == "log"]
    assert started == [2.18, 3.41, 23.82, 54.23, 104.64, 195.05, 365.46]
    assert len(back_offs) == 6 and back_offs[0]["type"] == "Warning"
    assert logs == ["starting"] * 7
    restarts = [r["restartCount"] for r in records if r["kind"] == "container"]
    assert max(restarts) == 6
    event = back_offs[0]
    assert set(event) == {"t", "kind", "type", "reason", "object", "message", "source"}
    assert event["object"] == "Pod/default/crashy" and event["source"] == "kubelet"


def test_two_runs_print_identical_output() -> None:
    first = run(str(MANIFEST), "--until", "400", "--seed", "3", "--output", "jsonl")
    second = run(str(MANIFEST), "--until", "400", "--seed", "3", "--output", "jsonl")
    assert first.returncode == 0
    assert first.stdout == second.stdout


def test_reads_stdin_and_prints_a_table() -> None:
    result = run("-", "--until", "20", stdin=MANIFEST.read_text())
    assert result.returncode == 0, result.stderr
    assert "CrashLoopBackOff" in result.stdout
    assert "Back-off restarting failed container app in pod crashy_default(" in result.stdout
    assert "default/crashy/app: starting" in result.stdout


def test_invalid_yaml_exits_2_with_file_line_column() -> None:
    result = run("-", stdin="apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: {}\n")
    assert result.returncode == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith("-:5:2: YAML syntax error:"), line


def test_validation_errors_use_kubernetes_wording(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  restartPolicy: Sometimes\n"
        "  containers:\n  - name: app\n"
    )
    result = run(str(bad))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f'{bad}:8:5: The Pod "bad" is invalid: spec.containers[0].image: Required value',
        f'{bad}:6:18: The Pod "bad" is invalid: spec.restartPolicy: Unsupported value: '
        '"Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]


def test_unsimulated_kinds_are_named_and_skipped_and_the_rest_runs() -> None:
    stdin = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d}\n---\n"
        + MANIFEST.read_text()
    )
    result = run("-", "--until", "5", "--output", "jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0] == {
        "t": 0.0,
        "kind": "notice",
        "message": '-:2:7: warning: kind "Ingress" is not simulated by the playground; '
        "this document is skipped",
    }
    assert any(r["kind"] == "pod" for r in records)
    # the kinds the playground runs; it starts with the core kinds
    assert ", ".join(SUPPORTED_KINDS).startswith(
        "Namespace, Node, Pod, ConfigMap, Secret, Service, ServiceAccount, "
        "Deployment, ReplicaSet, ReplicationController, Job, CronJob"
    )


def test_implicit_namespace_is_announced() -> None:
    manifest = MANIFEST.read_text().replace("name: crashy", "name: crashy\n  namespace: team-a")
    result = run("-", "--until", "5", "--output", "jsonl", stdin=manifest)
    notices = [json.loads(x)["message"] for x in result.stdout.splitlines() if '"notice"' in x]
    assert 'namespace "team-a" is not defined in the input; created it implicitly' in notices
