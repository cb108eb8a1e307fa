"""The manifests the pipeline tests run: a stable Deployment, its canary, a Pipeline."""

from __future__ import annotations

from typing import Any

from cluster_sim import Simulation, load_bundle

SHA = "3f9c2e1d4b5a69788f0e1d2c3b4a5968778695a4"


def deployment(name: str, namespace: str, replicas: int, track: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web, track: {track}}}}}
  template:
    metadata: {{labels: {{app: web, track: {track}}}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 5}}
"""


def pipeline(
    *,
    namespace: str = "shop",
    result: str = "pass",
    base: str = "nginx:1.27",
    findings: str = "[]",
    canary: bool = True,
    timeout: int = 120,
) -> str:
    steps = f"""    tests: {{result: {result}, durationSeconds: 30}}
    build: {{image: registry.podlife.dev/{namespace}/web, tag: 3f9c2e1, from: "{base}"}}
    scan: {{findings: {findings}}}
"""
    if canary:
        steps += f"""    canary: {{deployment: web-canary, container: web, replicas: 1}}
    checks: {{readySeconds: 20, timeoutSeconds: {timeout}}}
    promote: {{deployment: web, container: web}}
"""
    return f"""apiVersion: playground.podlife.dev/v1
kind: Pipeline
metadata: {{name: web, namespace: {namespace}}}
spec:
  commit: {{sha: {SHA}, message: "Serve the new front page", author: "Ada <ada@podlife.dev>"}}
  signingKey: ci-release
  steps:
{steps}"""


def bundle_text(namespace_labels: str = "{}", **pipeline_args: Any) -> str:
    namespace = str(pipeline_args.get("namespace", "shop"))
    return "---\n".join(
        [
            f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {namespace}, "
            f"labels: {namespace_labels}}}\n",
            deployment("web", namespace, 2, "stable"),
            deployment("web-canary", namespace, 0, "canary"),
            pipeline(**pipeline_args),
        ]
    )


def run(text: str, until: float = 240.0) -> list[dict[str, Any]]:
    sim = Simulation(load_bundle([("pipeline.yaml", text)]), horizon=until)
    return sim.advance(until)


def of(records: list[dict[str, Any]], kind: str, **match: Any) -> list[dict[str, Any]]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def steps(records: list[dict[str, Any]]) -> list[tuple[float, str, str]]:
    return [(r["t"], r["step"], r["phase"]) for r in of(records, "pipeline")]
