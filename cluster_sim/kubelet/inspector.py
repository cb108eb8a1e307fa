"""The inspector's ``kubectl exec``: a look inside a running container that changes nothing.

A run is a pure function of its inputs and its action log, and an exec from
the inspector is not an action: it must leave the run exactly as it was, or
the live run would diverge from its own replay. So the command runs against a
read-only view of the container (``Filesystem.read_only_view``: every write
fails with "Read-only file system", as on a read-only mount) and through a
``ReadOnlyContainer``: it reads the clock, the Pod's DNS and the ports other
processes serve, but its signals reach no process, the ports it would open
stay closed, and the memory and CPU it uses are not the container's (its
memory is still held to the container's limit: past it the command, not the
container, is OOM-killed). It takes no pid from the container's sequence and no
simulated time: a command that would sleep is stopped there, and one that
computes for more than ``MAX_CPU_MS`` of CPU too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..userland import Output, Process, Sleep
from ..userland.actions import Action
from ..userland.driver import Stop, drive_now
from ..userland.memory import OutOfMemory

if TYPE_CHECKING:
    from ..nodestate import Listener
    from .runtime import ContainerHandle, ContainerInstance

INSPECTOR_PID = 99_999  # outside the container's pid sequence (see Simulation.exec)
MAX_OUTPUT_CHARS = 64 * 1024  # what the inspector shows of one command's output
MAX_CPU_MS = 1_000  # simulated CPU one command may use before the inspector stops it
SLEEP_NOTE = "(the inspector does not wait for sleep)\n"
SIGNAL_NOTE = "(the inspector is read-only: the signal was not delivered)\n"
LISTEN_NOTE = "(the inspector is read-only: no port was opened)\n"
OUTPUT_NOTE = "(output cut at {limit} KiB)\n"
OOM_NOTE = "(the command ran out of memory: exit code 137)\n"
CPU_NOTE = "(the inspector stopped the command after {limit:g} s of CPU)\n"


class ReadOnlyContainer:
    """The ``ContainerHandle`` an inspector's exec sees: reads pass, effects are dropped.

    Every method userland calls on ``ContainerHandle`` is here, explicitly: a
    new one must be added (as a read or as a dropped effect), never forwarded
    blindly, or an exec could change the run.
    """

    def __init__(self, handle: ContainerHandle) -> None:
        self._handle = handle
        self.notes: list[str] = []  # what the command tried that a read-only look drops
        self.allocated = 0  # what the command holds, counted here, never charged

    # -- reads -----------------------------------------------------------------

    def now(self) -> int:
        return self._handle.now()

    def pid1_running(self) -> bool:
        return self._handle.pid1_running()

    def pid1_name(self) -> str:
        return self._handle.pid1_name()

    def resolve(self, name: str) -> tuple[str, list[str]] | None:
        return self._handle.resolve(name)

    def connect(
        self, ip: str, port: int, protocol: str = "TCP", record: bool = True
    ) -> tuple[Listener | None, str]:
        # policies still answer, but the look leaves no connection record and no turn taken
        return self._handle.connect(ip, port, protocol, record=False)

    @property
    def pod_ip(self) -> str:
        return self._handle.pod_ip

    @property
    def memory_limit(self) -> int:
        return self._handle.memory_limit

    @property
    def memory_usage(self) -> int:
        """The container's usage as the command sees it: with what the command holds."""
        return self._handle.memory_usage + self.allocated

    @property
    def startup_ms(self) -> int:
        return self._handle.startup_ms

    # -- effects, dropped ------------------------------------------------------

    def listen(
        self,
        port: int,
        protocol: str = "tcp",
        respond: Callable[[str], tuple[int, str]] | None = None,
        serving: Callable[[], str] | None = None,
    ) -> None:
        self._note(LISTEN_NOTE)

    def signal_pid1(self, name: str) -> None:
        self._note(SIGNAL_NOTE)

    def allocate(self, size: int) -> None:
        """The command's memory: past the container's limit it is OOM-killed, never charged."""
        self.allocated += size
        limit = self.memory_limit
        if limit and self.memory_usage > limit:
            raise OutOfMemory()

    def exhaust_memory(self) -> None:
        """A memory bomb: the command is OOM-killed; the container's usage does not move."""
        raise OutOfMemory()

    def set_cpu(self, milli_cpu: int) -> None:
        """CPU the command burns is not the container's."""

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)


def exec_start_error(instance: ContainerInstance, argv: Sequence[str]) -> str | None:
    """kubectl's words when runc cannot start ``argv[0]`` in the container, or None.

    A program the image does not have (distroless has no ``sh``) fails before any
    shell runs, as reported with Kubernetes 1.31 and containerd (grafana/mimir#10571):
    ``error: Internal error occurred: Internal error occurred: error executing command
    in container: failed to exec in container: failed to start exec "<id>": OCI runtime
    exec failed: exec failed: unable to start container process: exec: "sh": executable
    file not found in $PATH: unknown``. The exec id is derived from the container and
    the command (containerd's is random).
    """
    if not argv or argv[0].rsplit("/", 1)[-1] in instance.binaries:
        return None
    name = argv[0]
    if "/" in name:
        if instance.process.fs.lookup(name if name.startswith("/") else f"/{name}") is not None:
            return None  # a script or file of the container's: the userland answers
        detail = f'exec: "{name}": stat {name}: no such file or directory'
    else:
        detail = f'exec: "{name}": executable file not found in $PATH'
    exec_id = hashlib.sha256(f"{instance.id}\0{chr(0).join(argv)}".encode()).hexdigest()
    return (
        "error: Internal error occurred: Internal error occurred: error executing command in "
        f'container: failed to exec in container: failed to start exec "{exec_id}": OCI '
        f"runtime exec failed: exec failed: unable to start container process: {detail}: "
        "unknown\n"
    )


def exec_read_only(instance: ContainerInstance, argv: Sequence[str]) -> tuple[int, str]:
    """Run ``argv`` in ``instance`` without changing it: (exit status, output)."""
    refused = exec_start_error(instance, argv)
    if refused is not None:
        return 1, refused
    container = ReadOnlyContainer(instance.handle)
    process = Process(
        tuple(argv),
        instance.binaries,
        env=dict(instance.env_vars),
        fs=instance.process.fs.read_only_view(),
        container=container,
        pid=INSPECTOR_PID,
    )
    output: list[str] = []
    size = 0
    cpu_ms = 0.0

    def step(action: Action) -> Stop | None:
        nonlocal size, cpu_ms
        if size > MAX_OUTPUT_CHARS:  # the action after the one that passed the limit
            return Stop.STOP
        if type(action) is Sleep:
            output.append(SLEEP_NOTE)
            return Stop.STOP
        if isinstance(action, Sleep):  # CPU work done (``Compute``): no time passes here
            cpu_ms += action.ms
            if cpu_ms > MAX_CPU_MS:
                output.append(CPU_NOTE.format(limit=MAX_CPU_MS / 1000))
                return Stop.STOP
        if isinstance(action, Output):
            output.append(action.text)
            size += len(action.text)
        return None

    ended = drive_now(process.run(), step)
    if ended.oom_killed:
        output.append(OOM_NOTE)
    status = ended.status or 0  # stopped by the inspector: 0, as the command had not failed
    text = "".join(output)
    if size > MAX_OUTPUT_CHARS:
        text = text[:MAX_OUTPUT_CHARS] + OUTPUT_NOTE.format(limit=MAX_OUTPUT_CHARS // 1024)
    return status, text + "".join(container.notes)
