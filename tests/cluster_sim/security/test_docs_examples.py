"""The docs' security-context examples (tasks/configure-pod-container/security-context),
run verbatim; ``kubectl exec`` prints what the docs show.

security-context.yaml: ``id`` shows ``uid=1000 gid=3000 groups=2000,3000,4000``,
``ls -l /data`` shows ``drwxrwsrwx 2 root 2000 ... demo``, and a file written in
the volume is ``-rw-r--r-- 1 1000 2000 6 ... testfile``. security-context-3/4:
``CapPrm``/``CapEff`` ``00000000a80425fb`` and, with NET_ADMIN and SYS_TIME added,
``00000000aa0435fb``.
"""

from __future__ import annotations

import re
from pathlib import Path

from cluster_sim import Simulation, load_bundle

DOCS = Path(__file__).parents[1] / "docs_examples" / "security"


def started(name: str, text: str | None = None) -> Simulation:
    text = text if text is not None else (DOCS / name).read_text()
    sim = Simulation(load_bundle([(name, text)]), seed=0, horizon=60)
    sim.advance(15)
    return sim


def pod_of(sim: Simulation, name: str) -> str:
    return (DOCS / name).read_text().split("name: ", 1)[1].split("\n", 1)[0]


def test_security_context_id_and_volume_ownership() -> None:
    sim = started("security-context.yaml")
    pod, ctr = "security-context-demo", "sec-ctx-demo"
    assert sim.exec(pod, ctr, ["id"]) == (0, "uid=1000 gid=3000 groups=2000,3000,4000\n")
    status, out = sim.exec(pod, ctr, ["ls", "-l", "/data"])
    assert status == 0
    assert re.fullmatch(
        r"total 4\ndrwxrwsrwx +2 root +2000 +\d+ \w{3} [ \d]\d \d\d:\d\d demo\n", out
    ), out
    status, out = sim.exec(pod, ctr, ["ps"])
    # The docs show "1 1000 0:00 sleep 1h": the user column is the process's uid.
    assert out.splitlines()[1].split()[:3] == ["1", "1000", "0:00"]
    assert sim.exec(pod, ctr, ["whoami"]) == (1, "whoami: unknown uid 1000\n")


def test_files_written_in_the_volume_belong_to_the_user_and_fs_group() -> None:
    text = (
        (DOCS / "security-context.yaml")
        .read_text()
        .replace('"sleep 1h"', '"cd /data/demo; echo hello > testfile; ls -l; touch /x; sleep 1h"')
    )
    sim = Simulation(load_bundle([("s.yaml", text)]), seed=0, horizon=60)
    records = sim.advance(15)
    lines = [r["line"] for r in records if r.get("kind") == "log"]
    assert re.fullmatch(r"-rw-r--r-- +1 1000 +2000 +6 .* testfile", lines[1]), lines
    assert lines[2] == "touch: /x: Permission denied"


def test_security_context_2_runs_as_the_containers_user() -> None:
    sim = started("security-context-2.yaml")
    status, out = sim.exec("security-context-demo-2", "sec-ctx-demo-2", ["ps"])
    assert status == 0
    assert out.splitlines()[1].split()[:2] == ["1", "2000"]
    _, out = sim.exec(
        "security-context-demo-2", "sec-ctx-demo-2", ["grep", "NoNewPrivs", "/proc/1/status"]
    )
    assert out == "NoNewPrivs:\t1\n"


def test_security_context_3_default_capabilities() -> None:
    sim = started("security-context-3.yaml")
    _, out = sim.exec("security-context-demo-3", "sec-ctx-3", ["grep", "Cap", "/proc/1/status"])
    assert out.splitlines() == [
        "CapInh:\t0000000000000000",
        "CapPrm:\t00000000a80425fb",
        "CapEff:\t00000000a80425fb",
        "CapBnd:\t00000000a80425fb",
        "CapAmb:\t0000000000000000",
    ]


def test_security_context_4_adds_net_admin_and_sys_time() -> None:
    sim = started("security-context-4.yaml")
    _, out = sim.exec("security-context-demo-4", "sec-ctx-4", ["grep", "Cap", "/proc/1/status"])
    assert "CapPrm:\t00000000aa0435fb" in out.splitlines()
    assert "CapEff:\t00000000aa0435fb" in out.splitlines()
