"""Warnings in the editor (a skipped kind, PodSecurity): amber markers, listed, not errors."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from test_editor_browser import TIMEOUT_MS, cursor, open_editor, paste

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


def test_a_skipped_kind_is_a_warning_marker_and_the_manifest_stays_valid(
    page: Page, daphne_url: str
) -> None:
    open_editor(page, daphne_url)
    paste(page, INGRESS_AND_POD)
    expect(page.locator("#validation .validation-ok")).to_contain_text("valid:", timeout=TIMEOUT_MS)
    warning = page.locator("#validation .validation-warning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text(
        'kind "Ingress" is not simulated by the playground; this document is skipped'
    )
    expect(page.locator("#editor .CodeMirror-lint-marker-warning")).to_have_count(1)
    expect(page.locator("#editor .CodeMirror-lint-marker-error")).to_have_count(0)
    expect(page.locator("#editor")).to_have_attribute("data-errors", "0")
    warning.locator(".validation-loc").click()
    assert cursor(page) == {"line": 2, "ch": 7}
