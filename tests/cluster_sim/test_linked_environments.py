"""Containers without ``env`` and ``envFrom`` share their environment across Pods (issue #15).

``LinkedEnvironments`` keeps, for the run, the environment of a container that
reads nothing of its Pod: its namespace's service links and its command and
args expanded against them. The test runs Pods of two namespaces, with and
without service links and ``env``, through Services created
and changed mid-run, and holds the records to those of the same run resolving every
environment on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from simrun import of, run, scenario

from cluster_sim.kubelet.container_env import EnvironmentCache, LinkedEnvironments

POD = """---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {ns}}}
spec:
  enableServiceLinks: {links}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo $(KUBERNETES_SERVICE_HOST) $(SHOP_SERVICE_PORT); exit 1"]
    args: ["$(WEB_SERVICE_HOST)", "x"]
{env}"""
SERVICE = """---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  ports: [{{port: {port}}}]
"""
NAMESPACE = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"


def _pod(name: str, ns: str = "default", links: str = "true", env: str = "") -> str:
    return POD.format(name=name, ns=ns, links=links, env=env)


def _indented(text: str) -> str:
    return text.replace("\n", "\n        ").rstrip()


def _manifest() -> str:
    env = '    env: [{name: A, value: "$(SHOP_SERVICE_HOST)"}]\n'
    web = _indented(SERVICE.format(name="web", ns="shop", port=8080))
    moved = _indented(SERVICE.format(name="shop", ns="shop", port=99))
    return (
        NAMESPACE
        + SERVICE.format(name="shop", ns="shop", port=80)
        + SERVICE.format(name="shop", ns="default", port=81)
        + _pod("a")
        + _pod("b")
        + _pod("c", links="false")
        + _pod("d", ns="shop")
        + _pod("e", ns="shop")
        + _pod("f", ns="shop", links="false")
        + _pod("g", ns="shop", env=env)
        + scenario(
            f"at: 40\n    apply:\n      manifest: |\n        {web}",
            f"at: 90\n    apply:\n      manifest: |\n        {moved}",
            horizon=200,
        )
    )


def test_shared_environments_are_those_each_pod_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    resolved: list[Any] = []
    original = EnvironmentCache._resolve

    def spy(self: EnvironmentCache, *args: Any) -> Any:
        resolved.append(args[0].name)
        return original(self, *args)

    monkeypatch.setattr(EnvironmentCache, "_resolve", spy)
    shared = run(_manifest(), until=200)
    shared_resolutions = len(resolved)
    monkeypatch.setattr(LinkedEnvironments, "get", lambda self, key: None)
    del resolved[:]
    alone = run(_manifest(), until=200)
    assert shared == alone
    envs = {(r["pod"], tuple(v["name"] for v in r["env"])) for r in of(shared, "env")}
    names: dict[str, set[str]] = {}
    for pod, seen in envs:
        names.setdefault(pod, set()).update(seen)
    assert "WEB_SERVICE_HOST" in names["shop/d"] and "SHOP_SERVICE_HOST" in names["shop/e"]
    assert "SHOP_SERVICE_HOST" not in names["shop/f"]  # links off
    ports = {
        v["value"]
        for r in of(shared, "env", pod="shop/e")
        for v in r["env"]
        if v["name"] == "SHOP_SERVICE_PORT"
    }
    assert ports == {"80", "99"}  # the Service changed: its Pods' next starts see it
    # one resolution per (namespace, links, command) and generation, not one per Pod
    assert shared_resolutions < len(resolved)
