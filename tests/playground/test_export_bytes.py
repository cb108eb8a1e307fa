"""A shared run's download and ``python -m cluster_sim run --output jsonl`` print the same
bytes for the same inputs (one JSON-lines writer, :mod:`cluster_sim.jsonlines`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async

from cluster_sim.cli import main
from playground.models import SharedRun
from playground.protocol import MANIFEST_FILE

# Non-ASCII log lines, a crash loop (back-off times), a probe: strings, ints and floats.
MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: greeter
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "echo 'grüße ✓ naïve'; sleep 7; exit 3"]
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 3
"""


async def body_of(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


@pytest.mark.django_db(transaction=True)
async def test_the_download_and_the_cli_print_the_same_bytes(
    async_client: Any, tmp_path: Path
) -> None:
    run = await sync_to_async(SharedRun.share)(
        manifest=MANIFEST, seed=5, horizon=None, actions=[], moment=90.0, speed=5.0
    )
    response = await async_client.get(f"/s/{run.slug}/records.jsonl")
    assert response.status_code == 200
    body = await body_of(response)

    path = tmp_path / MANIFEST_FILE
    path.write_text(MANIFEST, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", str(path), "--until", "90", "--seed", "5", "--output", "jsonl"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()

    assert body == out.getvalue().encode("utf-8")
    # What the bytes are: compact lines, UTF-8 text, floats as Python writes them.
    assert "grüße ✓ naïve".encode() in body
    assert b'", "' not in body and b'": ' not in body
    first = body.splitlines()[0]
    assert first.startswith(b'{"t":0.0,"kind":')
    records = [orjson.loads(line) for line in body.splitlines()]
    assert any(r["kind"] == "event" and r.get("reason") == "BackOff" for r in records)
