"""The behaviour and watch-text checks of the Classed society entries about NetworkPolicy.

test_gallery.py runs every entry; ``NETPOL_CHECKS`` joins its CHECKS table and
the ``@watch_check`` functions register themselves (see gallery_watch.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gallery_watch import Records, Watch, show, watch_check

Record = dict[str, Any]


def _of(records: Records, kind: str, **match: Any) -> list[Record]:
    return [
        r for r in records if r["kind"] == kind and all(r.get(k) == v for k, v in match.items())
    ]


def _lines(records: Records, pod: str) -> list[tuple[float, str]]:
    return [(r["t"], r["line"]) for r in _of(records, "log", pod=pod)]


def _apply_time(records: Records) -> float:
    return float(next(r["t"] for r in records if r["kind"] == "action"))


def _timeouts(records: Records, source: str) -> list[float]:
    """Seconds from each dropped attempt of ``source`` to its 'download timed out' line."""
    dropped = [r["t"] for r in _of(records, "connection", verdict="dropped") if r["from"] == source]
    timed_out = [t for t, line in _lines(records, source) if line == "wget: download timed out"]
    return [round(end - start, 3) for start, end in zip(dropped, timed_out, strict=False)]


# -- netpol-default-deny ------------------------------------------------------------


def check_netpol_default_deny(records: Records) -> None:
    applied = _apply_time(records)
    attempts = _of(records, "connection", to="default/backend")
    before = [r for r in attempts if r["t"] < applied]
    after = [r for r in attempts if r["t"] > applied]
    assert before and all(
        r["verdict"] == "dropped" and r["policy"] == "default/default-deny-ingress" for r in before
    )
    assert {(r["from"], r["verdict"], r["policy"]) for r in after} == {
        ("default/frontend", "allowed", "default/allow-frontend-to-backend"),
        ("default/other", "dropped", "default/default-deny-ingress"),
    }
    said = [line for t, line in _lines(records, "default/frontend") if t > applied]
    assert said and set(said) == {"frontend: backend answered"}
    assert all(line == "wget: download timed out" for _, line in _lines(records, "default/other"))


@watch_check("netpol-default-deny")
def _netpol_default_deny(records: Records, watch: Watch) -> None:
    waits = set(_timeouts(records, "default/frontend") + _timeouts(records, "default/other"))
    (wait,) = waits
    watch.says("gives up after {} s (a timeout, not a refusal)", wait)
    watch.says("The allow rule applied at {} s", _apply_time(records))
    watch.holds(
        "the other Pod is still dropped",
        all(
            r["verdict"] == "dropped"
            for r in _of(records, "connection", **{"from": "default/other"})
        ),
    )


# -- netpol-egress-dns --------------------------------------------------------------


def check_netpol_egress_dns(records: Records) -> None:
    applied = _apply_time(records)
    said = _lines(records, "default/client")
    before = [line for t, line in said if t < applied]
    assert ";; connection timed out; no servers could be reached" in before
    assert "wget: bad address 'backend'" in before
    assert not any(line.startswith("Server:") for line in before)
    after = [line for t, line in said if t > applied + 30]
    assert "Name:\tbackend.default.svc.cluster.local" in after
    assert "wget: download timed out" in after
    dns = _of(records, "connection", to="kube-system/coredns")
    assert {(r["t"] < applied, r["verdict"]) for r in dns} == {
        (True, "dropped"),
        (False, "allowed"),
    }


@watch_check("netpol-egress-dns")
def _netpol_egress_dns(records: Records, watch: Watch) -> None:
    queries = _of(records, "connection", to="kube-system/coredns", verdict="dropped")
    said = _lines(records, "default/client")
    timed_out = next(t for t, line in said if line.startswith(";; connection timed out"))
    watch.says("nslookup times out after {} s", round(timed_out - queries[0]["t"], 3))
    watch.holds(
        "wget cannot even resolve the name: bad address",
        ("wget: bad address 'backend'" in [line for _, line in said]),
    )
    watch.says("Allowing DNS at {} s brings the names back", _apply_time(records))
    watch.holds(
        "the connection to the backend still times out",
        "wget: download timed out" in [line for _, line in said],
    )


# -- netpol-namespace-allow ---------------------------------------------------------


def check_netpol_namespace_allow(records: Records) -> None:
    verdicts = {(r["from"], r["verdict"], r["policy"]) for r in _of(records, "connection")}
    assert verdicts == {
        ("team-a/client", "allowed", "shop/allow-team-a"),
        ("team-b/client", "dropped", "shop/allow-team-a"),
    }
    assert {line for _, line in _lines(records, "team-a/client")} == {"team-a: backend answered"}
    assert {line for _, line in _lines(records, "team-b/client")} == {"wget: download timed out"}


@watch_check("netpol-namespace-allow")
def _netpol_namespace_allow(records: Records, watch: Watch) -> None:
    (wait,) = set(_timeouts(records, "team-b/client"))
    watch.says("the same client in team-b is dropped after {} s", show(wait))
    watch.holds(
        "The client in team-a reaches the shop's backend",
        "team-a: backend answered" in [line for _, line in _lines(records, "team-a/client")],
    )


NETPOL_CHECKS: dict[str, Callable[[Records], None]] = {
    "netpol-default-deny": check_netpol_default_deny,
    "netpol-egress-dns": check_netpol_egress_dns,
    "netpol-namespace-allow": check_netpol_namespace_allow,
}
