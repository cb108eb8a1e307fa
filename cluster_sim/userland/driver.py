"""Driving a program to its end: the one loop that speaks the program protocol.

A program (``Process.run()``) is a generator of actions that returns its exit
status. Whoever runs one, the container runtime (PID 1 on the node's clock and
CPU), an exec probe or a hook (``ExecSync``, bounded by its timeout) or
``kubectl exec`` (no time passes), does the same thing: take the next action,
honour it, deliver a signal if one came meanwhile, until the program returns or
the OOM killer ends it. ``drive`` is that loop; what an action means to the
driver (a SimPy timeout, a log line, nothing) is its ``step``.

``step(action)`` is a generator: it yields the driver's own events (SimPy's)
and returns ``None`` to go on, an exception to throw into the program (a
``Signal``), or ``STOP`` to end the program there (a timeout, a limit); the
program is then closed, as ``kill -9`` would end it. An exception the step lets
escape (a SimPy interrupt) closes the program too and reaches the caller. A
driver in which no time passes uses ``drive_now`` with a plain function.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from .actions import Action, Output, Program
from .control import SIGNAL_NUMBERS
from .memory import OutOfMemory

EXIT_SIGKILL = 128 + SIGNAL_NUMBERS["KILL"]  # 137: what a process the OOM killer ends exits with


class Stop(Enum):
    """A step's answer: end the program here (``drive`` closes it)."""

    STOP = "stop"


STOP = Stop.STOP

E = TypeVar("E")  # what the driver's step yields: SimPy events, or nothing


@dataclass(frozen=True, slots=True)
class Ended:
    """How a driven program ended: its exit ``status`` (None: stopped by its driver).

    ``oom_killed``: the container's memory limit was reached inside it, and the
    OOM killer ended it with SIGKILL (``status`` 137).
    """

    status: int | None
    oom_killed: bool = False


Step = Callable[[Action], Generator[E, Any, "BaseException | Stop | None"]]
# How a program that returned a status ended, built once per status (they are immutable)
# rather than at each run's end: every container start, exec probe and hook ends so.
ENDED = tuple(Ended(status) for status in range(256))


def ended(status: int) -> Ended:
    return ENDED[status] if 0 <= status < len(ENDED) else Ended(status)


def drive(
    program: Program, step: Step[E], output: Callable[[Output], None] | None = None
) -> Generator[E, Any, Ended]:
    """Run ``program`` to its end, each action through ``step``; how it ended.

    ``output``: what ``step`` does with an ``Output`` (it goes on, no time passing),
    called without a generator of its own (a log line at every container start).
    """
    throw: BaseException | None = None
    try:
        while True:
            action = program.send(None) if throw is None else program.throw(throw)
            throw = None
            if output is not None and type(action) is Output:
                output(action)
                continue
            outcome = yield from step(action)
            if outcome is STOP:
                return Ended(None)
            if outcome is not None:
                throw = outcome
    except StopIteration as done:
        return ended(int(done.value or 0))
    except OutOfMemory:  # past the container's limit: the OOM killer ends the process
        return Ended(EXIT_SIGKILL, oom_killed=True)
    finally:
        program.close()


def drive_now(program: Program, step: Callable[[Action], BaseException | Stop | None]) -> Ended:
    """``drive`` for a driver in which no time passes: ``step`` is a plain function."""

    def timeless(action: Action) -> Generator[None, Any, BaseException | Stop | None]:
        return step(action)
        yield  # pragma: no cover  (makes this a generator that never yields)

    driver = drive(program, timeless)
    try:
        next(driver)
    except StopIteration as done:
        ended: Ended = done.value
        return ended
    raise AssertionError("unreachable: a timeless step yielded")  # pragma: no cover
