"""Writing a container's files: copy-up, open/append/touch/chmod, and volume space.

A mixin of ``Filesystem`` (``filesystem``) over its path resolution
(``fs_paths``). The root volume is an overlay (``layers``): the first change
to a node of the shared image tree copies it, and the directories above it,
into the container's own tree (``_own``, ``_own_parent``), so no write reaches
another container. Every new entry takes ``ENTRY_BYTES`` of its volume and
every byte written counts against the volume's capacity (``ENOSPC`` when
full); a memory-backed volume's bytes are the container's memory too.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from ..security.credentials import WRITE
from .fs_nodes import (
    EISDIR,
    ENOENT,
    ENOSPC,
    ENTRY_BYTES,
    EROFS,
    Device,
    Directory,
    File,
    FsError,
    Mount,
    Node,
    Volume,
)
from .fs_paths import PathResolution, Where
from .memory import Memory


class Writing(PathResolution):
    """Changing nodes in place: the copy-up, file writes, and the space they take."""

    memory: Memory  # what the container's processes hold (``Filesystem.memory``)
    bind_files: AbstractSet[str]  # files the runtime bind-mounts: writable on a read-only root

    def _own_parent(self, where: Where) -> Directory:
        """``where``'s parent, made the container's own: a directory of the shared
        image layer (``lower``) is copied up, with the shared directories above it."""
        parent = where.parent
        assert parent is not None
        if not parent.lower:
            return parent
        chain = where.chain
        first = next(i for i, (_, directory, _) in enumerate(chain) if directory.lower)
        above = chain[first - 1][1]  # the root directory is always the container's own
        for i in range(first, len(chain)):
            path, directory, mount = chain[i]
            copy = directory.copy_up()
            above.entries[path.rsplit("/", 1)[-1]] = copy
            chain[i] = (path, copy, mount)
            above = copy
        where.parent = above
        return above

    def _own(self, where: Where, node: Node) -> Node:
        """``where``'s node, copied up first if it belongs to the shared image layer."""
        if node.lower:
            node = node.copy_up()
            self._own_parent(where).entries[where.name] = node
            where.node = node
        return node

    def chmod(self, path: str, mode: int) -> None:
        """Set the mode of the node at ``path`` as the runtime does: no permission check."""
        where = self._resolve(path)
        if where.node is None:
            raise FsError(ENOENT, path)
        self._own(where, where.node).mode = mode

    # -- writing -------------------------------------------------------------

    def _writable(self, mount: Mount, path: str) -> None:
        if not mount.writable and path not in self.bind_files:
            raise FsError(EROFS, path)

    def _new_owner(self, parent: Directory) -> tuple[int, int]:
        """A new entry's owner: the process's uid; the parent's gid under a setgid dir."""
        cred = self.credentials
        return cred.uid, parent.gid if parent.mode & 0o2000 else cred.gid

    def _new_dir(self, parent: Directory, mode: int) -> Directory:
        uid, gid = self._new_owner(parent)
        mode |= parent.mode & 0o2000  # a setgid directory's subdirectories inherit it
        return Directory(mode=mode, mtime=self.now(), uid=uid, gid=gid)

    def open(self, path: str, *, append: bool = False, create: bool = True) -> File | Device:
        """Open for writing (``>``/``>>``): create or truncate; return the node to write to."""
        where = self._resolve(path)
        node = where.node
        if node is None:
            if where.parent is None or not create:
                raise FsError(ENOENT, path)
            self._writable(where.parent_mount, path)
            self._allowed(where.parent, WRITE, path)
            self._take(where.parent_mount.volume, path)
            uid, gid = self._new_owner(where.parent)
            node = File(mtime=self.now(), volume=where.parent_mount.volume, uid=uid, gid=gid)
            parent = self._own_parent(where)
            parent.entries[where.name] = node
            parent.mtime = self.now()
            return node
        if isinstance(node, Directory):
            raise FsError(EISDIR, path)
        if isinstance(node, Device):
            return node
        assert isinstance(node, File)
        self._writable(where.mount, path)
        self._allowed(node, WRITE, path)
        node = self._own(where, node)  # the caller writes to it: the container's own copy
        assert isinstance(node, File)
        if not append:
            self._release(node)
            node.content = ""
            node.mtime = self.now()
        return node

    def append(self, node: File, text: str) -> None:
        """Write ``text`` at the end of an open file; ``ENOSPC`` when its volume is full.

        A memory-backed volume's pages are the writer's memory: the container's
        meter grows (the OOM killer may strike first).
        """
        volume = node.volume or self.root
        if volume.used + len(text) > volume.capacity:
            raise FsError(ENOSPC, "")
        if volume.medium == "Memory":
            self.memory.grow(len(text))
        volume.used += len(text)
        node.content += text
        node.mtime = self.now()

    def _take(self, volume: Volume, path: str) -> None:
        """A new entry in ``volume``: it takes ``ENTRY_BYTES`` (``ENOSPC`` when full)."""
        if volume.used + ENTRY_BYTES > volume.capacity:
            raise FsError(ENOSPC, path)
        volume.used += ENTRY_BYTES

    def _release(self, node: Node, volume: Volume | None = None, *, entry: bool = False) -> None:
        """``node``'s content (with ``entry``, the entries under it too) no longer takes space.

        Iterative: a tree can be as deep as ``PATH_MAX`` allows.
        """
        pending = [(node, volume or self.root, entry)]
        while pending:
            item, where, counted = pending.pop()
            if counted:
                where.used = max(0, where.used - ENTRY_BYTES)
            if isinstance(item, Directory):
                pending += [(child, where, True) for child in item.entries.values()]
            elif isinstance(item, File) and item.content:
                home = self.root if item.rooted else (item.volume or where)
                home.used = max(0, home.used - len(item.content))
                if home.medium == "Memory":
                    self.memory.shrink(len(item.content))

    def write(self, path: str, text: str, *, append: bool = False) -> None:
        node = self.open(path, append=append)
        if isinstance(node, File):
            self.append(node, text)

    def touch(self, path: str) -> None:
        """Create an empty file, or update an existing node's mtime."""
        where = self._resolve(path)
        if where.node is None:
            self.open(path)
            return
        self._writable(where.mount, path)
        self._allowed(where.node, WRITE, path)
        self._own(where, where.node).mtime = self.now()
