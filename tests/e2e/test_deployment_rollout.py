"""Deployments in the page (issue #11): owners on the timeline, workload actions, kubectl.

The first tests feed the page records of the exact shapes the simulator streams
(``workload``, ``pod`` with its ``owner``, ``event``, ``deleted``) and check what
the timeline makes of them. The acceptance test runs a real Deployment, changes
its image from the Live actions panel, and watches the owner lane's ready count
at every frame of the rolling update.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000
DEPLOY = "Deployment/default/web"
OLD_RS = "ReplicaSet/default/web-6d4cf56db6"
NEW_RS = "ReplicaSet/default/web-7f9b8c5d44"


def workload(
    t: float, key: str, kind: str, owner: str | None, desired: int, current: int, ready: int
) -> dict[str, Any]:
    return {
        "t": t,
        "kind": "workload",
        "workload": key,
        "kindOf": kind,
        "owner": owner,
        "desired": desired,
        "current": current,
        "ready": ready,
        "available": ready,
        "updated": current if kind == "Deployment" else None,
        "revision": "1",
        "images": ["nginx:1.14.2"],
        "paused": False,
        "conditions": {},
        "deleting": False,
    }


def pod(t: float, name: str, owner: str | None, status: str = "Running") -> dict[str, Any]:
    record: dict[str, Any] = {
        "t": t,
        "kind": "pod",
        "pod": f"default/{name}",
        "status": status,
        "phase": "Running",
        "qosClass": "BestEffort",
    }
    if owner is not None:
        record["owner"] = owner
    return record


def container(t: float, name: str, ready: bool) -> dict[str, Any]:
    return {
        "t": t,
        "kind": "container",
        "pod": f"default/{name}",
        "container": "nginx",
        "state": "running",
        "reason": None,
        "ready": ready,
        "restartCount": 0,
        "startedAt": t,
    }


def fixture_records() -> list[dict[str, Any]]:
    """A Deployment of 3 whose old ReplicaSet had 8 Pods come and go, then a new one."""
    records: list[dict[str, Any]] = [
        {"t": 0.0, "kind": "pod", "pod": "default/bare", "status": "Running", "phase": "Running"},
        workload(0.0, DEPLOY, "Deployment", None, 3, 0, 0),
        workload(0.0, OLD_RS, "ReplicaSet", DEPLOY, 3, 0, 0),
        {
            "t": 0.0,
            "kind": "event",
            "type": "Normal",
            "reason": "ScalingReplicaSet",
            "object": DEPLOY,
            "message": "Scaled up replica set web-6d4cf56db6 from 0 to 3",
        },
    ]
    for i in range(8):
        name = f"web-6d4cf56db6-p{i}"
        records += [pod(1.0 + i, name, OLD_RS), container(1.0 + i, name, True)]
        if i < 5:  # five of them die and are replaced
            records.append({"t": 2.5 + i, "kind": "deleted", "pod": f"default/{name}"})
    records += [
        workload(10.0, OLD_RS, "ReplicaSet", DEPLOY, 3, 3, 3),
        workload(10.0, DEPLOY, "Deployment", None, 3, 3, 3),
        workload(20.0, NEW_RS, "ReplicaSet", DEPLOY, 1, 1, 0),
        workload(20.0, DEPLOY, "Deployment", None, 3, 4, 3),
        pod(20.0, "web-7f9b8c5d44-q0", NEW_RS, "ContainerCreating"),
        workload(25.0, NEW_RS, "ReplicaSet", DEPLOY, 1, 1, 1),
        workload(25.0, OLD_RS, "ReplicaSet", DEPLOY, 2, 2, 2),
        workload(25.0, DEPLOY, "Deployment", None, 3, 3, 3),
        {"t": 30.0, "kind": "deleted", "workload": OLD_RS},
        # A Scenario's set image names no kind (a Deployment, as kubectl's); a node
        # that happens to share the Deployment's name is not the Deployment.
        {
            "t": 20.0,
            "kind": "action",
            "action": "setImage",
            "args": {"name": "web", "container": "nginx", "image": "nginx:1.16.1"},
        },
        {"t": 22.0, "kind": "action", "action": "addNode", "args": {"name": "web"}},
    ]
    records.sort(key=lambda r: r["t"])
    return records


def feed(page: Page, records: list[dict[str, Any]], now: float) -> None:
    page.evaluate(
        """([records, now]) => {
          const { store, timeline } = window.podPlayground;
          store.addRecords(records, now); // the timeline reads them from the store
          timeline.setNow(now);
          timeline.flush();
        }""",
        [records, now],
    )


def rows(page: Page) -> list[str]:
    """The rows shown, top to bottom: owners and Pods by key, fold rows as fold:<count>."""
    return page.evaluate(
        r"""() => [...document.querySelectorAll('.timeline-lanes .pods > g')]
          .filter((g) => g.getAttribute('display') !== 'none')
          .map((g) => [g, Number(/translate\(0 ([\d.]+)\)/.exec(g.getAttribute('transform'))[1])])
          .sort((a, b) => a[1] - b[1])
          .map(([g]) => g.dataset.workload || g.dataset.pod || `fold:${g.dataset.count}`)"""
    )


def show(page: Page, t: float | None) -> None:
    """The timeline as it was at t (None: the live edge), drawn now."""
    page.evaluate(
        "(t) => { const tl = window.podPlayground.timeline; tl.setView(t); tl.flush(); }", t
    )


def open_page(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


def test_pods_are_drawn_under_their_owners_and_deleted_ones_fold(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    feed(page, fixture_records(), 40.0)
    live = [f"default/web-6d4cf56db6-p{i}" for i in range(5, 8)]
    # First seen first (the Deployment and the bare Pod both at 0 s: owners first);
    # under the Deployment its ReplicaSets, each with its Pods, then its fold row.
    assert rows(page) == [
        DEPLOY,
        OLD_RS,
        *live,
        "fold:5",
        NEW_RS,
        "default/web-7f9b8c5d44-q0",
        "default/bare",
    ]
    deploy = page.locator(f'.owner-group[data-workload="{DEPLOY}"]')
    expect(deploy).to_have_attribute("data-ready", "3")
    expect(deploy).to_have_attribute("data-current", "3")
    expect(deploy.locator(".owner-counts")).to_have_text("3/3")
    expect(deploy.locator('.owner-mark[data-reason="ScalingReplicaSet"]')).to_have_count(1)
    expect(deploy.locator(".action-marker")).to_have_count(1)
    expect(deploy.locator('.action-marker[data-action="setImage"]')).to_have_count(1)
    expect(page.locator('.cluster-row .action-marker[data-action="addNode"]')).to_have_count(1)
    # A rollout step's mark, clicked: its event is the one selected in the events table.
    deploy.locator('.owner-mark[data-reason="ScalingReplicaSet"]').click()
    expect(page.locator("#events tbody tr.selected")).to_contain_text(
        "Scaled up replica set web-6d4cf56db6 from 0 to 3"
    )
    # A Pod under a ReplicaSet is named after it: the label keeps the part that differs.
    label = page.locator('.pod-group[data-pod="default/web-7f9b8c5d44-q0"] .pod-label')
    expect(label).to_have_text("…-q0")
    expect(page.locator(f'.owner-group[data-workload="{OLD_RS}"]')).to_have_attribute(
        "data-deleted", "true"
    )

    # kubectl describe pod names the Pod's controller.
    page.select_option("#inspect-pod", "default/web-7f9b8c5d44-q0")
    expect(page.locator("#describe")).to_contain_text(
        re.compile(r"Controlled By:\s+ReplicaSet/web-7f9b8c5d44\n")
    )
    # Scrubbed back to 20 s: the counts and the rows as they were then. The page's own
    # frames may move the view back to the live edge between two calls, so the scrub and
    # what it drew are read in one call (the page runs no frame in between).
    at_20 = page.evaluate(
        """([workload]) => {
          const tl = window.podPlayground.timeline;
          tl.setView(20);
          tl.flush();
          const g = document.querySelector(`.owner-group[data-workload="${workload}"]`);
          return {
            current: g.getAttribute('data-current'),
            ready: g.getAttribute('data-ready'),
          };
        }""",
        [DEPLOY],
    )
    assert at_20 == {"current": "4", "ready": "3"}
    assert "fold:5" in rows(page)

    # Unfold the deleted Pods, then collapse the whole Deployment.
    show(page, None)
    page.locator(f'.owner-fold[data-fold="{OLD_RS}"]').click()
    page.evaluate("() => window.podPlayground.timeline.flush()")
    assert [r for r in rows(page) if "p0" in r or "p4" in r] == [
        "default/web-6d4cf56db6-p0",
        "default/web-6d4cf56db6-p4",
    ]
    deploy.locator(".owner-toggle").click()
    page.evaluate("() => window.podPlayground.timeline.flush()")
    assert rows(page) == [DEPLOY, "default/bare"]


def test_clicking_an_owner_lane_inspects_it_with_kubectl_get(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    feed(page, fixture_records()[:-1], 26.0)
    page.locator(f'.owner-group[data-workload="{DEPLOY}"] .owner-label').click()
    get = page.locator("#workload-get")
    expect(get).to_contain_text(re.compile(r"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE"))
    expect(get).to_contain_text(re.compile(r"web\s+3/3\s+3\s+3\s+26s"))
    expect(page.locator("#act-workload")).to_have_value(DEPLOY)
    page.select_option("#inspect-workload", OLD_RS)
    expect(get).to_contain_text(re.compile(r"NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE"))
    expect(get).to_contain_text(re.compile(r"web-6d4cf56db6\s+2\s+2\s+2\s+26s"))


# -- the acceptance test: a rolling update driven from the page -------------------------

ROLLING = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        readinessProbe:
          httpGet: {path: /, port: 80}
          periodSeconds: 2
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: rolling}
spec:
  horizon: 600
"""
REPLICAS = 4
MAX_UNAVAILABLE = 1

