"""The container runtime: running containers, their network, signals and memory.

A ``ContainerInstance`` is one run of a container (a container ID): its PID 1
``Process`` driven as a SimPy process, the ports it listens on and the memory
it uses. ``stop()`` is CRI ``StopContainer``: the stop signal, a timeout, then
SIGKILL. The kernel's OOM killer is here too: memory above the container's
limit kills it with reason ``OOMKilled`` and exit code 137.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Protocol

import simpy

from ..model import Container
from ..nodestate import Listener, PodNetwork
from ..userland import Output, Process, Signal, Sleep
from ..userland.actions import Action, Compute
from ..userland.driver import Ended, drive
from ..userland.filesystem import Filesystem, FsError
from ..userland.memory import OutOfMemory  # raised inside a program past the container's limit
from ..userland.replay import NOT_REPLAYABLE, OUTCOMES, Watched, replay_key
from .cpu import CfsStats, CpuAccount, node_cpu

if TYPE_CHECKING:
    from ..nodestate import NodeState, PodRuntime
    from .host import KubeletHost
    from .logs import PodLogs

SimGen = Generator[simpy.Event, Any, Any]
EXIT_SIGKILL = 137  # 128 + 9
EXIT_START_ERROR = 128
# pkg/kubelet/container/runtime.go: what a termination message may hold.
MAX_TERMINATION_MESSAGE_LENGTH = 1024 * 4  # MaxContainerTerminationMessageLength
MAX_TERMINATION_MESSAGE_LOG_LENGTH = 1024 * 2  # MaxContainerTerminationMessageLogLength
MAX_TERMINATION_MESSAGE_LOG_LINES = 80  # MaxContainerTerminationMessageLogLines
DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log"
FALLBACK_TO_LOGS_ON_ERROR = "FallbackToLogsOnError"


def _last_bytes(text: str, limit: int) -> str:
    """The last ``limit`` bytes of ``text`` (a UTF-8 sequence cut at the front is replaced)."""
    if 4 * len(text) <= limit:  # a character is at most 4 bytes: surely short enough
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[-limit:].decode("utf-8", "replace")


def log_tail(log_text: str) -> str:
    """``readLastStringFromContainerLogs``: the last 80 lines, of which the last 2048 bytes."""
    lines = log_text.splitlines(keepends=True)[-MAX_TERMINATION_MESSAGE_LOG_LINES:]
    return _last_bytes("".join(lines), MAX_TERMINATION_MESSAGE_LOG_LENGTH)


def falls_back_to_logs(policy: str, exit_code: int) -> bool:
    """Whether an empty or missing termination message is taken from the log's tail:
    ``FallbackToLogsOnError`` and a failed container (exit code not 0)."""
    return policy == FALLBACK_TO_LOGS_ON_ERROR and exit_code != 0


def termination_message(
    file_text: str | None, policy: str, exit_code: int, log_text: Callable[[], str]
) -> str:
    """The terminated state's ``message``, as the kubelet reads it when a container exits.

    ``getTerminationMessage``: the last 4096 bytes of the file at
    ``terminationMessagePath`` (``file_text``; None when it is gone). With
    ``FallbackToLogsOnError``, a container that failed (exit code not 0) and left
    the file empty gets the tail of its log instead (``log_tail``).
    """
    fallback = falls_back_to_logs(policy, exit_code)
    if file_text is None:
        return log_tail(log_text()) if fallback else ""
    message = _last_bytes(file_text, MAX_TERMINATION_MESSAGE_LENGTH)
    if fallback and not message:
        return log_tail(log_text())
    return message


class ContainerHost(Protocol):
    """What a container needs from its pod worker (``PodWorker``)."""

    host: KubeletHost
    env: simpy.Environment
    rt: PodRuntime
    node: NodeState
    network: PodNetwork
    logs: PodLogs  # its containers' logs: a line and an exit go straight to them

    def container_exited(self, instance: ContainerInstance) -> None: ...

    def signal_sent(self, instance: ContainerInstance, signal: str) -> None: ...

    def log_text(self, c: Container) -> str: ...

    def resources_changed(self, instance: ContainerInstance) -> None: ...


class ContainerHandle:
    """What a process sees of the container it runs in.

    It holds the container weakly: the container holds its processes, which
    hold this handle, and a strong reference back would make every container
    run a reference cycle that only the cyclic collector frees.
    """

    def __init__(self, instance: ContainerInstance) -> None:
        self._ref = weakref.ref(instance)

    @property
    def _instance(self) -> ContainerInstance:
        instance = self._ref()
        if instance is None:
            raise ReferenceError("the container this process ran in is gone")
        return instance

    def now(self) -> int:
        return int(self._instance.env.now)

    def cpu_usage(self, milli_cpu: int, throttled: bool) -> None:
        """What the node's CPU meter calls each second: the container's ``_cpu_usage``.

        The container holds its CPU account, which holds this: held weakly as the
        handle holds it, a gone container's meter reads nothing.
        """
        live = self._ref()
        if live is not None:
            live._cpu_usage(milli_cpu, throttled)

    def listen(
        self,
        port: int,
        protocol: str = "tcp",
        respond: Callable[[str], tuple[int, str]] | None = None,
        serving: Callable[[], str] | None = None,
    ) -> None:
        inst = self._instance
        inst.network.listeners[port] = Listener(protocol, inst.container.name, respond, serving)
        inst.worker.rt.probe_inputs.version += 1

    def signal_pid1(self, name: str) -> None:
        self._instance.deliver(name)

    def pid1_running(self) -> bool:
        return self._instance.exit_code is None

    def pid1_name(self) -> str:
        return self._instance.process.pid1

    def resolve(self, name: str) -> tuple[str, list[str]] | None:
        """Cluster DNS as this Pod's resolv.conf sees it."""
        inst = self._instance
        return inst.worker.host.services.resolve(name, inst.worker.rt)

    def connect(
        self, ip: str, port: int, protocol: str = "TCP", record: bool = True
    ) -> tuple[Listener | None, str]:
        """A connection from this Pod: (the listener it reaches, or the error).

        NetworkPolicies apply (``record`` False: a look that leaves no trace).
        """
        inst = self._instance
        return inst.worker.host.services.connect(ip, port, inst.worker.rt, protocol, record)

    @property
    def pod_ip(self) -> str:
        return self._instance.worker.rt.pod_ip

    def allocate(self, size: int) -> None:
        """Grow the container's memory by ``size`` bytes; raise ``OutOfMemory`` past the limit."""
        self._instance.set_memory(self._instance.memory + size)

    def set_cpu(self, milli_cpu: int) -> None:
        self._instance.set_cpu(milli_cpu)

    @property
    def memory_limit(self) -> int:
        return self._instance.container.limits.memory

    @property
    def memory_usage(self) -> int:
        """The container's memory in use now, in bytes."""
        return self._instance.memory

    def exhaust_memory(self) -> None:
        """A program's memory would grow until the OOM killer strikes: it strikes now.

        The usage jumps to the limit (without one, to what the node has left)
        without the simulator allocating it; then ``OutOfMemory``.
        """
        inst = self._instance
        limit = inst.container.limits.memory
        eviction = inst.worker.node.eviction
        if not limit and eviction is not None:
            limit = inst.memory + max(eviction.available(), 0)
        inst.memory = max(inst.memory, limit)
        inst.worker.resources_changed(inst)
        raise OutOfMemory()

    @property
    def startup_ms(self) -> int:
        """How long a server takes before it answers (a Scenario's startupSeconds)."""
        inst = self._instance
        return inst.worker.host.faults.startup_ms(inst.worker.rt, inst.container)


