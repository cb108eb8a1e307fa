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
are skipped on every read, and pids are never reused within a container, so a
dead entry never hides a live one for long (``enter`` replaces one).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, MutableMapping
from typing import Any


class ProcessTable(MutableMapping[int, Any]):
    """pid -> live process, a mapping that forgets processes once they are freed."""

    __slots__ = ("_refs",)

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}

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
        self._refs[pid] = weakref.ref(process)

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
