"""What the inspector shows a Pod asked for, in kubectl describe's words."""

from __future__ import annotations

from cluster_sim import load_bundle
from playground.describe import applied_specs, bundle_specs
from playground.examples import ENVIRONMENT, GRACEFUL_DELETION, LIVENESS_EXEC_POD, LIVENESS_HTTP_POD


def spec_of(manifest: str, pod: str) -> dict:
    pods, _ = bundle_specs(load_bundle([("editor.yaml", manifest)]))
    return pods[pod]


def test_probes_are_described_as_kubectl_describes_them() -> None:
    http = spec_of(LIVENESS_HTTP_POD, "default/liveness-http")["containers"][0]
    assert http["probes"] == {
        "liveness": "http-get http://:8080/healthz delay=3s timeout=1s period=3s "
        "#success=1 #failure=3"
    }
    exec_ = spec_of(LIVENESS_EXEC_POD, "default/liveness-exec")["containers"][0]
    assert exec_["probes"]["liveness"] == (
        "exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3"
    )
    assert exec_["args"] == [
        "/bin/sh",
        "-c",
        "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
    ]


def test_env_sources_mounts_volumes_hooks_and_config_maps() -> None:
    pods, maps = bundle_specs(load_bundle([("editor.yaml", ENVIRONMENT)]))
    client = pods["default/client"]
    shell = client["containers"][0]
    env = {e["name"]: e["value"] for e in shell["env"]}
    assert (
        env["LOG_LEVEL"]
        == "<set to the key 'LOG_LEVEL' of config map 'app-config'>  Optional: false"
    )
    assert (
        env["API_TOKEN"] == "<set to the key 'API_TOKEN' in secret 'app-secret'>  Optional: false"
    )
    assert env["MY_POD_NAME"] == " (v1:metadata.name)"
    assert env["MY_MEMORY_LIMIT"] == "(limits.memory)"
    assert shell["mounts"] == ["/etc/app from config (ro)"]
    assert shell["limits"] == {"memory": "64Mi"}
    assert client["volumes"] == [{"name": "config", "type": "ConfigMap", "detail": "app-config"}]
    assert maps == [
        {
            "namespace": "default",
            "name": "app-config",
            "data": {"LOG_LEVEL": "debug", "greeting.txt": "hello from a ConfigMap"},
        }
    ]
    web = spec_of(GRACEFUL_DELETION, "default/web")["containers"][0]
    assert web["hooks"] == {"preStop": "exec [/bin/sh -c sleep 5]"}
    assert web["ports"] == ["80/TCP"]


def test_applied_manifests_bring_their_specs() -> None:
    records = [
        {"t": 5.0, "kind": "action", "action": "apply", "args": {"manifest": LIVENESS_HTTP_POD}},
        {"t": 6.0, "kind": "action", "action": "apply", "args": {"manifest": "kind: [broken"}},
        {"t": 7.0, "kind": "action", "action": "delete", "args": {"pod": "x"}},
    ]
    pods, maps = applied_specs(records)
    assert list(pods) == ["default/liveness-http"]
    assert maps == []
