"""The start path's per-Pod work put off or shared (issue #15) shows what it always showed.

``/proc/sys`` (``kubelet.sysctl.ProcSys``) is written when a container first
uses it, not when the sandbox is made: once written it is the tree, space and
attributes an eager build gave, and a container reading it sees its Pod's
sysctls. The sysctl allow-list is built once per ``--allowed-unsafe-sysctls``:
a node with another flag still admits by its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from simrun import events, last
from test_fs_deferred import PATHS
from test_fs_deferred import _plan as _fs_plan
from test_fs_layers import snapshot

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubelet import volumes
from cluster_sim.kubelet.start_plan import UNCHANGED_KEPT
from cluster_sim.kubelet.sysctl import ProcSys
from cluster_sim.userland.filesystem import Directory, Volume

SPEC: dict[str, Any] = {
    "securityContext": {
        "sysctls": [
            {"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"},
            {"name": "kernel/msgmax", "value": "65536"},
            {"name": "net.ipv4", "value": "1"},  # under net.ipv4.x, set as a file: skipped
            {"name": "kernel.shm_rmid_forced", "value": "on"},
        ]
    }
}

POD = """apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  nodeName: node-1
  securityContext:
    sysctls:
    - {name: kernel.msgmax, value: "%s"}
    - {name: net.ipv4.ip_local_port_range, value: "1024 65535"}
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "%s"]
"""
SCENARIO = """---
apiVersion: playground.podlife.dev/v1
kind: Scenario
metadata: {name: t}
spec:
  nodes:
  - {name: node-1, allowedUnsafeSysctls: %s}
"""


# ``/proc/sys`` of SPEC, as the sandbox showed it when it was written at sandbox
# creation: sysctls sorted by name, directories 0555, files 0644 with the value and a
# newline; ``net.ipv4`` is a file, so ``net.ipv4.ip_local_port_range`` is skipped.
DIR = ("Directory", 0o555, 0, 0, 0)
EXPECTED_TREE = {
    "/": DIR,
    "/kernel": DIR,
    "/kernel/msgmax": ("File", 0o644, 0, 0, 0, "65536\n"),
    "/kernel/shm_rmid_forced": ("File", 0o644, 0, 0, 0, "on\n"),
    "/net": DIR,
    "/net/ipv4": ("File", 0o644, 0, 0, 0, "1\n"),
}
EXPECTED_USED = len("65536\n") + len("on\n") + len("1\n")
VOLUME_FIELDS = {"capacity", "medium", "name", "read_only", "root", "used"}


def test_proc_sys_written_at_first_use_is_the_eager_tree_space_and_attributes() -> None:
    lazy = ProcSys(SPEC)
    assert not lazy.built
    assert (lazy.name, lazy.read_only, lazy.medium, lazy.capacity) == (
        "proc-sys",
        False,
        "",
        16 << 20,
    )
    assert not lazy.built  # those four are not the tree
    assert snapshot(lazy.root) == EXPECTED_TREE  # ``root`` writes it
    assert lazy.built and lazy.used == EXPECTED_USED
    public = {k for k in vars(lazy) if not k.startswith("_")}
    assert public == VOLUME_FIELDS == set(vars(Volume("proc-sys")))
    assert isinstance(lazy.root, Directory) and lazy.root.mode == 0o555


def test_used_alone_writes_the_tree_too() -> None:
    lazy = ProcSys(SPEC)
    assert lazy.used == EXPECTED_USED and lazy.built


def test_an_unknown_attribute_is_an_attribute_error_and_writes_nothing() -> None:
    lazy = ProcSys(SPEC)
    assert not hasattr(lazy, "nope")
    assert not lazy.built


def _simulate(text: str, until: float = 20) -> tuple[Simulation, list[dict[str, Any]]]:
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=until)
    return sim, sim.advance(until)


def test_a_crash_loop_never_writes_proc_sys_and_a_reader_sees_the_pods_sysctls() -> None:
    sim, _ = _simulate(POD % ("65536", "echo starting; exit 1") + SCENARIO % '["kernel.msg*"]')
    worker = sim.cluster.workers["default/tuned"]
    sysctls = worker.volumes.files.sysctls()
    assert isinstance(sysctls, ProcSys) and not sysctls.built
    sim, _ = _simulate(
        POD % ("123", "cat /proc/sys/kernel/msgmax; sleep 3600") + SCENARIO % '["kernel.msg*"]'
    )
    assert sim.logs("default/tuned", "c", previous=False) == (0, "123\n")
    out = sim.exec(
        "default/tuned",
        "c",
        ["cat", "/proc/sys/net/ipv4/ip_local_port_range", "/proc/sys/net/ipv4/ping_group_range"],
    )
    assert out == (0, "1024\t65535\n0\t2147483647\n")


def test_each_nodes_unsafe_sysctls_admit_by_their_own_list() -> None:
    """The allow-list kept for one flag is not the one a node with another flag uses."""
    text = POD % ("65536", "sleep 3600")
    for allowed, refused in (("[]", True), ('["kernel.msg*"]', False), ("[]", True)):
        _, records = _simulate(text + SCENARIO % allowed, until=2)
        assert bool(events(records, reason="SysctlForbidden")) is refused
        assert (last(records, "pod")["phase"] == "Failed") is refused


def test_the_token_volume_is_the_one_make_made_of_its_projection() -> None:
    """``_projected_token`` builds what ``_make`` built of the kube-api-access item."""
    sim, _ = _simulate(POD % ("65536", "sleep 3600") + SCENARIO % '["kernel.msg*"]', until=1)
    pod_volumes = sim.cluster.workers["default/tuned"].volumes
    assert pod_volumes.token_volume is not None
    made = pod_volumes._make(
        {"name": pod_volumes.token_volume, "projected": volumes.TOKEN_PROJECTION}
    )
    token = volumes._projected_token(pod_volumes.token_volume)
    assert (token.name, token.kind, token.spec, token.payload, token.objects) == (
        made.name,
        made.kind,
        made.spec,
        made.payload,
        made.objects,
    )
    assert vars(token.volume).keys() == vars(made.volume).keys()
    for key, value in vars(made.volume).items():
        if key != "root":
            assert getattr(token.volume, key) == value
    assert snapshot(token.volume.root) == snapshot(made.volume.root)


@pytest.mark.parametrize("path", [*PATHS, "/etc/motd", "/dev/termination-log"])
def test_a_kept_unchanged_file_answer_is_the_walks(path: str) -> None:
    """Asked again, a plan answers what a plan never asked answers: the same node, or None."""
    plan = _fs_plan()
    first = plan.unchanged_file(path)
    assert plan.unchanged_file(path) is first
    again = _fs_plan()
    walked = again._unchanged_file(path)
    assert (first is None) == (walked is None)
    if first is not None and walked is not None:
        assert (first.content, first.mode) == (walked.content, walked.mode)


def test_a_plan_keeps_a_bounded_number_of_paths() -> None:
    plan = _fs_plan()
    for i in range(UNCHANGED_KEPT * 2):
        assert plan.unchanged_file(f"/etc/nope-{i}") is None
    assert plan.unchanged_file("/etc/motd") is not None  # answered, not kept
    assert len(plan._unchanged) == UNCHANGED_KEPT
