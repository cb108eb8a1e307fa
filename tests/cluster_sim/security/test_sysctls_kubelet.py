"""The kubelet's sysctl admission (pkg/kubelet/sysctl/allowlist.go) and /proc/sys.

A Pod whose sysctls are neither safe nor on its node's --allowed-unsafe-sysctls is
rejected before any container exists: ``Warning SysctlForbidden`` with the admit
handler's message, phase Failed, reason SysctlForbidden (kubelet.go rejectPod).
"""

from __future__ import annotations

import pytest
from simrun import events, last, of

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.kubelet.sysctl import SAFE_SYSCTLS, new_allowlist
from cluster_sim.sysctl_names import allowlist_problem

POD = """apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  nodeName: node-1%s
  securityContext:
    sysctls:
%s
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


def pod(sysctls: dict[str, str], script: str = "sleep 3600", extra: str = "") -> str:
    items = "\n".join(f'    - {{name: {k}, value: "{v}"}}' for k, v in sysctls.items())
    return POD % (extra, items, script)


def simulate(text: str, until: float = 20) -> tuple[Simulation, list[dict]]:
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=until)
    return sim, sim.advance(until)


def test_an_unsafe_sysctl_is_rejected_by_the_kubelet() -> None:
    _, records = simulate(pod({"kernel.shm_rmid_forced": "1", "kernel.msgmax": "65536"}))
    assert events(records, reason="SysctlForbidden") == [
        (0.1, "SysctlForbidden", 'forbidden sysctl: "kernel.msgmax" not allowlisted')
    ]
    assert of(records, "event", reason="SysctlForbidden")[0]["type"] == "Warning"
    shown = last(records, "pod")
    assert (shown["phase"], shown["status"], shown["reason"], shown["ready"]) == (
        "Failed",
        "SysctlForbidden",
        "SysctlForbidden",
        "0/1",
    )
    assert shown["conditions"] == {"PodScheduled": "True"}
    # No container is ever created, no image pulled.
    assert not events(records, reason="Pulling") and not of(records, "container")


def test_the_node_allows_unsafe_sysctls_by_pattern() -> None:
    script = (
        "cat /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_local_port_range; "
        "echo 1 > /proc/sys/kernel/msgmax; sleep 3600"
    )
    text = pod({"kernel.msgmax": "65536", "net.ipv4.ip_local_port_range": "1024 65535"}, script)
    sim, records = simulate(text + SCENARIO % '["kernel.msg*"]')
    assert not events(records, reason="SysctlForbidden")
    assert last(records, "pod")["phase"] == "Running"
    status, output = sim.exec("default/tuned", "c", ["cat", "/proc/sys/kernel/msgmax"])
    assert (status, output) == (0, "65536\n")
    assert sim.logs("default/tuned", "c", previous=False) == (
        0,
        "65536\n1024\t65535\nsh: can't create /proc/sys/kernel/msgmax: Read-only file system\n",
    )


def test_containerd_sets_unprivileged_ports_and_ping_range_in_every_sandbox() -> None:
    sim, _ = simulate(pod({"kernel.shm_rmid_forced": "1"}))
    out = sim.exec(
        "default/tuned",
        "c",
        [
            "cat",
            "/proc/sys/net/ipv4/ip_unprivileged_port_start",
            "/proc/sys/net/ipv4/ping_group_range",
        ],
    )
    assert out == (0, "0\n0\t2147483647\n")


def test_a_pod_setting_containerds_sysctl_wins() -> None:
    sim, _ = simulate(pod({"net.ipv4.ip_unprivileged_port_start": "1024"}))
    out = sim.exec("default/tuned", "c", ["cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"])
    assert out == (0, "1024\n")


def test_a_second_unsafe_sysctl_names_the_first_refused() -> None:
    text = pod({"kernel.msgmax": "1", "net.core.somaxconn": "1024"})
    _, records = simulate(text + SCENARIO % '["net.core.somaxconn"]')
    assert events(records, reason="SysctlForbidden")[0][2] == (
        'forbidden sysctl: "kernel.msgmax" not allowlisted'
    )


@pytest.mark.parametrize("name", SAFE_SYSCTLS)
def test_every_safe_sysctl_is_admitted(name: str) -> None:
    spec = {"securityContext": {"sysctls": [{"name": name, "value": "1"}]}}
    assert new_allowlist().admit(spec) is None


def test_slash_names_and_host_namespaces() -> None:
    allow = new_allowlist(["kernel.msg*"])
    spec = {"securityContext": {"sysctls": [{"name": "kernel/msgmax", "value": "1"}]}}
    assert allow.admit(spec) is None
    spec = {"hostIPC": True, "securityContext": {"sysctls": [{"name": "kernel.msgmax"}]}}
    assert allow.admit(spec) == (
        "SysctlForbidden",
        'forbidden sysctl: "kernel.msgmax" not allowed with host ipc enabled',
    )


@pytest.mark.parametrize(
    ("patterns", "problem"),
    [
        (["kernel.msg*", "net.core.somaxconn", "net.*", "fs/mqueue/*"], ""),
        (["vm.swappiness"], 'the sysctl "vm.swappiness" are not known to be namespaced'),
        (["kernel.*"], 'the sysctls "kernel.*" are not known to be namespaced'),
        (
            ["Net.core"],
            'sysctl "Net.core" must have at most 253 characters and match regex '
            "([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]",
        ),
    ],
)
def test_the_kubelets_unsafe_patterns(patterns: list[str], problem: str) -> None:
    assert allowlist_problem(patterns) == problem


def test_a_scenario_node_with_a_pattern_the_kubelet_refuses() -> None:
    with pytest.raises(BundleError) as info:
        load_bundle([("t.yaml", pod({"kernel.msgmax": "1"}) + SCENARIO % '["vm.swappiness"]')])
    assert 'the sysctl "vm.swappiness" are not known to be namespaced' in str(info.value)


def test_a_replica_set_replaces_each_rejected_pod_which_is_rejected_again() -> None:
    """As upstream: a Failed Pod is not active, so the ReplicaSet makes another; the
    kubelet rejects each 100 ms after it is bound (ADMIT_MS)."""
    text = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        sysctls: [{name: kernel.msgmax, value: "1"}]
      containers:
      - {name: c, image: busybox, command: [sleep, "3600"]}
"""
    _, records = simulate(text, until=1.05)
    rejected = events(records, reason="SysctlForbidden")
    assert [t for t, _, _ in rejected] == [round(0.1 * i, 1) for i in range(1, 11)]
    assert len(events(records, reason="SuccessfulCreate")) == 11
    assert {r["status"] for r in of(records, "pod") if r["phase"] == "Failed"} == {
        "SysctlForbidden"
    }


def test_proc_sys_skips_a_sysctl_under_another_set_as_a_file() -> None:
    """net.ipv4 and net.ipv4.tcp_syncookies cannot both be files: the second is left out,
    the others are still there (no error reaches the container start)."""
    from cluster_sim.kubelet.sysctl import proc_sys

    spec = {
        "securityContext": {
            "sysctls": [
                {"name": "net.ipv4", "value": "1"},
                {"name": "net.ipv4.tcp_syncookies", "value": "1"},
                {"name": "kernel.msgmax", "value": "2"},
            ]
        }
    }
    root = proc_sys(spec).root
    assert sorted(root.entries) == ["kernel", "net"]
    assert root.entries["kernel"].entries["msgmax"].content == "2\n"  # type: ignore[union-attr]
    assert root.entries["net"].entries["ipv4"].content == "1\n"  # type: ignore[union-attr]
