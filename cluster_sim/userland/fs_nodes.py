"""The nodes of a container's filesystem, the volumes holding them, and ``stat``.

Files, directories, symlinks and devices are small records; a ``Volume`` is
a tree of them that filesystems mount (the root filesystem, an emptyDir, a
ConfigMap...). A node with ``lower`` set belongs to a shared image layer
(``layers``): nothing changes it in place; a filesystem copies it up first.

Times are simulated: an ``mtime`` is milliseconds since ``EPOCH``, never the
wall clock. Errors are ``FsError`` with the C library's ``strerror`` text as
``reason``, so utilities can print busybox's messages.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .memory import DATA_CAP

Clock = Callable[[], int]

# The simulation's wall-clock origin: a simulated time of 0 ms is this instant.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
EPOCH_SECONDS = int(EPOCH.timestamp())

ENOENT = "No such file or directory"
ENOTDIR = "Not a directory"
EISDIR = "Is a directory"
EEXIST = "File exists"
EROFS = "Read-only file system"
ENOTEMPTY = "Directory not empty"
EBUSY = "Resource busy"
ELOOP = "Symbolic link loop"
EINVAL = "Invalid argument"
ENOSPC = "No space left on device"
ENAMETOOLONG = "File name too long"
EACCES = "Permission denied"

MAX_SYMLINKS = 40  # the kernel's MAXSYMLINKS
PATH_MAX = 4096  # the kernel's limit on a path, its NUL included
ENTRY_BYTES = 256  # what a new file, directory or link takes of its volume (inode, dirent)
BLOCK = 4096
TMPFS_DIRENT = 20  # mm/shmem.c BOGO_DIRENT_SIZE: what a tmpfs directory's size counts per entry


def is_plain_path(path: str) -> bool:
    """Absolute, under PATH_MAX, no name starting with a dot (so no ``.`` or ``..``), no
    empty component, no trailing slash: a path that resolves component by component,
    with nothing to undo (``Filesystem._node``, ``StartPlan.unchanged_file``)."""
    return (
        len(path) < PATH_MAX
        and path.startswith("/")
        and not path.endswith("/")
        and "/." not in path
        and "//" not in path
    )


def wall_time(ms: float) -> datetime:
    """The simulated wall-clock time ``ms`` milliseconds after ``EPOCH``."""
    return EPOCH + timedelta(milliseconds=ms)


class FsError(Exception):
    """A failed filesystem call: ``reason`` is the ``strerror`` text."""

    def __init__(self, reason: str, path: str) -> None:
        super().__init__(reason, path)  # re-creatable from args (SimPy copies failures)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class File:
    """A regular file.

    ``volume`` is the volume whose space the content takes (None: the root of
    the filesystem the file is in). It is held weakly: a volume's tree holds
    its files, so a strong reference back would make every volume a reference
    cycle that only the cyclic collector frees.
    """

    __slots__ = ("_home", "content", "gid", "lower", "mode", "mtime", "rooted", "uid")

    def __init__(
        self,
        content: str = "",
        mode: int = 0o644,
        mtime: int = 0,
        volume: Volume | None = None,
        uid: int = 0,
        gid: int = 0,
    ) -> None:
        self.content = content
        self.mode = mode
        self.mtime = mtime
        self._home: weakref.ref[Volume] | None = None if volume is None else weakref.ref(volume)
        self.uid = uid
        self.gid = gid
        self.lower = False  # part of a shared image layer: copied up before any change
        # an image layer's file: its content counts against the root volume of the
        # filesystem it is in, wherever it is moved (as a file written there would)
        self.rooted = False

    @property
    def volume(self) -> Volume | None:
        return None if self._home is None else self._home()

    @property
    def size(self) -> int:
        return len(self.content.encode())

    def copy_up(self) -> File:
        copy = File(self.content, self.mode, self.mtime, None, self.uid, self.gid)
        copy._home, copy.rooted = self._home, self.rooted
        return copy


@dataclass(eq=False, slots=True)
class Directory:
    entries: dict[str, Node] = field(default_factory=dict)
    mode: int = 0o755
    mtime: int = 0
    uid: int = 0
    gid: int = 0
    lower: bool = False  # part of a shared image layer: copied up before any change

    def copy_up(self) -> Directory:
        """A private copy whose entries are still the shared ones (copied up in turn)."""
        return Directory(dict(self.entries), self.mode, self.mtime, self.uid, self.gid)


@dataclass(eq=False, slots=True)
class Symlink:
    target: str
    mtime: int = 0
    mode: int = 0o777
    uid: int = 0
    gid: int = 0
    lower: bool = False

    def copy_up(self) -> Symlink:
        return Symlink(self.target, self.mtime, self.mode, self.uid, self.gid)


@dataclass(eq=False, slots=True)
class Device:
    """A character device: ``null`` and ``zero`` discard writes; ``stdout``,
    ``stderr`` and ``stdin`` stand for the opening process's own streams."""

    name: str
    major: int
    minor: int
    mode: int = 0o666
    mtime: int = 0
    uid: int = 0
    gid: int = 0
    lower: bool = False

    def copy_up(self) -> Device:
        return Device(self.name, self.major, self.minor, self.mode, self.mtime, self.uid, self.gid)