class ContainerInstance:
    """One run of a container: from ``Started`` to its exit."""

    # What every run starts with, as class attributes: a run stores only what changes.
    exit_code: int | None = None
    reason = ""
    cpu = 0  # CPU a program declares it burns (stress hogs), in millicores
    cpu_used = 0  # millicores the program used in the last whole second
    cpu_throttled = False  # throttled in that second
    message = ""  # the terminated state's message (the termination message)
    charged = 0  # what the node's eviction manager counts for this container
    _pids = 100  # processes exec'd into the container (probes, hooks)
    _waiting_forever: simpy.Event | None = None
    # The container's CPU cgroup, made when its program first computes (``cgroup``): a
    # run that never does (``echo; exit``, a crash loop's) has none, and its cpu.stat
    # counters read 0 as a new account's would.
    cpu_account: CpuAccount | None = None
    _vanished = False
    # terminationMessagePath and terminationMessagePolicy when the manifest leaves them
    # out, as most do: a run stores its own only when its manifest sets them
    message_path = DEFAULT_TERMINATION_MESSAGE_PATH
    message_policy = "File"

    def __init__(
        self,
        worker: ContainerHost,
        container: Container,
        container_id: str,
        argv: tuple[str, ...],
        binaries: frozenset[str],
        env: dict[str, str],
        base_memory: int,
        fs: Filesystem | None = None,
        stop_signal: str = "TERM",
    ) -> None:
        self.worker = worker
        sim = self.env = worker.env
        self.container = container
        self.id = container_id
        self.network: PodNetwork = worker.network
        self.started_at = int(sim._now)  # SimPy's clock without the ``now`` property's call
        self.done = simpy.Event(sim)
        self.memory = 0  # base_memory below, once the filesystem's writes are charged
        self.handle = ContainerHandle(self)
        # the node's scheduler, made at its first start and kept on the node
        self.node_cpu = node_cpu(worker.node)
        self.binaries = binaries
        self.stop_signal = stop_signal
        self.env_vars = env
        self.argv = argv
        self.fs = fs
        # A static script's kept run (``userland.replay``) replays without a process: its
        # ``Process`` is built only if something asks for it (``process``). (A filesystem
        # without a clock gets the process's: that process is made now.)
        key = replay_key(argv, binaries, env) if fs is not None and fs.clock is not None else None
        outcome = None if key is None else OUTCOMES.get(key)
        # the kept run this start replays; else the key whose first run this is (watched)
        self._kept = None if outcome is NOT_REPLAYABLE else outcome
        self._first_of = key if outcome is None else None
        self._process: Process | None = None
        if self._kept is None:
            self._new_process()
        # terminationMessagePath and terminationMessagePolicy: most manifests leave them out
        # and the run keeps the class's defaults (what ``str(field or default)`` gives)
        manifest = container.manifest
        path = manifest.get("terminationMessagePath")
        if path:
            self.message_path = str(path)
            if fs is not None and self.message_path != DEFAULT_TERMINATION_MESSAGE_PATH:
                self._mount_message_file(fs)
        policy = manifest.get("terminationMessagePolicy")
        if policy:
            self.message_policy = str(policy)
        # the meter of the data its programs hold (``Cluster.program_data_bytes`` sums them):
        # its filesystem's, which ``OsProcess`` reads and attaches to the container
        if fs is None:
            self.fs = self.process.fs
            self.meter = self.process.memory
        else:
            self.meter = fs.memory
            if fs.memory.container is None:
                fs.memory.container = self.handle
        self.memory = base_memory
        self.sim_process = simpy.Process(sim, self.run())
        self.worker.resources_changed(self)

    # -- PID 1 ---------------------------------------------------------------

    def run(self) -> SimGen:
        limit = self.container.limits.memory
        if limit and self.memory > limit:  # the runtime alone is more than the limit allows
            self.finish(EXIT_SIGKILL, "OOMKilled")
            return
        try:
            ended = yield from self._pid1()
        except simpy.Interrupt as interrupt:  # SIGKILL, the OOM killer, or a crash
            cause = interrupt.cause
            if isinstance(cause, tuple) and cause[0] == "exit":
                exit_code = cause[1]
                reason = "Completed" if exit_code == 0 else "Error"
            else:
                exit_code = EXIT_SIGKILL
                reason = "OOMKilled" if cause == "OOMKilled" else "Error"
        else:
            exit_code = ended.status or 0
            reason = "Completed" if exit_code == 0 else "Error"
            if ended.oom_killed:
                reason = "OOMKilled"
        self.finish(exit_code, reason)

    @property
    def process(self) -> Process:
        """PID 1's process (a replayed run's, made when asked: see ``_new_process``)."""
        process = self._process
        return process if process is not None else self._new_process()

    def _new_process(self) -> Process:
        # the process copies ``env`` (its own variables): ``env_vars`` stays as given
        process = self._process = Process(
            self.argv, self.binaries, env=self.env_vars, fs=self.fs, container=self.handle
        )
        if self.exit_code is not None:  # a replayed run asked after its end: how it ended
            process.status = self.exit_code
        return process

    def _pid1(self) -> Generator[simpy.Event, Any, Ended]:
        """PID 1's program driven to its end; a static script's kept run replayed instead,
        in this step as the driven one runs (``userland.replay``)."""
        kept = self._kept
        if kept is not None:
            for line in kept.lines:
                self._output(line)
            return kept.ended
        key = self._first_of
        if key is None:
            return (yield from drive(self.process.run(), self._step, self._output))
        watched = Watched(self._step, self._output)  # the key's first run: kept
        ended = yield from drive(self.process.run(), watched.step, watched.output)
        watched.keep(key, ended)
        return ended

    def _step(self, action: Action) -> Generator[simpy.Event, Any, Signal | None]:
        """One action of PID 1 on the node: CPU from the node's scheduler, sleeps, log lines.

        A signal delivered meanwhile (an interrupt whose cause is a ``Signal``) goes
        into the program; any other interrupt ends it (``run``).
        """
        try:
            if isinstance(action, Compute):  # runnable: the node's scheduler says how long
                yield from self.node_cpu.run(self.cgroup(), int(action.ms) * 1000)
            elif isinstance(action, Sleep):
                self._idle()
                if math.isinf(action.ms):
                    self._waiting_forever = self.env.event()
                    yield self._waiting_forever
                else:
                    yield self.env.timeout(action.ms)
            elif isinstance(action, Output):
                self._output(action)
        except simpy.Interrupt as interrupt:
            if isinstance(interrupt.cause, Signal):
                return interrupt.cause
            raise
        return None

    def _output(self, action: Output) -> None:
        """``_step`` for a log line, which ``drive`` calls as a plain function."""
        # to the log without a worker method's frame: a crash loop's every run prints a line
        self.worker.logs.write(self.container.name, action.text, action.stream)

    def _mount_message_file(self, fs: Filesystem) -> None:
        """The kubelet bind-mounts an empty file at ``terminationMessagePath``."""
        if not self.message_path.startswith("/"):
            return  # not a path a mount can have: nothing is mounted, the message stays empty
        parent = self.message_path.rsplit("/", 1)[0] or "/"
        try:
            if not fs.exists(parent):
                fs.mkdir(parent, parents=True)
            fs.write(self.message_path, "")
        except FsError:
            pass  # a path the image cannot hold: the message stays empty

    def _read_message(self) -> None:
        fs = self.fs  # PID 1's (its process need not be made)
        text: str | None = None
        if isinstance(fs, Filesystem):
            try:
                text = fs.read(self.message_path)
            except FsError:
                text = None
        exit_code = self.exit_code or 0
        policy = self.message_policy
        if not text and not falls_back_to_logs(policy, exit_code):
            return  # no file or an empty one, no fallback: ``termination_message`` is ""
        self.message = termination_message(
            text, policy, exit_code, lambda: self.worker.log_text(self.container)
        )

    def vanish(self) -> None:
        """The node died: the process is gone and no kubelet will report how."""
        if self.running:
            self._vanished = True
            self.sim_process.interrupt("vanish")

    def finish(self, exit_code: int, reason: str) -> None:
        self.exit_code = exit_code
        self.worker.rt.probe_inputs.version += 1  # read by its probes; its listeners close
        self.reason = reason
        self._idle()
        self.cpu_used, self.cpu_throttled = 0, False
        self.worker.resources_changed(self)  # an exited container uses no memory
        if self._vanished:
            self.done.succeed()
            return
        if self.network.listeners:  # most containers opened no port: nothing to close
            self.network.close(self.container.name)
        self.worker.logs.close(self.container.name)  # what it printed without a final newline
        self._read_message()
        self.worker.container_exited(self)
        self.done.succeed()

    def next_pid(self) -> int:
        self._pids += 1
        return self._pids

    @property
    def running(self) -> bool:
        return self.exit_code is None

    def deliver(self, name: str) -> str:
        """Send signal ``name`` to PID 1; return how it was taken."""
        if not self.running:
            return "ignored"
        if name == "KILL":
            self.sim_process.interrupt("KILL")
            return "killed"
        how = self.process.signal(name)
        if how == "interrupt":
            self.sim_process.interrupt(Signal(name))
        return how

    # -- resources -----------------------------------------------------------

    def set_memory(self, usage: int) -> None:
        """The kernel charges the container's cgroup; past the limit, the OOM killer."""
        self.memory = usage
        self.worker.resources_changed(self)
        limit = self.container.limits.memory
        if limit and usage > limit:
            raise OutOfMemory()

    def charge(self, usage: int) -> None:
        """Set the usage from outside the program (a Scenario's memory growth)."""
        self.memory = usage
        self.worker.resources_changed(self)
        limit = self.container.limits.memory
        if limit and usage > limit and self.running:
            self.sim_process.interrupt("OOMKilled")

    def exit_with(self, code: int) -> None:
        """PID 1 dies with ``code`` (a crash injected by a Scenario or a user)."""
        if self.running:
            self.sim_process.interrupt(("exit", code))

    def set_cpu(self, milli_cpu: int) -> None:
        self.cpu = milli_cpu
        self.worker.resources_changed(self)

    def _cpu_usage(self, milli_cpu: int, throttled: bool) -> None:
        """The node's CPU meter: what the program used in the last whole second."""
        if self.running:  # an exited container's last record already says 0
            self.cpu_used, self.cpu_throttled = milli_cpu, throttled
            self.worker.resources_changed(self)

    def cgroup(self) -> CpuAccount:
        """The container's CPU account on its node, made at the first use.

        Made later than the start, it is the same: its weight and quota come from the
        container's frozen spec, and a new account holds nothing else.
        """
        account = self.cpu_account
        if account is None:
            container = self.container
            account = self.cpu_account = self.node_cpu.account(
                container.requests.milli_cpu, container.limits.milli_cpu, self.handle.cpu_usage
            )
        return account

    def _idle(self) -> None:
        """PID 1 sleeps or exited: it stops competing for the node's CPUs. (Without an
        account it never ran there: ``NodeCpu.idle`` would change nothing.)"""
        if self.cpu_account is not None:
            self.node_cpu.idle(self.cpu_account)

    @property
    def cfs(self) -> CfsStats:
        """``cpu.stat``: periods, throttled periods and time."""
        return self.cgroup().stats

    # -- CRI StopContainer -------------------------------------------------------

    def stop(self, grace_seconds: int) -> SimGen:
        """Send the image's stop signal, wait up to ``grace_seconds``, then SIGKILL."""
        if not self.running:
            return
        stop_signal = self.stop_signal
        self.worker.signal_sent(self, stop_signal)
        self.deliver(stop_signal)
        if self.running:
            timeout = self.env.timeout(grace_seconds * 1000)
            yield self.done | timeout
        if self.running:
            self.worker.signal_sent(self, "KILL")
            self.deliver("KILL")
            yield self.done
