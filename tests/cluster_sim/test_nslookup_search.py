"""nslookup completes a short name with resolv.conf's first search domain, and with the
kubelet's default when the file has none to give (removed, or a bare ``search`` line)."""

from __future__ import annotations

from simrun import of, run

POD = """\
apiVersion: v1
kind: Namespace
metadata: {{name: team}}
---
apiVersion: v1
kind: Pod
metadata: {{name: dns, namespace: team}}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, '{script}']
"""


def not_found(script: str) -> list[str]:
    records = run(POD.format(script=script), until=10)
    return [r["line"] for r in of(records, "log") if "server can't find" in r["line"]]


def test_a_short_name_takes_the_pods_namespace_search_domain() -> None:
    assert not_found("nslookup nope") == [
        "** server can't find nope.team.svc.cluster.local: NXDOMAIN"
    ]


def test_a_bare_search_line_falls_back_to_the_default_domain() -> None:
    assert not_found("echo search > /etc/resolv.conf; nslookup nope") == [
        "** server can't find nope.default.svc.cluster.local: NXDOMAIN"
    ]


def test_no_resolv_conf_falls_back_to_the_default_domain() -> None:
    lines = not_found("rm -f /etc/resolv.conf; nslookup nope")
    assert lines == ["** server can't find nope.default.svc.cluster.local: NXDOMAIN"]
