"""What a running program yields to whoever drives it: the actions.

A program is a generator of actions that returns its exit status. The
kubelet's container runtime honours ``Sleep`` and ``Compute`` on the
simulation clock and turns ``Output`` into log lines; ``WaitJobs`` and
``Block`` are a shell's own business (its background jobs, its pipes) and are
resolved by the process or pipeline that runs the program.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sleep:
    """Block for ``ms`` simulated milliseconds (``math.inf``: forever)."""

    ms: float


@dataclass(frozen=True, slots=True)
class Compute(Sleep):
    """``ms`` milliseconds of CPU work done: the process stays runnable (see ``userland.cpu``).

    A ``Sleep`` to a driver that knows nothing of CPU sharing (exec probes,
    hooks): that much time passes, as on an idle core. The container runtime
    gives it the container's share of the node instead.
    """


@dataclass(frozen=True, slots=True)
class Block(Sleep):
    """Blocked on a pipe: resume once ``ready()`` is true, or after ``ms`` at the latest.

    Reading an empty pipe that still has writers, or writing to a full one that
    still has readers, blocks like this (``streams.Pipe``). The pipeline that
    owns the pipe (``pipeline.run_stages``) resumes the process when the other
    end moves. A driver that knows nothing of pipes takes it for a ``Sleep`` of
    ``ms``: the outermost shell hands such drivers a plain ``Sleep``.
    """

    ready: Callable[[], bool] = bool


@dataclass(frozen=True, slots=True)
class Output:
    """Write ``text`` to the container's log, on ``stream`` (``stdout`` or ``stderr``)."""

    text: str
    stream: str = "stdout"


@dataclass(frozen=True, slots=True)
class WaitJobs:
    """Internal: block until these background jobs (all if empty) have exited.

    A process's scheduler turns it into sleeps; it never reaches the kubelet.
    """

    pids: tuple[int, ...] = ()


def any_of(checks: list[Callable[[], bool]]) -> Callable[[], bool]:
    """A ``Block`` condition true once any of ``checks`` is."""
    return lambda: any(check() for check in checks)


Action = Sleep | Compute | Block | Output | WaitJobs
Program = Generator[Action, None, int]


def at_once(status: int) -> Program:
    """A program that ends at once with ``status``."""
    return status
    yield  # pragma: no cover  (makes this a generator)


def raising(error: BaseException) -> Program:
    """A program that raises ``error`` when it runs."""
    raise error
    yield  # pragma: no cover  (makes this a generator)
