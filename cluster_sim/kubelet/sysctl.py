"""The kubelet's sysctl admission (``pkg/kubelet/sysctl``, 1.33).

Before a Pod gets a pod worker, ``canAdmitPod`` runs the admit handlers; the
sysctl one (``patternAllowlist.Admit``, allowlist.go) refuses a Pod whose
``securityContext.sysctls`` names a sysctl that is neither safe
(``safe_sysctls.go``: the twelve of 1.33 on a recent kernel) nor on the node's
``--allowed-unsafe-sysctls``, or a namespaced one the Pod shares with the host.
``rejectPod`` (kubelet.go) then records ``Warning SysctlForbidden <message>`` and
writes phase ``Failed``, reason ``SysctlForbidden``, message
``Pod was rejected: <message>``; no container is ever created.

An unsafe pattern must be known to be namespaced (``NewAllowlist``); a node given
one that is not would not start its kubelet, so the Scenario refuses it with the
kubelet's words (:func:`cluster_sim.sysctl_names.allowlist_problem`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from ..event_reasons import EventReason
from ..record_types import EventType, PodPhase
from ..sysctl_names import Namespace, go_quote, namespaced_by, to_dots
from ..userland.filesystem import Directory, FsError, Volume
from ..userland.memory import DATA_CAP

if TYPE_CHECKING:
    from ..model import Node
    from ..nodestate import PodRuntime
    from .host import KubeletHost

FORBIDDEN_REASON: Final = EventReason.SYSCTL_FORBIDDEN
# The kubelet learns of a bound Pod through its watch and admits it in HandlePodAdditions,
# tens of ms later; the simulator rejects 100 ms after binding. Without a delay a
# ReplicaSet's replacements of rejected Pods would all come at one instant.
ADMIT_MS: Final = 100
# safe_sysctls.go (1.33); the simulated node's kernel is recent enough for all of them.
SAFE_SYSCTLS: Final = (
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
)


@dataclass(frozen=True, slots=True)
class Allowlist:
    """``patternAllowlist``: exact names and prefixes, each with its namespace."""

    sysctls: Mapping[str, Namespace]
    prefixes: tuple[tuple[str, Namespace], ...]

    def problem(self, name: str, host_network: bool, host_ipc: bool) -> str:
        """``validateSysctl``: "" when allowed, else the error's text."""
        name = to_dots(name)
        namespace = self.sysctls.get(name)
        if namespace is None:
            namespace = next((ns for p, ns in self.prefixes if name.startswith(p)), None)
        if namespace is None:
            return f"{go_quote(name)} not allowlisted"
        if (namespace is Namespace.IPC and host_ipc) or (
            namespace is Namespace.NET and host_network
        ):
            return f"{go_quote(name)} not allowed with host {namespace.value} enabled"
        return ""

    def admit(self, spec: Mapping[str, Any]) -> tuple[EventReason, str] | None:
        """``Admit``: None, or (reason, message) for the first sysctl refused."""
        context = spec.get("securityContext")
        sysctls = context.get("sysctls") if isinstance(context, Mapping) else None
        if not isinstance(sysctls, list):
            return None
        for item in sysctls:
            name = item.get("name") if isinstance(item, Mapping) else None
            problem = self.problem(
                str(name or ""), spec.get("hostNetwork") is True, spec.get("hostIPC") is True
            )
            if problem:
                return FORBIDDEN_REASON, f"forbidden sysctl: {problem}"
        return None


def new_allowlist(unsafe: Iterable[str] = ()) -> Allowlist:
    """The safe sysctls plus the node's ``--allowed-unsafe-sysctls`` (already checked)."""
    sysctls: dict[str, Namespace] = {}
    prefixes: list[tuple[str, Namespace]] = []
    for pattern in (*SAFE_SYSCTLS, *unsafe):
        dotted = to_dots(pattern)
        if dotted.endswith("*"):
            prefix = dotted[:-1]
            prefixes.append((prefix, namespaced_by(prefix)))
        else:
            sysctls[dotted] = namespaced_by(dotted)
    return Allowlist(sysctls, tuple(prefixes))


