"""A container's process table: its live processes by pid, held weakly.

What ``ps``, ``top`` and ``/proc/<pid>/status`` read (``Filesystem.processes``).
A process holds its filesystem and a running one is held by what drives it (its
container, its parent's job or pipeline), so the table holds each process by a
plain ``weakref.ref``: a strong reference would make every container a
reference cycle (filesystem -> table -> process -> filesystem) that only the
cyclic collector frees, and a process whose driver dropped it without ending it
(a job never run) would stay listed.

It replaces a ``WeakValueDictionary``, whose per-entry ``KeyedRef`` and removal
callback cost several Python-level calls at every process start and end (every
container start runs one). Dead references are not removed by a callback: they
are skipped on every read, and a dead entry never stands in a live process's way
(``enter`` replaces it, a fork's ``table[pid] = child`` overwrites it). A process that ran
leaves the table as it ends (``leave``); only one listed at its fork and dropped
unrun (a subshell's background job) leaves a dead entry, so a fork prunes them
once they could outnumber the live ones.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, MutableMapping
from typing import Any

PRUNE_FLOOR = 64  # a table this small is never pruned: reads skip its dead entries


class ProcessTable(MutableMapping[int, Any]):
    """pid -> live process, a mapping that forgets processes once they are freed."""

    __slots__ = ("_prune_above", "_refs")

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._prune_above = PRUNE_FLOOR  # entries (live or dead) before a fork prunes

    # -- what a process does at its start and end (``OsProcess._guard``) --------

    def enter(self, pid: int, process: object) -> None:
        """List ``process`` under ``pid`` unless a live process is listed there."""
        refs = self._refs
        ref = refs.get(pid)
        if ref is None or ref() is None:
            refs[pid] = weakref.ref(process)

    def leave(self, pid: int, process: object) -> None:
        """Unlist ``process`` if it is the one listed under ``pid``."""
        refs = self._refs
        ref = refs.get(pid)
        if ref is not None and ref() is process:
            del refs[pid]

    # -- the mapping -----------------------------------------------------------

    def __setitem__(self, pid: int, process: Any) -> None:
        refs = self._refs
        refs[pid] = weakref.ref(process)
        if len(refs) > self._prune_above:
            self._refs = {p: ref for p, ref in refs.items() if ref() is not None}
            self._prune_above = max(PRUNE_FLOOR, 2 * len(self._refs))

    def __getitem__(self, pid: int) -> Any:
        process = self._refs[pid]()
        if process is None:
            raise KeyError(pid)
        return process

    def __delitem__(self, pid: int) -> None:
        if self._refs.pop(pid)() is None:
            raise KeyError(pid)

    def __contains__(self, pid: object) -> bool:
        ref = self._refs.get(pid) if isinstance(pid, int) else None
        return ref is not None and ref() is not None

    def __iter__(self) -> Iterator[int]:
        return iter([pid for pid, ref in self._refs.items() if ref() is not None])

    def __len__(self) -> int:
        return sum(1 for ref in self._refs.values() if ref() is not None)
