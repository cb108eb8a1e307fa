"""Job control: a process's background jobs (``cmd &``) on the same clock as its foreground.

Background jobs are child processes this process schedules itself: while the
foreground sleeps or ``wait``s, the jobs run, and their sleeps and output
interleave with the foreground's. ``kill`` ends one, ``wait`` reaps them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

from .actions import Action, Block, Compute, Output, Program, Sleep, WaitJobs, any_of
from .control import SIGNAL_NUMBERS
from .memory import JOB_MEMORY, JOB_RECORD, JOB_STORED
from .os_process import Job, OsProcess
from .streams import Stdin
from .syntax_tree import Node, SimpleCommand, static_field


class JobControl(OsProcess):
    """An ``OsProcess`` that runs background jobs while its foreground waits or sleeps."""

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
            words = [static_field(word) for word in node.words]
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
