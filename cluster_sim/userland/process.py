"""``Process``: one program running in a simulated container.

A program is a generator: it yields ``Sleep`` and ``Output`` actions and
returns its exit status. The kubelet drives it on the simulation clock.

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

Background jobs (``cmd &``) are child processes this process schedules on the
same clock: while the foreground sleeps or ``wait``s, the jobs run, and their
sleeps and output interleave with the foreground's.
"""

from __future__ import annotations

import fnmatch
import functools
import math
import re
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

from .actions import Action, Block, Compute, Output, Program, Sleep, WaitJobs, any_of
from .arithmetic import _Arithmetic
from .control import (
    SIGNAL_NUMBERS,
    BrokenPipe,
    ExitProgram,
    ShellError,
    Signal,  # noqa: F401  (re-exported: servers, the package)
    StackOverflow,
    WriteError,
)
from .cpu import BURST_MS, QUANTUM_US, SUSTAINED_SLOWDOWN, Cost
from .filesystem import ENOENT, ENOTDIR, Device, File, Filesystem, FsError, glob_escape
from .memory import JOB_MEMORY, JOB_RECORD, JOB_STORED, VARIABLE_OVERHEAD, Memory
from .pipeline import Stage, run_stages
from .regex import glob_prefix
from .streams import (
    NULL,
    PIPE_CAPACITY,
    STDERR_LOG,
    STDOUT_LOG,
    Capture,
    FileSink,
    Log,
    NullSink,
    Pipe,
    PipeReader,
    Stdin,
    Target,
)
from .syntax import (
    AndOr,
    Arith,
    Background,
    Case,
    CommandSub,
    For,
    FunctionDef,
    Group,
    If,
    Lit,
    Loop,
    NestingTooDeep,
    Node,
    Param,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
    ShellSyntaxError,
    SimpleCommand,
    Subshell,
    Word,
    parse,
)

Utility = Callable[["Process", list[str], "Target | None"], Program]

SHELLS = frozenset({"sh", "bash", "dash", "ash"})
# Re-exported: the actions (``actions``) and the streams (``streams``) a program uses.
__all__ = [
    "NULL",
    "PIPE_CAPACITY",
    "STDERR_LOG",
    "STDOUT_LOG",
    "Action",
    "Block",
    "Capture",
    "Compute",
    "FileSink",
    "Log",
    "NullSink",
    "Output",
    "Pipe",
    "PipeReader",
    "Process",
    "Program",
    "Sleep",
    "Stdin",
    "Target",
    "WaitJobs",
    "utility",
]

# Nested commands (function calls, compound commands, subshells, ``eval``) one
# process chain may have running at once; see ``StackOverflow``. Each level is
# a few Python frames: this keeps the userland under ~600 of Python's 1,000.
SHELL_DEPTH = 100
SUBSHELL_DEPTH = 3  # a subshell or command substitution weighs as much as this many levels

# The commands images ship, by name; filled by ``utilities`` and ``servers``.
UTILITIES: dict[str, Utility] = {}
# Utilities that install their own handler for these signals when PID 1.
HANDLES: dict[str, frozenset[str]] = {}
# Shell builtins: available in any image that has a shell.
BUILTINS = frozenset(
    {
        "exit",
        ":",
        "true",
        "false",
        "echo",
        "trap",
        "test",
        "[",
        "printf",
        "kill",
        "wait",
        "export",
        "unset",
        "set",
        "read",
        "cd",
        "pwd",
        "break",
        "continue",
        "return",
        "shift",
        "exec",
        "eval",
        ".",
        "source",
        "local",
        "command",
    }
)


def utility(*names: str, handles: frozenset[str] = frozenset()) -> Callable[[Utility], Utility]:
    """Register a command under ``names``; ``handles`` lists signals it traps."""

    def register(fn: Utility) -> Utility:
        for name in names:
            UTILITIES[name] = fn
            if handles:
                HANDLES[name] = handles
        return fn

    return register


# -- signals and control flow: see ``control`` ------------------------------

_BROKE = object()  # a loop body ended with break
_CONTINUED = object()  # a loop body ended with continue


class _Break(Exception):
    def __init__(self, levels: int) -> None:
        self.levels = levels


class _Continue(Exception):
    def __init__(self, levels: int) -> None:
        self.levels = levels


