"""Path resolution: where a path leads in a container's filesystem, and ``stat``.

The base of ``Filesystem`` (``filesystem``): ``_resolve`` walks a path the way
the kernel does, component by component, following symlinks and crossing into
a mounted volume at its mount point, and returns a ``Where`` (the entry, its
parent directory and the chain of directories above it, which a copy-up
replaces). Everything else (reading, writing, directory operations) starts
from it. ``_resolve`` is on the simulator's hot path (every file a container
start touches): it is one loop, with the mount table and the stack in locals.

The permission check (``_allowed``) lives here too: reads and writes both ask it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..security.credentials import Credentials
from .fs_nodes import (
    BLOCK,
    EACCES,
    ELOOP,
    ENAMETOOLONG,
    ENOENT,
    ENOTDIR,
    MAX_SYMLINKS,
    PATH_MAX,
    TMPFS_DIRENT,
    Clock,
    Directory,
    File,
    FsError,
    Mount,
    Node,
    Stat,
    Symlink,
    Volume,
    _parts,
    is_plain_path,
)


@dataclass(slots=True)
class Where:
    """A resolved path: the entry ``name`` in ``parent`` (``node`` if it exists)."""

    path: str  # canonical absolute path of the entry
    parent: Directory | None
    parent_mount: Mount
    name: str
    node: Node | None
    mount: Mount  # the mount the entry itself lives in (its own, for a mount point)
    # (path, directory, mount) from / down to ``parent``: what a copy-up replaces
    chain: list[tuple[str, Directory, Mount]]


class PathResolution:
    """Looking paths up in a root volume and its mounts (``Filesystem`` sets the state)."""

    clock: Clock | None
    root: Volume
    mounts: dict[str, Mount]
    credentials: Credentials

    def now(self) -> int:
        """The simulated time for mtimes, in ms since ``EPOCH`` (0 without a clock)."""
        return int(self.clock()) if self.clock is not None else 0

    def _resolve(self, path: str, *, follow: bool = True) -> Where:
        """Walk ``path``; the last component may be missing (``node`` is None)."""
        if not path:
            raise FsError(ENOENT, path)
        if len(path) >= PATH_MAX:  # paths here are absolute: this also bounds a tree's depth
            raise FsError(ENAMETOOLONG, path)
        mounts = self.mounts
        root_mount = mounts["/"]
        stack: list[tuple[str, Directory, Mount]] = [("/", root_mount.volume.root, root_mount)]
        pending = _parts(path)
        pending.reverse()  # the next component last: popped from the end
        links = 0
        trailing_slash = path.endswith("/")
        while pending:
            comp = pending.pop()
            here, directory, mount = stack[-1]
            if comp == "..":
                if len(stack) > 1:
                    stack.pop()
                continue
            child_path = f"/{comp}" if here == "/" else f"{here}/{comp}"  # ``here`` is canonical
            node: Node | None = directory.entries.get(comp)
            node_mount = mount
            mounted = mounts.get(child_path)
            if mounted is not None and isinstance(node, Directory):
                node, node_mount = mounted.volume.root, mounted
            last = not pending
            if node is None:
                if last:
                    return Where(child_path, directory, mount, comp, None, mount, stack)
                raise FsError(ENOENT, path)
            if isinstance(node, Symlink) and (not last or follow or trailing_slash):
                links += 1
                if links > MAX_SYMLINKS:
                    raise FsError(ELOOP, path)
                if node.target.startswith("/"):
                    del stack[1:]
                pending.extend(reversed(_parts(node.target)))
                continue
            if not last:
                if not isinstance(node, Directory):
                    raise FsError(ENOTDIR, path)
                stack.append((child_path, node, node_mount))
                continue
            if trailing_slash and not isinstance(node, Directory):
                raise FsError(ENOTDIR, path)
            return Where(child_path, directory, mount, comp, node, node_mount, stack)
        here, directory, mount = stack[-1]
        if len(stack) > 1:
            _, parent, parent_mount = stack[-2]
            name = here.rsplit("/", 1)[-1]
            return Where(here, parent, parent_mount, name, directory, mount, stack[:-1])
        return Where("/", None, mount, "", directory, mount, [])

    def _node(self, path: str, *, follow: bool = True) -> Node | None:
        """``_resolve(path, follow=follow).node``, walked without building a ``Where``.

        A plain path (absolute, no ``.``-names, no empty component, no trailing slash)
        whose components are all there and none a symlink resolves component by
        component with nothing to undo: the walk below is ``_resolve``'s for it, down
        to the mount crossing. Anything else (a symlink, a missing or non-directory
        component, ``..``) takes ``_resolve`` itself, which raises what it raises.
        Reads (``cat``, a container's termination message at each exit) go through here.
        """
        if not is_plain_path(path):
            return self._resolve(path, follow=follow).node
        mounts = self.mounts
        node: Node | None = mounts["/"].volume.root
        end = 0
        for comp in path[1:].split("/"):
            if not isinstance(node, Directory):
                return self._resolve(path, follow=follow).node
            end += 1 + len(comp)
            node = node.entries.get(comp)
            mounted = mounts.get(path[:end])
            if mounted is not None and isinstance(node, Directory):
                node = mounted.volume.root
            if node is None or isinstance(node, Symlink):
                return self._resolve(path, follow=follow).node
        return node

    def lookup(self, path: str, *, follow: bool = True) -> Node | None:
        """The node at ``path``, or None if it (or a parent) does not exist."""
        try:
            return self._node(path, follow=follow)
        except FsError:
            return None

    def realpath(self, path: str) -> str:
        where = self._resolve(path)
        if where.node is None:
            raise FsError(ENOENT, path)
        return where.path

    def exists(self, path: str) -> bool:
        return self.lookup(path) is not None

    def lexists(self, path: str) -> bool:
        return self.lookup(path, follow=False) is not None

    def is_dir(self, path: str) -> bool:
        return isinstance(self.lookup(path), Directory)

    def is_file(self, path: str) -> bool:
        return isinstance(self.lookup(path), File)

    def _stat_node(self, node: Node, where: Where | None = None) -> Stat:
        return replace(self._stat_kind(node, where), uid=node.uid, gid=node.gid)

    def _stat_kind(self, node: Node, where: Where | None = None) -> Stat:
        tmpfs = where is not None and where.mount.volume.medium == "Memory"
        if isinstance(node, File):
            return Stat("file", node.mode, node.size, node.mtime, tmpfs=tmpfs)
        if isinstance(node, Directory):
            subdirs = sum(isinstance(n, Directory) for n in node.entries.values())
            # tmpfs sizes a directory at 20 bytes (BOGO_DIRENT_SIZE) per entry, . and .. too
            size = TMPFS_DIRENT * (2 + len(node.entries)) if tmpfs else BLOCK
            return Stat("directory", node.mode, size, node.mtime, nlink=2 + subdirs, tmpfs=tmpfs)
        if isinstance(node, Symlink):
            return Stat("symlink", 0o777, len(node.target.encode()), node.mtime, target=node.target)
        return Stat("device", node.mode, 0, node.mtime, rdev=(node.major, node.minor))

    def stat(self, path: str) -> Stat:
        where = self._resolve(path)
        if where.node is None:
            raise FsError(ENOENT, path)
        return self._stat_node(where.node, where)

    def lstat(self, path: str) -> Stat:
        where = self._resolve(path, follow=False)
        if where.node is None:
            raise FsError(ENOENT, path)
        return self._stat_node(where.node, where)

    def _allowed(self, node: Node | None, want: int, path: str) -> None:
        """``EACCES`` unless the container's credentials may ``want`` (4 r, 2 w) ``node``."""
        if node is not None and not self.credentials.may(node.uid, node.gid, node.mode, want):
            raise FsError(EACCES, path)
