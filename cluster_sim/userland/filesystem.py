"""A container's filesystem: a small in-memory tree with a mount table.

Each container gets a ``Filesystem``: its image's root filesystem plus the
volumes mounted into it. A ``Volume`` is a tree that several filesystems can
mount (an ``emptyDir`` shared by the containers of a Pod); a read-only mount,
or a read-only volume (ConfigMap, Secret), refuses writes with "Read-only file
system". Paths resolve the way the kernel resolves them: component by
component, following symlinks (so a ConfigMap's ``key -> ..data/key`` layout
works) and crossing into a mounted volume at its mount point.

The root volume is an overlay (``layers``): the image's tree is shared by
every container started from it, and the first change to a shared node copies
it (and the directories above it) into the container's own tree.

Times are simulated: a node's ``mtime`` is the value of the ``clock`` the
caller passes in (milliseconds since the simulation's epoch, ``EPOCH``), never
the wall clock. Paths are absolute; a process resolves relative paths against
its working directory before calling in.

Errors are ``FsError`` with the C library's ``strerror`` text as ``reason``,
so utilities can print busybox's messages (``cat: can't open 'x': No such file
or directory``).

``Filesystem`` is this module's mount table and construction over one mixin
per concept: ``fs_paths`` (resolving a path, ``stat``, the permission check),
``fs_reading`` (contents, listings, globbing), ``fs_writing`` (copy-up, file
writes, the space they take) and ``fs_directories`` (mkdir, symlink, remove,
rename). The nodes and volumes are ``fs_nodes``'. Callers import everything
from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from ..security.credentials import ROOT, Credentials
from .fs_directories import DirectoryOps
from .fs_nodes import (
    BLOCK,
    EACCES,
    EBUSY,
    EEXIST,
    EINVAL,
    EISDIR,
    ELOOP,
    ENAMETOOLONG,
    ENOENT,
    ENOSPC,
    ENOTDIR,
    ENOTEMPTY,
    ENTRY_BYTES,
    EPOCH,
    EPOCH_SECONDS,
    EROFS,
    MAX_SYMLINKS,
    PATH_MAX,
    TMPFS_DIRENT,
    Clock,
    Device,
    Directory,
    File,
    FsError,
    Mount,
    Node,
    Stat,
    Symlink,
    Volume,
    basename_of,
    is_plain_path,
    wall_time,
)
from .fs_reading import Reading, glob_escape
from .layers import image_layer
from .memory import Memory
from .process_table import ProcessTable

NO_FILES: frozenset[str] = frozenset()

__all__ = [
    "BLOCK",
    "EACCES",
    "EBUSY",
    "EEXIST",
    "EINVAL",
    "EISDIR",
    "ELOOP",
    "ENAMETOOLONG",
    "ENOENT",
    "ENOSPC",
    "ENOTDIR",
    "ENOTEMPTY",
    "ENTRY_BYTES",
    "EPOCH",
    "EPOCH_SECONDS",
    "EROFS",
    "MAX_SYMLINKS",
    "PATH_MAX",
    "TMPFS_DIRENT",
    "Clock",
    "Device",
    "Directory",
    "File",
    "Filesystem",
    "FsError",
    "Mount",
    "Node",
    "Stat",
    "Symlink",
    "Volume",
    "basename_of",
    "glob_escape",
    "is_plain_path",
    "wall_time",
]


class Filesystem(DirectoryOps, Reading):
    """One container's view: a root volume and the volumes mounted on it.

    ``clock`` returns the simulated time in ms (since ``EPOCH``) used for
    mtimes; without one every mtime is 0 until a ``Process`` lends it its
    clock. Without a ``root`` volume, ``layout`` gives it the default image
    tree (``layers.image_layer``) with ``binaries`` in ``/bin`` and
    ``hostname`` in ``/etc/hostname``. ``mounts`` (which must mount ``root`` at
    ``/``), ``bind_files`` and ``credentials`` replace the defaults: a container
    start re-creates a built filesystem's table without building a default one.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        binaries: Iterable[str] = (),
        hostname: str = "",
        layout: bool = True,
        root: Volume | None = None,
        mounts: dict[str, Mount] | None = None,
        bind_files: AbstractSet[str] | None = None,
        credentials: Credentials = ROOT,
    ) -> None:
        self.clock = clock
        self.memory = Memory()  # what the container's processes hold (see ``memory``)
        if root is None:
            # an overlay of the shared image tree: the container's writes stay its own
            root = image_layer(frozenset(binaries)).volume() if layout else Volume("rootfs")
            if layout and hostname:
                root.add_file("/etc/hostname", hostname + "\n")
        self.root = root
        self.mounts: dict[str, Mount] = {"/": Mount("/", root)} if mounts is None else mounts
        # the container's live processes by pid (``Process`` registers itself): what ps
        # lists. Weak: a process holds its filesystem, and a running one is held by
        # what drives it (its container, its parent's job or pipeline).
        self.processes = ProcessTable()
        # who the container's processes are (containerd gives them all the same user)
        self.credentials: Credentials = credentials
        # files the runtime bind-mounts: writable under readOnlyRootFilesystem (only ever
        # replaced whole, never changed: none is one shared empty set)
        self.bind_files: AbstractSet[str] = NO_FILES if bind_files is None else bind_files

    # -- mounts --------------------------------------------------------------

    def mount(self, path: str, volume: Volume, *, read_only: bool = False) -> Mount:
        """Mount ``volume`` at ``path``, creating the mount point as the runtime does."""
        where = self._resolve(path)
        if where.node is None:
            self._mkdirs(path, mode=0o755, check=False)
            where = self._resolve(path)
        if not isinstance(where.node, Directory):
            raise FsError(ENOTDIR, path)
        mount = Mount(where.path, volume, read_only)
        self.mounts[where.path] = mount
        return mount

    def read_only_view(self) -> Filesystem:
        """The same tree with every mount read-only and a memory meter of its own.

        What the inspector's ``kubectl exec`` runs in: reads see the
        container's files as they are now; every write (``>``, ``touch``,
        ``rm``, ``mkdir``, ``mv``...) fails with ``EROFS`` as on a read-only
        mount, and what the view's processes hold is not the container's.
        """
        mounts = {
            path: Mount(path, mount.volume, read_only=True) for path, mount in self.mounts.items()
        }
        view = Filesystem(
            self.clock, layout=False, root=self.root, mounts=mounts, credentials=self.credentials
        )
        view.processes = self.processes  # ps from the inspector lists the container's
        return view

    def mount_of(self, path: str) -> Mount:
        """The mount holding ``path`` (after symlinks)."""
        return self._resolve(path).mount
