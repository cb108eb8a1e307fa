"""Acceptance (issue #12): drain a node from the page while a PodDisruptionBudget blocks it.

A Deployment of four over two nodes and a budget of minAvailable 3. Drain node-1 from
the Live actions panel: kubectl's lines arrive as the run's notices ("node/node-1
cordoned" at once), the second eviction is refused with the budget's 429 and retried
every 5 s, and it is accepted only after the replacement on node-2 is Ready; then
"node/node-1 drained".
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000
DEPLOY = "Deployment/default/web"
MANIFEST = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /, port: 80}
          initialDelaySeconds: 10
          periodSeconds: 5
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 3
  selector:
    matchLabels: {app: web}
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: drain}
spec:
  horizon: 600
"""

NOTICES = "() => window.podPlayground.store.notices.map((r) => [r.t, r.message || ''])"


def test_a_drain_waits_for_the_budget_until_the_replacement_is_ready(
    page: Page, daphne_url: str
) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", MANIFEST)
    page.select_option("#speed", "10")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    lane = page.locator(f'.owner-group[data-workload="{DEPLOY}"]')
    expect(lane).to_have_attribute("data-ready", "4", timeout=TIMEOUT_MS)

    # kubectl drain node-1, from the Live actions panel (kubectl's defaults).
    page.select_option("#act-node", "node-1")
    page.click("#act-drain")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text("node/node-1 cordoned", timeout=TIMEOUT_MS)

    page.wait_for_function(
        "() => window.podPlayground.store.notices.some((r) => r.message === 'node/node-1 drained')",
        timeout=60_000,
    )
    said = page.evaluate(NOTICES)
    start = next(t for t, m in said if m == "node/node-1 cordoned")
    evicting = [(t, m.split("/")[-1]) for t, m in said if m.startswith("evicting pod default/")]
    names = list(dict.fromkeys(name for _, name in evicting))
    assert len(names) == 2, evicting  # the two Pods the scheduler put on node-1
    blocked = names[1]
    refused = [(t, m) for t, m in said if m.startswith(f'error when evicting pods/"{blocked}"')]
    assert refused, "the budget refused the second eviction at first"
    assert {m.split(": ", 1)[1] for _, m in refused} == {
        "Cannot evict pod as it would violate the pod's disruption budget."
    }
    refusals = [t for t, _ in refused]
    # retried every 5 s from the drain's instant
    assert [round(t - start, 3) for t in refusals] == [5.0 * i for i in range(len(refusals))]
    accepted = [t for t, name in evicting if name == blocked][-1]
    assert round(accepted - start, 3) == 5.0 * len(refusals)

    # The replacement on node-2 became Ready before the blocked eviction was accepted.
    records = page.evaluate("() => window.podPlayground.store.records")
    ready_on_2 = [
        r["t"]
        for r in records
        if r["kind"] == "pod"
        and r.get("node") == "node-2"
        and start < r["t"]
        and (r.get("conditions") or {}).get("Ready") == "True"
    ]
    assert ready_on_2 and min(ready_on_2) <= accepted
    evicted = [m for _, m in said if m.endswith(" evicted")]
    assert evicted == [f"pod/{name} evicted" for name in names]
    assert said[-1][1] == "node/node-1 drained"


# A bare Pod (no controller). Its readiness probe keeps the run busy: without it the
# run goes quiet once x is Running (t = 9 s, 0.4 s of wall time after the wait for
# t > 5 at speed 10), and a drain acted on a quiet run makes it go on *paused*
# (Run.act, as the README says), so "drained" would wait for Play whenever the clicks
# came late. tests/playground/test_run_quiet_drain.py holds this manifest to that.
BARE = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers:
  - name: c
    image: nginx:1.27
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: bare}
spec:
  horizon: 600
"""


def test_the_drain_flags_of_the_panel_reach_kubectl(page: Page, daphne_url: str) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", BARE)
    page.select_option("#speed", "10")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    page.wait_for_function("() => window.podPlayground.store.now > 5", timeout=TIMEOUT_MS)
    page.select_option("#act-node", "node-1")
    # kubectl's defaults first: a bare Pod refuses the drain.
    page.click("#act-drain")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text(
        "cannot delete Pods that declare no controller (use --force to override): default/x",
        timeout=TIMEOUT_MS,
    )
    page.check("#drain-opt-force")
    page.click("#act-drain")
    expect(feedback).to_contain_text("kubectl drain node-1 --force", timeout=TIMEOUT_MS)
    expect(feedback).to_contain_text(
        "Warning: deleting Pods that declare no controller: default/x", timeout=TIMEOUT_MS
    )
    page.wait_for_function(
        "() => window.podPlayground.store.notices.some((r) => r.message === 'node/node-1 drained')",
        timeout=60_000,
    )
    said = page.evaluate(NOTICES)
    assert [m for _, m in said if m.startswith("pod/")] == ["pod/x evicted"]
