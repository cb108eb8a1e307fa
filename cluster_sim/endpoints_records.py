"""The ``endpoints`` records: a Service's first one holds its whole address list, later
ones only what changed (issue #15). ``EndpointsFold`` rebuilds the whole list.

A *full* record (a Service's first, and one after its ports changed) has ``ready``,
``notReady``, ``terminating`` (Pod IPs in IP order), ``pods`` (IP -> Pod, IP order) and
``ports``. A *change* record has instead:

- ``added``: IP -> ``{"pod": "ns/name", "list": "ready" | "notReady" | "terminating"}``
  for an address new to the Service (or an IP now held by another Pod);
- ``moved``: IP -> the list the address is in now (its readiness or termination changed);
- ``removed``: IP -> the Pod it was, for the IPs that are no longer addresses of the Service.

Each is in the order the addresses changed within the instant and may be empty; at least
one is not. Folding a change onto the
state before it gives the state after it, which is what the full record at that moment
would have shown (``tests/cluster_sim/test_endpoints_delta.py`` checks it against the
full records written the former way).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

Record = dict[str, Any]
LISTS: Final = ("ready", "notReady", "terminating")  # the record's lists, in this order


def ip_key(ip: str) -> tuple[int, ...]:
    """An IPv4 address's sort key (``10.244.1.10`` after ``10.244.1.9``)."""
    return tuple(int(x) for x in ip.split("."))


def is_full(record: Record) -> bool:
    return "pods" in record


@dataclass(slots=True)
class _Shown:
    addresses: dict[str, tuple[str, str]] = field(default_factory=dict)  # IP -> (list, Pod)
    ports: list[Any] = field(default_factory=list)


class EndpointsFold:
    """Each Service's addresses as the ``endpoints`` records so far show them."""

    def __init__(self) -> None:
        self._services: dict[str, _Shown] = {}

    def add(self, record: Record) -> None:
        shown = self._services.get(record["service"])
        if is_full(record) or shown is None:
            shown = self._services[record["service"]] = _Shown(ports=record.get("ports", []))
            for name in LISTS:
                for ip in record.get(name, ()):
                    shown.addresses[ip] = (name, record["pods"][ip])
            return
        for ip in record["removed"]:
            shown.addresses.pop(ip, None)
        for ip, added in record["added"].items():
            shown.addresses[ip] = (added["list"], added["pod"])
        for ip, name in record["moved"].items():
            shown.addresses[ip] = (name, shown.addresses[ip][1])

    def full(self, service: str) -> Record:
        """The Service's ``endpoints`` fields (without ``t`` and ``kind``) as a full record."""
        shown = self._services[service]
        ordered = sorted(shown.addresses, key=ip_key)
        out: Record = {"service": service}
        for name in LISTS:
            out[name] = [ip for ip in ordered if shown.addresses[ip][0] == name]
        out["pods"] = {ip: shown.addresses[ip][1] for ip in ordered}
        out["ports"] = shown.ports
        return out

    def services(self) -> list[str]:
        return list(self._services)


def expand(records: Iterable[Record]) -> list[Record]:
    """``records`` with each ``endpoints`` record replaced by the full record of that moment
    (``t``, ``kind``, then the full fields); other records as they are."""
    fold = EndpointsFold()
    out: list[Record] = []
    for r in records:
        if r["kind"] != "endpoints":
            out.append(r)
            continue
        fold.add(r)
        out.append({"t": r["t"], "kind": "endpoints", **fold.full(r["service"])})
    return out