# A node's allow-list is a function of its --allowed-unsafe-sysctls (a tuple of strings):
# built once per distinct flag for the whole run rather than for every Pod admitted.
node_allowlist = lru_cache(maxsize=16)(new_allowlist)


def admit(rt: PodRuntime, node: Node) -> tuple[EventReason, str] | None:
    """The sysctl admit handler for a Pod the kubelet on ``node`` was handed."""
    spec = rt.pod.manifest.get("spec")
    if not isinstance(spec, Mapping):
        return None
    return node_allowlist(node.allowed_unsafe_sysctls).admit(spec)


def reject(host: KubeletHost, rt: PodRuntime, reason: EventReason, message: str) -> None:
    """``rejectPod``: the event, then phase Failed with the reason and message."""
    host.recorder.event(EventType.WARNING, reason, rt.object_ref, message, "kubelet")
    rt.phase = PodPhase.FAILED
    rt.reason = reason
    rt.message = f"Pod was rejected: {message}"
    host.publish_pod(rt)
    host.pod_finished(rt)


# containerd 2.x's defaults for a sandbox without hostNetwork, unless the Pod sets them
# (podsandbox/sandbox_run_linux.go; classed-society.md §1.7).
CONTAINERD_DEFAULTS: Final = (
    ("net.ipv4.ip_unprivileged_port_start", "0"),
    ("net.ipv4.ping_group_range", "0 2147483647"),
)


def sandbox_sysctls(spec: Mapping[str, Any]) -> dict[str, str]:
    """The sysctls the sandbox is created with: containerd's defaults, then the Pod's."""
    values: dict[str, str] = {}
    if spec.get("hostNetwork") is not True:
        values.update(CONTAINERD_DEFAULTS)
    context = spec.get("securityContext")
    for item in (context.get("sysctls") if isinstance(context, Mapping) else None) or []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            values[to_dots(item["name"])] = str(item.get("value") or "")
    return values


class ProcSys(Volume):
    """``/proc/sys`` as a container reads it: the sandbox's sysctls, one file each.

    Only these are simulated; the kernel prints a vector of integers
    tab-separated (``proc_dointvec``), so ``1024 65535`` reads back ``1024\\t65535``.
    The runtime mounts it read-only (the kubelet's default procMount).

    Its files are written when the tree is first used (``root``, ``used``): most
    containers never read ``/proc/sys`` (the bench's thousand crash loops), and each
    Pod's sandbox would otherwise build its own for nothing (issue #15). The Pod's spec
    is replaced by an apply, never changed in place, so writing them later writes
    what writing them now would have.
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        # Volume.__init__ without root and used (``__getattr__`` builds them):
        # tests/cluster_sim/test_start_path_lazy.py checks the attributes are a Volume's.
        self.name = "proc-sys"
        self.read_only = False
        self.medium = ""
        self.capacity = DATA_CAP
        self._spec: Mapping[str, Any] | None = spec

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes the instance lacks: ``root`` and ``used`` until built.
        spec = self.__dict__.get("_spec")
        if name not in ("root", "used") or spec is None:
            raise AttributeError(name)
        self._spec = None
        self._write(spec)
        return self.__dict__[name]

    @property
    def built(self) -> bool:
        return self._spec is None

    def _write(self, spec: Mapping[str, Any]) -> None:
        self.root = Directory(mode=0o555)
        self.used = 0
        for name, value in sorted(sandbox_sysctls(spec).items()):
            words = value.split()
            shown = "\t".join(words) if words and all(w.isdigit() for w in words) else value
            path = "/" + name.replace(".", "/")
            parts = path.split("/")[1:-1]
            try:
                for depth in range(1, len(parts) + 1):
                    self.add_dir("/" + "/".join(parts[:depth]), mode=0o555)
                self.add_file(path, shown + "\n", mode=0o644)
            except FsError:
                continue  # under a name set as a file (net.ipv4, then net.ipv4.x): skipped


def proc_sys(spec: Mapping[str, Any]) -> Volume:
    """``/proc/sys`` for a sandbox of a Pod with ``spec``, written at first use."""
    return ProcSys(spec)
