"""Shared runs on PostgreSQL: migrate a fresh database, save a run, read it back after a restart.

Each step runs in its own process with DATABASE_URL pointing at a throwaway
database (``manage.py migrate``, then one process that saves, then another that
opens the link), so this exercises the settings' DATABASE_URL parsing, the
migrations and the model on the real server, not pytest-django's SQLite.

TEST_POSTGRES_URL (default postgres://postgres@localhost:5432/postgres) is an
admin connection used to create and drop the database. In CI (CI=true) an
unreachable PostgreSQL fails the test; locally it is skipped, loudly.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@localhost:5432/postgres")
BASE_DIR = Path(__file__).resolve().parents[2]

try:
    import psycopg
except ImportError:  # pragma: no cover - the Makefile installs it
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(
        "SKIPPED LOUDLY: psycopg is missing (pip install -e '.[postgres]')", allow_module_level=True
    )


def _unreachable() -> str | None:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {ADMIN_URL}: {str(exc).strip()}"


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    problem = _unreachable()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {problem}", pytrace=False)
        sys.stderr.write(f"\n*** SKIPPING THE POSTGRESQL TEST: {problem} ***\n")
        pytest.skip(f"SKIPPED LOUDLY: {problem} (set TEST_POSTGRES_URL)")
    name = f"podplayground_test_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunparse(urlparse(ADMIN_URL)._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_django(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "playground.settings",
        "ALLOWED_HOSTS": "testserver,localhost",
    }
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


SAVE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.db import connection
    from playground.examples import LIVENESS_HTTP_POD
    from playground.models import SharedRun
    log = [{"t": 12.0, "action": "kill", "args": {"pod": "liveness-http", "container": "liveness"}}]
    run = SharedRun.share(manifest=LIVENESS_HTTP_POD, seed=2**32 - 1, horizon=600.0,
                          actions=log, moment=30.0, speed=20.0)
    again = SharedRun.share(manifest=LIVENESS_HTTP_POD, seed=2**32 - 1, horizon=600.0,
                            actions=log, moment=30.0, speed=20.0)
    print(json.dumps({"vendor": connection.vendor, "slug": run.slug, "again": again.slug}))
    """
)

OPEN = textwrap.dedent(
    """
    import json, sys, django
    django.setup()
    from django.db import connection
    from django.test import Client
    from asgiref.sync import async_to_sync
    from playground.models import ImmutableError, SharedRun
    async def join(chunks):
        return b"".join([chunk async for chunk in chunks])
    slug = sys.argv[1]
    run = SharedRun.objects.get(slug=slug)
    page = Client().get(f"/s/{slug}")
    records = Client().get(f"/s/{slug}/records.jsonl")
    body = async_to_sync(join)(records.streaming_content)
    lines = [json.loads(line) for line in body.splitlines()]
    run.moment = 1.0
    try:
        run.save()
        immutable = False
    except ImmutableError:
        immutable = True
    print(json.dumps({
        "vendor": connection.vendor,
        "seed": run.seed, "horizon": run.horizon, "actions": run.actions, "moment":
        SharedRun.objects.get(slug=slug).moment, "status": page.status_code,
        "has_manifest": "name: liveness-http" in page.content.decode(),
        "records": len(lines), "last_t": lines[-1]["t"], "tail": lines[-2:],
        "kill": any(r["kind"] == "action" and r["action"] == "kill" for r in lines),
        "immutable": immutable,
        "missing": Client().get("/s/nothere1").status_code,
    }))
    """
)


def test_a_shared_run_survives_a_restart_on_postgresql(database_url: str) -> None:
    migrated = run_django(database_url, "manage.py", "migrate", "--no-input")
    assert "Applying playground.0001_shared_run... OK" in migrated
    saved = json.loads(run_django(database_url, "-c", SAVE).strip().splitlines()[-1])
    assert saved["vendor"] == "postgresql"
    assert saved["again"] == saved["slug"]  # the same content keeps its link

    opened = json.loads(run_django(database_url, "-c", OPEN, saved["slug"]).splitlines()[-1])
    assert opened["vendor"] == "postgresql"
    assert opened["seed"] == 2**32 - 1  # a seed beyond a 32-bit integer column
    assert opened["horizon"] == 600.0
    assert opened["actions"] == [
        {"t": 12.0, "action": "kill", "args": {"pod": "liveness-http", "container": "liveness"}}
    ]
    assert opened["moment"] == 30.0
    assert (opened["status"], opened["has_manifest"]) == (200, True)
    # On failure, the last lines say why (a replay that failed ends with an error line).
    assert opened["records"] > 10, opened["tail"]
    assert opened["last_t"] <= 30.0 and opened["kill"]
    assert opened["immutable"] is True
    assert opened["missing"] == 404


HOSTILE_SHARE = textwrap.dedent(
    """
    import json, logging, sys, django
    django.setup()
    from playground import models
    from playground.examples import LIVENESS_HTTP_POD
    from playground.models import SharedRun, ShareRefused
    first, count = int(sys.argv[1]), int(sys.argv[2])
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    answers = []
    def share(**changes):
        fields = dict(manifest=LIVENESS_HTTP_POD, seed=None, horizon=None, actions=[],
                      moment=0.0, speed=5.0, client="192.0.2.10")
        fields.update(changes)
        try:
            return SharedRun.share(**fields).slug
        except ShareRefused as refused:
            return "refused: " + refused.message
    for moment in range(first, first + count):
        answers.append(share(moment=float(moment)))
    nul = [{"t": 1.0, "action": "delete", "args": {"pod": "web\\u0000"}}]
    answers.append(share(actions=nul, client=None))
    models.check_shareable = lambda manifest, actions: None  # as if nothing checked it
    answers.append(share(actions=nul, client=None))
    print(json.dumps(answers))
    """
)


def test_share_limits_hold_across_processes_and_no_sql_reaches_a_client(
    database_url: str,
) -> None:
    """Each process is a server process: the rate limit is counted in the database."""
    run_django(database_url, "manage.py", "migrate", "--no-input")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "playground.settings",
    }

    def hostile(first: int, count: int) -> tuple[list[str], str]:
        done = subprocess.run(
            [sys.executable, "-c", HOSTILE_SHARE, str(first), str(count)],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr

    six, _ = hostile(0, 6)
    assert not any(answer.startswith("refused") for answer in six[:6])
    five, log = hostile(6, 5)
    assert not any(answer.startswith("refused") for answer in five[:4])
    assert five[4].startswith("refused: You have made 10 links in the last 10 minutes")
    # A NUL is refused before the database; forced through, PostgreSQL's error stays in
    # the log and the client gets general words.
    assert five[5] == (
        "refused: The run's text has control characters (such as NUL); links keep none."
    )
    assert five[6] == "refused: The run could not be saved; try again in a moment."
    assert "Saving a shared run failed" in log and "\\u0000" in log
