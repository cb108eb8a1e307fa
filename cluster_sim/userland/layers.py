"""Copy-on-write image layers: an image's root filesystem built once and shared.

containerd unpacks an image once and gives each container an overlay of it:
the image's tree is the read-only lower layer, the container's writes go to a
writable upper layer of its own, and a new container (a restart) gets a new,
empty upper layer. Here a ``Layer`` is a frozen tree (every node ``lower``) and
the bytes it takes; ``Layer.volume()`` is a container's root volume over it,
whose root directory is the container's own and everything below it shared.
``Filesystem`` and ``Volume`` copy a shared node up (and the directories above
it) before changing it, so a write, a removal, a ``touch`` or a mount point
never reaches the shared tree or another container.

``image_layer`` is the tree every image has (``IMAGE_DIRS``, the devices, the
image's binaries in ``/bin``, busybox's ``/etc/passwd`` and ``/etc/group``),
kept in a small LRU cache keyed by the binaries: a handful of images, never
user input. ``stack`` puts files on a layer (a Pod's ``/etc/hosts``...) and
freezes the result as a new layer.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .fs_nodes import Device, Directory, File, Node, Volume

# What a minimal busybox/alpine image has in /etc.
PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
    "bin:x:2:2:bin:/bin:/bin/false\n"
    "sys:x:3:3:sys:/dev:/bin/false\n"
    "www-data:x:33:33:www-data:/var/www:/bin/false\n"
    "nobody:x:65534:65534:nobody:/home:/bin/false\n"
)
GROUP = (
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nwheel:x:10:root\nwww-data:x:33:\nusers:x:100:\n"
    "nogroup:x:65534:\n"
)
IMAGE_DIRS = (
    ("/bin", 0o755),
    ("/dev", 0o755),
    ("/dev/shm", 0o1777),
    ("/etc", 0o755),
    ("/home", 0o755),
    ("/proc", 0o555),
    ("/root", 0o700),
    ("/sys", 0o555),
    ("/tmp", 0o1777),
    ("/usr", 0o755),
    ("/usr/bin", 0o755),
    ("/usr/sbin", 0o755),
    ("/usr/share", 0o755),
    ("/var", 0o755),
    ("/var/log", 0o755),
    ("/var/tmp", 0o1777),
)
DEVICES = (
    ("null", 1, 3),
    ("zero", 1, 5),
    ("random", 1, 8),
    ("urandom", 1, 9),
    ("stdin", 136, 0),
    ("stdout", 136, 0),
    ("stderr", 136, 0),
)
IMAGE_LAYERS = 16  # distinct binary sets kept: the image catalogue has fewer


@dataclass(frozen=True, slots=True)
class Layer:
    """A frozen tree and the bytes of file content its root volume counts."""

    root: Directory
    used: int

    def volume(self, name: str = "rootfs") -> Volume:
        """A container's root volume over this layer: its own root, the rest shared."""
        volume = Volume(name)
        volume.root = self.root.copy_up()
        volume.used = self.used
        return volume


def freeze(root: Directory) -> Directory:
    """Mark every node not yet shared as ``lower``: from now on it is copied up, never changed.

    A file's content counts against the root volume of whichever filesystem
    holds the layer (``rooted``), not the volume it was written in.
    """
    pending: list[Node] = [root]
    while pending:
        node = pending.pop()
        if node.lower:
            continue  # a shared subtree is frozen all the way down already
        node.lower = True
        if isinstance(node, File):
            node._home, node.rooted = None, True
        elif isinstance(node, Directory):
            pending.extend(node.entries.values())
    return root


@lru_cache(maxsize=IMAGE_LAYERS)
def image_layer(binaries: frozenset[str]) -> Layer:
    """The default image tree with ``binaries`` in ``/bin``: built once per binary set."""
    volume = Volume("rootfs")
    volume.root.mode = 0o755
    for path, mode in IMAGE_DIRS:
        volume.add_dir(path, mode=mode)
    dev = volume.add_dir("/dev", mode=0o755)
    for name, major, minor in DEVICES:
        dev.entries[name] = Device(name, major, minor)
    volume.add_file("/dev/termination-log", "", mode=0o666)
    bin_dir = volume.add_dir("/bin", mode=0o755)
    bin_dir.entries.update(
        (name, File("", 0o755, 0)) for name in sorted(binaries) if name and "/" not in name
    )
    volume.add_file("/etc/passwd", PASSWD)
    volume.add_file("/etc/group", GROUP)
    return Layer(freeze(volume.root), volume.used)


def stack(base: Layer, files: tuple[tuple[str, str], ...], *, counted: int = 0) -> Layer:
    """``base`` with ``files`` (path, content; mode 0644, mtime 0) written over it, frozen.

    ``counted`` adds bytes the root volume counts without a file to show for
    them (content written, then replaced by a later write of the same path).
    """
    volume = base.volume()
    for path, content in files:
        volume.add_file(path, content)
    return Layer(freeze(volume.root), volume.used + counted)


# The mtime a skeleton gives what a container's start creates or changes: each start's own time.
START = -(1 << 62)


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A container's root volume as the runtime leaves it at a start (mount points,
    the termination-log file), built once and re-created per start: its own nodes
    are copied, ``START`` mtimes becoming the start's time; shared nodes stay shared."""

    source: Volume
    # the own nodes below the root, parents first: (index of the parent's copy, name, node)
    plan: tuple[tuple[int, str, Node], ...] = ()

    def __post_init__(self) -> None:
        plan: list[tuple[int, str, Node]] = []
        pending: list[tuple[int, Directory]] = [(0, self.source.root)]
        while pending:  # iterative: a mount point can be as deep as PATH_MAX allows
            index, directory = pending.pop()
            for name, child in directory.entries.items():
                if not child.lower:
                    plan.append((index, name, child))
                    if isinstance(child, Directory):
                        pending.append((len(plan), child))
        object.__setattr__(self, "plan", tuple(plan))

    def volume(self, now: int) -> Volume:
        source = self.source
        root = _copy_dir(source.root, now)
        volume = Volume(
            source.name,
            read_only=source.read_only,
            medium=source.medium,
            capacity=source.capacity,
            root=root,
        )
        volume.used = source.used
        copies: list[Any] = [root]
        # Directories (mount points: most of a plan) inline, without _copy's type tests:
        # this runs at every container start.
        for index, name, node in self.plan:
            if type(node) is Directory:
                copy: Node = _copy_dir(node, now)
            else:
                copy = _copy(node, now, source, volume)
            copies[index].entries[name] = copy
            copies.append(copy)
        return volume


def _copy_dir(node: Directory, now: int) -> Directory:
    mtime = node.mtime
    return Directory(
        dict(node.entries), node.mode, now if mtime == START else mtime, node.uid, node.gid
    )


def _copy(node: Node, now: int, source: Volume, volume: Volume) -> Node:
    mtime = now if node.mtime == START else node.mtime
    if isinstance(node, Directory):
        return Directory(dict(node.entries), node.mode, mtime, node.uid, node.gid)
    if isinstance(node, File):
        home = node.volume
        file = File(node.content, node.mode, mtime, None, node.uid, node.gid)
        file._home, file.rooted = node._home, node.rooted
        if home is source:
            file._home = weakref.ref(volume)
        return file
    other = node.copy_up()
    other.mtime = mtime
    return other
