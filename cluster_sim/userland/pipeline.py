"""Running a pipeline's stages at the same time, as the kernel runs its processes.

``a | b | c`` starts every stage at once, each in its own process, joined by
``streams.Pipe``s. The stages share the clock: a stage runs until it sleeps,
blocks on a pipe (``Block``), computes a quantum (``Compute``) or exits, then
the next runnable stage in order takes its turn (round robin, so a run is
deterministic). ``Output`` goes straight on, so ``tail -F log | grep ERROR``
delivers each line at the moment it is written.

When no stage can run, the pipeline as a whole sleeps until the earliest
wake-up, or blocks (``Block``) if a stage waits on a pipe someone outside
the pipeline may move (an enclosing pipeline's). A stage's pipe ends close
when it exits: the reader then sees end of file, a writer SIGPIPE.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

from .actions import Action, Block, Compute, Output, Program, Sleep, any_of
from .streams import Pipe


class StageProcess(Protocol):
    pid: int
    busy_since: int | None  # when it last started computing without blocking (``cpu``)
    crashed: bool


@dataclass(eq=False)
class Stage:
    """One process of the pipeline: its program, when it may run, the pipes it holds."""

    process: StageProcess
    program: Program
    reads: Pipe | None = None
    writes: Pipe | None = None
    wake: float = 0
    ready: Callable[[], bool] | None = None
    status: int | None = None

    def due(self, now: float) -> bool:
        if self.ready is not None:
            return self.wake <= now or self.ready()
        return self.wake <= now

    def close(self) -> None:
        """The process exited: its ends of the pipes close."""
        if self.reads is not None:
            self.reads.close_reader()
            self.reads = None
        if self.writes is not None:
            self.writes.close_writer()
            self.writes = None


def run_stages(stages: list[Stage], clock: Callable[[], int]) -> Generator[Action, None, list[int]]:
    """Drive ``stages`` to their ends on one clock; return their exit statuses."""
    turn = 0
    count = len(stages)
    throw: BaseException | None = None
    current: Stage | None = None
    try:
        while True:
            if current is None:
                now = clock()
                for offset in range(count):
                    stage = stages[(turn + offset) % count]
                    if stage.status is None and stage.due(now):
                        current = stage
                        turn = (turn + offset + 1) % count
                        break
                if current is None:
                    live = [stage for stage in stages if stage.status is None]
                    if not live:
                        return [int(stage.status or 0) for stage in stages]
                    wake = min(stage.wake for stage in live)
                    checks = [stage.ready for stage in live if stage.ready is not None]
                    idle = Block(wake - now, any_of(checks)) if checks else Sleep(wake - now)
                    for stage in live:  # blocked on a pipe, the process sleeps
                        if stage.ready is not None:
                            stage.process.busy_since = None
                    try:
                        yield idle
                    except BaseException as exc:  # a signal for the foreground: the last stage
                        throw = exc
                        current = next(s for s in reversed(stages) if s.status is None)
                    continue
                current.ready = None
            stage = current
            try:
                if throw is not None:
                    delivered, throw = throw, None
                    action = stage.program.throw(delivered)
                else:
                    action = next(stage.program)
            except StopIteration as stop:
                stage.status = int(stop.value or 0)
                stage.close()
                current = None
                continue
            if isinstance(action, Output):
                try:
                    yield action
                except BaseException as exc:
                    throw = exc
                continue
            if isinstance(action, Compute):  # runnable: one quantum, then the next stage's turn
                try:
                    yield action
                except BaseException as exc:
                    throw = exc
                    continue
                stage.wake = clock()
                current = None
                continue
            if isinstance(action, Block):
                stage.wake = clock() + action.ms
                stage.ready = action.ready
            elif isinstance(action, Sleep):
                stage.wake = clock() + action.ms
            else:  # pragma: no cover  (``WaitJobs`` stays inside its process)
                raise TypeError(f"unexpected action {action!r}")
            current = None
    finally:
        for stage in stages:
            if stage.status is None:
                stage.program.close()
                stage.close()
