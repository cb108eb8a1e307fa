"""Jobs, CronJobs, DaemonSets and StatefulSets in the page (issue #12).

The first test feeds the page records of the shapes the simulator streams
(``workload`` records of each kind, ``pod`` with its ``owner`` and ``node``,
``claim``, ``deleted``, ``event``) and checks what the owner lanes make of them.
The others run the docs' manifests: a CronJob whose Jobs appear in its lane,
suspended, resumed and triggered from the Live actions panel; a StatefulSet whose
``web-0`` is Running and Ready before ``web-1`` exists, in ordinal order, each
with its claim; the inspector's ``kubectl get`` of each equal to kubectl's own.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000
EXAMPLES = Path(__file__).resolve().parents[1] / "cluster_sim" / "docs_examples" / "controllers"
CRONJOB = "CronJob/default/hello"
STS = "StatefulSet/default/web"


def open_page(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


def run(page: Page, manifest: str, speed: str = "100") -> None:
    page.evaluate("(text) => window.podEditor.setValue(text)", manifest)
    page.select_option("#speed", speed)
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")


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
    page.evaluate(
        "(t) => { const tl = window.podPlayground.timeline; tl.setView(t); tl.flush(); }", t
    )


def workload(t: float, key: str, owner: str | None = None, **fields: Any) -> dict[str, Any]:
    kind = key.split("/")[0]
    record = {
        "t": t,
        "kind": "workload",
        "workload": key,
        "kindOf": kind,
        "owner": owner,
        "desired": 1,
        "current": 0,
        "ready": 0,
        "available": 0,
        "updated": None,
        "revision": None,
        "images": ["busybox:1.28"],
        "paused": False,
        "conditions": {},
        "deleting": False,
    }
    if kind == "Job":
        record.update(
            succeeded=0,
            failed=0,
            completions=1,
            parallelism=1,
            indexed=False,
            completedIndexes=None,
            startTime=round(t * 1000),
            completionTime=None,
        )
    record.update(fields)
    return record


COMPLETE = {
    "SuccessCriteriaMet": {"status": "True", "reason": "CompletionsReached", "message": "m"},
    "Complete": {"status": "True", "reason": "CompletionsReached", "message": "m"},
}


def cron_records() -> list[dict[str, Any]]:
    """A CronJob with nine Jobs, each with one Pod; the first seven are deleted by 600 s.

    (Each is deleted two minutes after it started, as history limits delete them.)
    """
    records: list[dict[str, Any]] = [
        workload(
            0.0,
            CRONJOB,
            desired=0,
            schedule="* * * * *",
            timeZone=None,
            suspended=False,
            active=0,
            activeJobs=[],
            lastScheduleTime=None,
            lastSuccessfulTime=None,
        )
    ]
    for i in range(9):
        start = 60.1 + 60 * i
        job = f"Job/default/hello-{29453761 + i}"
        pod = f"default/hello-{29453761 + i}-p{i}"
        records += [
            workload(start, job, CRONJOB, current=1),
            {
                "t": start,
                "kind": "pod",
                "pod": pod,
                "status": "Running",
                "phase": "Running",
                "owner": job,
                "node": "node-1",
            },
            {
                "t": start,
                "kind": "event",
                "type": "Normal",
                "reason": "SuccessfulCreate",
                "object": CRONJOB,
                "message": f"Created job hello-{29453761 + i}",
            },
            workload(
                start + 2,
                job,
                CRONJOB,
                succeeded=1,
                conditions=COMPLETE,
                startTime=round(start * 1000),
                completionTime=round((start + 2) * 1000),
            ),
        ]
        if i < 7:
            records += [
                {"t": start + 120, "kind": "deleted", "workload": job},
                {"t": start + 120, "kind": "deleted", "pod": pod},
            ]
    # A Job of its own that fails twice with a back-off between its Pods.
    flaky = "Job/default/flaky"
    records += [
        workload(0.0, flaky, current=1),
        workload(2.0, flaky, failed=1),
        workload(12.0, flaky, failed=1, current=1),
        workload(
            13.0,
            flaky,
            failed=2,
            conditions={
                "Failed": {
                    "status": "True",
                    "reason": "BackoffLimitExceeded",
                    "message": "Job has reached the specified backoff limit",
                }
            },
        ),
        {
            "t": 13.0,
            "kind": "event",
            "type": "Warning",
            "reason": "BackoffLimitExceeded",
            "object": flaky,
            "message": "Job has reached the specified backoff limit",
        },
    ]
    records.sort(key=lambda r: r["t"])
    return records


def test_a_cronjobs_deleted_jobs_fold_and_a_jobs_lane_shows_its_back_off(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    feed(page, cron_records(), 600.0)
    jobs = [f"Job/default/hello-{29453761 + i}" for i in range(7, 9)]
    pods = [f"default/hello-{29453761 + i}-p{i}" for i in range(7, 9)]
    # The CronJob, its two remaining Jobs each with its Pod, then the seven deleted
    # Jobs (and their Pods) folded into one row; the Job of its own after it.
    assert rows(page) == [
        CRONJOB,
        jobs[0],
        pods[0],
        jobs[1],
        pods[1],
        "fold:7",
        "Job/default/flaky",
    ]
    expect(page.locator(f'.owner-fold[data-fold="{CRONJOB}"] .fold-label')).to_have_text(
        "▸ 7 deleted Jobs folded (click to show)"
    )
    cron = page.locator(f'.owner-group[data-workload="{CRONJOB}"]')
    expect(cron.locator(".owner-counts")).to_have_text("0 active")
    expect(cron.locator('.owner-mark[data-reason="SuccessfulCreate"]')).to_have_count(9)
    # A Job's label under its CronJob keeps the part that differs; COMPLETIONS beside it.
    job = page.locator(f'.owner-group[data-workload="{jobs[0]}"]')
    expect(job.locator(".owner-label")).to_have_text("job/…-29453768")
    expect(job.locator(".owner-counts")).to_have_text("1/1")
    expect(job).to_have_attribute("data-status", "Complete")

    flaky = page.locator('.owner-group[data-workload="Job/default/flaky"]')
    expect(flaky).to_have_attribute("data-status", "Failed")
    expect(flaky).to_have_attribute("data-failed", "2")
    expect(flaky.locator(".owner-counts")).to_have_text("0/1")
    backoff = flaky.locator(".owner-backoff")
    expect(backoff).to_have_count(1)  # from the first failure (2 s) to the next Pod (12 s)
    expect(backoff).to_have_attribute("data-start", "2")
    expect(backoff).to_have_attribute("data-end", "12")
    expect(flaky.locator('.owner-mark[data-reason="BackoffLimitExceeded"]')).to_have_attribute(
        "data-type", "Warning"
    )

    # Unfolded, the deleted Jobs come back with their Pods; at 200 s none was deleted yet.
    page.locator(f'.owner-fold[data-fold="{CRONJOB}"]').click()
    page.evaluate("() => window.podPlayground.timeline.flush()")
    assert rows(page)[1:3] == ["Job/default/hello-29453761", "default/hello-29453761-p0"]
    show(page, 200.0)
    expect(flaky).to_have_attribute("data-status", "Failed")
    assert "fold:7" not in rows(page)

    # The inspector: kubectl get cronjob and its Jobs at the time shown.
    show(page, None)
    page.evaluate("() => window.podPlayground.goLive()")
    cron.locator(".owner-label").click()
    get = page.locator("#workload-get")
    expect(get).to_contain_text(
        re.compile(
            r"NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n"
            r"hello\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+10m\n"
        )
    )
    expect(get).to_contain_text(re.compile(r"hello-29453768\s+Complete\s+1/1\s+2s\s+119s\n"))
    expect(page.locator("#workload-get-command")).to_have_text(
        "kubectl get cronjob hello; kubectl get jobs (its Jobs)"
    )


# -- a CronJob suspended, resumed and triggered from the page ----------------------------

CRON_RUN = (
    (EXAMPLES / "cronjob.yaml").read_text()
    + """\
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: cron}
spec:
  horizon: 900