Node = File | Directory | Symlink | Device


def basename_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1][:15]  # the kernel's comm: 15 characters


def _parts(path: str) -> list[str]:
    return [p for p in path.split("/") if p and p != "."]


def _join(parent: str, name: str) -> str:
    return f"{parent.rstrip('/')}/{name}"


def _parent(path: str) -> str:
    head, sep, _ = path.rstrip("/").rpartition("/")
    return (head or "/") if sep else "/"


class Volume:
    """A tree that filesystems mount: the image's root, an emptyDir, a ConfigMap...

    ``read_only`` volumes (ConfigMap, Secret, downward API) refuse writes from
    the container wherever they are mounted; the ``add_*`` methods are for the
    kubelet, which fills the volume before (or while) containers use it.
    """

    def __init__(
        self,
        name: str = "",
        *,
        read_only: bool = False,
        medium: str = "",
        capacity: int = DATA_CAP,
        root: Directory | None = None,
    ) -> None:
        self.name = name
        self.read_only = read_only
        # ``root``: a tree built already (a skeleton's copy), not an empty one to replace
        self.root = Directory(mode=0o777) if root is None else root
        self.medium = medium  # "Memory": a tmpfs, whose files are the writer's memory
        self.capacity = capacity  # bytes of file content it takes before ENOSPC
        self.used = 0

    def _dir(self, path: str, mtime: int) -> Directory:
        node = self.root
        for part in _parts(path):
            child = node.entries.get(part)
            if child is None:
                child = node.entries[part] = Directory(mtime=mtime)
            elif not isinstance(child, Directory):
                raise FsError(ENOTDIR, path)
            elif child.lower:  # a shared image directory: this volume's own copy first
                child = node.entries[part] = child.copy_up()
            node = child
        return node

    def add_dir(self, path: str, *, mode: int = 0o755, mtime: int = 0) -> Directory:
        directory = self._dir(path, mtime)
        directory.mode = mode
        return directory

    def add_file(self, path: str, content: str, *, mode: int = 0o644, mtime: int = 0) -> File:
        node = File(content, mode, mtime, self)
        self.used += len(content)
        self._dir(_parent(path), mtime).entries[_parts(path)[-1]] = node
        return node

    def add_symlink(self, path: str, target: str, *, mtime: int = 0) -> Symlink:
        node = Symlink(target, mtime)
        self._dir(_parent(path), mtime).entries[_parts(path)[-1]] = node
        return node

    def remove(self, path: str) -> None:
        """Remove an entry (the kubelet swapping a ConfigMap's ``..data`` link)."""
        self._dir(_parent(path), 0).entries.pop(_parts(path)[-1], None)


@dataclass(frozen=True, slots=True)
class Mount:
    path: str
    volume: Volume
    read_only: bool = False

    @property
    def writable(self) -> bool:
        return not (self.read_only or self.volume.read_only)


@dataclass(frozen=True, slots=True)
class Stat:
    """What ``stat(2)`` says about a node, enough for ``ls -l`` and ``test``."""

    kind: str  # "file" | "directory" | "symlink" | "device"
    mode: int  # permission bits, with setuid/setgid/sticky
    size: int
    mtime: int  # simulated ms since EPOCH
    nlink: int = 1
    target: str = ""  # a symlink's target
    rdev: tuple[int, int] = (0, 0)  # a device's (major, minor)
    tmpfs: bool = False  # on a memory-backed volume: directories take no blocks
    uid: int = 0
    gid: int = 0

    @property
    def is_dir(self) -> bool:
        return self.kind == "directory"

    @property
    def is_file(self) -> bool:
        return self.kind == "file"

    @property
    def blocks(self) -> int:
        """Disk usage in 1 KiB blocks, as ``ls -l``'s ``total`` line counts it."""
        if self.kind == "directory":
            return 0 if self.tmpfs else BLOCK // 1024
        if self.kind == "file":
            return -(-self.size // BLOCK) * (BLOCK // 1024)
        return 0

    @property
    def mode_string(self) -> str:
        """``ls -l``'s first column, e.g. ``drwxrwxrwt`` or ``-rw-r--r--``."""
        kind = {"file": "-", "directory": "d", "symlink": "l", "device": "c"}[self.kind]
        chars = []
        for shift, special, lower, upper in ((6, 0o4000, "s", "S"), (3, 0o2000, "s", "S")):
            bits = (self.mode >> shift) & 7
            chars += ["r" if bits & 4 else "-", "w" if bits & 2 else "-"]
            if self.mode & special:
                chars.append(lower if bits & 1 else upper)
            else:
                chars.append("x" if bits & 1 else "-")
        bits = self.mode & 7
        chars += ["r" if bits & 4 else "-", "w" if bits & 2 else "-"]
        if self.mode & 0o1000:
            chars.append("t" if bits & 1 else "T")
        else:
            chars.append("x" if bits & 1 else "-")
        return kind + "".join(chars)
