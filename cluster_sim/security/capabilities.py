"""Linux capabilities as containerd 2.1 gives them to a container.

``defaultUnixCaps`` (pkg/oci/spec.go) is the starting set for bounding,
permitted and effective; inheritable and ambient stay empty.
``WithCapabilities`` (internal/cri/opts/spec_opts.go): ``add: [ALL]`` takes
every capability the kernel knows, then ``drop: [ALL]`` empties the sets,
then each named add, then each named drop (adds before drops). ``privileged``
gives every known capability. A non-root process keeps only the bounding
set after execve (capabilities(7); no file capabilities in the catalogue
images), so its CapPrm and CapEff are 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Bit numbers from linux/capability.h, up to CAP_CHECKPOINT_RESTORE (5.9+): the
# simulated node's kernel knows 41 capabilities (cap.Known()).
KNOWN: tuple[str, ...] = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
    "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
    "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
    "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
    "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
    "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
)  # fmt: skip
BIT: dict[str, int] = {f"CAP_{name}": bit for bit, name in enumerate(KNOWN)}
ALL_CAPS: frozenset[str] = frozenset(BIT)

# containerd's defaultUnixCaps, in its source order.
DEFAULT: tuple[str, ...] = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
)  # fmt: skip


def cap_name(name: str) -> str:
    """containerd's normalisation: uppercase, ``CAP_`` prefixed."""
    upper = name.upper()
    return upper if upper.startswith("CAP_") else f"CAP_{upper}"


# The known names as the code spells them (``DAC_OVERRIDE``, ``CAP_DAC_OVERRIDE``), each
# already normalised: every file permission check asks ``has("DAC_OVERRIDE")``, and a
# dict hit saves upper-casing and concatenating it each time. A constant table, built
# from ``cap_name`` itself; other spellings still go through ``cap_name``.
_NORMALISED: dict[str, str] = {
    spelling: cap_name(spelling) for name in KNOWN for spelling in (name, f"CAP_{name}")
}


@dataclass(frozen=True, slots=True)
class CapabilitySets:
    bounding: frozenset[str]
    permitted: frozenset[str]
    effective: frozenset[str]
    inheritable: frozenset[str] = frozenset()
    ambient: frozenset[str] = frozenset()

    def has(self, name: str) -> bool:
        return (_NORMALISED.get(name) or cap_name(name)) in self.effective


def resolve(
    add: Iterable[str] = (), drop: Iterable[str] = (), privileged: bool = False
) -> set[str]:
    """The bounding/permitted/effective set a container's spec asks for."""
    if privileged:
        return set(ALL_CAPS)
    add_list, drop_list = list(add), list(drop)
    caps = set(DEFAULT)
    if any(a.upper() == "ALL" for a in add_list):
        caps = set(ALL_CAPS)
    if any(d.upper() == "ALL" for d in drop_list):
        caps = set()
    caps.update(cap_name(a) for a in add_list if a.upper() != "ALL")
    caps.difference_update(cap_name(d) for d in drop_list if d.upper() != "ALL")
    return caps


def process_sets(caps: set[str], uid: int) -> CapabilitySets:
    """What the container's first process holds after execve as ``uid``."""
    bounding = frozenset(caps)
    held = bounding if uid == 0 else frozenset()
    return CapabilitySets(bounding=bounding, permitted=held, effective=held)


def bitmap(caps: Iterable[str]) -> str:
    """The 16-hex-digit mask ``/proc/<pid>/status`` prints."""
    value = 0
    for cap in caps:
        bit = BIT.get(cap)
        if bit is not None:
            value |= 1 << bit
    return f"{value:016x}"


def status_lines(sets: CapabilitySets) -> list[str]:
    """The Cap* lines of ``/proc/<pid>/status``, in the kernel's order."""
    return [
        f"CapInh:\t{bitmap(sets.inheritable)}",
        f"CapPrm:\t{bitmap(sets.permitted)}",
        f"CapEff:\t{bitmap(sets.effective)}",
        f"CapBnd:\t{bitmap(sets.bounding)}",
        f"CapAmb:\t{bitmap(sets.ambient)}",
    ]
