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
"""

from __future__ import annotations

import fnmatch
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..security.credentials import READ, ROOT, WRITE, Credentials, proc_status_text
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
    _join,
    _parts,
    basename_of,
    wall_time,
)
from .layers import image_layer
from .memory import Memory

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
    "wall_time",
]


@dataclass(slots=True)
class _Where:
    """A resolved path: the entry ``name`` in ``parent`` (``node`` if it exists)."""

    path: str  # canonical absolute path of the entry
    parent: Directory | None
    parent_mount: Mount
    name: str
    node: Node | None
    mount: Mount  # the mount the entry itself lives in (its own, for a mount point)
    # (path, directory, mount) from / down to ``parent``: what a copy-up replaces
    chain: list[tuple[str, Directory, Mount]]


class Filesystem:
    """One container's view: a root volume and the volumes mounted on it.

    ``clock`` returns the simulated time in ms (since ``EPOCH``) used for
    mtimes; without one every mtime is 0 until a ``Process`` lends it its
    clock. Without a ``root`` volume, ``layout`` gives it the default image
    tree (``layers.image_layer``) with ``binaries`` in ``/bin`` and
    ``hostname`` in ``/etc/hostname``.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        binaries: Iterable[str] = (),
        hostname: str = "",
        layout: bool = True,
        root: Volume | None = None,
    ) -> None:
        self.clock = clock
        self.memory = Memory()  # what the container's processes hold (see ``memory``)
        if root is None:
            # an overlay of the shared image tree: the container's writes stay its own
            root = image_layer(frozenset(binaries)).volume() if layout else Volume("rootfs")
            if layout and hostname:
                root.add_file("/etc/hostname", hostname + "\n")
        self.root = root
        self.mounts: dict[str, Mount] = {"/": Mount("/", self.root)}
        # the container's live processes by pid (``Process`` registers itself): what ps
        # lists. Weak: a process holds its filesystem, and a running one is held by
        # what drives it (its container, its parent's job or pipeline).
        self.processes: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        # who the container's processes are (containerd gives them all the same user)
        self.credentials: Credentials = ROOT
        # files the runtime bind-mounts: writable under readOnlyRootFilesystem
        self.bind_files: set[str] = set()

    def now(self) -> int:
        return int(self.clock()) if self.clock is not None else 0

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
        view = Filesystem(self.clock, layout=False, root=self.root)
        view.mounts = {
            path: Mount(path, mount.volume, read_only=True) for path, mount in self.mounts.items()
        }
        view.processes = self.processes  # ps from the inspector lists the container's
        view.credentials = self.credentials
        view.bind_files = set()
        return view

    def mount_of(self, path: str) -> Mount:
        """The mount holding ``path`` (after symlinks)."""
        return self._resolve(path).mount

    # -- resolution ----------------------------------------------------------

    def _resolve(self, path: str, *, follow: bool = True) -> _Where:
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
                    return _Where(child_path, directory, mount, comp, None, mount, stack)
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
            return _Where(child_path, directory, mount, comp, node, node_mount, stack)
        here, directory, mount = stack[-1]
        if len(stack) > 1:
            _, parent, parent_mount = stack[-2]
            name = here.rsplit("/", 1)[-1]
            return _Where(here, parent, parent_mount, name, directory, mount, stack[:-1])
        return _Where("/", None, mount, "", directory, mount, [])

    def lookup(self, path: str, *, follow: bool = True) -> Node | None:
        """The node at ``path``, or None if it (or a parent) does not exist."""
        try:
            return self._resolve(path, follow=follow).node
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

    def _stat_node(self, node: Node, where: _Where | None = None) -> Stat:
        return replace(self._stat_kind(node, where), uid=node.uid, gid=node.gid)

    def _stat_kind(self, node: Node, where: _Where | None = None) -> Stat:
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

    # -- reading -------------------------------------------------------------

    def read(self, path: str) -> str:
        status = self._proc_status(path)
        if status is not None:
            return status
        node = self._resolve(path).node
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
        node = self._resolve(path).node
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

    # -- copy-up -------------------------------------------------------------

    def _own_parent(self, where: _Where) -> Directory:
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

    def _own(self, where: _Where, node: Node) -> Node:
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

    def _allowed(self, node: Node | None, want: int, path: str) -> None:
        """``EACCES`` unless the container's credentials may ``want`` (4 r, 2 w) ``node``."""
        if node is not None and not self.credentials.may(node.uid, node.gid, node.mode, want):
            raise FsError(EACCES, path)

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
        made: _Where | None = None  # the directory the previous step created
        for part in _parts(path):
            prefix = _join(prefix, part) if prefix else part
            if made is not None and part != ".." and len(prefix) < PATH_MAX:
                # In a directory just created, which is empty: what resolving says, unwalked.
                assert isinstance(made.node, Directory)
                chain = [*made.chain, (made.path, made.node, made.mount)]
                child = _join(made.path, part)
                where = _Where(child, made.node, made.mount, part, None, made.mount, chain)
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


def _join_shown(shown: str, name: str) -> str:
    return _join(shown, name) if shown else name


def glob_escape(text: str) -> str:
    """Quote ``*``, ``?`` and ``[`` so that ``fnmatch`` matches them literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
