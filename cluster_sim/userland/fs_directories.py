"""Directory operations on a container's filesystem: mkdir, symlink, remove, rename.

A mixin of ``Filesystem`` (``filesystem``) over its writes (``fs_writing``):
creating and removing entries changes a parent directory (copied up first when
it belongs to the shared image layer) and the space the entries take of their
volume. A mount point, or a directory with a mount below it, cannot be removed
or renamed (``EBUSY``).
"""

from __future__ import annotations

from ..security.credentials import WRITE
from .fs_nodes import (
    EBUSY,
    EEXIST,
    EINVAL,
    EISDIR,
    ENOENT,
    ENOTDIR,
    ENOTEMPTY,
    PATH_MAX,
    Directory,
    FsError,
    Symlink,
    _join,
    _parts,
)
from .fs_paths import Where
from .fs_writing import Writing


class DirectoryOps(Writing):
    """Creating, linking, removing and renaming directory entries."""

    def mkdir(self, path: str, *, parents: bool = False, mode: int = 0o755) -> None:
        if parents:
            self._mkdirs(path, mode=mode, check=True)
            return
        where = self._resolve(path)
        if where.node is not None:
            raise FsError(EEXIST, path)
        if where.parent is None:
            raise FsError(ENOENT, path)
        self._writable(where.parent_mount, path)
        self._allowed(where.parent, WRITE, path)
        self._take(where.parent_mount.volume, path)
        parent = self._own_parent(where)
        parent.entries[where.name] = self._new_dir(parent, mode)
        parent.mtime = self.now()

    def _mkdirs(self, path: str, *, mode: int, check: bool) -> None:
        prefix = "/" if path.startswith("/") else ""
        made: Where | None = None  # the directory the previous step created
        for part in _parts(path):
            prefix = _join(prefix, part) if prefix else part
            if made is not None and part != ".." and len(prefix) < PATH_MAX:
                # In a directory just created, which is empty: what resolving says, unwalked.
                assert isinstance(made.node, Directory)
                chain = [*made.chain, (made.path, made.node, made.mount)]
                child = _join(made.path, part)
                where = Where(child, made.node, made.mount, part, None, made.mount, chain)
            else:
                where = self._resolve(prefix)
            made = None
            if where.node is None:
                if where.parent is None:
                    raise FsError(ENOENT, prefix)
                if check:
                    self._writable(where.parent_mount, prefix)
                    self._allowed(where.parent, WRITE, prefix)
                    self._take(where.parent_mount.volume, prefix)
                parent = self._own_parent(where)
                where.node = parent.entries[where.name] = self._new_dir(parent, mode)
                parent.mtime = self.now()
                made = where
            elif not isinstance(where.node, Directory):
                raise FsError(EEXIST, prefix)

    def symlink(self, target: str, path: str) -> None:
        where = self._resolve(path, follow=False)
        if where.node is not None:
            raise FsError(EEXIST, path)
        if where.parent is None:
            raise FsError(ENOENT, path)
        self._writable(where.parent_mount, path)
        self._allowed(where.parent, WRITE, path)
        self._take(where.parent_mount.volume, path)
        uid, gid = self._new_owner(where.parent)
        parent = self._own_parent(where)
        parent.entries[where.name] = Symlink(target, self.now(), uid=uid, gid=gid)
        parent.mtime = self.now()

    def readlink(self, path: str) -> str:
        node = self.lookup(path, follow=False)
        if not isinstance(node, Symlink):
            raise FsError(EINVAL if node is not None else ENOENT, path)
        return node.target

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """``unlink``, or with ``recursive`` remove a directory and its contents.

        A directory without ``recursive`` raises ``EISDIR``; the caller words it.
        """
        where = self._resolve(path, follow=False)
        node = where.node
        if node is None:
            raise FsError(ENOENT, path)
        if where.parent is None or where.path in self.mounts:
            raise FsError(EBUSY, path)
        if isinstance(node, Directory) and not recursive:
            raise FsError(EISDIR, path)
        self._writable(where.parent_mount, path)
        self._allowed(where.parent, WRITE, path)
        if isinstance(node, Directory):
            inside = where.path.rstrip("/") + "/"
            if any(mounted.startswith(inside) for mounted in self.mounts):
                raise FsError(EBUSY, path)
        self._release(node, where.parent_mount.volume, entry=True)
        parent = self._own_parent(where)
        del parent.entries[where.name]
        parent.mtime = self.now()

    def rmdir(self, path: str) -> None:
        where = self._resolve(path, follow=False)
        node = where.node
        if node is None:
            raise FsError(ENOENT, path)
        if not isinstance(node, Directory):
            raise FsError(ENOTDIR, path)
        if node.entries:
            raise FsError(ENOTEMPTY, path)
        if where.parent is None or where.path in self.mounts:
            raise FsError(EBUSY, path)
        self._writable(where.parent_mount, path)
        self._allowed(where.parent, WRITE, path)
        self._release(node, where.parent_mount.volume, entry=True)
        parent = self._own_parent(where)
        del parent.entries[where.name]
        parent.mtime = self.now()

    def rename(self, source: str, dest: str) -> None:
        src = self._resolve(source, follow=False)
        if src.node is None:
            raise FsError(ENOENT, source)
        if src.parent is None or src.path in self.mounts:
            raise FsError(EBUSY, source)
        # Copied up before ``dest`` resolves: both may share shared directories above them.
        src_parent = self._own_parent(src)
        dst = self._resolve(dest)
        if isinstance(dst.node, Directory):
            dst = self._resolve(_join(dst.path, src.name), follow=False)
        if dst.parent is None:
            raise FsError(ENOENT, dest)
        if isinstance(dst.node, Directory) and not isinstance(src.node, Directory):
            raise FsError(EISDIR, dest)
        self._writable(src.parent_mount, source)
        self._writable(dst.parent_mount, dest)
        self._allowed(src.parent, WRITE, source)
        self._allowed(dst.parent, WRITE, dest)
        if dst.node is not None and dst.node is not src.node:
            self._release(dst.node, dst.parent_mount.volume, entry=True)  # the file replaced
        dst_parent = self._own_parent(dst)
        del src_parent.entries[src.name]
        dst_parent.entries[dst.name] = src.node
        src_parent.mtime = dst_parent.mtime = self.now()
