"""The page's run store folds the endpoints change records (issue #15): at any moment,
scrubbing backwards included, ``RunStore.endpointsAt(t)`` shows each Service's whole lists,
the ones the full records showed before (``test_endpoints_delta`` ties ``expand`` to them).

``static/playground/runstore.js`` runs in Node (``/usr/bin/node``) with the records of a
run; its answers are compared with ``cluster_sim.endpoints_records.expand``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from simrun import run
from test_endpoints_delta import crash_loops, lifecycle

from cluster_sim.endpoints_records import expand

RUNSTORE = Path(__file__).resolve().parents[2] / "static" / "playground" / "runstore.js"
# runstore.js is an ES module (the repository's package.json says "type": "module").
DRIVER = """
const fs = require("fs");
const { pathToFileURL } = require("url");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
import(pathToFileURL(input.script).href).then(({ RunStore }) => {
  const store = new RunStore();
  store.addRecords(input.records, input.now);
  // Asked in this order: forwards, then back again (scrubbing), then one moment twice.
  const answers = input.times.map((t) => store.endpointsAt(t));
  process.stdout.write(JSON.stringify(answers));
});
"""


def page_endpoints(records: list[dict[str, Any]], times: list[float]) -> list[Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    payload = {"script": str(RUNSTORE), "records": records, "now": records[-1]["t"]}
    out = subprocess.run(
        [node, "-e", DRIVER],
        input=json.dumps(payload | {"times": times}),
        capture_output=True,
        text=True,
        check=True,
    )
    answers: list[Any] = json.loads(out.stdout)
    return answers


def full_at(records: list[dict[str, Any]], t: float) -> list[dict[str, Any]]:
    """Each Service's last full record at or before ``t``, in the order Services appeared."""
    last: dict[str, dict[str, Any]] = {}
    for r in expand(records):
        if r["kind"] == "endpoints" and r["t"] <= t:
            last[r["service"]] = r
    return list(last.values())


@pytest.mark.parametrize("text,horizon", [(lifecycle(), 60), (crash_loops(), 120)])
def test_endpoints_at_shows_the_whole_lists_at_every_moment(text: str, horizon: int) -> None:
    records = run(text, horizon)
    changes = [r for r in records if r["kind"] == "endpoints" and "pods" not in r]
    assert len(changes) >= 4
    moments = sorted({r["t"] for r in records if r["kind"] == "endpoints"})
    forwards = [-1.0, 0.0, *moments, *(t + 0.005 for t in moments), float(horizon)]
    times = forwards + forwards[::-1] + [moments[len(moments) // 2]] * 2
    answers = page_endpoints(records, times)
    assert answers == [full_at(records, t) for t in times]
