"""What a container's starts re-create their filesystems from, laid out when first needed.

A start whose mounts only add to the container's own root volume
(``PodVolumes._replayable``) gets the same tree every time: the root layer,
the mount points the runtime makes, the mounts, the termination-message file.
``StartPlan`` holds what that tree is a function of, captured at the start
that made the plan: the layer, the mounts in the order the runtime makes
them (each volume by identity), the message path and securityContext's read-only
root, and the credentials. The tree itself (the ``template``, laid out with
``START`` for the start's time, and its ``Skeleton``) is built the first time a
container of the plan uses its filesystem (``userland.fs_deferred``): a
crash-looping ``sh -c "echo starting; exit 1"`` never does, so its Pod never
lays one out. Laying out touches nothing but the new tree: no mount point is
inside another mount, and the image layers have no symlinks to lead a path
out of the root volume.

Until the tree is built, ``unchanged_file`` answers a read the layout cannot
change (the termination message the runtime reads at each exit).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from ..security.credentials import Credentials
from ..userland.filesystem import (
    Directory,
    File,
    Filesystem,
    FsError,
    Mount,
    Volume,
    is_plain_path,
)
from ..userland.layers import START, Layer, Skeleton

MESSAGE_MODE = 0o666  # the kubelet's termination-message file
UNCHANGED_KEPT = 16  # paths whose ``unchanged_file`` answer a plan keeps


@dataclass(frozen=True, slots=True)
class RootMount:
    """One mount of a start, in the order the runtime makes them."""

    path: str
    volume: Volume
    read_only: bool
    # the kubelet's mount point (``mkdir -p`` as the container's user, then mount; a
    # failure skips the mount) rather than the runtime's own (``Filesystem.mount``)
    kubelet: bool
    optional: bool  # a failure leaves the mount out instead of failing the start


def mount(fs: Filesystem, path: str, volume: Volume, read_only: bool) -> None:
    """The runtime creates the mount point, parents included, then mounts."""
    if not fs.exists(path):
        fs.mkdir(path, parents=True)
    fs.mount(path, volume, read_only=read_only)


def bind_files(message: str, read_only_root: bool) -> frozenset[str]:
    """The files the runtime bind-mounts, writable under ``readOnlyRootFilesystem``."""
    if not read_only_root:
        return frozenset()
    return frozenset({"/etc/hosts", "/etc/resolv.conf", "/etc/hostname", message})


def secure(fs: Filesystem, message: str, read_only_root: bool, credentials: Credentials) -> None:
    """Last, as the runtime does it: the termination-message file (0666, the
    kubelet's), ``readOnlyRootFilesystem`` (the runtime's bind mounts stay
    writable) and the credentials the container's processes run with."""
    if message.startswith("/"):
        with contextlib.suppress(FsError):
            parent = message.rsplit("/", 1)[0] or "/"
            if not fs.exists(parent):
                fs.mkdir(parent, parents=True)
            if not fs.exists(message):
                fs.write(message, "")
            node = fs.lookup(message)
            if node is not None and not isinstance(node, Directory) and node.mode != MESSAGE_MODE:
                fs.chmod(message, MESSAGE_MODE)
    if read_only_root:
        fs.mounts["/"] = Mount("/", fs.root, read_only=True)
        fs.bind_files = set(bind_files(message, read_only_root))
    fs.credentials = credentials


def lay_out(
    fs: Filesystem,
    mounts: tuple[RootMount, ...],
    message: str,
    read_only_root: bool,
    credentials: Credentials,
) -> None:
    """The runtime's work at a start: mount points, mounts, the termination-message file."""
    for m in mounts:
        try:
            if m.kubelet:
                mount(fs, m.path, m.volume, m.read_only)
            else:
                fs.mount(m.path, m.volume, read_only=m.read_only)
        except FsError:
            if not m.optional:
                raise
    secure(fs, message, read_only_root, credentials)


@dataclass(eq=False, slots=True)
class StartPlan:
    """A container's starts' filesystem: what it was planned from (compared by identity
    to tell whether the plan still holds), what it is laid out from, and, once built,
    the template (at ``START``) and its skeleton."""

    manifest: Any  # the container's, replaced by an apply
    inputs: tuple[Any, ...]  # ``PodFiles.inputs``: a new tuple when the Pod's changed
    binaries: frozenset[str]
    image: Any
    layer: Layer
    mounts: tuple[RootMount, ...]
    message: str
    read_only_root: bool
    credentials: Credentials  # ROOT without an image
    bind_files: frozenset[str]
    template: Filesystem | None = None
    skeleton: Skeleton | None = None
    # path -> ``unchanged_file``'s answer: a function of the frozen layer, the mounts and
    # the message path, asked again at every exit of a crash loop (the termination message)
    _unchanged: dict[str, File | None] = field(default_factory=dict, init=False, repr=False)

    def built(self) -> tuple[Filesystem, Skeleton]:
        """The template and its skeleton, laid out the first time they are asked for."""
        if self.template is None or self.skeleton is None:
            template = Filesystem(lambda: START, layout=False, root=self.layer.volume())
            lay_out(template, self.mounts, self.message, self.read_only_root, self.credentials)
            self.template, self.skeleton = template, Skeleton(template.root)
        return self.template, self.skeleton

    def unchanged_file(self, path: str) -> File | None:
        """The layer's file at ``path`` when laying out cannot change what reading it gives:
        a plain absolute path with no mount at or above it, walked to a file without a
        symlink (the layout only adds directories and mounts on other paths), and not a
        termination-message file the layout would create or chmod. Else None.

        Kept per path (a few: paths are the reader's) since nothing it depends on changes:
        the layer is frozen (a write copies a directory up, out of it)."""
        known = self._unchanged
        if path in known:
            return known[path]
        node = self._unchanged_file(path)
        if len(known) < UNCHANGED_KEPT:
            known[path] = node
        return node

    def _unchanged_file(self, path: str) -> File | None:
        if not is_plain_path(path):
            return None
        for m in self.mounts:
            if path == m.path or path.startswith(m.path + "/"):
                return None
        node: Any = self.layer.root
        for comp in path[1:].split("/"):
            if not isinstance(node, Directory):
                return None
            node = node.entries.get(comp)
        if not isinstance(node, File) or (path == self.message and node.mode != MESSAGE_MODE):
            return None
        return node
