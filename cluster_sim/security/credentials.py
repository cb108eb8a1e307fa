"""A process's credentials and the kernel's permission check on a file.

All processes of a container share the credentials containerd gave its
first process (``kubectl exec`` gets the same user, groups and capabilities).
The check is ``generic_permission``: CAP_DAC_OVERRIDE passes reads and
writes (execute needs some x bit), CAP_DAC_READ_SEARCH passes reads; else the
owner's, the group's (primary or supplementary) or the others' bits decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .capabilities import CapabilitySets, process_sets, resolve, status_lines

READ, WRITE, EXEC = 4, 2, 1


def _root_sets() -> CapabilitySets:
    return process_sets(resolve(), 0)


@dataclass(frozen=True, slots=True)
class Credentials:
    uid: int = 0
    gid: int = 0
    groups: tuple[int, ...] = (0, 10)  # busybox's root: root and wheel
    caps: CapabilitySets = field(default_factory=_root_sets)
    no_new_privs: bool = False
    seccomp: bool = False  # a seccomp filter (RuntimeDefault or Localhost); the default is none

    def in_group(self, gid: int) -> bool:
        return gid == self.gid or gid in self.groups

    def may(self, owner: int, group: int, mode: int, want: int) -> bool:
        """May this process read (4), write (2) or execute (1) a node with these bits?"""
        if self.caps.has("DAC_OVERRIDE"):
            return not want & EXEC or bool(mode & 0o111)
        if want == READ and self.caps.has("DAC_READ_SEARCH"):
            return True
        if self.uid == owner:
            bits = (mode >> 6) & 7
        elif self.in_group(group):
            bits = (mode >> 3) & 7
        else:
            bits = mode & 7
        return bits & want == want


ROOT = Credentials()


def proc_status_text(cred: Credentials, pid: int, name: str) -> str:
    """``/proc/<pid>/status`` in the kernel's field order (memory and signal lines
    left out): what ``grep Cap`` and ``grep -E 'Uid|Gid|Groups'`` look at."""
    ids = (cred.uid,) * 4
    gids = (cred.gid,) * 4
    lines = [
        f"Name:\t{name}",
        "Umask:\t0022",
        "State:\tS (sleeping)",
        f"Tgid:\t{pid}",
        "Ngid:\t0",
        f"Pid:\t{pid}",
        f"PPid:\t{0 if pid == 1 else 1}",
        "TracerPid:\t0",
        "Uid:\t" + "\t".join(map(str, ids)),
        "Gid:\t" + "\t".join(map(str, gids)),
        "FDSize:\t64",
        "Groups:\t" + " ".join(map(str, cred.groups)) + " ",
        f"NStgid:\t{pid}",
        f"NSpid:\t{pid}",
        "Threads:\t1",
        *status_lines(cred.caps),
        f"NoNewPrivs:\t{1 if cred.no_new_privs else 0}",
        f"Seccomp:\t{2 if cred.seccomp else 0}",
        f"Seccomp_filters:\t{1 if cred.seccomp else 0}",
    ]
    return "\n".join(lines) + "\n"