"""
)

JOBS = """() => [...window.podPlayground.store.workloads.values()]
  .filter((w) => w.kindOf === "Job").map((w) => [w.key, w.firstSeen])"""
ACTION_T = """(kind) => {
  const found = window.podPlayground.store.notices
    .filter((r) => r.kind === "action" && r.action === kind);
  return found.length ? found[found.length - 1].t : null;
}"""


def jobs_after(page: Page, t: float) -> list[str]:
    return [key for key, first in page.evaluate(JOBS) if first >= t]


def test_a_cronjob_suspended_from_the_page_makes_no_job_until_resumed_or_triggered(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    run(page, CRON_RUN, speed="20")
    cron = page.locator(f'.owner-group[data-workload="{CRONJOB}"]')
    # Its first Job at 60.1 s, drawn under it with its Pod.
    first = page.locator('.owner-group[data-workload="Job/default/hello-29453761"]')
    expect(first).to_have_count(1, timeout=TIMEOUT_MS)
    expect(first).to_have_attribute("data-status", "Complete", timeout=TIMEOUT_MS)
    assert rows(page)[:2] == [CRONJOB, "Job/default/hello-29453761"]

    # kubectl patch cronjob hello -p '{"spec":{"suspend":true}}', from the panel.
    page.select_option("#act-workload", CRONJOB)
    expect(page.locator("#act-scale")).to_be_disabled()  # kubectl cannot scale a CronJob
    page.click("#act-suspend-cronjob")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text(
        """kubectl patch cronjob/hello -p '{"spec":{"suspend":true}}'"""
    )
    expect(feedback).to_contain_text("cronjob.batch/hello patched")
    suspended_at = page.evaluate(ACTION_T, "suspendCronJob")
    assert suspended_at is not None
    expect(cron).to_have_attribute("data-suspended", "true", timeout=TIMEOUT_MS)
    expect(cron.locator(".owner-counts")).to_have_text("suspended")
    expect(cron.locator('.action-marker[data-action="suspendCronJob"]')).to_have_count(1)
    # Nothing is scheduled any more: the run goes quiet (it would make a Job at the
    # next minute otherwise), and no Job appeared.
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)
    assert page.evaluate("() => window.podPlayground.store.now") < suspended_at + 60
    assert jobs_after(page, suspended_at) == []
    expect(cron.locator(".owner-suspended")).to_have_count(1)

    # Resumed, it starts the most recent time it missed at once (as upstream's does).
    page.click("#act-resume-cronjob")
    expect(feedback).to_contain_text(
        """kubectl patch cronjob/hello -p '{"spec":{"suspend":false}}'"""
    )
    resumed_at = page.evaluate(ACTION_T, "resumeCronJob")
    # The quiet run goes on, paused: play it.
    expect(page.locator("#status")).to_have_attribute("data-state", "paused", timeout=TIMEOUT_MS)
    page.click("#play")
    page.wait_for_function(
        f"(t) => ({JOBS})().some(([key, first]) => first >= t)", arg=resumed_at, timeout=60_000
    )
    resumed = jobs_after(page, resumed_at)
    assert len(resumed) == 1 and resumed[0].startswith("Job/default/hello-2945"), resumed
    first_seen = dict(page.evaluate(JOBS))[resumed[0]]
    assert first_seen - resumed_at < 1, "the missed run starts at once"
    expect(cron).to_have_attribute("data-suspended", "false")

    # kubectl create job --from=cronjob/hello, named by hand.
    page.fill("#act-job-name", "hello-by-hand")
    page.click("#act-trigger-cronjob")
    expect(feedback).to_contain_text("kubectl create job hello-by-hand --from=cronjob/hello")
    expect(feedback).to_contain_text("job.batch/hello-by-hand created")
    manual = page.locator('.owner-group[data-workload="Job/default/hello-by-hand"]')
    expect(manual).to_have_count(1, timeout=TIMEOUT_MS)
    expect(manual).to_have_attribute("data-status", "Complete", timeout=TIMEOUT_MS)
    expect(cron.locator('.action-marker[data-action="triggerCronJob"]')).to_have_count(1)

    # At the horizon, the inspector's kubectl get (folded from the records) reads as
    # kubectl's own printers say it there: the CronJob, then its Jobs.
    page.click("#jump")
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)
    cron.locator(".owner-label").click()
    server = page.evaluate(
        """async () => {
          const ask = (argv) => window.podPlayground.inspector.request("kubectl", { argv });
          const cronjob = await ask(["get", "cronjob", "hello"]);
          return [cronjob.output, (await ask(["get", "jobs"])).output];
        }"""
    )
    expect_text(page, "workload-get", "\n\n".join(text.rstrip("\n") for text in server))
    expect(page.locator("#workload-describe")).to_contain_text(
        re.compile(r"Schedule:\s+\* \* \* \* \*"), timeout=TIMEOUT_MS
    )


def expect_text(page: Page, element_id: str, expected: str) -> None:
    """The element's text is exactly ``expected`` (drawn at most a frame later)."""
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(
            "([id, want]) => document.getElementById(id).textContent === want",
            arg=[element_id, expected],
            timeout=5_000,
        )
    assert page.locator(f"#{element_id}").text_content() == expected


