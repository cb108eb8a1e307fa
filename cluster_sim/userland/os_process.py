"""``OsProcess``: what the kernel keeps of a process in a simulated container.

A program is a generator: it yields ``Sleep`` and ``Output`` actions and
returns its exit status. The kubelet drives it on the simulation clock.

This is the operating-system half of ``process.Process``: its pid and its
children's, its environment, its streams, its memory and CPU accounting, how
it ends (``exit``, fatal errors, SIGPIPE, the EXIT trap) and how PID 1 takes a
signal. Background jobs are ``job_control``'s, word expansion ``expansion``'s
and the shell language ``interpreter``'s; ``Process`` is all four.

Signals follow Linux's rules for PID 1 in a container: a signal whose
disposition is the default is *ignored* by PID 1, so a shell or ``sleep``
running as PID 1 survives SIGTERM and is killed only when the grace period
ends. Programs that install a handler react: servers such as nginx shut down
at once (the kubelet throws ``Signal`` into the generator), and a shell with
``trap ... TERM`` runs the trap after its current foreground command returns,
or at once if it is blocked in ``wait``.

Streams: each process has ``stdin`` (a ``Stdin`` text buffer), ``stdout``
and ``stderr`` (a ``Target``: the container log, a file, a pipe's buffer or
``/dev/null``). Both log streams reach the kubelet as ``Output`` actions,
tagged with their stream, as ``kubectl logs`` shows both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

from .actions import Action, Compute, Output, Program
from .control import (
    SIGNAL_NUMBERS,
    BrokenPipe,
    ExitProgram,
    ReturnFromFunction,
    ShellError,
    StackOverflow,
    WriteError,
)
from .cpu import BURST_MS, QUANTUM_US, SUSTAINED_SLOWDOWN, Cost
from .filesystem import ENOENT, ENOTDIR, Filesystem, FsError
from .memory import VARIABLE_OVERHEAD, Memory
from .registry import BUILTINS, HANDLES, SHELLS, Utility
from .streams import STDERR_LOG, STDOUT_LOG, Log, NullSink, Pipe, Stdin, Target
from .syntax_tree import Node

# Nested commands (function calls, compound commands, subshells, ``eval``) one
# process chain may have running at once; see ``StackOverflow``. Each level is
# a few Python frames: this keeps the userland under ~600 of Python's 1,000.
SHELL_DEPTH = 100
SUBSHELL_DEPTH = 3  # a subshell or command substitution weighs as much as this many levels


# The utility a process's ``run`` starts, for ``_guard`` to call in its own frame: the
# utility, its name without a directory, its argv (a plain tuple: no constructor to call)
Main = tuple[Utility, str, list[str]]


@dataclass(eq=False)
class Job:
    """A background job: a child process's program, resumed at ``wake``."""

    pid: int
    program: Program
    wake: float
    status: int | None = None
    ready: Callable[[], bool] | None = None  # blocked on a pipe: runnable once true

    def due(self) -> float:
        """When it may run next: now if the pipe it waits on has moved."""
        if self.ready is not None and self.ready():
            return -math.inf
        return self.wake


WRITE_BYTE_US = 0.001  # CPU per byte written to a file or a pipe (about 1 GB/s)


def cpu(proc: OsProcess, us: float) -> Generator[Action, None, None]:
    """Charge ``us`` microseconds of bulk work to ``proc`` (``Process.spend``)."""
    return proc.spend(us)


def basename(path: str) -> str:
    if "/" not in path:  # a bare name (``sh``, ``echo``): every exec looks one up
        return path
    return path.rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else path


def errmsg(error: FsError, missing: str) -> str:
    """ash's ``errmsg``: a missing file or directory gets the shell's own wording."""
    return missing if error.reason in (ENOENT, ENOTDIR) else error.reason


