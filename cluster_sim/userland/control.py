"""Signals and the shell's control flow, as exceptions a program raises or receives.

``Signal`` is thrown into a program that handles one; the others unwind the
shell (``exit``, a fatal error, a broken pipe, a failed write, too deep a
recursion) or leave loops and functions (``BreakLoop``, ``ContinueLoop``,
``ReturnFromFunction``: ``break``, ``continue``, ``return``).
"""

from __future__ import annotations

SIGNAL_NUMBERS = {
    "HUP": 1,
    "INT": 2,
    "QUIT": 3,
    "KILL": 9,
    "USR1": 10,
    "SEGV": 11,
    "USR2": 12,
    "PIPE": 13,
    "ALRM": 14,
    "TERM": 15,
    "CHLD": 17,
    "CONT": 18,
    "STOP": 19,
    "WINCH": 28,
}


class Signal(Exception):
    """Delivered into a program that handles ``name`` (``TERM``, ``INT``...)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    @property
    def number(self) -> int:
        return SIGNAL_NUMBERS.get(self.name, 0)


class ExitProgram(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class ShellError(Exception):
    """A fatal shell error (bad arithmetic, ``${X:?}``): the shell prints it and exits 2."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class BrokenPipe(Exception):
    """Writing to a pipe nobody reads any more: the writer dies with status 141."""


class WriteError(Exception):
    """A write failed (``No space left on device``): the utility reports it and exits 1."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StackOverflow(Exception):
    """The shell recursed past its stack: the kernel kills it with SIGSEGV (status 139).

    ash has no recursion limit of its own (no FUNCNEST): ``f() { f; }; f``
    recurses in C until the 8 MiB stack overflows. The playground's shell runs
    on Python's much shallower stack, so it stops at ``SHELL_DEPTH`` nested
    commands, the same way: the process dies, and the shell that waited for it
    prints ``Segmentation fault``.
    """


class BreakLoop(Exception):
    """``break N``: leave the innermost ``N`` loops (``for``, ``while``, ``until``)."""

    def __init__(self, levels: int) -> None:
        super().__init__(levels)
        self.levels = levels


class ContinueLoop(Exception):
    """``continue N``: resume the ``N``-th enclosing loop at its next pass."""

    def __init__(self, levels: int) -> None:
        super().__init__(levels)
        self.levels = levels


class ReturnFromFunction(Exception):
    """``return N``: leave the function (or the sourced script) with status ``N``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status
