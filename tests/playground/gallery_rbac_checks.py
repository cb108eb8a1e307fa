"""The behaviour and watch-text checks of the Classed society entries about RBAC.

test_gallery.py runs every entry; ``RBAC_CHECKS`` joins its CHECKS table and
the ``@watch_check`` functions register themselves (see gallery_watch.py).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from gallery_watch import Records, Watch, watch_check

Record = dict[str, Any]
DENIED = "wget: server returned error: HTTP/1.1 403 Forbidden"
LISTED = '  "kind": "PodList",'


def _lines(records: Records, pod: str) -> list[tuple[float, str]]:
    return [(r["t"], r["line"]) for r in records if r["kind"] == "log" and r["pod"] == pod]


def _apply_time(records: Records) -> float:
    return float(next(r["t"] for r in records if r["kind"] == "action"))


# -- rbac-default-serviceaccount ---------------------------------------------------


def check_rbac_default_serviceaccount(records: Records) -> None:
    applied = _apply_time(records)
    said = _lines(records, "default/client")
    before = [line for t, line in said if t < applied]
    after = [line for t, line in said if t > applied]
    assert len(before) == 6 and set(before) == {DENIED}
    assert after and set(after) == {LISTED}


@watch_check("rbac-default-serviceaccount")
def _rbac_default_serviceaccount(records: Records, watch: Watch) -> None:
    applied = _apply_time(records)
    times = [t for t, _ in _lines(records, "default/client")]
    (interval,) = {round(b - a, 3) for a, b in pairwise(times)}
    watch.says("Every {} s the client asks", interval)
    said = _lines(records, "default/client")
    watch.holds("403 Forbidden", all(line == DENIED for t, line in said if t < applied))
    watch.says("applied at {} s", applied)
    first_after = next((t, line) for t, line in said if t > applied)
    watch.holds(
        "the next answer is a PodList",
        first_after[1] == LISTED and first_after[0] - applied <= interval,
    )


# -- rbac-no-token -------------------------------------------------------------------


def check_rbac_no_token(records: Records) -> None:
    said = [line for _, line in _lines(records, "default/tokenless")]
    assert said == [
        "ls: /var/run/secrets/kubernetes.io/serviceaccount: No such file or directory",
        '  "gitVersion": "v1.33.1",',
        DENIED,
    ]


@watch_check("rbac-no-token")
def _rbac_no_token(records: Records, watch: Watch) -> None:
    said = [line for _, line in _lines(records, "default/tokenless")]
    watch.holds("ls fails", said[0].endswith("No such file or directory"))
    watch.holds("/version answers", any("gitVersion" in line for line in said))
    watch.holds("the Pod list is 403 Forbidden", said[-1] == DENIED)


RBAC_CHECKS: dict[str, Callable[[Records], None]] = {
    "rbac-default-serviceaccount": check_rbac_default_serviceaccount,
    "rbac-no-token": check_rbac_no_token,
}