# -- a StatefulSet's ordered start --------------------------------------------------------

WEB = (EXAMPLES / "web.yaml").read_text()
WEB_BUDGET = """\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: nginx}
"""


def test_a_statefulset_shows_web_0_ready_before_web_1_in_ordinal_order_with_claims(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    run(page, WEB + WEB_BUDGET, speed="10")
    lane = page.locator(f'.owner-group[data-workload="{STS}"]')
    expect(lane).to_have_attribute("data-ready", "2", timeout=TIMEOUT_MS)
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)
    assert rows(page) == [STS, "default/web-0", "default/web-1"]
    # Ordinals are the names: the full name is the label; each has its claim.
    web0 = page.locator('.pod-group[data-pod="default/web-0"]')
    expect(web0.locator(".pod-label")).to_have_text("web-0")
    expect(web0).to_have_attribute("data-claims", "www-web-0")
    expect(web0.locator(".owned-note")).to_have_text("pvc")
    expect(page.locator('.pod-group[data-pod="default/web-1"]')).to_have_attribute(
        "data-claims", "www-web-1"
    )

    # web-0 was Running and Ready before web-1 was created (OrderedReady).
    records = page.evaluate("() => window.podPlayground.store.records")
    ready0 = min(
        r["t"]
        for r in records
        if r["kind"] == "pod" and r["pod"] == "default/web-0" and r["ready"] == "1/1"
    )
    created1 = min(r["t"] for r in records if r["kind"] == "pod" and r["pod"] == "default/web-1")
    assert ready0 <= created1
    # Scrubbed to just before web-1: only web-0 under the set. The set's status counts
    # it ready in the sync that creates web-1 (one instant later).
    show(page, created1 - 0.01)
    assert rows(page) == [STS, "default/web-0"]
    expect(lane).to_have_attribute("data-current", "1")
    expect(lane.locator(".owner-counts")).to_have_text("0/2")
    show(page, created1)
    assert rows(page) == [STS, "default/web-0", "default/web-1"]
    expect(lane.locator(".owner-counts")).to_have_text("1/2")
    show(page, None)

    # The inspector: kubectl get statefulset and its claims, as kubectl prints them.
    lane.locator(".owner-label").click()
    server = page.evaluate(
        """async () => {
          const ask = (argv) => window.podPlayground.inspector.request("kubectl", { argv });
          const set = await ask(["get", "statefulset", "web"]);
          return [set.output, (await ask(["get", "pvc"])).output];
        }"""
    )
    expect_text(page, "workload-get", "\n\n".join(text.rstrip("\n") for text in server))
    expect(page.locator("#workload-rollout")).to_have_text(
        "partitioned roll out complete: 2 new pods have been updated..."
    )
    expect(page.locator("#workload-describe")).to_contain_text(
        re.compile(r"Pods Status:\s+2 Running"), timeout=TIMEOUT_MS
    )
    # The namespace's budget beside it, as kubectl get pdb prints it at the live edge.
    expect(page.locator("#workload-pdb-command")).to_have_text("kubectl get pdb")
    expect(page.locator("#workload-pdb")).to_contain_text(
        re.compile(
            r"NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n"
            r"web-pdb\s+1\s+N/A\s+1\s"
        )
    )
    # A StatefulSet scales; a container's image can be set.
    page.select_option("#act-workload", STS)
    expect(page.locator("#act-scale")).to_be_enabled()
    expect(page.locator("#act-suspend-cronjob")).to_be_disabled()


