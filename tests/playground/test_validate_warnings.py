"""Warnings in live validation (POST /validate): they are listed, marked, and do not stop a run."""

from __future__ import annotations

import json
import re

from django.test import Client

INGRESS_AND_POD = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
"""


def _validate(client: Client, text: str) -> str:
    response = client.post("/validate", data=text, content_type="text/plain; charset=utf-8")
    assert response.status_code == 200
    return response.content.decode()


def _data(html: str) -> list[dict[str, object]]:
    match = re.search(r'<script id="validation-data" type="application/json">(.*?)</script>', html)
    assert match is not None, html
    return list(json.loads(match.group(1)))


def test_an_unsimulated_kind_is_a_warning_at_its_line_and_the_manifest_is_valid(
    client: Client,
) -> None:
    html = _validate(client, INGRESS_AND_POD)
    assert 'data-state="valid"' in html
    assert 'data-count="0"' in html
    assert "valid: 1 object (1 Pod); 1 document skipped" in html
    assert re.search(
        r'<li class="validation-warning" data-severity="warning" data-line="2" data-column="7" '
        r'data-code="unsupported-kind"',
        html,
    )
    assert "1 warning (a run still starts):" in html
    assert _data(html) == [
        {
            "file": "editor.yaml",
            "line": 2,
            "column": 7,
            "path": "kind",
            "message": 'kind "Ingress" is not simulated by the playground; '
            "this document is skipped",
            "code": "unsupported-kind",
            "severity": "warning",
        }
    ]


def test_errors_are_marked_as_errors_in_the_editor_data(client: Client) -> None:
    html = _validate(client, INGRESS_AND_POD.replace("    image: nginx\n", ""))
    assert 'data-state="invalid"' in html
    assert [d["severity"] for d in _data(html)] == ["error"]
    assert "validation-warning" not in html


WARNED_NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: watched
  labels:
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Pod
metadata:
  name: x
  namespace: watched
spec:
  containers:
  - name: x
    image: nginx
"""


def test_pod_security_warnings_are_kubectls_lines_at_the_pods_document(client: Client) -> None:
    html = _validate(client, WARNED_NAMESPACE)
    assert 'data-state="valid"' in html
    (item,) = _data(html)
    assert (item["line"], item["code"], item["severity"]) == (9, "pod-security-warning", "warning")
    assert item["message"] == (
        'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != '
        'false (container "x" must set securityContext.allowPrivilegeEscalation=false), '
        'unrestricted capabilities (container "x" must set '
        'securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "x" '
        'must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "x" must '
        'set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
    )


def test_an_enforced_pod_is_listed_with_the_api_servers_refusal(client: Client) -> None:
    html = _validate(client, WARNED_NAMESPACE.replace("/warn:", "/enforce:"))
    (item,) = _data(html)
    assert item["code"] == "pod-security-forbidden"
    assert str(item["message"]).startswith(
        'Error from server (Forbidden): error when creating "editor.yaml": pods "x" is '
        'forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false'
    )
