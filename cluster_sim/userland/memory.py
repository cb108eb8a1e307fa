"""Memory a container's processes hold, charged to the container as the kernel does.

A shell's variables, the strings it builds while expanding a word, a command
substitution's output, a pipe's buffer and the files it writes to a
memory-backed volume (``emptyDir`` with ``medium: Memory``, a tmpfs) are
memory in the container's cgroup. Each container has one ``Memory`` meter
(kept on its ``Filesystem``, so exec probes and hooks share it); processes
charge it as they grow and release what they hold when they end, without
rescanning anything.

The meter reports to the container in ``GRANULE`` steps through the
runtime's ``ContainerHandle.allocate``, which raises ``OutOfMemory`` past the
container's limit: the runtime ends the container ``OOMKilled`` (137), as the
kernel's OOM killer does (with ``memory.oom.group`` set by the kubelet on
cgroup v2, the whole container goes).

The simulator keeps the data it charges, so it keeps at most ``DATA_CAP``
bytes of it per container. A container whose data grows past that is a
memory bomb the playground ends early, the way it would end anyway: its usage
jumps to its limit (without one, to what the node has left) and the OOM
killer strikes. A process's own pages and kernel structures (a background
job: ``JOB_MEMORY``) are charged without being kept.
Strings a program is about to build are checked before they are built
(``Memory.check``), so a doubling ``x=$x$x`` never makes Python allocate past
the cap either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

GRANULE = 64 * 1024  # usage is reported to the container in steps of this many bytes
DATA_CAP = 16 << 20  # bytes of a container's data the simulator keeps, at most
VARIABLE_OVERHEAD = 48  # ash's struct var and malloc's header, per variable
JOB_MEMORY = 256 * 1024  # a forked ash: its dirty pages, page tables, kernel stack and task
JOB_RECORD = 256  # what a finished job keeps (ash's struct job) until it is waited for
JOB_STORED = 4096  # what the simulator keeps for a live job (its process and generator)


class OutOfMemory(Exception):
    """The container's memory is past its limit: the OOM killer ends it (exit 137)."""


class Memory:
    """What one container's processes hold: ``held`` bytes charged, ``stored`` kept here."""

    __slots__ = ("container", "dead", "held", "on_data", "reported", "stored")

    def __init__(self, container: Any = None) -> None:
        self.container = container  # the runtime's ContainerHandle, or None
        self.held = 0  # bytes the container's cgroup is charged for (data and processes)
        self.stored = 0  # bytes of data the simulator keeps for it (at most DATA_CAP)
        self.reported = 0
        self.dead = False  # the OOM killer struck: the container is gone, nothing to report
        # called when ``stored`` leaves 0: the run's memory budget counts only the meters
        # holding data (``Cluster.container_started``), so it never walks the others
        self.on_data: Callable[[], None] | None = None

    def attach(self, container: Any) -> None:
        """The container whose cgroup pays (set by the first process that has one)."""
        if self.container is None and container is not None:
            self.container = container

    def check(self, size: int) -> None:
        """Raise ``OutOfMemory`` if ``size`` more bytes of data would not fit.

        For transient buffers (a word being expanded): checked, not kept.
        """
        if size <= 0:
            return
        if self.stored + size > DATA_CAP:
            self._exhaust()
        self._check_limit(size)

    def _check_limit(self, size: int) -> None:
        limit = self._limit()
        if limit and self._base() + self.held + size > limit:
            self._exhaust()

    def grow(self, size: int, *, data: bool = True) -> None:
        """Hold ``size`` more bytes (the OOM killer may strike).

        ``data=False`` for memory the simulator does not keep (a process's
        pages and kernel structures): it counts against the limit, not the cap.
        """
        if size <= 0:
            if size < 0:
                self.shrink(-size, data=data)
            return
        if data:
            self.check(size)
            held = self.stored
            self.stored = held + size
            if not held and self.on_data is not None:
                self.on_data()
        else:
            self._check_limit(size)
        self.held += size
        if self.held - self.reported >= GRANULE:
            self._report()

    def shrink(self, size: int, *, data: bool = True) -> None:
        """Let ``size`` bytes go."""
        if data:
            self.stored = max(0, self.stored - size)
        self.held = max(0, self.held - size)
        if self.reported - self.held >= GRANULE:
            self._report()

    def _report(self) -> None:
        delta = self.held - self.reported
        self.reported = self.held
        if self.container is not None and delta and not self.dead:
            try:
                self.container.allocate(delta)  # past the limit: OutOfMemory
            except OutOfMemory:
                self.dead = True
                raise

    def _limit(self) -> int:
        if self.container is None:
            return 0
        return int(getattr(self.container, "memory_limit", 0) or 0)

    def _base(self) -> int:
        """What the container used besides this meter's unreported bytes."""
        usage = getattr(self.container, "memory_usage", None)
        return int(usage) - self.reported if usage is not None else 0

    def _exhaust(self) -> None:
        """The growth would go on until the OOM killer strikes: it strikes now.

        The container's usage shows it at its limit (without one, at what the
        node had left), as it would be when the kernel acts.
        """
        exhaust = getattr(self.container, "exhaust_memory", None)
        self.dead = True
        if exhaust is not None:
            exhaust()  # raises OutOfMemory
        raise OutOfMemory()
