"""Reading a container's filesystem: file contents, directory listings, globbing.

A mixin of ``Filesystem`` (``filesystem``) over its path resolution
(``fs_paths``). ``/proc/<pid>/status`` is read from the container's live
processes rather than stored: its identity and capability lines come from the
container's credentials.
"""

from __future__ import annotations

import fnmatch

from ..security.credentials import READ, proc_status_text
from .fs_nodes import (
    EISDIR,
    ENOENT,
    ENOTDIR,
    Device,
    Directory,
    File,
    FsError,
    Stat,
    _join,
    _parts,
    basename_of,
)
from .fs_paths import PathResolution
from .process_table import ProcessTable


class Reading(PathResolution):
    """``read``, ``listdir``, ``listing`` and ``glob``."""

    # the container's live processes by pid (``Filesystem.processes``)
    processes: ProcessTable

    def read(self, path: str) -> str:
        if "proc" in path:  # only ``/proc/<pid>/status`` is read from elsewhere
            status = self._proc_status(path)
            if status is not None:
                return status
        node = self._node(path)
        if node is None:
            raise FsError(ENOENT, path)
        if isinstance(node, Directory):
            raise FsError(EISDIR, path)
        if isinstance(node, Device):
            return ""
        assert isinstance(node, File)
        self._allowed(node, READ, path)
        return node.content

    def _proc_status(self, path: str) -> str | None:
        """``/proc/<pid>/status`` (and ``self``) of a live process: identity and Cap* lines."""
        parts = _parts(path)
        if len(parts) != 3 or parts[0] != "proc" or parts[2] != "status":
            return None
        pid = min(self.processes, default=1) if parts[1] == "self" else None
        if parts[1].isdigit() and int(parts[1]) in self.processes:
            pid = int(parts[1])
        if pid is None:
            return None
        process = self.processes.get(pid)
        argv = getattr(process, "argv", ()) or ("sh",)
        return proc_status_text(self.credentials, pid, basename_of(argv[0]))

    def listdir(self, path: str) -> list[str]:
        """Entry names, sorted byte-wise (without ``.`` and ``..``)."""
        node = self._node(path)
        if node is None:
            raise FsError(ENOENT, path)
        if not isinstance(node, Directory):
            raise FsError(ENOTDIR, path)
        self._allowed(node, READ, path)
        return sorted(node.entries, key=lambda n: n.encode())

    def listing(self, path: str, *, all: bool = False) -> list[tuple[str, Stat]]:
        """``ls -l`` data: (name, lstat) per entry; ``all`` adds ``.`` and ``..``."""
        names = self.listdir(path)
        rows = [(name, self.lstat(_join(path, name))) for name in names]
        if all:
            dots = [(".", self.stat(path)), ("..", self.stat(_join(path, "..")))]
            rows = sorted(dots + rows, key=lambda row: row[0].encode())
        return rows

    def glob(self, pattern: str, cwd: str = "/") -> list[str]:
        """Pathname expansion: the sorted paths matching ``pattern`` (``*``, ``?``, ``[...]``)."""
        absolute = pattern.startswith("/")
        parts = [p for p in pattern.split("/") if p]
        found = [("/" if absolute else "", "/" if absolute else cwd)]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt: list[tuple[str, str]] = []
            for shown, real in found:
                if not any(c in part for c in "*?["):
                    candidate = _join(real, part)
                    if self.lexists(candidate) if last else self.is_dir(candidate):
                        nxt.append((_join_shown(shown, part), candidate))
                    continue
                if not self.is_dir(real):
                    continue
                for name in self.listdir(real):
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, part):
                        candidate = _join(real, name)
                        if last or self.is_dir(candidate):
                            nxt.append((_join_shown(shown, name), candidate))
            found = nxt
        return sorted((shown for shown, _ in found), key=lambda p: p.encode())


def _join_shown(shown: str, name: str) -> str:
    return _join(shown, name) if shown else name


def glob_escape(text: str) -> str:
    """Quote ``*``, ``?`` and ``[`` so that ``fnmatch`` matches them literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
