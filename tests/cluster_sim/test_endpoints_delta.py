"""Endpoints records carry what changed (issue #15): a Service's first record holds the
whole address list, later ones the addresses added, moved between lists, or removed.

Folded (``cluster_sim.endpoints_records``), the stream shows at every record what the full
records showed before: the reference writes the full lists as a state record through
``Recorder.changed`` (the former writer), next to each change record, in the same run.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from simrun import of, run, scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.cli import main as cli_main
from cluster_sim.endpoints_records import expand, ip_key
from cluster_sim.services import ServiceNetwork, _Endpoints

ROOT = Path(__file__).resolve().parents[2]
POD = """apiVersion: v1
kind: Pod
metadata: {{name: web-{i}, labels: {{app: web}}}}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, 'trap "exit 0" TERM; sleep 3600 & wait']
"""
SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: web}}
  ports: [{{port: {port}, targetPort: 8080}}]
"""
CRASH = """apiVersion: v1
kind: Pod
metadata: {{name: crash-{i}, labels: {{app: web}}}}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, 'echo hi; sleep {i}; exit 1']
"""


def inline(manifest: str) -> str:
    """``manifest`` as a double-quoted YAML string for a Scenario's apply."""
    return '"' + manifest.replace('"', '\\"').replace("\n", "\\n") + '"'


def lifecycle() -> str:
    """Three Pods start, one is deleted, one is added, the Service's port changes."""
    docs = [POD.format(i=i) for i in range(3)] + [SERVICE.format(port=80)]
    return "---\n".join(docs) + scenario(
        "{at: 30, delete: {pod: web-1}}",
        "{at: 40, apply: {manifest: " + inline(POD.format(i=9)) + "}}",
        "{at: 50, apply: {manifest: " + inline(SERVICE.format(port=81)) + "}}",
        horizon=60,
    )


def crash_loops() -> str:
    return "---\n".join([CRASH.format(i=i) for i in range(4)] + [SERVICE.format(port=80)])


def test_a_services_records_name_only_the_addresses_that_changed() -> None:
    records = of(run(lifecycle(), 60), "endpoints")
    ip = {r["pods"][a]: a for r in expand(records) for a in r["pods"]}
    ports = [{"name": "", "port": 80, "targetPort": 8080, "protocol": "TCP"}]
    web = [f"default/web-{i}" for i in (1, 0, 2)]  # in IP order: node-1's, node-2's, node-3's
    ips = [ip[p] for p in web]
    assert [{k: v for k, v in r.items() if k != "kind"} for r in records] == [
        {"t": 0.0, "service": "default/web", "ready": [], "notReady": [], "terminating": []}
        | {"pods": {}, "ports": ports},
        {"t": 1.0, "service": "default/web", "moved": {}, "removed": {}}
        | {"added": {a: {"pod": p, "list": "notReady"} for a, p in zip(ips, web, strict=True)}},
        {"t": 2.18, "service": "default/web", "added": {}, "removed": {}}
        | {"moved": dict.fromkeys(ips, "ready")},
        {"t": 30.0, "service": "default/web", "added": {}, "removed": {}}
        | {"moved": {ip["default/web-1"]: "terminating"}},
        {"t": 31.0, "service": "default/web", "added": {}, "moved": {}}
        | {"removed": {ip["default/web-1"]: "default/web-1"}},
        {"t": 41.0, "service": "default/web", "moved": {}, "removed": {}}
        | {"added": {ip["default/web-9"]: {"pod": "default/web-9", "list": "ready"}}},
        # The port changed: the Service's record is whole again.
        {"t": 50.0, "service": "default/web", "notReady": [], "terminating": []}
        | {"ready": sorted([*ips[1:], ip["default/web-9"]], key=ip_key)}
        | {
            "pods": {
                a: p
                for p, a in sorted(ip.items(), key=lambda i: ip_key(i[1]))
                if p != "default/web-1"
            }
        }
        | {"ports": [ports[0] | {"port": 81}]},
    ]


def with_full_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each write also writes the whole lists as an ``endpoints-full`` state record."""
    write = ServiceNetwork._write

    def both(self: ServiceNetwork, entry: _Endpoints) -> None:
        write(self, entry)
        fields = {k: v for k, v in self._full_record(entry).items() if k not in ("t", "kind")}
        self.cluster.recorder.changed(("endpoints-full", fields["service"]), "x", fields)

    monkeypatch.setattr(ServiceNetwork, "_write", both)


SOURCES = [
    "gallery/birth/statefulset-ordered.yaml",
    "gallery/health/readiness-endpoints.yaml",
    "gallery/society/netpol-egress-dns.yaml",
    "tests/cluster_sim/docs_examples/controllers/web.yaml",
]


@pytest.mark.parametrize("source", ["lifecycle", "crash-loops", *SOURCES])
def test_folded_records_show_the_whole_lists_the_former_records_showed(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = {"lifecycle": lifecycle(), "crash-loops": crash_loops()}.get(source)
    name = "t.yaml"
    if text is None:
        text, name = (ROOT / source).read_text(), Path(source).name
    with_full_records(monkeypatch)
    bundle = load_bundle([(name, text)])
    horizon = bundle.scenario.horizon if bundle.scenario and bundle.scenario.horizon else 120
    sim = Simulation(bundle, seed=0, horizon=horizon)
    records = [r for t in range(1, int(horizon) + 1) for r in sim.advance(float(t))]
    folded = [r for r in expand(records) if r["kind"] == "endpoints"]
    former = [{**r, "kind": "endpoints"} for r in records if r["kind"] == "x"]
    assert len(former) > 2
    assert [json.dumps(r) for r in folded] == [json.dumps(r) for r in former]
    changes = [r for r in records if r["kind"] == "endpoints" and "pods" not in r]
    assert changes  # the comparison covered change records, not only full ones


def test_records_are_the_same_however_the_run_is_sliced() -> None:
    whole = Simulation(load_bundle([("t.yaml", lifecycle())]), horizon=60).advance(60)
    sim = Simulation(load_bundle([("t.yaml", lifecycle())]), horizon=60)
    sliced = [r for step in range(1, 241) for r in sim.advance(step / 4)]
    assert of(sliced, "endpoints") == of(whole, "endpoints")


def test_the_cli_table_prints_each_services_whole_lists(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(lifecycle())
    out, err = io.StringIO(), io.StringIO()
    assert cli_main(["run", str(path)], stdout=out, stderr=err) == 0
    lines = [line for line in out.getvalue().splitlines() if " endpoints " in line]
    ip = {
        r["pods"][a]: a
        for r in expand(run(lifecycle(), 60))
        if r["kind"] == "endpoints"
        for a in r["pods"]
    }
    a, b, c, d = (ip[f"default/web-{i}"] for i in (1, 0, 2, 9))
    assert [line.split(None, 3)[1:] for line in lines] == [
        ["endpoints", "default/web", "ready=- notReady=- terminating=-"],
        ["endpoints", "default/web", f"ready=- notReady={a},{b},{c} terminating=-"],
        ["endpoints", "default/web", f"ready={a},{b},{c} notReady=- terminating=-"],
        ["endpoints", "default/web", f"ready={b},{c} notReady=- terminating={a}"],
        ["endpoints", "default/web", f"ready={b},{c} notReady=- terminating=-"],
        ["endpoints", "default/web", f"ready={d},{b},{c} notReady=- terminating=-"],
        ["endpoints", "default/web", f"ready={d},{b},{c} notReady=- terminating=-"],
    ]
