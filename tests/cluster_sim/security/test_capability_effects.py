"""What a capability changes inside the container: NET_ADMIN for ``ip`` changes,
SYS_TIME for ``date -s``, NET_RAW for busybox ``ping`` (a raw socket, so a
non-root user cannot ping)."""

from __future__ import annotations

from pathlib import Path

from cluster_sim import Simulation, load_bundle
from cluster_sim.security.capabilities import KNOWN, CapabilitySets, cap_name

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


NON_ROOT = """apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  securityContext: {runAsUser: 1000}
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'ping -c 1 127.0.0.1']
"""


def test_non_root_cannot_ping() -> None:
    sim = Simulation(load_bundle([("box.yaml", NON_ROOT)]), seed=0, horizon=30)
    lines = [r["line"] for r in sim.advance(4) if r.get("kind") == "log"]
    assert lines[0] == "ping: permission denied (are you root?)"


def test_root_without_net_raw_cannot_ping() -> None:
    text = NON_ROOT.replace("securityContext: {runAsUser: 1000}", "securityContext: {}").replace(
        "image: busybox:1.36",
        "image: busybox:1.36\n    securityContext: {capabilities: {drop: [NET_RAW]}}",
    )
    records = Simulation(load_bundle([("box.yaml", text)]), seed=0, horizon=30).advance(20)
    lines = [r["line"] for r in records if r.get("kind") == "log"]
    assert lines[0] == "ping: permission denied (are you root?)"


def test_root_with_the_default_set_pings() -> None:
    text = NON_ROOT.replace("securityContext: {runAsUser: 1000}", "securityContext: {}")
    records = Simulation(load_bundle([("box.yaml", text)]), seed=0, horizon=30).advance(4)
    lines = [r["line"] for r in records if r.get("kind") == "log"]
    assert lines[0] == "PING 127.0.0.1 (127.0.0.1): 56 data bytes"


def test_has_answers_as_cap_name_does_for_every_spelling() -> None:
    """``CapabilitySets.has`` looks known names up pre-normalised: for every known name
    in each spelling (bare, ``CAP_``-prefixed, lower and mixed case) and unknown ones,
    against sets that hold or lack it, it answers as normalising with ``cap_name`` does."""
    spellings = ["SYS_TIME_X", "cap_bogus", "", "all", "Cap_Chown"]
    for name in KNOWN:
        spellings += [name, f"CAP_{name}", name.lower(), f"cap_{name.lower()}", name.title()]
    held = frozenset({"CAP_DAC_OVERRIDE", "CAP_NET_RAW", "CAP_CHOWN", "CAP_SYS_TIME_X"})
    for effective in (held, frozenset(), frozenset(cap_name(n) for n in KNOWN)):
        sets = CapabilitySets(bounding=effective, permitted=effective, effective=effective)
        for spelling in spellings:
            assert sets.has(spelling) == (cap_name(spelling) in effective), spelling
