"""PodSecurity in a run: controllers' Pods refused as FailedCreate, warnings as notices."""

from __future__ import annotations

from simrun import events, of, run, scenario

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: secure
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: secure
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      containers:
      - name: web
        image: nginx
"""


def test_a_deployments_pods_are_refused_with_failed_create_events() -> None:
    records = run(NAMESPACE + DEPLOYMENT, until=5)
    notices = [r["message"] for r in of(records, "notice")]
    assert notices[0] == (
        'test.yaml:9:7: Warning: would violate PodSecurity "baseline:latest": '
        "host namespaces (hostNetwork=true)"
    )
    failed = [e for e in events(records) if e[1] == "FailedCreate"]
    assert failed, events(records)
    t, _, message = failed[0]
    assert t == 0.0
    assert message.startswith('Error creating: pods "web-')
    assert message.endswith(
        'is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)'
    )
    assert of(records, "pod") == []


def test_the_same_deployment_runs_in_a_namespace_without_a_policy() -> None:
    records = run(DEPLOYMENT.replace("namespace: secure", "namespace: open"), until=5)
    assert not [e for e in events(records) if e[1] == "FailedCreate"]
    assert of(records, "pod")


def test_labelling_the_namespace_live_warns_about_its_pods_then_refuses_new_ones() -> None:
    relabel = (
        "apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: shop\\n  labels:\\n"
        "    pod-security.kubernetes.io/enforce: baseline\\n"
    )
    text = (
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        + DEPLOYMENT.replace("namespace: secure", "namespace: shop")
        + scenario(
            f'at: 10\n    apply:\n      manifest: "{relabel}"',
            "{at: 20, scale: {name: web, namespace: shop, replicas: 2}}",
            horizon=30,
        )
    )
    records = run(text, until=30)
    notices = [(r["t"], r["message"]) for r in of(records, "notice")]
    web = next(r["pod"] for r in of(records, "pod"))
    assert [n for n in notices if n[1].startswith("apply:")] == [
        (
            10.0,
            'apply: Warning: existing pods in namespace "shop" violate the new PodSecurity '
            'enforce level "baseline:latest"',
        ),
        (10.0, f"apply: Warning: {web.split('/')[1]}: host namespaces"),
    ]
    failed = [e for e in events(records) if e[1] == "FailedCreate"]
    assert failed and failed[0][0] == 20.0
    assert failed[0][2].endswith(
        'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)'
    )