def test_a_statefulset_rolling_update_from_the_page_keeps_each_ordinal_on_its_row(
    page: Page, daphne_url: str
) -> None:
    open_page(page, daphne_url)
    run(page, WEB, speed="20")
    lane = page.locator(f'.owner-group[data-workload="{STS}"]')
    expect(lane).to_have_attribute("data-ready", "2", timeout=TIMEOUT_MS)
    # kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27
    page.select_option("#act-workload", STS)
    page.fill("#act-image", "registry.k8s.io/nginx-slim:0.27")
    expect(page.locator("#act-set-image")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#act-set-image")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_contain_text(
        "kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27"
    )
    if page.locator("#status").get_attribute("data-state") != "playing":
        expect(page.locator("#status")).to_have_attribute("data-state", "paused")
        page.click("#play")  # the quiet run went on, paused
    # web-1 is replaced first, then web-0 (highest ordinal first), each under its name.
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)
    expect(lane).to_have_attribute("data-updated", "2")
    expect(lane).to_have_attribute("data-ready", "2")
    records = page.evaluate("() => window.podPlayground.store.records")
    deleted = [r["pod"] for r in records if r["kind"] == "deleted" and "pod" in r]
    assert deleted == ["default/web-1", "default/web-0"]
    # The Pods made again under the same names stay on their rows, not deleted.
    assert rows(page) == [STS, "default/web-0", "default/web-1"]
    for name in ("web-0", "web-1"):
        group = page.locator(f'.pod-group[data-pod="default/{name}"]')
        expect(group).not_to_have_attribute("data-deleted", "true")
        expect(group).not_to_have_class(re.compile(r"\bdeleted\b"))
        expect(group.locator(".deleted-marker")).to_have_attribute("visibility", "hidden")
    expect(page.locator("#pods tbody tr", has_text="web-1")).to_contain_text("Running")
    lane.locator(".owner-label").click()
    expect(page.locator("#workload-rollout")).to_have_text(
        "partitioned roll out complete: 2 new pods have been updated..."
    )


