"""Acceptance (issue #14): a NetworkPolicy drops a client's wget; a live allow lets the next in.

A backend behind a Service, a client that asks it every 5 s with ``wget -T 2``,
and a default-deny-ingress policy. The page shows the failed attempt on the
timeline (a red mark on the client's row naming the policy), the inspector's
Network policy box names the policy that denied it, and the failed wget line
in the logs names it on hover. Then the allow rule, applied live from the
editor, lets the next attempt through.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000
MANIFEST = """\
apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command:
    - sh
    - -c
    - |
      sleep 10
      while true; do wget -T 2 -qO- http://backend >/dev/null && echo reached; sleep 5; done
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: netpol}
spec:
  horizon: 600
"""
ALLOW = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client}
spec:
  podSelector:
    matchLabels: {app: backend}
  ingress:
  - from:
    - podSelector:
        matchLabels: {app: client}
"""
CONNECTIONS = "() => window.podPlayground.store.records.filter((r) => r.kind === 'connection')"


def test_a_policy_drops_a_wget_and_a_live_allow_lets_the_next_one_through(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", MANIFEST)
    page.select_option("#speed", "10")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")

    # The failed attempt: its wget line arrives 2 s after the dropped connection.
    page.wait_for_function(
        "() => window.podPlayground.store.records.some((r) => r.kind === 'log'"
        " && r.line === 'wget: download timed out')",
        timeout=TIMEOUT_MS,
    )
    dropped = [r for r in page.evaluate(CONNECTIONS) if r["verdict"] == "dropped"]
    assert dropped and dropped[0]["policy"] == "default/default-deny-ingress"
    assert (dropped[0]["from"], dropped[0]["to"], dropped[0]["port"]) == (
        "default/client",
        "default/backend",
        80,
    )

    # The timeline marks it on the client's row, and the mark names the policy.
    mark = page.locator('[data-pod="default/client"] .netpol-marker[data-connection="dropped"]')
    expect(mark.first).to_have_attribute("data-policy", "default/default-deny-ingress")
    mark.first.hover()
    expect(mark.first.locator("title")).to_have_text(
        "connection dropped by NetworkPolicy default-deny-ingress: " + _rest(dropped[0])
    )

    # The inspector names the policy for the selected client.
    page.select_option("#inspect-pod", "default/client")
    box = page.locator("#netpol-view")
    expect(box).to_be_visible(timeout=TIMEOUT_MS)
    expect(box.locator("[data-testid=netpol-last]")).to_contain_text(
        "dropped by NetworkPolicy default-deny-ingress", timeout=TIMEOUT_MS
    )
    denied = box.locator('table[data-direction="egress"] tr[data-peer="default/backend"]')
    expect(denied).to_contain_text("denied")
    expect(denied).to_contain_text("default-deny-ingress")

    # The failed line in the logs names the policy on hover.
    line = page.locator("#logs .log-line.log-dropped").first
    expect(line).to_contain_text("wget: download timed out", timeout=TIMEOUT_MS)
    expect(line).to_have_attribute(
        "title",
        "wget: download timed out\n"
        + "dropped by NetworkPolicy default-deny-ingress: "
        + _rest(dropped[0]),
    )
    page.click("#tab-logs")
    expect(page.locator("#container-logs .log-dropped").first).to_have_attribute(
        "title", "dropped by NetworkPolicy default-deny-ingress: " + _rest(dropped[0])
    )

    # An allow rule applied live from the editor: the next attempt gets through.
    page.evaluate("(text) => window.podEditor.setValue(text)", ALLOW)
    page.click("#act-apply")
    expect(page.locator("#action-feedback li.ok").first).to_contain_text(
        "kubectl apply", timeout=TIMEOUT_MS
    )
    page.wait_for_function(
        "() => window.podPlayground.store.records.some((r) => r.kind === 'log'"
        " && r.line === 'reached')",
        timeout=TIMEOUT_MS,
    )
    records = page.evaluate("() => window.podPlayground.store.records")
    applied = next(r["t"] for r in records if r["kind"] == "action" and r["action"] == "apply")
    after = [r for r in records if r["kind"] == "connection" and r["t"] > applied]
    assert after[0]["verdict"] == "allowed" and after[0]["policy"] == "default/allow-client"
    assert all(
        r["verdict"] == "dropped" for r in records if r["kind"] == "connection" and r["t"] < applied
    )
    expect(box.locator("[data-testid=netpol-last]")).to_contain_text(
        "allowed by NetworkPolicy allow-client", timeout=TIMEOUT_MS
    )
    expect(page.locator('.netpol-marker[data-connection="allowed"]').first).to_be_attached()


def _rest(attempt: dict[str, object]) -> str:
    """The tooltip's words after the policy, for one dropped attempt of this manifest."""
    return (
        "ingress of backend isolated, no rule allows client → backend:80/TCP via Service backend, "
        f"at t={float(attempt['t']):.1f}s"  # type: ignore[arg-type]
    )
