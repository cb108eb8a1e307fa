"""Production settings: check --deploy is clean, a TLS proxy works, every response has the headers.

Settings are read once per process, so each case runs Django in a child process
with the environment a class's server would have (DEBUG=0 behind a TLS proxy).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
PUBLIC = "pods.example.edu"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": PUBLIC,
    "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC}",
}

PROBE = textwrap.dedent(
    """
    import json, re, django
    django.setup()
    from django.conf import settings
    from django.test import Client

    def headers(response):
        return {k: v for k, v in response.items()}

    proxy = {"X-Forwarded-Proto": "https", "Host": "PUBLIC"}
    client = Client(enforce_csrf_checks=True, headers=proxy)
    page = client.get("/")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode()).group(1)
    post = {"content_type": "text/plain", "headers": {
        **proxy, "Origin": "https://PUBLIC", "X-CSRFToken": token, "HX-Request": "true"}}
    validate = client.post("/validate", "apiVersion: v1\\nkind: Pod\\n", **post)
    static = client.get("/static/playground/app.js")
    plain = Client(headers={"Host": "PUBLIC"}).get("/")
    print(json.dumps({
        "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
        "page": [page.status_code, headers(page)],
        "validate": [validate.status_code, validate.content.decode()[:200]],
        "static": [static.status_code, headers(static)],
        "plain_http": [plain.status_code, plain.get("Location")],
    }))
    """
).replace("PUBLIC", PUBLIC)


def django_env(**env: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "CSRF_"))}
    keep.pop("DEBUG", None)
    return {**keep, "DJANGO_SETTINGS_MODULE": "playground.settings", **env}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=django_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(**env: str) -> dict[str, Any]:
    done = run(["-c", PROBE], **{**PRODUCTION, "SERVE_STATIC": "1", **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_debug_off() -> None:
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_local_defaults_keep_make_run_working() -> None:
    done = run(["manage.py", "check", "--deploy"], DEBUG="1")
    # DEBUG on is for a laptop: --deploy lists what a public server must change.
    assert "security.W018" in done.stderr  # "You should not have DEBUG set to True"
    assert "security.W008" in done.stderr  # no SSL redirect by default when DEBUG is on


def test_validate_works_behind_a_tls_proxy() -> None:
    # The proxy's header is enough when it keeps the Host; CSRF_TRUSTED_ORIGINS is for
    # a proxy that changes it.
    answers = probe(CSRF_TRUSTED_ORIGINS="")
    assert answers["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    status, body = answers["validate"]
    assert status == 200, body
    assert 'data-testid="validation-result"' in body
    # Straight to Daphne over http (no proxy): redirected to https.
    assert answers["plain_http"] == [301, f"https://{PUBLIC}/"]


def test_validate_is_refused_when_the_proxy_is_not_trusted() -> None:
    """What happened before SECURE_PROXY_SSL_HEADER: the https Origin did not match."""
    answers = probe(SECURE_PROXY_SSL_HEADER="off", SECURE_SSL_REDIRECT="0", CSRF_TRUSTED_ORIGINS="")
    assert answers["proxy_header"] is None
    assert answers["validate"][0] == 403


def test_pages_and_static_files_carry_the_security_headers() -> None:
    answers = probe()
    for name in ("page", "static"):
        status, headers = answers[name]
        assert status == 200, name
        csp = headers["Content-Security-Policy"]
        policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert policy["script-src"] == policy["style-src"] == policy["default-src"] == "'self'"
        assert policy["frame-ancestors"] == policy["object-src"] == "'none'"
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert answers["page"][1]["X-Frame-Options"] == "DENY"


def test_proxy_header_setting_is_checked() -> None:
    done = run(["manage.py", "check"], **PRODUCTION, SECURE_PROXY_SSL_HEADER="https")
    assert done.returncode != 0
    assert 'SECURE_PROXY_SSL_HEADER must look like "X-Forwarded-Proto: https"' in done.stderr