DS = "DaemonSet/kube-system/fluentd-elasticsearch"


def test_a_daemonset_follows_a_node_added_from_the_page(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    run(page, (EXAMPLES / "daemonset.yaml").read_text(), speed="20")
    lane = page.locator(f'.owner-group[data-workload="{DS}"]')
    expect(lane).to_have_attribute("data-ready", "3", timeout=TIMEOUT_MS)
    notes = page.locator(".pod-group .owned-note")
    expect(notes).to_have_text(["node-1", "node-2", "node-3"])
    # A node joins: its Pod comes at once, and the lane wants 4.
    page.fill("#act-node-name", "node-4")
    page.click("#act-add-node")
    expect(page.locator("#action-feedback")).to_contain_text("a node node-4 joins the cluster")
    if page.locator("#status").get_attribute("data-state") != "playing":
        expect(page.locator("#status")).to_have_attribute("data-state", "paused")
        page.click("#play")  # the quiet run went on, paused
    expect(lane).to_have_attribute("data-desired", "4", timeout=TIMEOUT_MS)
    expect(lane).to_have_attribute("data-ready", "4", timeout=TIMEOUT_MS)
    expect(notes).to_have_text(["node-1", "node-2", "node-3", "node-4"])
    expect(page.locator("#status")).to_have_attribute("data-state", "finished", timeout=60_000)

    # kubectl get ds -n kube-system at the time shown, as kubectl prints it; rollout status.
    lane.locator(".owner-label").click()
    expect(page.locator("#workload-get-command")).to_have_text(
        "kubectl get daemonset fluentd-elasticsearch -n kube-system"
    )
    server = page.evaluate(
        """async () => (await window.podPlayground.inspector.request("kubectl", {
          argv: ["get", "daemonset", "fluentd-elasticsearch", "-n", "kube-system"] })).output"""
    )
    expect_text(page, "workload-get", server.rstrip("\n"))
    expect(page.locator("#workload-rollout")).to_have_text(
        'daemon set "fluentd-elasticsearch" successfully rolled out'
    )
    # kubectl does not scale a DaemonSet; it sets its image.
    page.select_option("#act-workload", DS)
    expect(page.locator("#act-scale")).to_be_disabled()


def test_an_indexed_jobs_pods_are_in_completion_index_order(page: Page, daphne_url: str) -> None:
    open_page(page, daphne_url)
    job = "Job/default/idx"
    records: list[dict[str, Any]] = [
        workload(0.0, job, desired=3, current=3, completions=3, parallelism=3, indexed=True)
    ]
    for t, name in ((0.0, "idx-2-aaaaa"), (0.5, "idx-0-bbbbb"), (1.0, "idx-1-ccccc")):
        records.append(
            {
                "t": t,
                "kind": "pod",
                "pod": f"default/{name}",
                "status": "Running",
                "phase": "Running",
                "owner": job,
            }
        )
    feed(page, records, 5.0)
    assert rows(page) == [job, "default/idx-0-bbbbb", "default/idx-1-ccccc", "default/idx-2-aaaaa"]
    expect(page.locator(f'.owner-group[data-workload="{job}"] .owner-counts')).to_have_text("0/3")
