"""The kubectl box (issue #14): a user types kubectl command lines and reads kubectl's
answers verbatim, at the live edge of the run.

The default ServiceAccount may not list Pods (``no``, exit status 1); after a Role
and RoleBinding are applied from the editor, the same command, recalled with the
Up arrow, answers ``yes``. The box is read-only: ``kubectl delete`` is refused
on the page, with where the page does that instead, and no request is sent.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT_MS = 20_000
MANIFEST = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: rbac}
spec:
  horizon: 600
"""
BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: ServiceAccount, name: default, namespace: default}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
"""
CAN_I = "kubectl auth can-i list pods --as=system:serviceaccount:default:default"


def ask(page: Page, line: str | None = None) -> None:
    box = page.locator("#kubectl-input")
    if line is not None:
        box.fill(line)
    box.press("Enter")


def test_can_i_answers_no_then_yes_after_a_role_binding(page: Page, daphne_url: str) -> None:
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", MANIFEST)
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    page.wait_for_function(
        "() => window.podPlayground.store.records.some((r) => r.kind === 'pod'"
        " && r.phase === 'Running')",
        timeout=TIMEOUT_MS,
    )

    entries = page.locator("#kubectl-box [data-testid=kubectl-entry]")
    answers = page.locator("#kubectl-box [data-testid=kubectl-answer]")

    ask(page, CAN_I)
    expect(entries.nth(0).locator(".kubectl-prompt")).to_have_text("$ " + CAN_I)
    expect(answers.nth(0)).to_have_text("no", timeout=TIMEOUT_MS)
    expect(answers.nth(0)).to_have_attribute("data-status", "1")
    expect(entries.nth(0).locator("[data-testid=kubectl-status]")).to_have_text("exit status 1")

    # A line without the leading "kubectl" works too; the table is kubectl's, verbatim.
    ask(page, "get pods")
    expect(entries.nth(1).locator(".kubectl-prompt")).to_have_text("$ kubectl get pods")
    expect(answers.nth(1)).to_have_attribute("data-status", "0", timeout=TIMEOUT_MS)
    table = answers.nth(1).text_content() or ""
    header, row = table.split("\n")
    assert header.split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert row.split()[:4] == ["web", "1/1", "Running", "0"]
    assert header.index("READY") == row.index("1/1")  # kubectl's columns, spaces kept

    # Read-only: a change is refused here, and says where the page makes it.
    page.evaluate(
        "() => { const p = window.podPlayground; const request = p.request; p.sent = 0;"
        " p.request = (...args) => { p.sent += 1; return request(...args); }; }"
    )
    ask(page, "kubectl delete pod web")
    expect(answers.nth(2)).to_have_attribute("data-state", "refused")
    expect(answers.nth(2)).to_contain_text(
        "This box is read-only: it runs kubectl get, kubectl describe and kubectl auth can-i, "
        "not kubectl delete."
    )
    expect(answers.nth(2)).to_contain_text("Live actions delete Pods and workloads")
    assert page.evaluate("() => window.podPlayground.sent") == 0  # nothing asked of the server
    expect(page.locator("#pods tbody tr")).to_have_count(1)

    # The Role and RoleBinding, applied live from the editor.
    page.evaluate("(text) => window.podEditor.setValue(text)", BINDING)
    page.click("#act-apply")
    expect(page.locator("#action-feedback li.ok").first).to_contain_text(
        "kubectl apply", timeout=TIMEOUT_MS
    )

    # Up recalls the history, most recent first; Down walks back to the empty line.
    box = page.locator("#kubectl-input")
    box.click()
    box.press("ArrowUp")
    expect(box).to_have_value("kubectl delete pod web")
    box.press("ArrowUp")
    expect(box).to_have_value("get pods")
    box.press("ArrowUp")
    expect(box).to_have_value(CAN_I)
    box.press("ArrowUp")  # no older command: it stays
    expect(box).to_have_value(CAN_I)
    box.press("ArrowDown")
    expect(box).to_have_value("get pods")
    box.press("ArrowUp")
    ask(page)
    expect(answers.nth(3)).to_have_text("yes", timeout=TIMEOUT_MS)
    expect(answers.nth(3)).to_have_attribute("data-status", "0")
    expect(entries.nth(3).locator("[data-testid=kubectl-status]")).to_have_count(0)

    # --list shows the Role's rule for the ServiceAccount.
    ask(page, "kubectl auth can-i --list --as=system:serviceaccount:default:default")
    listing = answers.nth(4)
    expect(listing).to_have_attribute("data-status", "0", timeout=TIMEOUT_MS)
    lines = (listing.text_content() or "").split("\n")
    assert lines[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    assert ["pods", "[]", "[]", "[get", "list", "watch]"] in [line.split() for line in lines]


TUNED = """\
apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
    sysctls:
    - {name: kernel.shm_rmid_forced, value: "1"}
    - {name: kernel.msgmax, value: "65536"}
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: sysctl}
spec:
  horizon: 600
"""
REJECTED = 'forbidden sysctl: "kernel.msgmax" not allowlisted'


def test_a_pod_the_kubelet_rejects_for_an_unsafe_sysctl(page: Page, daphne_url: str) -> None:
    """SysctlForbidden: the kubelet's rejection, in kubectl get, describe and the events."""
    page.goto(daphne_url + "/")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)
    page.evaluate("(text) => window.podEditor.setValue(text)", TUNED)
    expect(page.locator("#run")).to_be_enabled(timeout=TIMEOUT_MS)
    page.click("#run")
    page.wait_for_function(
        "() => window.podPlayground.store.records.some((r) => r.kind === 'pod'"
        " && r.status === 'SysctlForbidden')",
        timeout=TIMEOUT_MS,
    )
    ask(page, "kubectl get pods")
    answer = page.locator("#kubectl-box [data-testid=kubectl-answer]").first
    expect(answer).to_have_attribute("data-status", "0", timeout=TIMEOUT_MS)
    row = (answer.text_content() or "").split("\n")[1].split()
    assert row[:4] == ["tuned", "0/1", "SysctlForbidden", "0"]

    page.select_option("#inspect-pod", "default/tuned")
    describe = page.locator("#describe")
    expect(describe).to_contain_text("Reason:           SysctlForbidden", timeout=TIMEOUT_MS)
    text = describe.text_content() or ""
    lines = text.split("\n")
    status = next(i for i, line in enumerate(lines) if line.startswith("Status:"))
    # describe.go's order: Status, Reason, Message, then the pod's SeccompProfile.
    assert [line.split(":", 1)[0] for line in lines[status : status + 4]] == [
        "Status",
        "Reason",
        "Message",
        "SeccompProfile",
    ]
    assert lines[status].split() == ["Status:", "Failed"]
    assert lines[status + 2].split(None, 1) == ["Message:", "Pod was rejected: " + REJECTED]
    assert lines[status + 3].split() == ["SeccompProfile:", "RuntimeDefault"]
    events = [
        line.split(None, 4) for line in lines if "SysctlForbidden" in line and "kubelet" in line
    ]
    assert events and events[0][0] == "Warning" and events[0][-1].endswith(REJECTED)