# Every animation frame, what the Deployment's lane says (its data-* counts at the
# time shown), and whether the page follows the live edge.
SAMPLE_FRAMES = """() => {
  window.__laneFrames = [];
  const sample = () => {
    const g = document.querySelector('.owner-group[data-workload="Deployment/default/web"]');
    if (g) {
      window.__laneFrames.push({
        now: window.podPlayground.store.now,
        ready: Number(g.dataset.ready), current: Number(g.dataset.current),
        updated: Number(g.dataset.updated), desired: Number(g.dataset.desired),
      });
    }
    window.requestAnimationFrame(sample);
  };
  window.requestAnimationFrame(sample);
}"""


def test_a_rolling_update_from_the_page_keeps_enough_pods_ready(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    page.evaluate("(text) => window.podEditor.setValue(text)", ROLLING)
    page.select_option("#speed", "10")
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    lane = page.locator(f'.owner-group[data-workload="{DEPLOY}"]')
    expect(lane).to_have_attribute("data-ready", str(REPLICAS), timeout=TIMEOUT_MS)
    page.evaluate(SAMPLE_FRAMES)

    # kubectl set image deployment/web web=nginx:1.26, from the Live actions panel.
    page.select_option("#act-workload", DEPLOY)
    expect(page.locator("#act-wl-container")).to_have_value("web")
    page.fill("#act-image", "nginx:1.26")
    page.click("#act-set-image")
    # What was done, and what kubectl answered (the run's notice at that instant).
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text("kubectl set image deployment/web web=nginx:1.26")
    expect(feedback).to_contain_text("deployment.apps/web image updated")
    expect(lane.locator('.action-marker[data-action="setImage"]')).to_have_count(1)

    # The rollout runs to its end: every Pod of the new template, all ready.
    expect(lane).to_have_attribute("data-updated", str(REPLICAS), timeout=60_000)
    expect(lane).to_have_attribute("data-ready", str(REPLICAS), timeout=60_000)
    expect(lane).to_have_attribute("data-current", str(REPLICAS), timeout=TIMEOUT_MS)
    frames = page.evaluate("() => window.__laneFrames")
    assert len(frames) > 20, "the page drew the rollout frame by frame"
    during = [f for f in frames if f["updated"] < REPLICAS or f["current"] != REPLICAS]
    assert during, "some frames showed the rollout under way"
    assert min(f["ready"] for f in frames) >= REPLICAS - MAX_UNAVAILABLE, frames
    assert max(f["current"] for f in frames) == REPLICAS + 1, "maxSurge: one Pod above"

    # The records the page holds agree at every change, not only at the frames drawn.
    records = page.evaluate("() => window.podPlayground.store.records")
    lane_records = [r for r in records if r["kind"] == "workload" and r["workload"] == DEPLOY]
    full = next(i for i, r in enumerate(lane_records) if r["ready"] == REPLICAS)
    assert min(r["ready"] for r in lane_records[full:]) >= REPLICAS - MAX_UNAVAILABLE
    assert lane_records[-1]["images"] == ["nginx:1.26"]
    scaled = [
        r["message"]
        for r in records
        if r["kind"] == "event" and r["reason"] == "ScalingReplicaSet" and r["object"] == DEPLOY
    ]
    assert len(scaled) >= 3 and any(" down " in m for m in scaled)
    expect(lane.locator('.owner-mark[data-reason="ScalingReplicaSet"]')).to_have_count(len(scaled))
    # The inspector's kubectl get (folded from the records at the time shown) reads as
    # kubectl's own printers say it at the live edge, once the run has ended there (a
    # paused page may be a slice behind its worker; at the horizon both are there).
    page.click("#jump")
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)
    lane.locator(".owner-label").click()
    server = page.evaluate(
        """async () => {
          const ask = (argv) => window.podPlayground.inspector.request("kubectl", { argv });
          const deployment = await ask(["get", "deployment", "web"]);
          return [deployment.output, (await ask(["get", "rs"])).output];
        }"""
    )
    expected = "\n\n".join(text.rstrip("\n") for text in server)
    shown = page.locator("#workload-get")
    with contextlib.suppress(PlaywrightError):  # the text is drawn at most a frame later
        page.wait_for_function(
            "(want) => document.getElementById('workload-get').textContent === want",
            arg=expected,
            timeout=5_000,
        )
    assert shown.text_content() == expected  # exactly: kubectl's columns and spaces
    expect(page.locator("#workload-rollout")).to_have_text(
        'deployment "web" successfully rolled out'
    )
    # Two ReplicaSets under the Deployment, the old one scaled to 0.
    owned = page.locator(".owner-group[data-kind=ReplicaSet]")
    expect(owned).to_have_count(2)
    expect(owned.first).to_have_attribute("data-desired", "0")
    expect(owned.last).to_have_attribute("data-ready", str(REPLICAS))

    # kubectl describe pod of a Pod the new ReplicaSet made: its template's labels, its
    # readiness probe, its controller.
    new_rs = owned.last.get_attribute("data-workload") or ""
    new_pod = next(r["pod"] for r in records if r["kind"] == "pod" and r.get("owner") == new_rs)
    page.select_option("#inspect-pod", new_pod)
    describe = page.locator("#describe")
    expect(describe).to_contain_text(f"Controlled By:  ReplicaSet/{new_rs.split('/')[2]}")
    expect(describe).to_contain_text("pod-template-hash=")
    expect(describe).to_contain_text("Readiness:")
    expect(describe).to_contain_text("nginx:1.26")

    # Scrubbed back into the rollout, kubectl rollout status was still waiting.
    mid = next(r["t"] for r in lane_records if r["updated"] < REPLICAS and r["t"] > 0)
    page.evaluate("(t) => window.podPlayground.scrubTo(t)", mid)
    expect(page.locator("#workload-rollout")).to_contain_text(
        'Waiting for deployment "web" rollout to finish: '
    )
