"""What a capability changes inside the container: NET_ADMIN for ``ip`` changes,
SYS_TIME for ``date -s``; binding port 80 as non-root works (containerd 2.x sets
``net.ipv4.ip_unprivileged_port_start=0`` in every pod)."""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle

DOCS = Path(__file__).parents[1] / "docs_examples" / "security"


def exec_in(name: str, pod: str, ctr: str, argv: list[str]) -> tuple[int, str]:
    sim = Simulation(load_bundle([(name, (DOCS / name).read_text())]), seed=0, horizon=60)
    sim.advance(15)
    return sim.exec(pod, ctr, argv)


def test_ip_changes_need_net_admin() -> None:
    denied = ("security-context-3.yaml", "security-context-demo-3", "sec-ctx-3")
    allowed = ("security-context-4.yaml", "security-context-demo-4", "sec-ctx-4")
    assert exec_in(*denied, ["ip", "link", "set", "eth0", "down"]) == (
        1,
        "ip: SIOCSIFFLAGS: Operation not permitted\n",
    )
    assert exec_in(*denied, ["ip", "link", "set", "eth0", "mtu", "1400"]) == (
        1,
        "ip: SIOCSIFMTU: Operation not permitted\n",
    )
    assert exec_in(*denied, ["ip", "addr", "add", "10.0.0.9/24", "dev", "eth0"]) == (
        1,
        "ip: RTNETLINK answers: Operation not permitted\n",
    )
    assert exec_in(*allowed, ["ip", "addr", "add", "10.0.0.9/24", "dev", "eth0"]) == (0, "")


def test_date_s_needs_sys_time() -> None:
    denied = ("security-context-3.yaml", "security-context-demo-3", "sec-ctx-3")
    allowed = ("security-context-4.yaml", "security-context-demo-4", "sec-ctx-4")
    assert exec_in(*denied, ["date", "-s", "2030-01-01"]) == (
        1,
        "date: can't set date: Operation not permitted\n",
    )
    assert exec_in(*allowed, ["date", "-s", "2030-01-01"])[0] == 0
