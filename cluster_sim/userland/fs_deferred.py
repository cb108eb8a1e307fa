"""A container's filesystem whose tree is built at its first use (issue #15).

A container start re-creates its root volume from a ``Skeleton`` (the mount
points, the termination-log file) and its mount table from the one laid out
for the container's plan (the ``template``, ``kubelet.start_plan``), itself
laid out the first time a container of the plan needs it. Most
crash-looping containers never look at their files: ``sh -c "echo starting;
exit 1"`` runs builtins, and the runtime only reads the termination message
when it exits. ``DeferredFilesystem`` is that filesystem with the
re-creation put off until something uses the tree (``root`` or ``mounts``):
then it builds exactly what the start would have built, with the start's time
as the skeleton's mtimes, and is an ordinary ``Filesystem`` from then on.

Until then a ``read`` of a regular path answers from the template if the plan
has one (its tree holds the same contents: the skeleton is a copy of it, shared
volumes are the same objects; a content does not depend on when the tree was
built), else from the plan's layer when the layout cannot change that file
(``unchanged_file``). Anything else (a write, a ``stat`` showing an mtime, a
lookup handing a node out, ``/proc``) builds the tree first.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..security.credentials import READ, Credentials
from .filesystem import Filesystem
from .fs_nodes import Clock, File, Mount
from .layers import Skeleton
from .memory import Memory
from .process_table import ProcessTable

ALL_READ = 0o444  # r for the owner, the group and others


class RootPlan(Protocol):
    """What a start's filesystem is re-created from (``kubelet.start_plan.StartPlan``)."""

    credentials: Credentials
    bind_files: frozenset[str]
    template: Filesystem | None  # None until laid out

    def built(self) -> tuple[Filesystem, Skeleton]: ...

    def unchanged_file(self, path: str) -> File | None: ...


class DeferredFilesystem(Filesystem):
    """``Filesystem(clock, layout=False, root=skeleton.volume(started), mounts=...)``
    over the plan's template and skeleton, its ``root`` and ``mounts`` built on first
    access."""

    def __init__(self, clock: Clock, plan: RootPlan, started: int) -> None:
        # Filesystem.__init__ without root and mounts (``__getattr__`` builds them):
        # test_fs_deferred checks the attributes are those of an eagerly built one.
        self.clock = clock
        self.memory = Memory()
        self.processes = ProcessTable()
        self.credentials = plan.credentials
        self.bind_files = plan.bind_files  # frozen: shared, not copied per start
        self._plan: RootPlan | None = plan
        self._started = started

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes the instance lacks: ``root`` and ``mounts`` until built.
        if name not in ("root", "mounts") or self._plan is None:
            raise AttributeError(name)
        self.build()
        return self.__dict__[name]

    @property
    def built(self) -> bool:
        return self._plan is None

    def build(self) -> None:
        """The tree the start would have built: the skeleton at the start's time."""
        plan = self._plan
        if plan is None:
            return
        template, skeleton = plan.built()
        root = skeleton.volume(self._started)
        self.root = root
        self.mounts = {
            path: Mount("/", root, mount.read_only) if path == "/" else mount
            for path, mount in template.mounts.items()
        }
        self._plan = None

    def read(self, path: str) -> str:
        plan = self._plan
        if plan is not None and "proc" not in path and self.credentials is plan.credentials:
            template = plan.template
            if template is not None:
                return template.read(path)  # the same content, permission and error
            node = plan.unchanged_file(path)
            if node is not None:  # as ``Reading.read`` ends for a file
                # Read bits for owner, group and others: whoever reads may (``may`` gives
                # every reader one of the three, or a capability that reads anything).
                if node.mode & ALL_READ != ALL_READ:
                    self._allowed(node, READ, path)
                return node.content
        return super().read(path)
