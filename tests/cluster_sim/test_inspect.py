"""kubectl exec and the inspector's view from inside a running container."""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle

CONFIG = Path(__file__).parent / "docs_examples" / "environment" / "configmap-volume.yaml"


def running_sim() -> Simulation:
    text = CONFIG.read_text().replace('"ls /etc/config/"', '"sleep 3600"')
    sim = Simulation(load_bundle([("cm.yaml", text)]), horizon=100)
    sim.advance(10)
    return sim


def test_exec_reads_the_container_filesystem_without_moving_the_clock() -> None:
    sim = running_sim()
    assert sim.exec("dapi-test-pod", "test-container", ["cat", "/etc/config/SPECIAL_LEVEL"]) == (
        0,
        "very",
    )
    status, output = sim.exec("dapi-test-pod", "test-container", ["cat", "/nope"])
    assert (status, output) == (1, "cat: can't open '/nope': No such file or directory\n")
    assert sim.exec("dapi-test-pod", "nope", ["true"])[0] == 1
    assert sim.now == 10.0


def test_inspect_shows_mounts_env_hosts_and_services() -> None:
    view = running_sim().inspect("dapi-test-pod", "test-container")
    config, token = view["mounts"]
    assert (config["path"], config["kind"]) == ("/etc/config", "configMap")
    listing = config["listing"].splitlines()
    assert listing[0] == "total 12"
    assert listing[-2].endswith("SPECIAL_LEVEL -> ..data/SPECIAL_LEVEL")
    assert token["path"] == "/var/run/secrets/kubernetes.io/serviceaccount"
    assert "token -> ..data/token" in token["listing"]
    assert view["hosts"].startswith("# Kubernetes-managed hosts file.\n")
    assert view["resolv"].endswith("options ndots:5\n")
    assert view["hostname"] == "dapi-test-pod"
    names = {e["name"]: e["source"] for e in view["env"]}
    assert names["KUBERNETES_SERVICE_HOST"] == "service default/kubernetes"
    assert view["services"][0]["service"] == "default/kubernetes"


def test_next_time_says_when_something_happens_next() -> None:
    sim = Simulation(
        load_bundle([("cm.yaml", CONFIG.read_text().replace('"ls /etc/config/"', '"sleep 30"'))]),
        horizon=100,
    )
    sim.advance(10)
    assert sim.next_time() == 32.18  # the sleep started at 2.18 ends
    sim.advance(40)
    assert sim.next_time() is None  # restartPolicy Never: nothing more will happen