class _Return(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


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
GLOB_ENTRY_US = 1  # CPU per path a pathname expansion yields (readdir, fnmatch)


def cpu(proc: Process, us: float) -> Generator[Action, None, None]:
    """Charge ``us`` microseconds of bulk work to ``proc`` (``Process.spend``)."""
    return proc.spend(us)


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else path


def errmsg(error: FsError, missing: str) -> str:
    """ash's ``errmsg``: a missing file or directory gets the shell's own wording."""
    return missing if error.reason in (ENOENT, ENOTDIR) else error.reason


Segment = tuple[str, bool, bool] | None  # (text, split, glob); None separates "$@" fields


class Process:
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
        self.binaries = frozenset(binaries)
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
        self._elapsed = 0.0
        if fs is None:
            fs = Filesystem(
                self.clock, binaries=self.binaries, hostname=self.env.get("HOSTNAME", "")
            )
        elif fs.clock is None:
            fs.clock = self.clock
        self.fs = fs
        self.memory: Memory = fs.memory  # the container's meter, shared by its processes
        self.memory.attach(container)
        self.owned: dict[str, int] = {}  # bytes this process charged per variable it set
        self.pid = pid
        self.shell_pid = pid
        self.cwd = cwd
        self.stdin = Stdin(stdin or "")
        self.stdout: Target = STDOUT_LOG
        self.stderr: Target = STDERR_LOG
        self.status = 0
        self.traps: dict[str, str] = {}
        self.pending: list[str] = []
        self.pid1 = basename(self.argv[0]) if self.argv else ""
        self.arg0 = "sh"
        self.positional: list[str] = []
        self.functions: dict[str, Node] = {}
        self.options: set[str] = set()
        self.jobs: list[Job] = []
        self.last_job = 0
        self.waiting = False
        self._next_pid = [max(pid, 1) + 1]
        self._shell = False
        self._scheduling = False
        self._conditions = 0
        self._loops = 0
        self._in_trap = False
        self._sub_status: int | None = None
        self.cpu_us = 0.0  # CPU work not yet turned into simulated time (see ``spend``)
        self.cpu_total_us = 0  # CPU work computed so far (``Compute`` actions yielded)
        self.busy_since: int | None = None  # when it last started computing without blocking
        self.depth = 0  # nested commands running, this process's ancestors' included
        self.crashed = False  # died of a stack overflow (SIGSEGV)
        self.forked = False  # a subshell: it runs its commands itself (ash execs the last)
        self.running: list[str] | None = None  # the external command it runs now (ps)

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

    def _child(self, argv: tuple[str, ...], env: dict[str, str]) -> Process:
        child = Process(
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

    def fork(self) -> Process:
        """A subshell: a copy of this shell (variables, functions, options) in a new process."""
        child = self._child(self.argv, self.env)
        child.exported = set(self.exported)
        child.shell_pid = self.shell_pid
        child.status = self.status
        child.arg0 = self.arg0
        child.positional = list(self.positional)
        child.functions = dict(self.functions)
        child.options = set(self.options)
        child.traps = {name: "" for name, action in self.traps.items() if action == ""}
        child._shell = self._shell
        child.forked = True
        return child

    def spawn(self, argv: list[str]) -> Process:
        """A new program started by this one: it inherits the exported environment only."""
        env = {name: value for name, value in self.env.items() if name in self.exported}
        return self._child(tuple(argv), env)

    def start(self, node: Node) -> Program:
        """Run ``node`` in this process as a whole program: exit, errors, EXIT trap, jobs."""
        return self._schedule(self._guard(self.run_node(node)))

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

    # -- running -------------------------------------------------------------

    def run(self) -> Program:
        """Run ``argv`` as the container's PID 1; return the exit status."""
        if not self.argv:
            return 0
        if _execve_too_big(self.argv, self.environ()):
            # runc init's execve fails with E2BIG after the container started:
            # it prints the error on stderr and exits 255 (libcontainer.Init).
            path = self.argv[0] if "/" in self.argv[0] else f"/bin/{self.argv[0]}"
            yield from self.error(f"exec {path}: argument list too long\n")
            return 255
        program = self._guard(self.exec(list(self.argv), None))
        return (yield from self._schedule(program, outermost=True))

    def _guard(self, program: Program) -> Program:
        """Finish ``program`` the way a process ends: ``exit``, fatal errors, SIGPIPE."""
        table = self.fs.processes  # the container's process table, what ps lists
        table.setdefault(self.pid, self)
        try:
            return (yield from self._finish(program))
        finally:
            if table.get(self.pid) is self:
                del table[self.pid]
            self.memory.shrink(sum(self.owned.values()))  # a process's memory goes when it does
            self.owned.clear()

    def _finish(self, program: Program) -> Program:
        try:
            status = yield from program
        except ExitProgram as done:
            status = done.status
        except ShellError as error:
            yield from self.error(error.message)
            status = error.status
        except BrokenPipe:
            status = 128 + SIGNAL_NUMBERS["PIPE"]
        except _Return as ret:
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

    def _schedule(self, main: Program, *, outermost: bool = False) -> Program:
        """Drive ``main`` (the foreground) and this process's background jobs on one clock.

        ``outermost``: the program's driver knows nothing of pipes, so a
        ``Block`` that reaches it (a pipe no one will ever move) becomes the
        ``Sleep`` it amounts to.
        """
        if self._scheduling:
            return (yield from main)
        self._scheduling = True
        throw: Exception | None = None
        try:
            while True:
                try:
                    action = main.throw(throw) if throw is not None else next(main)
                except StopIteration as stop:
                    return int(stop.value or 0)
                throw = None
                if isinstance(action, Output):
                    try:
                        yield action
                    except Exception as exc:  # a signal for the foreground
                        throw = exc
                    continue
                if isinstance(action, Compute):  # runnable: jobs due now share the core
                    try:
                        yield action
                    except Exception as exc:
                        throw = exc
                        continue
                    if self._own_clock:
                        self._elapsed += action.ms
                    if self.jobs:
                        throw = yield from self._run_jobs(self.clock(), None)
                    continue
                if isinstance(action, Block):  # blocked on a pipe: no absorb, see ``pipeline``
                    if self.jobs or outermost:
                        throw = yield from self._run_jobs(
                            self.clock() + action.ms, None, action.ready, outermost
                        )
                        continue
                    try:
                        yield action
                    except Exception as exc:
                        throw = exc
                    continue
                if isinstance(action, Sleep):
                    if action.ms >= 1:
                        try:
                            yield from self._absorb()
                        except Exception as exc:
                            throw = exc
                            continue
                    throw = yield from self._run_jobs(self.clock() + action.ms, None)
                else:
                    throw = yield from self._run_jobs(math.inf, action)
        finally:
            self._scheduling = False
            main.close()
            for job in self.jobs:
                job.program.close()

    def _run_jobs(
        self,
        until: float,
        wanted: WaitJobs | None,
        ready: Callable[[], bool] | None = None,
        outermost: bool = False,
    ) -> Generator[Action, None, Exception | None]:
        """Let time pass until ``until`` (or until ``wanted`` jobs exit), running due jobs.

        ``ready``: the foreground is blocked on a pipe; it resumes once that is true.
        """
        while True:
            if wanted is not None and self._jobs_done(wanted.pids):
                return None
            if ready is not None and ready():
                return None
            live = [job for job in self.jobs if job.status is None]
            due = min(live, key=Job.due, default=None)
            job = due if due is not None and due.due() <= until else None
            target = max(job.due(), self.clock()) if job is not None else until
            now = self.clock()
            if target > now:
                checks = [j.ready for j in live if j.ready is not None]
                if ready is not None:
                    checks.append(ready)
                try:
                    if checks and not outermost:
                        yield Block(target - now, any_of(checks))
                    else:
                        yield Sleep(target - now)
                except Exception as exc:  # a signal for the foreground
                    return exc
                if self._own_clock:
                    self._elapsed += target - now
                if checks and not outermost:
                    continue  # woken early, perhaps: look again
            if job is None:
                return None
            job.ready = None
            throw = yield from self._step(job)
            if throw is not None:
                return throw

    def _step(self, job: Job) -> Generator[Action, None, Exception | None]:
        """Run ``job`` until it sleeps or exits."""
        while True:
            try:
                action = next(job.program)
            except StopIteration as stop:
                job.status = int(stop.value or 0)
                self._job_ended()
                return None
            if isinstance(action, Compute):  # a busy job: one quantum, then the others' turn
                try:
                    yield action
                except Exception as exc:
                    return exc
                if self._own_clock:
                    self._elapsed += action.ms
                job.wake = self.clock()
                return None
            if isinstance(action, Sleep):
                job.wake = self.clock() + action.ms
                if isinstance(action, Block):
                    job.ready = action.ready
                return None
            if isinstance(action, Output):
                try:
                    yield action
                except Exception as exc:
                    return exc

    def _jobs_done(self, pids: tuple[int, ...]) -> bool:
        return all(job.status is not None for job in self.jobs if not pids or job.pid in pids)

    def start_job(self, node: Node) -> int:
        """``node &``: start a background job; return its pid (``$!``)."""
        child = self.fork()
        child.stdin = Stdin()
        # A process costs memory while it lives, and its job entry until it is waited for.
        self.memory.grow(JOB_MEMORY, data=False)
        self.memory.grow(JOB_STORED)
        job = Job(child.pid, child.start(node), self.clock())
        self.fs.processes[child.pid] = child  # in the process table from its fork on
        if isinstance(node, SimpleCommand) and node.words and not node.assigns:
            words = [_static_field(word) for word in node.words]
            if None not in words:  # ``sleep 5 &``: ps shows ``sleep 5`` at once, as ash execs it
                child.running = [w for w in words if w is not None]
        self.jobs.append(job)
        self.last_job = child.pid
        return child.pid

    def _job_ended(self) -> None:
        """A job's process exited: its memory goes; its entry stays until ``wait``."""
        self.memory.shrink(JOB_MEMORY, data=False)
        self.memory.shrink(JOB_STORED - JOB_RECORD)

    def reap(self, pids: tuple[int, ...] = ()) -> None:
        """``wait`` collected these finished jobs (all if empty): their entries go."""
        done = [j for j in self.jobs if j.status is not None and (not pids or j.pid in pids)]
        if done:
            self.jobs = [j for j in self.jobs if j not in done]
            self.memory.shrink(JOB_RECORD * len(done))

    def kill_job(self, pid: int, name: str) -> bool:
        """Deliver signal ``name`` to job ``pid``: the default action ends it."""
        for job in self.jobs:
            if job.pid == pid and job.status is None:
                if name not in ("CHLD", "CONT", "WINCH"):
                    job.program.close()
                    self.fs.processes.pop(pid, None)
                    job.status = 128 + SIGNAL_NUMBERS.get(name, 15)
                    self._job_ended()
                return True
        return False

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

    # -- commands ------------------------------------------------------------

    def available(self, name: str) -> bool:
        if name in BUILTINS and (self.binaries & SHELLS):
            return True
        return name in self.binaries

    def exec(self, argv: list[str], redirect: Target | None) -> Program:
        """Run the command ``argv``: a function, a utility the image has, or a script."""
        name = argv[0]
        if name in self.functions:
            return (yield from self.call(name, argv))
        base = basename(name)
        fn = UTILITIES.get(base)
        if fn is not None and self.available(base):
            running = self.running
            if base not in BUILTINS:
                self.charge(Cost.EXEC)  # fork + execve; its time passes with the next quantum
                self.running = argv
            try:
                return (yield from fn(self, argv, redirect))
            except WriteError as exc:  # busybox's xwrite: bb_perror_msg_and_die("write error")
                yield from self.error(f"{base}: write error: {exc.reason}\n")
                return 1
            finally:
                self.running = running
        if "/" in name:
            node = self.fs.lookup(self.abspath(name))
            if isinstance(node, File) and node.mode & 0o111 and self.available("sh"):
                child = self.spawn(argv)
                child.arg0, child.positional, child._shell = name, argv[1:], True
                if redirect is not None:
                    child.stdout = redirect
                return (yield from child._schedule(child._guard(child.run_script(node.content))))
            if node is not None:
                yield from self.error(f"sh: {name}: Permission denied\n")
                return 126
        yield from self.error(f"sh: {name}: not found\n")
        return 127

    def call(self, name: str, argv: list[str]) -> Program:
        self.charge(Cost.FUNCTION_CALL)
        saved = self.positional
        self.positional = argv[1:]
        try:
            status = yield from self.run_node(self.functions[name])
        except _Return as ret:
            status = ret.status
        finally:
            self.positional = saved
        return status

    def write(self, text: str, redirect: Target | None = None) -> Program:
        """Write ``text`` to ``redirect`` (default: this process's stdout)."""
        target = self.stdout if redirect is None else redirect
        if isinstance(target, Log):
            if text:
                self.charge(Cost.WRITE + len(text) * WRITE_BYTE_US)
                yield Output(text, target.stream)
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

    # -- the shell -----------------------------------------------------------

    def run_script(self, script: str) -> Program:
        try:
            tree = parse(script)
        except NestingTooDeep:
            raise StackOverflow() from None
        except ShellSyntaxError as exc:
            yield from self.error(f"sh: syntax error: {exc}\n")
            return 2
        return (yield from self._schedule(self.run_node(tree)))

    def run_node(self, node: Node) -> Program:
        self.depth += 1
        if self.depth > SHELL_DEPTH:
            self.depth -= 1
            raise StackOverflow()
        try:
            status = yield from self._dispatch(node)
        finally:
            self.depth -= 1
        self.status = status
        return status

    def _condition(self, node: Node) -> Program:
        """Run ``node`` as a condition: ``set -e`` does not apply inside."""
        self._conditions += 1
        try:
            return (yield from self.run_node(node))
        finally:
            self._conditions -= 1

    def _errexit(self, status: int) -> None:
        if status and "e" in self.options and not self._conditions:
            raise ExitProgram(status)

    def _dispatch(self, node: Node) -> Program:
        if isinstance(node, SimpleCommand):
            return (yield from self.simple(node))
        if isinstance(node, Sequence):
            status = 0
            for item in node.items:
                status = yield from self.run_node(item)
            return status
        if isinstance(node, AndOr):
            status = yield from self._condition(node.first)
            for k, (op, nxt) in enumerate(node.rest):
                if (op == "&&") == (status == 0):
                    last = k == len(node.rest) - 1
                    status = yield from (self.run_node(nxt) if last else self._condition(nxt))
            return status
        if isinstance(node, Pipeline):
            return (yield from self.pipeline(node))
        if isinstance(node, Loop):
            return (yield from self.loop(node))
        if isinstance(node, If):
            for condition, body in node.branches:
                if (yield from self._condition(condition)) == 0:
                    return (yield from self.run_node(body))
            return (yield from self.run_node(node.otherwise)) if node.otherwise else 0
        if isinstance(node, For):
            return (yield from self.for_loop(node))
        if isinstance(node, Case):
            word = yield from self.expand_string(node.word)
            for patterns, body in node.items:
                for pattern in patterns:
                    if fnmatch.fnmatchcase(word, (yield from self.expand_pattern(pattern))):
                        return (yield from self.run_node(body))
            return 0
        if isinstance(node, Group):
            return (yield from self.run_node(node.body))
        if isinstance(node, Subshell):
            status = yield from self._subshell(node.body)
            self._errexit(status)
            return status
        if isinstance(node, Background):
            self.start_job(node.node)
            return 0
        if isinstance(node, Redirected):
            return (yield from self.redirected(node))
        if isinstance(node, FunctionDef):
            self.functions[node.name] = node.body
            return 0
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def loop(self, node: Loop) -> Program:
        status = 0
        self._loops += 1
        try:
            while True:
                cond = yield from self._condition(node.condition)
                if (cond == 0) == node.until:
                    return status
                outcome = yield from self._loop_body(node.body)
                if outcome is _BROKE:
                    return 0
                if outcome is not _CONTINUED:
                    status = outcome
                yield from self.spend(Cost.LOOP)
        finally:
            self._loops -= 1

    def _loop_body(self, body: Node) -> Generator[Action, None, object]:
        """One pass of a loop body: its status, or ``_BROKE`` / ``_CONTINUED``.

        ``break N`` / ``continue N`` with N > 1 are passed on to the enclosing loop.
        """
        try:
            return (yield from self.run_node(body))
        except _Break as brk:
            if brk.levels > 1:
                raise _Break(brk.levels - 1) from None
            return _BROKE
        except _Continue as cont:
            if cont.levels > 1:
                raise _Continue(cont.levels - 1) from None
            return _CONTINUED

    def for_loop(self, node: For) -> Program:
        if node.words is None:
            values = list(self.positional)
        else:
            values = []
            for word in node.words:
                values += yield from self.expand_fields(word)
        status = 0
        self._loops += 1
        try:
            for value in values:
                self.setvar(node.name, value)
                outcome = yield from self._loop_body(node.body)
                if outcome is _BROKE:
                    return 0
                if outcome is not _CONTINUED:
                    status = outcome
                yield from self.spend(Cost.LOOP)
        finally:
            self._loops -= 1
        return status

    def pipeline(self, node: Pipeline) -> Program:
        """``a | b``: every stage at once, each in a subshell, joined by pipes (``pipeline``)."""
        self._conditions += node.negate
        try:
            if len(node.commands) == 1:
                statuses = [(yield from self.run_node(node.commands[0]))]
            else:
                statuses = yield from self._run_pipeline(node.commands)
        finally:
            self._conditions -= node.negate
        status = statuses[-1]
        if "pipefail" in self.options:
            status = next((s for s in reversed(statuses) if s), 0)
        if node.negate:
            return 0 if status else 1
        self._errexit(status)
        return status

    def _run_pipeline(self, commands: tuple[Node, ...]) -> Generator[Action, None, list[int]]:
        stages: list[Stage] = []
        stdin: Stdin = self.stdin
        for index, command in enumerate(commands):
            pipe = Pipe(self.memory) if index < len(commands) - 1 else None
            self.charge(Cost.FORK)
            child = self.fork()
            child.stdin = stdin
            if pipe is not None:
                child.stdout = pipe
            reads = stdin.pipe if isinstance(stdin, PipeReader) and index else None
            stages.append(Stage(child, child.start(command), reads=reads, writes=pipe))
            self.fs.processes[child.pid] = child  # every stage is forked at once
            if pipe is not None:
                stdin = PipeReader(pipe)
        try:
            statuses = yield from run_stages(stages, self.clock)
        finally:
            for stage in stages:
                self.fs.processes.pop(stage.process.pid, None)
        for stage in stages:
            if stage.process.crashed:  # ash's dowait reports a stage's fatal signal
                yield from self.error("Segmentation fault\n")
        return statuses

    def redirected(self, node: Redirected) -> Program:
        fds = yield from self.open_redirects(node.redirects)
        if fds is None:
            return 2
        saved = self.stdin, self.stdout, self.stderr
        self.stdin, self.stdout, self.stderr = fds
        try:
            return (yield from self.run_node(node.node))
        finally:
            self.stdin, self.stdout, self.stderr = saved

    def simple(self, cmd: SimpleCommand) -> Program:
        yield from self.spend(Cost.COMMAND)
        self._sub_status = None
        argv: list[str] = []
        for word in cmd.words:
            argv += yield from self.expand_fields(word)
        values: list[tuple[str, str]] = []
        for name, word in cmd.assigns:
            values.append((name, (yield from self.expand_string(word))))
        if not argv:
            for name, value in values:
                self.setvar(name, value, export="a" in self.options)
            status = self._sub_status or 0
            if cmd.redirects and (yield from self.open_redirects(cmd.redirects)) is None:
                status = 2
            self.status = status
            return status
        if "x" in self.options:
            yield from self.error("+ " + " ".join(argv) + "\n")
        fds = yield from self.open_redirects(cmd.redirects)
        if fds is None:
            self.status = 2
            return 2
        if argv == ["exec"] and self.available("exec"):
            self.stdin, self.stdout, self.stderr = fds  # ``exec >file``: for the rest of the shell
            self.status = 0
            return 0
        saved = self.stdin, self.stdout, self.stderr
        saved_env = [(name, self.env.get(name), name in self.exported) for name, _ in values]
        self.stdin, self.stdout, self.stderr = fds
        for name, value in values:
            self.setvar(name, value, export=True)
        try:
            status = yield from self.exec(argv, self.stdout)
        finally:
            self.stdin, self.stdout, self.stderr = saved
            for name, old, was_exported in saved_env:
                if old is None:
                    self.unsetvar(name)
                else:
                    self.setvar(name, old)
                if not was_exported:
                    self.exported.discard(name)
        self.status = status
        if self.pending and not self._in_trap:
            yield from self.run_traps()
        self._errexit(status)
        return status

    def open_redirects(
        self, redirects: tuple[Redirect, ...]
    ) -> Generator[Action, None, tuple[Stdin, Target, Target] | None]:
        """Apply ``redirects`` in order; None (after ash's message) if one fails."""
        stdin, out = self.stdin, {1: self.stdout, 2: self.stderr}
        for r in redirects:
            target = yield from self.expand_string(r.target)
            if r.op == "<<":
                stdin = Stdin(target)
                continue
            if r.op in (">&", "<&"):
                if target == "-":
                    if r.fd == 0:
                        stdin = Stdin()
                    else:
                        out[r.fd] = NULL
                elif r.fd in out and target.isdigit() and int(target) in out:
                    out[r.fd] = out[int(target)]
                elif not (r.fd == 0 and target == "0"):
                    yield from self.write(f"sh: {target}: Bad file descriptor\n", out[2])
                    return None
                continue
            path = self.abspath(target)
            if r.op == "<":
                node = self.fs.lookup(path)
                if isinstance(node, Device) and node.name == "stdin":
                    continue
                try:
                    content = self.fs.read(path)
                except FsError as exc:
                    if exc.reason == "Is a directory":
                        content = ""
                    else:
                        message = f"sh: can't open {target}: {errmsg(exc, 'no such file')}\n"
                        yield from self.write(message, out[2])
                        return None
                if r.fd == 0:
                    stdin = Stdin(content)
                continue
            try:
                node = self.fs.open(path, append=r.op == ">>")
            except FsError as exc:
                message = f"sh: can't create {target}: {errmsg(exc, 'nonexistent directory')}\n"
                yield from self.write(message, out[2])
                return None
            if r.fd not in out:
                continue
            if isinstance(node, Device):
                streams = {"stdout": out[1], "stderr": out[2]}
                out[r.fd] = streams.get(node.name, NULL)
            else:
                out[r.fd] = FileSink(self.fs, node)
        return stdin, out[1], out[2]

    # -- expansion -----------------------------------------------------------

    def expand_fields(self, word: Word) -> Generator[Action, None, list[str]]:
        """Expand ``word`` into fields: parameters, substitutions, splitting, globbing."""
        static = _static_field(word)
        if static is not None:
            return [static]
        segments = yield from self._segments(word)
        self.memory.check(sum(len(s[0]) for s in segments if s is not None))
        fields: list[str] = []
        for text, pattern in _split_fields(segments, self.env.get("IFS", " \t\n")):
            if pattern is not None:
                matches = self.fs.glob(pattern, self.cwd)
                if matches:
                    yield from cpu(self, len(matches) * GLOB_ENTRY_US)
                    self.memory.check(sum(len(match) + 1 for match in matches))
                    fields += matches
                    continue
            fields.append(text)
        return fields

    def expand_string(self, word: Word) -> Generator[Action, None, str]:
        """Expand ``word`` into one string: no splitting, no globbing (assignments...)."""
        segments = yield from self._segments(word)
        self.memory.check(sum(len(s[0]) + 1 for s in segments if s is not None))
        return " ".join("".join(s[0] for s in group) for group in _groups(segments))

    def expand_pattern(self, word: Word) -> Generator[Action, None, str]:
        """Expand ``word`` as a ``case`` or ``${X#...}`` pattern: quoted text matches literally."""
        segments = yield from self._segments(word)
        return "".join(s[0] if s[2] else glob_escape(s[0]) for s in segments if s is not None)

    def _segments(self, word: Word, *, arg: bool = False) -> Generator[Action, None, list[Segment]]:
        segments: list[Segment] = []
        for index, part in enumerate(word.parts):
            if isinstance(part, Lit):
                text = part.text
                if index == 0 and not part.quoted and not arg and text.startswith("~"):
                    head, sep, tail = text.partition("/")
                    if head == "~":
                        text = self.env.get("HOME", "/root") + sep + tail
                segments.append((text, arg and not part.quoted, not part.quoted))
            elif isinstance(part, Param):
                segments += yield from self._param(part)
            elif isinstance(part, CommandSub):
                text = yield from self.command_substitution(part.body)
                segments.append((text, not part.quoted, not part.quoted))
            elif isinstance(part, Arith):
                self.charge(Cost.EXPANSION)
                expr = yield from self.expand_string(part.expr)
                segments.append((str(self.arithmetic(expr)), not part.quoted, False))
        return segments

    def _param(self, p: Param) -> Generator[Action, None, list[Segment]]:
        self.charge(Cost.EXPANSION)
        unquoted = not p.quoted
        if p.name == "@" and p.quoted and not p.op:
            segments: list[Segment] = []
            for index, value in enumerate(self.positional):
                if index:
                    segments.append(None)
                segments.append((value, False, False))
            return segments
        value = self.lookup(p.name)
        op, arg = p.op, p.arg or Word(())
        if op == "len":
            return [(str(len(value or "")), unquoted, False)]
        if op in ("-", ":-", "=", ":=", "+", ":+", "?", ":?"):
            missing = value is None or (op.startswith(":") and value == "")
            base = op[-1]
            if (base == "-" and missing) or (base == "+" and not missing):
                return (yield from self._segments(arg, arg=unquoted))
            if base == "+":
                return [("", False, False)] if p.quoted else []
            if base == "=" and missing:
                value = yield from self.expand_string(arg)
                self.setvar(p.name, value)
            if base == "?" and missing:
                message = yield from self.expand_string(arg)
                if not arg.parts:
                    message = "parameter not set" + (" or null" if op == ":?" else "")
                raise ShellError(f"sh: {p.name}: {message}\n")
        elif op:
            pattern = yield from self.expand_pattern(arg)
            value = _trim(value or "", op, pattern)
        if value is None:
            if "u" in self.options:
                raise ShellError(f"sh: {p.name}: parameter not set\n")
            value = ""
        return [(value, unquoted, unquoted)]

    def command_substitution(self, body: Sequence) -> Generator[Action, None, str]:
        """``$(body)``: run ``body`` in a subshell; its output minus trailing newlines."""
        capture = Capture(memory=self.memory)
        try:
            status = yield from self._subshell(body, stdout=capture)
            self._sub_status = status
            return capture.text.rstrip("\n")
        finally:
            capture.release()  # the text is charged again where it is kept

    def arithmetic(self, expr: str) -> int:
        return _Arithmetic(self, expr).evaluate()


MAX_ARG_STRLEN = 32 * 4096  # the longest single argv or envp string execve takes
ARG_MAX = (8 << 20) // 4  # all of them: a quarter of the default 8 MiB stack limit


def _execve_too_big(argv: Iterable[str], env: dict[str, str]) -> bool:
    """Whether the kernel's ``execve`` would fail with E2BIG (fs/exec.c's limits)."""
    strings = [*argv, *(f"{name}={value}" for name, value in env.items())]
    sizes = [len(text.encode("utf-8", errors="surrogateescape")) + 1 for text in strings]
    return max(sizes, default=0) > MAX_ARG_STRLEN or sum(sizes) + 8 * len(sizes) > ARG_MAX


@functools.lru_cache(maxsize=4096)
def _static_field(word: Word) -> str | None:
    """The one field a word of plain text expands to, or None if it needs expanding."""
    text = []
    for index, part in enumerate(word.parts):
        if not isinstance(part, Lit):
            return None
        if not part.quoted and (
            any(c in part.text for c in "*?[") or (index == 0 and part.text.startswith("~"))
        ):
            return None
        text.append(part.text)
    return "".join(text) if word.parts else None


def _groups(segments: list[Segment]) -> list[list[tuple[str, bool, bool]]]:
    groups: list[list[tuple[str, bool, bool]]] = [[]]
    for s in segments:
        if s is None:
            groups.append([])
        else:
            groups[-1].append(s)
    return groups


def _split_fields(segments: list[Segment], ifs: str) -> list[tuple[str, str | None]]:
    """Field splitting: (text, glob pattern or None) per field."""
    fields: list[tuple[str, str | None]] = []
    text: list[str] = []
    pattern: list[str] = []
    have = magic = False
    splitter = re.compile(f"[{re.escape(ifs)}]+") if ifs else None

    def push() -> None:
        nonlocal have, magic
        fields.append(("".join(text), "".join(pattern) if magic else None))
        text.clear()
        pattern.clear()
        have = magic = False

    def add(piece: str, glob: bool) -> None:
        nonlocal have, magic
        text.append(piece)
        pattern.append(piece if glob else glob_escape(piece))
        magic = magic or (glob and any(c in piece for c in "*?["))
        have = True

    for segment in segments:
        if segment is None:
            if have:
                push()
            continue
        piece, split, glob = segment
        if not split or splitter is None:
            add(piece, glob)
            continue
        if not piece:
            continue
        pieces = splitter.split(piece)
        for k, token in enumerate(pieces):
            if k > 0 and have:
                push()
            if token:
                add(token, glob)
    if have:
        push()
    return fields


def _trim(value: str, op: str, pattern: str) -> str:
    """``${X#pat}``, ``${X##pat}``, ``${X%pat}``, ``${X%%pat}``, in linear time (RE2)."""
    suffix = op in ("%", "%%")
    k = glob_prefix(value, pattern, longest=op in ("##", "%%"), suffix=suffix)
    if k is None:
        return value
    return value[: len(value) - k] if suffix else value[k:]
