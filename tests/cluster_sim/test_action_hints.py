"""What a live action tells the user when it cannot do what it seems to promise."""

from __future__ import annotations

from simrun import of

from cluster_sim import Simulation, load_bundle

PODS = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx:1.27
    livenessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}
---
apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""


def simulation() -> Simulation:
    return Simulation(load_bundle([("editor.yaml", PODS)]), seed=1, horizon=60)


def notices(records: list[dict]) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in of(records, "notice") if r["t"] > 0]


def test_unhealthy_on_a_container_without_probes_says_nothing_will_notice() -> None:
    sim = simulation()
    sim.advance(10)
    sim.act("unhealthy", {"pod": "sleeper", "container": "app"})
    assert notices(sim.advance(20)) == [
        (
            10.0,
            "unhealthy: container app of pod sleeper has no liveness, readiness or startup "
            "probe, so nothing checks its health and nothing changes; add a livenessProbe "
            "(restarts) or a readinessProbe (not Ready) to see the kubelet react",
        )
    ]


def test_unhealthy_on_a_container_with_a_probe_needs_no_hint() -> None:
    sim = simulation()
    sim.advance(10)
    sim.act("unhealthy", {"pod": "web", "container": "app"})
    sim.act("unhealthy", {"pod": "web"})
    assert notices(sim.advance(20)) == []


def test_a_live_apply_with_a_yaml_error_names_the_editor() -> None:
    sim = simulation()
    sim.advance(10)
    sim.act("apply", {"manifest": "apiVersion: v1\nkind: [\n"})
    [(t, message)] = notices(sim.advance(20))
    assert t == 10.0
    assert message.startswith("apply: editor.yaml:3:1: ")
    assert "scenario line" not in message
