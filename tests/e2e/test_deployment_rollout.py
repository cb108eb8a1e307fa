"""Deployments in the page (issue #11): owners on the timeline, workload actions, kubectl.

The first tests feed the page records of the exact shapes the simulator streams
(``workload``, ``pod`` with its ``owner``, ``event``, ``deleted``) and check what
the timeline makes of them. The acceptance test runs a real Deployment, changes
its image from the Live actions panel, and watches the owner lane's ready count
at every frame of the rolling update.
"""

from __future__ import annotations

import re
from typing import Any

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
    ]
    return records


def feed(page: Page, records: list[dict[str, Any]], now: float) -> None:
    page.evaluate(
        """([records, now]) => {
          const { store, timeline } = window.podPlayground;
          store.addRecords(records, now);
          for (const r of records) timeline.addRecord(r);
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
    # A Pod under a ReplicaSet is named after it: the label keeps the part that differs.
    label = page.locator('.pod-group[data-pod="default/web-7f9b8c5d44-q0"] .pod-label')
    expect(label).to_have_text("…-q0")
    expect(page.locator(f'.owner-group[data-workload="{OLD_RS}"]')).to_have_attribute(
        "data-deleted", "true"
    )

    # Scrubbed back to 20 s: the counts and the rows as they were then.
    show(page, 20)
    expect(deploy).to_have_attribute("data-current", "4")
    expect(deploy).to_have_attribute("data-ready", "3")
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