class OsProcess:
    """A program in a container, with the container's environment and files.

    ``binaries`` are the executables the image ships; anything else is "not
    found", as in the real image. ``fs`` is the container's filesystem, shared
    by every process of the same container (exec probes, hooks); by default a
    fresh image layout. ``clock`` returns simulated milliseconds (since
    ``filesystem.EPOCH``): the time ``date`` shows and files are stamped with.
    Without one the process uses its filesystem's clock, else its container's
    ``now()``, else it counts the time it has slept (exact, unless a signal
    cuts a sleep short); it lends its clock to a filesystem that has none.
    ``stdin`` is the text the process reads on standard input; ``pid`` is its
    process id (PID 1 is the container's main process); ``container`` is the
    runtime's handle (also settable as an attribute). ``files=`` is accepted
    as the older name of ``fs=``, and ``Process.files`` returns ``fs``.
    """

    # What every process starts with and few change, as class attributes: a process (one
    # per container start, exec probe, hook, subshell) stores only what it sets itself.
    # Immutable values only; the mutable state (env, traps, jobs...) is per instance.
    stdout: Target = STDOUT_LOG
    stderr: Target = STDERR_LOG
    status = 0
    arg0 = "sh"
    last_job = 0
    waiting = False
    _elapsed = 0.0
    _shell = False
    _scheduling = False
    _conditions = 0
    _loops = 0
    _in_trap = False
    _exit_returns = False  # the next ``exit`` returns its status (``exiting.run_main``)
    _sub_status: int | None = None
    cpu_us = 0.0  # CPU work not yet turned into simulated time (see ``spend``)
    cpu_total_us = 0  # CPU work computed so far (``Compute`` actions yielded)
    busy_since: int | None = None  # when it last started computing without blocking
    depth = 0  # nested commands running, this process's ancestors' included
    crashed = False  # died of a stack overflow (SIGSEGV)
    forked = False  # a subshell: it runs its commands itself (ash execs the last)
    running: list[str] | None = None  # the external command it runs now (ps)
    # Shared until a process sets its own: an empty ``Stdin`` has nothing to read, and
    # reading it changes nothing (its position stays 0); positional parameters and
    # options are replaced whole, never changed in place (hence a tuple and a frozenset).
    stdin: Stdin = Stdin()
    positional: Sequence[str] = ()
    options: frozenset[str] = frozenset()

    def __init__(
        self,
        argv: Iterable[str],
        binaries: Iterable[str],
        env: dict[str, str] | None = None,
        fs: Filesystem | None = None,
        *,
        clock: Callable[[], int] | None = None,
        stdin: str | None = None,
        pid: int = 1,
        cwd: str = "/",
        container: Any = None,
        files: Filesystem | None = None,
    ) -> None:
        self.argv = tuple(argv)
        # (a frozenset given, as the runtime's image binaries are, is what ``frozenset`` returns)
        self.binaries = binaries if type(binaries) is frozenset else frozenset(binaries)
        self.env: dict[str, str] = dict(env) if env else {}
        self.exported: set[str] = set(self.env)
        # The container this process runs in, attached by the container runtime
        # (``cluster_sim.kubelet.runtime.ContainerHandle``): servers open ports
        # with ``container.listen(...)``, ``nginx -s quit`` signals PID 1 through
        # it, and its ``now()`` is the clock. None outside a container (tests).
        self.container: Any = container
        fs = fs if fs is not None else files  # ``files=``: the name before the filesystem
        if clock is None and fs is not None and fs.clock is not None:
            clock = fs.clock
        self._clock = clock
        if fs is None:
            fs = Filesystem(
                self.clock, binaries=self.binaries, hostname=self.env.get("HOSTNAME", "")
            )
        elif fs.clock is None:
            fs.clock = self.clock
        self.fs = fs
        memory: Memory = fs.memory  # the container's meter, shared by its processes
        self.memory = memory
        if memory.container is None and container is not None:  # ``attach``, inlined
            memory.container = container
        self.owned: dict[str, int] = {}  # bytes this process charged per variable it set
        self.pid = pid
        self.shell_pid = pid
        self.cwd = cwd
        if stdin:
            self.stdin = Stdin(stdin)
        self.traps: dict[str, str] = {}
        self.pending: list[str] = []
        exe = self.argv[0] if self.argv else ""
        self.pid1 = basename(exe) if "/" in exe else exe
        self.functions: dict[str, Node] = {}
        self.jobs: list[Job] = []
        self._next_pid = [pid + 1 if pid > 1 else 2]  # ``max(pid, 1) + 1`` without the call

    @property
    def files(self) -> Filesystem:
        """The container's filesystem (the older name of ``fs``)."""
        return self.fs

    def clock(self) -> int:
        """Simulated milliseconds: the given clock, else the container's, else time slept."""
        if self._clock is not None:
            return int(self._clock())
        if self.container is not None and hasattr(self.container, "now"):
            return int(self.container.now())
        return int(self._elapsed)

    @property
    def _own_clock(self) -> bool:
        """True when this process measures time by counting its own sleeps."""
        return self._clock is None and not hasattr(self.container, "now")

    # -- children ------------------------------------------------------------

    def _new_pid(self) -> int:
        pid = self._next_pid[0]
        self._next_pid[0] += 1
        return pid

    def _child(self, argv: tuple[str, ...], env: dict[str, str]) -> Self:
        child = type(self)(
            argv,
            self.binaries,
            env,
            self.fs,
            clock=self.clock,
            pid=self._new_pid(),
            cwd=self.cwd,
            container=self.container,
        )
        child._next_pid = self._next_pid
        child.depth = self.depth + SUBSHELL_DEPTH  # a fork copies the stack in use
        child.pid1 = ""
        child.stdin, child.stdout, child.stderr = self.stdin, self.stdout, self.stderr
        return child

    def fork(self) -> Self:
        """A subshell: a copy of this shell (variables, functions, options) in a new process."""
        child = self._child(self.argv, self.env)
        child.exported = set(self.exported)
        child.shell_pid = self.shell_pid
        child.status = self.status
        child.arg0 = self.arg0
        child.positional = self.positional
        child.functions = dict(self.functions)
        child.options = self.options
        child.traps = {name: "" for name, action in self.traps.items() if action == ""}
        child._shell = self._shell
        child.forked = True
        return child

    def spawn(self, argv: list[str]) -> Self:
        """A new program started by this one: it inherits the exported environment only."""
        env = {name: value for name, value in self.env.items() if name in self.exported}
        return self._child(tuple(argv), env)

    # -- the shell, provided by ``interpreter.ShellInterpreter`` ---------------

    def start(self, node: Node) -> Program:
        """Run ``node`` in this process as a whole program: exit, errors, EXIT trap, jobs."""
        raise NotImplementedError

    def run_script(self, script: str) -> Program:
        """Parse and run ``script`` in this process (a trap, ``eval``, a script file)."""
        raise NotImplementedError

    def _subshell(
        self, node: Node, *, stdout: Target | None = None, stdin: Stdin | None = None
    ) -> Program:
        self.charge(Cost.FORK)
        child = self.fork()
        if stdout is not None:
            child.stdout = stdout
        if stdin is not None:
            child.stdin = stdin
        status = yield from child.start(node)
        if child.crashed:  # ash's dowait reports a foreground child's fatal signal
            yield from self.error("Segmentation fault\n")
        return status

    # -- ending ----------------------------------------------------------------

    def _guard(self, program: Program | Main) -> Program:
        """Finish ``program`` the way a process ends: ``exit``, fatal errors, SIGPIPE.

        One generator frame (every action of every process passes through it): the
        process is in the container's process table, what ps lists, while it runs.
        A ``Main`` (the utility a process's ``run`` starts) runs in this frame as
        ``_run_utility`` would run it, but for ``running``: ps shows that of a subshell
        only, and a process ``run`` starts is none.
        """
        table = self.fs.processes
        table.enter(self.pid, self)
        try:
            try:
                if not isinstance(program, tuple):
                    status = yield from program
                else:
                    fn, base, argv = program
                    if base not in BUILTINS:
                        self.cpu_us += Cost.EXEC  # fork + execve, as ``_run_utility`` charges
                    try:
                        status = yield from fn(self, argv, None)
                    except WriteError as exc:  # busybox's xwrite, as ``_run_utility`` reports
                        yield from self.error(f"{base}: write error: {exc.reason}\n")
                        status = 1
            except ExitProgram as done:
                status = done.status
            except ShellError as error:
                yield from self.error(error.message)
                status = error.status
            except BrokenPipe:
                status = 128 + SIGNAL_NUMBERS["PIPE"]
            except ReturnFromFunction as ret:
                status = ret.status
            except StackOverflow:
                self.crashed = True  # killed by the kernel: no EXIT trap
                self.status = 128 + SIGNAL_NUMBERS["SEGV"]
                return self.status
            self.status = status
            handler = self.traps.pop("EXIT", "")
            if handler:
                try:
                    yield from self.run_script(handler)
                except ExitProgram as done:
                    status = done.status
                except StackOverflow:
                    self.crashed = True
                    self.status = status = 128 + SIGNAL_NUMBERS["SEGV"]
            return status
        finally:
            table.leave(self.pid, self)
            if self.owned:  # a process's memory goes when it does
                self.memory.shrink(sum(self.owned.values()))
                self.owned.clear()

    # -- signals -------------------------------------------------------------

    def signal(self, name: str) -> str:
        """How PID 1 takes signal ``name``: ``"interrupt"``, ``"deferred"`` or ``"ignored"``.

        ``interrupt``: the program handles it now; the caller throws ``Signal``
        into the generator (a server, or a shell with a trap blocked in
        ``wait``). ``deferred``: a shell trap runs after the current foreground
        command. ``ignored``: PID 1 with the default disposition.
        """
        if self.pid1 in SHELLS:
            action = self.traps.get(name)
            if action is None or action == "":
                return "ignored"
            self.pending.append(name)
            return "interrupt" if self.waiting else "deferred"
        if name in HANDLES.get(self.pid1, frozenset()):
            return "interrupt"
        return "ignored"

    def run_traps(self) -> Program:
        self._in_trap = True
        try:
            while self.pending:
                name = self.pending.pop(0)
                handler = self.traps.get(name, "")
                if handler:
                    saved = self.status
                    yield from self.run_script(handler)
                    self.status = saved
        finally:
            self._in_trap = False
        return self.status

    def write(self, text: str, redirect: Target | None = None) -> Program:
        """Write ``text`` to ``redirect`` (default: this process's stdout)."""
        target = self.stdout if redirect is None else redirect
        if isinstance(target, Log):
            if text:
                self.cpu_us += Cost.WRITE + len(text) * WRITE_BYTE_US  # ``charge``, inlined
                output = target.last
                if output.text != text:  # the same text as last time: its Output again
                    output = target.last = Output(text, target.stream)
                yield output
        elif isinstance(target, Pipe):
            yield from target.put(text)  # blocks while the pipe is full; SIGPIPE without readers
            yield from cpu(self, Cost.WRITE + len(text) * WRITE_BYTE_US)
        else:
            try:
                target.write(text)
            except FsError as exc:
                raise WriteError(exc.reason) from None
            if not isinstance(target, NullSink):
                yield from cpu(self, Cost.WRITE + len(text) * WRITE_BYTE_US)
        return 0

    def error(self, text: str) -> Program:
        """Write ``text`` to stderr."""
        return (yield from self.write(text, self.stderr))

    def complain(self, text: str, status: int) -> Program:
        """Write ``text`` to stderr, then end with ``status``."""
        yield from self.write(text, self.stderr)
        return status

    def read_stdin(self) -> Generator[Action, None, str]:
        """Everything left on standard input (from a pipe: up to end of file)."""
        return self.stdin.rest()

    def read_chunk(self) -> Generator[Action, None, str | None]:
        """What standard input has now (blocking until it has something); None at EOF."""
        return self.stdin.chunk()

    def read_line(self) -> Generator[Action, None, str | None]:
        """The next line of standard input, with its newline; None at EOF."""
        return self.stdin.line()

    def tick(self) -> Generator[Action, None, None]:
        """One small step of CPU work (``Cost.STEP``)."""
        return self.spend(Cost.STEP)

    # -- CPU (see ``userland.cpu``) --------------------------------------------

    def charge(self, us: float) -> None:
        """Add ``us`` microseconds of CPU work; time passes at the next ``spend`` or block."""
        self.cpu_us += us

    def spend(self, us: float) -> Generator[Action, None, None]:
        """Add ``us`` microseconds of CPU work; once a quantum has built up, compute it.

        Once the process has been runnable for ``BURST_MS`` without blocking,
        its work counts ``SUSTAINED_SLOWDOWN`` times (``userland.cpu``).
        """
        self.cpu_us += us
        if self.cpu_us >= QUANTUM_US:
            ms = int(self.cpu_us // 1000)
            self.cpu_us -= ms * 1000
            now = self.clock()
            if self.busy_since is None:
                self.busy_since = now
            elif now - self.busy_since >= BURST_MS:
                ms *= SUSTAINED_SLOWDOWN
            self.cpu_total_us += ms * 1000
            yield Compute(ms)

    def _absorb(self) -> Generator[Action, None, None]:
        """The process blocks: whole quanta still owed are computed, the rest is absorbed.

        Work under the clock's 1 ms resolution between two sleeps costs no
        visible time (so short scripts keep their timings), deterministically.
        """
        if self.cpu_us >= QUANTUM_US:
            yield from self.spend(0)
        self.cpu_us = 0.0
        self.busy_since = None

    def abspath(self, path: str) -> str:
        if path.startswith("/"):
            return path
        return f"{self.cwd.rstrip('/')}/{path}" if path else self.cwd

    def environ(self) -> dict[str, str]:
        """The exported variables: what a program started now would see."""
        return {name: value for name, value in self.env.items() if name in self.exported}

    def setvar(self, name: str, value: str, *, export: bool = False) -> None:
        """Set a variable: its bytes are this process's memory (the OOM killer may strike)."""
        size = len(name) + len(value) + VARIABLE_OVERHEAD
        self.memory.grow(size - self.owned.get(name, 0))
        self.owned[name] = size
        self.env[name] = value
        if export:
            self.exported.add(name)

    def unsetvar(self, name: str) -> None:
        self.env.pop(name, None)
        self.memory.shrink(self.owned.pop(name, 0))

    def lookup(self, name: str) -> str | None:
        """The value of parameter ``name`` (None: unset)."""
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.shell_pid)
        if name == "#":
            return str(len(self.positional))
        if name == "0":
            return self.arg0
        if name.isdigit():
            index = int(name)
            return self.positional[index - 1] if index <= len(self.positional) else None
        if name == "!":
            return str(self.last_job) if self.last_job else None
        if name == "-":
            return "".join(sorted(self.options))
        if name in ("@", "*"):
            return " ".join(self.positional)
        return self.env.get(name)
