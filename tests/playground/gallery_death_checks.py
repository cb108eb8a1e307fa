"""The behaviour checks of the gallery's Death entries about node maintenance (issue #12).

test_gallery.py runs every entry and calls its check with the run's records;
these join its CHECKS table. ``DRAIN_SAID`` is what ``kubectl drain`` prints
(the run says it in notices, as the terminal would): not a failed action.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]

DRAIN_SAID = re.compile(
    r"^(node/[a-z0-9.-]+ (cordoned|already cordoned|drained)"
    r"|evicting pod [a-z0-9.-]+/[a-z0-9.-]+"
    r"|pod/[a-z0-9.-]+ (evicted|deleted)"
    r'|error when evicting pods/"[a-z0-9.-]+" -n "[a-z0-9.-]+" \(will retry after 5s\): '
    r"Cannot evict pod as it would violate the pod's disruption budget\.)$"
)


def _notices(records: tuple[Record, ...]) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in records if r["kind"] == "notice"]


def check_drain_blocked_by_pdb(records: tuple[Record, ...]) -> None:
    said = _notices(records)
    assert said[0] == (40.0, "node/node-1 cordoned")
    evicting = [(t, m.split("/")[-1]) for t, m in said if m.startswith("evicting pod")]
    first, second = evicting[0][1], evicting[1][1]
    assert [t for t, name in evicting if name == first] == [40.0], "the first one may go"
    refused = [t for t, m in said if m.startswith(f'error when evicting pods/"{second}"')]
    assert refused == [40.0, 45.0, 50.0], "refused with 429 and retried every 5 s"
    ready = [
        r["t"]
        for r in records
        if r["kind"] == "pod"
        and r.get("node") == "node-2"
        and (r.get("conditions") or {}).get("Ready") == "True"
    ]
    evicted_at = next(t for t, m in said if m == f"pod/{second} evicted")
    accepted_at = [t for t, name in evicting if name == second][-1]
    assert ready and min(t for t in ready if t > 40.0) < accepted_at, (
        "the second eviction is accepted only after the replacement on node-2 is Ready"
    )
    assert said[-1] == (evicted_at, "node/node-1 drained")


DEATH_CHECKS: dict[str, Callable[[tuple[Record, ...]], None]] = {
    "drain-blocked-by-pdb": check_drain_blocked_by_pdb,
}
