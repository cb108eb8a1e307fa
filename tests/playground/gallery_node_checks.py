"""The behaviour and watch-text checks of the gallery entries about node taints (issue #12).

test_gallery.py runs every entry and calls its check with the run's records;
``NODE_CHECKS`` joins its CHECKS table and the ``@watch_check`` registers itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gallery_watch import Records, Watch, watch_check

Record = dict[str, Any]
UNTOLERATED = "1 node(s) had untolerated taint {maintenance: true}"


def _of(records: tuple[Record, ...], kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def _evicted(records: tuple[Record, ...]) -> dict[str, float]:
    """Pod name -> when the taint eviction controller marked it for deletion."""
    return {
        r["object"].split("/")[-1]: r["t"]
        for r in _of(records, "event", reason="TaintManagerEviction")
        if r["message"].startswith("Marking for deletion Pod ")
    }


def _replacements(records: tuple[Record, ...], since: float) -> list[str]:
    return [
        r["message"].removeprefix("Created pod: ")
        for r in _of(records, "event", reason="SuccessfulCreate")
        if r["t"] >= since and r["object"].startswith("ReplicaSet/default/web-")
    ]


def check_noexecute_taint(records: tuple[Record, ...]) -> None:
    [tainted] = _of(records, "action", action="taint", t=20.0)
    assert tainted["args"]["effect"] == "NoExecute"
    evicted = _evicted(records)
    web = sorted(name for name in evicted if name.startswith("web-"))
    assert len(web) == 2 and all(evicted[name] == 20.0 for name in web)
    assert (evicted["plain"], evicted["patient"]) == (20.0, 50.0)
    assert "resident" not in evicted
    assert _of(records, "pod", pod="default/resident")[-1]["status"] == "Running"
    for name in ("plain", "patient", *web):
        assert len(_of(records, "deleted", pod=f"default/{name}")) == 1
    # The ReplicaSet replaces its two Pods at once; they fit only node-1 and wait.
    replacements = _replacements(records, 20.0)
    assert len(replacements) == 2
    for name in replacements:
        events = _of(records, "event", object=f"Pod/default/{name}")
        failed = [e for e in events if e["reason"] == "FailedScheduling"]
        assert failed and failed[0]["t"] == 20.0
        assert all(UNTOLERATED in e["message"] and e["t"] < 80 for e in failed)
        scheduled = [e for e in events if e["reason"] == "Scheduled"]
        assert [(e["t"], e["message"].split()[-1]) for e in scheduled] == [(80.0, "node-1")]
    said = [(r["t"], r["message"]) for r in _of(records, "notice")]
    assert said == [(20.0, "node/node-1 tainted"), (80.0, "node/node-1 untainted")]


NODE_CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "noexecute-taint": check_noexecute_taint,
}


@watch_check("noexecute-taint")
def _noexecute_taint(records: Records, watch: Watch) -> None:
    taint, untaint = _of(records, "action", action="taint")
    args = taint["args"]
    watch.says(
        "At {} s {} gets {}={}:{}",
        taint["t"],
        args["node"],
        args["key"],
        args["value"],
        args["effect"],
    )
    evicted = _evicted(records)
    watch.holds("plain is evicted at once", evicted["plain"] == taint["t"])
    watch.configured("patient (tolerationSeconds 30)", "tolerationSeconds: 30")
    watch.says("at {} s, resident stays", evicted["patient"])
    watch.holds("resident stays", "resident" not in evicted)
    replacements = _replacements(records, taint["t"])
    pending = all(
        _of(records, "pod", pod=f"default/{name}", t=taint["t"])[-1]["phase"] == "Pending"
        for name in replacements
    )
    watch.holds("web's replacements stay Pending", bool(replacements) and pending)
    failed = _of(records, "event", reason="FailedScheduling")
    watch.holds(
        f'("{UNTOLERATED}")', bool(failed) and all(UNTOLERATED in e["message"] for e in failed)
    )
    scheduled = {e["t"] for e in _of(records, "event", reason="Scheduled") if e["t"] > taint["t"]}
    watch.says("until the taint goes at {} s", *scheduled)
    assert untaint["t"] in scheduled
