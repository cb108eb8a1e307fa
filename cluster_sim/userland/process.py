"""``Process``: one program running in a simulated container.

A program is a generator: it yields ``Sleep`` and ``Output`` actions and
returns its exit status. The kubelet drives it on the simulation clock.

Signals follow Linux's rules for PID 1 in a container: a signal whose
disposition is the default is *ignored* by PID 1, so a shell or ``sleep``
running as PID 1 survives SIGTERM and is killed only when the grace period
ends. Programs that install a handler react: servers such as nginx shut down
at once (the kubelet throws ``Signal`` into the generator), and a shell with
``trap ... TERM`` runs the trap after its current foreground command returns.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from .syntax import (
    AndOr,
    For,
    If,
    Loop,
    Node,
    Sequence,
    ShellSyntaxError,
    SimpleCommand,
    Word,
    parse,
)


@dataclass(frozen=True, slots=True)
class Sleep:
    """Block for ``ms`` simulated milliseconds (``math.inf``: forever)."""

    ms: float


@dataclass(frozen=True, slots=True)
class Output:
    """Write ``text`` to the container's stdout (its log)."""

    text: str


Action = Sleep | Output
Program = Generator[Action, None, int]
Utility = Callable[["Process", list[str], "str | None"], Program]

SHELLS = frozenset({"sh", "bash", "dash", "ash"})
STEPS_PER_MS = 1_000  # a busy loop with no sleep still costs CPU time
SIGNAL_NUMBERS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "TERM": 15}

# The commands images ship, by name; filled by ``utilities`` and ``servers``.
UTILITIES: dict[str, Utility] = {}
# Utilities that install their own handler for these signals when PID 1.
HANDLES: dict[str, frozenset[str]] = {}
# Shell builtins: available in any image that has a shell.
BUILTINS = frozenset({"exit", ":", "true", "false", "echo", "trap", "test", "[", "printf"})


def utility(*names: str, handles: frozenset[str] = frozenset()) -> Callable[[Utility], Utility]:
    """Register a command under ``names``; ``handles`` lists signals it traps."""

    def register(fn: Utility) -> Utility:
        for name in names:
            UTILITIES[name] = fn
            if handles:
                HANDLES[name] = handles
        return fn

    return register


