"""The commands an image may run, by name: utilities, servers and the shell's builtins.

``utility`` registers a command (a function taking the process, its ``argv``
and its stdout redirection and returning its program: most are generator
functions; the hottest builtins return another's program, ``shell_builtins``);
``HANDLES`` lists the signals a command installs its own handler for when it
runs as PID 1 (nginx's ``TERM``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .actions import Program

# A command: (process, argv, stdout redirection or None) -> its program. The process is
# ``process.Process``, which this module cannot name without importing the executor.
Utility = Callable[..., Program]
U = TypeVar("U", bound=Utility)

SHELLS = frozenset({"sh", "bash", "dash", "ash"})
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


# Builtins a simple command runs in its own generator frame (``ShellInterpreter.simple``),
# by the utility registered for them: ``instant(proc, argv)`` is what the builtin does when
# it cannot block, as a plain function: its status (``true``, ``exit``'s raise), the text it
# writes to its stdout (``echo``: status 0 once written), or None to run the utility itself.
# Each is a shell builtin (no fork, no exec, nothing ps shows) that writes nothing else.
Instant = Callable[..., "int | str | None"]
INSTANT: dict[Utility, Instant] = {}


def instant(fn: Utility) -> Callable[[Instant], Instant]:
    """Register the decorated function as ``fn``'s instant form (``INSTANT``)."""

    def register(form: Instant) -> Instant:
        INSTANT[fn] = form
        return form

    return register


def utility(*names: str, handles: frozenset[str] = frozenset()) -> Callable[[U], U]:
    """Register a command under ``names``; ``handles`` lists signals it traps."""

    def register(fn: U) -> U:
        for name in names:
            UTILITIES[name] = fn
            if handles:
                HANDLES[name] = handles
        return fn

    return register
