"""A container's filesystem whose tree is built at its first use (issue #15).

A container start re-creates its root volume from a ``Skeleton`` (the mount
points, the termination-log file) and a mount table from the one built at the
first start (the ``template``). Most crash-looping containers never look at
their files: ``sh -c "echo starting; exit 1"`` runs builtins, and the runtime
only reads the termination message when it exits. ``DeferredFilesystem`` is
that filesystem with the re-creation put off until something uses the tree
(``root`` or ``mounts``): then it builds exactly what the start would have
built, with the start's time as the skeleton's mtimes, and is an ordinary
``Filesystem`` from then on.

Until then a ``read`` of a regular path answers from the template, whose tree
holds the same contents (the skeleton is a copy of it, shared volumes are the
same objects): a content does not depend on when the tree was built. Anything
else (a write, a ``stat`` showing an mtime, a lookup handing a node out,
``/proc``) builds the tree first.
"""

from __future__ import annotations

from typing import Any

from .filesystem import Filesystem
from .fs_nodes import Clock, Mount
from .layers import Skeleton
from .memory import Memory
from .process_table import ProcessTable


class DeferredFilesystem(Filesystem):
    """``Filesystem(clock, layout=False, root=skeleton.volume(started), mounts=...)``,
    its ``root`` and ``mounts`` built on first access."""

    def __init__(
        self, clock: Clock, template: Filesystem, skeleton: Skeleton, started: int
    ) -> None:
        # Filesystem.__init__ without root and mounts (``__getattr__`` builds them):
        # test_fs_deferred checks the attributes are those of an eagerly built one.
        self.clock = clock
        self.memory = Memory()
        self.processes = ProcessTable()
        self.credentials = template.credentials
        self.bind_files = set(template.bind_files)
        self._template: Filesystem | None = template
        self._skeleton = skeleton
        self._started = started

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes the instance lacks: ``root`` and ``mounts`` until built.
        if name not in ("root", "mounts") or self._template is None:
            raise AttributeError(name)
        self.build()
        return self.__dict__[name]

    @property
    def built(self) -> bool:
        return self._template is None

    def build(self) -> None:
        """The tree the start would have built: the skeleton at the start's time."""
        template = self._template
        if template is None:
            return
        root = self._skeleton.volume(self._started)
        self.root = root
        self.mounts = {
            path: Mount("/", root, mount.read_only) if path == "/" else mount
            for path, mount in template.mounts.items()
        }
        self._template = None

    def read(self, path: str) -> str:
        template = self._template
        if template is not None and "proc" not in path and self.credentials is template.credentials:
            return template.read(path)  # the same content, permission and error
        return super().read(path)
