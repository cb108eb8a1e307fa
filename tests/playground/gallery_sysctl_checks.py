"""The behaviour and watch-text checks of the Classed society entry about sysctls.

test_gallery.py runs every entry; ``SYSCTL_CHECKS`` joins its CHECKS table and
the ``@watch_check`` functions register themselves (see gallery_watch.py).
"""

from __future__ import annotations

from collections.abc import Callable

from gallery_watch import Records, Watch, watch_check

REJECTED = 'forbidden sysctl: "kernel.msgmax" not allowlisted'


def _last_pod(records: Records, key: str) -> dict:
    return [r for r in records if r["kind"] == "pod" and r["pod"] == key][-1]


def _lines(records: Records, key: str) -> list[str]:
    return [r["line"] for r in records if r["kind"] == "log" and r["pod"] == key]


def check_sysctl_forbidden(records: Records) -> None:
    tuned = _last_pod(records, "default/tuned")
    assert (tuned["node"], tuned["phase"], tuned["status"]) == (
        "node-1",
        "Failed",
        "SysctlForbidden",
    )
    assert tuned["message"] == "Pod was rejected: " + REJECTED
    rejected = [r for r in records if r["kind"] == "event" and r["reason"] == "SysctlForbidden"]
    assert [(r["t"], r["object"], r["message"]) for r in rejected] == [
        (0.1, "Pod/default/tuned", REJECTED)
    ]
    assert not [r for r in records if r["kind"] == "container" and r["pod"] == "default/tuned"]
    assert _last_pod(records, "default/tuned-ok")["phase"] == "Running"
    assert _lines(records, "default/tuned-ok") == [
        "65536",
        "32768\t60999",
        "sh: can't create /proc/sys/kernel/msgmax: Read-only file system",
    ]


@watch_check("sysctl-forbidden")
def _sysctl_forbidden(records: Records, watch: Watch) -> None:
    tuned = _last_pod(records, "default/tuned")
    watch.holds("On node-1 the kubelet rejects tuned", tuned["node"] == "node-1")
    watch.holds(
        "SysctlForbidden, Failed",
        (tuned["status"], tuned["phase"]) == ("SysctlForbidden", "Failed"),
    )
    watch.holds(
        "no container ever created",
        not any(r["kind"] == "container" and r["pod"] == "default/tuned" for r in records),
    )
    watch.configured(
        "node-2's kubelet allows kernel.msg*",
        '{name: node-2, allowedUnsafeSysctls: ["kernel.msg*"]}',
    )
    watch.holds(
        "tuned-ok runs and reads its values in /proc/sys",
        _last_pod(records, "default/tuned-ok")["phase"] == "Running"
        and _lines(records, "default/tuned-ok")[:1] == ["65536"],
    )


SYSCTL_CHECKS: dict[str, Callable[[Records], None]] = {
    "sysctl-forbidden": check_sysctl_forbidden,
}
