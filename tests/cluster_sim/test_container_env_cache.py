"""A crash-looping container's environment is resolved again when what it reads changes.

The kubelet resolves a container's environment at every start; the
simulator keeps it per container while the Pod, the container's spec and
the ConfigMaps, Secrets and Services are as they were
(``kubelet.container_env``). Each restart's ``env`` record and what the
program sees must still be those of that moment: a ConfigMap edited, a
Service added between two restarts shows at the next start.
"""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle

POD = """apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {mode: slow}
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo "mode=$MODE cmd=$(MODE)"; exit 1']
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
"""
FAST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {mode: fast}\n"
SERVICE = """apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{port: 8080}]
"""


def run(*actions: tuple[float, str]) -> tuple[Simulation, list[dict]]:
    sim = Simulation(load_bundle([("t.yaml", POD)]), seed=0, horizon=120)
    records: list[dict] = []
    for at, manifest in actions:
        records += sim.advance(at)
        sim.act("apply", {"manifest": manifest})
    records += sim.advance(120)
    return sim, records


def env_of(record: dict) -> dict[str, str]:
    return {v["name"]: v["value"] for v in record["env"]}


def test_each_start_resolves_the_same_environment_while_nothing_changes() -> None:
    _, records = run()
    envs = [r for r in records if r["kind"] == "env"]
    assert len(envs) >= 3  # the first start and two restarts at least
    assert all(r["env"] == envs[0]["env"] for r in envs)
    assert envs[0]["env"] is not envs[1]["env"]  # each record has its own list
    logs = [r["line"] for r in records if r["kind"] == "log"]
    assert logs and all("mode=slow cmd=slow" in text for text in logs)


def test_a_configmap_edited_between_restarts_shows_at_the_next_start() -> None:
    _, records = run((30, FAST))
    envs = [(r["t"], env_of(r)["MODE"]) for r in records if r["kind"] == "env"]
    assert {mode for t, mode in envs if t < 30} == {"slow"}
    assert {mode for t, mode in envs if t > 30} == {"fast"}
    logs = [(r["t"], r["line"]) for r in records if r["kind"] == "log"]
    assert all("mode=fast cmd=fast" in text for t, text in logs if t > 30)


def test_a_service_added_between_restarts_gives_its_variables_at_the_next_start() -> None:
    _, records = run((30, SERVICE))
    envs = [(r["t"], env_of(r)) for r in records if r["kind"] == "env"]
    assert all("BACKEND_SERVICE_HOST" not in env for t, env in envs if t < 30)
    later = [env for t, env in envs if t > 30]
    assert later and all(env["BACKEND_SERVICE_PORT"] == "8080" for env in later)


def test_the_inspector_shows_the_last_start_s_environment_and_holds_no_other() -> None:
    """The recorder holds one ``env`` record per container, its latest: the inspector
    shows the environment of the last start, taken or not, and the records of the
    earlier starts are the caller's alone."""
    sim = Simulation(load_bundle([("t.yaml", POD)]), seed=0, horizon=120)
    taken = sim.advance(30)
    assert env_of(sim.inspect("default/crasher", "app"))["MODE"] == "slow"
    sim.act("apply", {"manifest": FAST})
    taken += sim.advance(120)
    envs = [r for r in taken if r["kind"] == "env"]
    assert [env_of(r)["MODE"] for r in envs][-1] == "fast" and len(envs) >= 4
    view = sim.inspect("default/crasher", "app")
    assert view["env"] == envs[-1]["env"]
    assert sim.cluster.recorder.kept == 1