class Signal(Exception):  # noqa: N818 - a signal, not an error
    """Delivered into a program that handles ``name`` (``TERM``, ``INT``...)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    @property
    def number(self) -> int:
        return SIGNAL_NUMBERS.get(self.name, 0)


class ExitProgram(Exception):  # noqa: N818 - control flow, like SystemExit
    def __init__(self, status: int) -> None:
        self.status = status


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@dataclass
class Process:
    """A program in a container, with the container's environment and files.

    ``binaries`` are the executables the image ships; anything else is "not
    found", as in the real image. ``files`` is the container's filesystem,
    shared by every process of the same container (exec probes, hooks).
    """

    argv: tuple[str, ...]
    binaries: frozenset[str]
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    status: int = 0
    traps: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    pid1: str = ""
    steps: int = 0
    # The container this process runs in, attached by the container runtime
    # (``cluster_sim.kubelet.runtime.ContainerHandle``): servers open ports
    # with ``container.listen(...)``, ``nginx -s quit`` signals PID 1 through
    # it. None for a process run outside a container (tests).
    container: Any = None

    def __post_init__(self) -> None:
        self.pid1 = basename(self.argv[0]) if self.argv else ""

    def run(self) -> Program:
        """Run ``argv`` as the container's PID 1; return the exit status."""
        if not self.argv:
            return 0
        try:
            status = yield from self.exec(list(self.argv), redirect=None)
        except ExitProgram as done:
            status = done.status
        return status

    # -- signals -------------------------------------------------------------

    def signal(self, name: str) -> str:
        """How PID 1 takes signal ``name``: ``"interrupt"``, ``"deferred"`` or ``"ignored"``.

        ``interrupt``: the program handles it now; the caller throws ``Signal``
        into the generator. ``deferred``: a shell trap runs after the current
        foreground command. ``ignored``: PID 1 with the default disposition.
        """
        if self.pid1 in SHELLS:
            if name in self.traps:
                self.pending.append(name)
                return "deferred"
            return "ignored"
        if name in HANDLES.get(self.pid1, frozenset()):
            return "interrupt"
        return "ignored"

    def run_traps(self) -> Program:
        while self.pending:
            name = self.pending.pop(0)
            handler = self.traps.get(name, "")
            if handler:
                yield from self.run_script(handler)
        return self.status

    # -- commands ------------------------------------------------------------

    def available(self, name: str) -> bool:
        if name in BUILTINS and (self.binaries & SHELLS):
            return True
        return name in self.binaries

    def exec(self, argv: list[str], redirect: str | None) -> Program:
        name = basename(argv[0])
        utility_fn = UTILITIES.get(name)
        if utility_fn is None or not self.available(name):
            yield from self.write(f"sh: {argv[0]}: not found\n", redirect)
            return 127
        return (yield from utility_fn(self, argv, redirect))

    def write(self, text: str, redirect: str | None) -> Program:
        """Write to stdout (the log), or append to the file ``redirect`` names."""
        if redirect is None:
            yield Output(text)
        elif redirect != "/dev/null":
            self.files[redirect] = self.files.get(redirect, "") + text
        return 0

    def run_script(self, script: str) -> Program:
        try:
            tree = parse(script)
        except ShellSyntaxError as exc:
            yield Output(f"sh: syntax error: {exc}\n")
            return 2
        return (yield from self.run_node(tree))

    def run_node(self, node: Node) -> Program:
        if isinstance(node, Sequence):
            status = 0
            for item in node.items:
                status = yield from self.run_node(item)
            return status
        if isinstance(node, AndOr):
            status = yield from self.run_node(node.first)
            for op, nxt in node.rest:
                if (op == "&&") == (status == 0):
                    status = yield from self.run_node(nxt)
            return status
        if isinstance(node, Loop):
            status = 0
            while True:
                cond = yield from self.run_node(node.condition)
                if (cond == 0) == node.until:
                    return status
                status = yield from self.run_node(node.body)
        if isinstance(node, If):
            for condition, body in node.branches:
                if (yield from self.run_node(condition)) == 0:
                    return (yield from self.run_node(body))
            return (yield from self.run_node(node.otherwise)) if node.otherwise else 0
        if isinstance(node, For):
            status = 0
            for word in node.words:
                self.env[node.name] = self.expand(word)
                status = yield from self.run_node(node.body)
            return status
        return (yield from self.simple(node))

    def simple(self, cmd: SimpleCommand) -> Program:
        self.steps += 1
        if self.steps >= STEPS_PER_MS:
            self.steps = 0
            yield Sleep(1)
        for name, word in cmd.assigns:
            self.env[name] = self.expand(word)
        if not cmd.words:
            self.status = 0
            return 0
        argv = [self.expand(w) for w in cmd.words]
        redirect: str | None = None
        for r in cmd.redirects:
            if r.op in (">", ">>") and r.target is not None:
                redirect = self.expand(r.target)
                if r.op == ">" and redirect != "/dev/null":
                    self.files[redirect] = ""
        status = yield from self.exec(argv, redirect)
        self.status = status
        if self.pending:
            yield from self.run_traps()
        return status

    def expand(self, word: Word) -> str:
        out = []
        for kind, text in word.parts:
            if kind == "lit":
                out.append(text)
            elif text == "?":
                out.append(str(self.status))
            elif text == "$":
                out.append("1")
            elif text == "#":
                out.append("0")
            elif text == "0":
                out.append("sh")
            else:
                out.append(self.env.get(text, ""))
        return "".join(out)
