"""The pool of simulation worker processes, as the event loop sees it.

``WorkerPool.open`` places a run on the least busy worker (for its whole
life) and returns a :class:`RemoteRun`: awaitable ``advance``, ``step``,
``act``, ``inspect``, ``exec`` and ``logs`` calls answered by that worker
(see :mod:`playground.simworkers`), plus ``cancel`` and ``close``, which do
not wait. Nothing here blocks the event loop: each worker has a reader and a
writer thread that hand answers to the loop with ``call_soon_threadsafe``,
so the pool serves any event loop (Daphne's one, or a test's).

A watchdog thread kills a worker whose current call has used more than
``overrun_seconds`` of CPU time (one call of a simulation that never lets its clock move
cannot be interrupted otherwise). The run in that call ends with a plain
message; the worker's other runs are restored on a new worker by replaying
their manifest, seed and action log up to where they were (the simulation is
deterministic, so they go on exactly as before). A worker that dies any other
way is handled the same. The pool is shut down when the server exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from playground.simworkers import IDLE, WorkerCore, receive_message, send_message, worker_main

logger = logging.getLogger(__name__)

BUSY_MESSAGE = (
    "The playground is busy: every simulation worker is running as many runs as it can. "
    "Try again in a minute."
)
OVERRUN_MESSAGE = (
    "The run used more than its share of the server's CPU: one step of the simulation took "
    "over {seconds:g} seconds of it, so the server stopped the run."
)
OPEN_OVERRUN_MESSAGE = (
    "The manifest took more than {seconds:g} seconds of the server's CPU to load, "
    "so the server stopped it."
)
CRASH_MESSAGE = "The simulation stopped unexpectedly (its worker process ended); run it again."
WATCHDOG_PERIOD = 0.05
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class PoolBusy(Exception):
    """No worker can take another run."""


class RunRefused(Exception):
    """The input cannot run: errors as the page shows them (file, line, column, message)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "refused")
        self.errors = errors


class RunFailed(Exception):
    """The run cannot go on; the message is for the user."""


class ActionRefused(Exception):
    """A live action the playground cannot take (ActionError's words)."""


class WorkerLost(Exception):
    def __init__(self, culprit: bool, message: str) -> None:
        super().__init__(message)
        self.culprit = culprit
        self.message = message


@dataclass(frozen=True, slots=True)
class PoolConfig:
    workers: int = 2
    runs_per_worker: int = 64
    slice_seconds: float = 0.02  # wall time one run simulates before the next one's turn
    overrun_seconds: float = 10.0  # CPU seconds of one uninterruptible call that kill the worker
    open_seconds: float = 30.0  # the same for loading a manifest and creating its simulation
    niceness: int = 10  # workers yield the CPU to the server's event loop
    simulation: str = "cluster_sim:Simulation"  # "module:attribute"; tests pass a double


@dataclass(frozen=True, slots=True)
class RunSpec:
    manifest: str
    seed: int | None
    horizon: float | None
    actions: Sequence[dict[str, Any]] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    """What one request produced: "records" (and "specs") frames, and where the run is."""

    frames: tuple[str, ...]
    now: float
    next: float | None
    finished: bool


def _progress(answer: dict[str, Any]) -> Progress:
    return Progress(tuple(answer["frames"]), answer["now"], answer["next"], answer["finished"])


class _Worker:
    """One worker process and the threads that talk to it."""

    def __init__(self, index: int, config: PoolConfig, pool: WorkerPool) -> None:
        context = multiprocessing.get_context("spawn")
        self.pool = pool
        self.config = config
        self.runs: set[int] = set()
        self.alive = True
        self.status = context.RawArray("d", 3)  # (run in a call or IDLE, since, opening)
        self.culprit: int | None = None
        self.culprit_message = CRASH_MESSAGE
        self._pending: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any], int]] = {}
        self._lock = threading.Lock()
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._ids = itertools.count(1)
        ours, theirs = socket.socketpair()
        self.sock = ours
        self.process = context.Process(
            target=worker_main,
            args=(theirs, self.status, config.slice_seconds, config.niceness, config.simulation),
            name=f"simworker-{index}",
            daemon=True,
        )
        pool.start_process(self.process)
        theirs.close()
        threading.Thread(target=self._write, name=f"simworker-{index}-out", daemon=True).start()
        threading.Thread(target=self._read, name=f"simworker-{index}-in", daemon=True).start()

    def request(self, op: str, run_id: int, payload: dict[str, Any]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            if not self.alive:
                future.set_exception(self._lost(run_id))
                return future
            request_id = next(self._ids)
            self._pending[request_id] = (loop, future, run_id)
        self._outbox.put((op, request_id, run_id, payload))
        return future

    def post(self, op: str, run_id: int) -> None:
        """A message with no answer (cancel, close)."""
        if self.alive:
            self._outbox.put((op, 0, run_id, {}))

    def cpu_seconds(self) -> float:
        """The worker's CPU time (what ``time.process_time()`` says inside it).

        CPU time, not wall time: a worker starved of the CPU by a busy machine (it runs
        at a low priority) is not overrunning.
        """
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime

    def kill(self, run_id: int, message: str) -> None:
        self.culprit, self.culprit_message = run_id, message
        with contextlib.suppress(Exception):
            self.process.kill()

    def stop(self) -> None:
        self.alive = False
        self._outbox.put(None)
        with contextlib.suppress(Exception):
            self.process.kill()

    def _write(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                send_message(self.sock, message)
            except OSError:
                return

    def _read(self) -> None:
        try:
            while (reply := receive_message(self.sock)) is not None:
                request_id, ok, payload = reply
                with self._lock:
                    entry = self._pending.pop(request_id, None)
                if entry is not None:
                    loop, future, _ = entry
                    _settle(loop, future, ok, payload)
        except (OSError, EOFError, ValueError):
            pass
        self._died()

    def _died(self) -> None:
        if self.culprit is None and self.status[0] != IDLE:
            self.culprit = int(self.status[0])  # crashed in the middle of this run's call
        with self._lock:
            self.alive = False
            pending, self._pending = self._pending, {}
        self._outbox.put(None)
        with contextlib.suppress(Exception):
            self.process.join(timeout=1)
        if not self.pool._closed and not sys.is_finalizing():
            logger.warning(
                "A simulation worker ended in run %s; restoring runs %s",
                self.culprit,
                sorted(self.runs - {self.culprit}),
            )
        self.pool._replace(self)  # first: the runs' retries land on the new worker
        for loop, future, run_id in pending.values():
            _settle(loop, future, False, self._lost(run_id))

    def _lost(self, run_id: int) -> WorkerLost:
        return WorkerLost(run_id == self.culprit, self.culprit_message)


def _settle(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], ok: bool, payload: Any
) -> None:
    def settle() -> None:
        if future.done():
            return
        if isinstance(payload, BaseException):
            future.set_exception(payload)
        elif ok:
            future.set_result(payload)
        else:
            future.set_exception(_answer_error(payload))

    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
        loop.call_soon_threadsafe(settle)


def _answer_error(payload: dict[str, Any]) -> Exception:
    kind = payload.get("kind")
    if kind == "refused":
        return RunRefused(payload["errors"])
    if kind == "action":
        return ActionRefused(payload["message"])
    if "bug" in payload:
        logger.error("Simulation failed: %s", payload["bug"])
    return RunFailed(payload["message"])


@dataclass(eq=False)
class RemoteRun:
    """One run in the pool: what the event loop needs to drive it."""

    pool: WorkerPool
    id: int
    worker: _Worker
    spec: RunSpec
    seed: int = 0
    horizon: float = 0.0  # the simulation's own horizon
    specs: str = ""  # the "specs" frame of the bundle
    actions: list[dict[str, Any]] = field(default_factory=list)  # the action log
    now: float = 0.0
    _restoring: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def advance(self, until: float) -> Progress:
        return self._moved(await self._call("advance", {"until": until}))

    async def step(self, horizon: float) -> Progress:
        return self._moved(await self._call("step", {"horizon": horizon}))

    async def act(self, kind: str, args: dict[str, Any]) -> tuple[dict[str, Any], Progress]:
        answer = await self._call("act", {"kind": kind, "args": args})
        self.actions.append(answer["entry"])
        return answer["entry"], self._moved(answer)

    async def inspect(self, request_id: Any, pod: str, container: str) -> str:
        payload = {"id": request_id, "pod": pod, "container": container}
        return str((await self._call("inspect", payload))["frame"])

    async def exec(self, request_id: Any, pod: str, container: str, argv: Sequence[str]) -> str:
        payload = {"id": request_id, "pod": pod, "container": container, "argv": list(argv)}
        return str((await self._call("exec", payload))["frame"])

    async def logs(self, request_id: Any, pod: str, container: str, previous: bool) -> str:
        payload = {"id": request_id, "pod": pod, "container": container, "previous": previous}
        return str((await self._call("logs", payload))["frame"])

    async def kubectl(self, request_id: Any, argv: Sequence[str]) -> str:
        payload = {"id": request_id, "argv": list(argv)}
        return str((await self._call("kubectl", payload))["frame"])

    def cancel(self) -> None:
        """Answer the run's queued advance now, with what is done (pause, stop)."""
        self.worker.post("cancel", self.id)

    def close(self) -> None:
        self.worker.post("close", self.id)
        self.pool._forget(self)

    def _moved(self, answer: dict[str, Any]) -> Progress:
        progress = _progress(answer)
        self.now = progress.now
        return progress

    async def _call(self, op: str, payload: dict[str, Any]) -> Any:
        for _ in range(3):
            worker = self.worker
            try:
                return await worker.request(op, self.id, payload)
            except WorkerLost as lost:
                if lost.culprit:
                    raise RunFailed(lost.message) from None
                await self._restore(worker)
        raise RunFailed(CRASH_MESSAGE)

    async def _restore(self, lost: _Worker) -> None:
        """Replay this run on another worker up to where it was."""
        async with self._restoring:
            if self.worker is not lost:
                return  # another request restored it meanwhile
            try:
                worker = self.pool._place(self.id)
            except PoolBusy:
                raise RunFailed(CRASH_MESSAGE) from None
            self.worker = worker
            payload = {
                "manifest": self.spec.manifest,
                "seed": self.seed,
                "horizon": self.horizon,
                "actions": self.actions,
                "restore_to": self.now,
            }
            try:
                await worker.request("open", self.id, payload)
            except (WorkerLost, RunRefused, RunFailed):
                raise RunFailed(CRASH_MESSAGE) from None


class WorkerPool:
    """N worker processes, each holding up to ``runs_per_worker`` runs."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False
        # Every worker process is started from this one thread, which lives as long as
        # the pool: a worker asks Linux for SIGKILL when its parent dies, and the parent
        # Linux means is the *thread* that started it (prctl PR_SET_PDEATHSIG). Started
        # from the thread that happened to ask (an asgiref thread serving a request, or
        # the reader thread of a dead worker, which ends right after), a worker was
        # killed when that thread ended.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simworker-spawner")
        self.workers = [_Worker(i, config, self) for i in range(config.workers)]
        self.restarts = 0
        threading.Thread(target=self._watch, name="simworker-watchdog", daemon=True).start()
        atexit.register(self.shutdown)

    async def open(self, spec: RunSpec) -> RemoteRun:
        """Start a run on the least busy worker; PoolBusy when every worker is full."""
        run_id = next(self._ids)
        payload = {
            "manifest": spec.manifest,
            "seed": spec.seed,
            "horizon": spec.horizon,
            "actions": list(spec.actions),
        }
        for _ in range(3):  # a worker that dies under another run: open on its successor
            worker = self._place(run_id)
            try:
                opened = await worker.request("open", run_id, payload)
                break
            except WorkerLost as lost:
                worker.runs.discard(run_id)
                if lost.culprit:
                    raise RunFailed(lost.message) from None
            except BaseException:
                worker.runs.discard(run_id)
                raise
        else:
            raise RunFailed(CRASH_MESSAGE)
        return RemoteRun(
            pool=self,
            id=run_id,
            worker=worker,
            spec=spec,
            seed=opened["seed"],
            horizon=opened["horizon"],
            specs=opened["specs"],
            actions=opened["actions"],
        )

    @property
    def runs(self) -> int:
        return sum(len(w.runs) for w in self.workers)

    def start_process(self, process: BaseProcess) -> None:
        """Start a worker process from the pool's own long-lived thread (see ``__init__``)."""
        self._spawner.submit(process.start).result()

    def shutdown(self) -> None:
        self._closed = True
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            with contextlib.suppress(Exception):
                worker.process.join(timeout=1)
        self._spawner.shutdown(wait=False)

    def _place(self, run_id: int) -> _Worker:
        with self._lock:
            alive = [w for w in self.workers if w.alive]
            worker = min(alive, key=lambda w: len(w.runs), default=None)
            if worker is None or len(worker.runs) >= self.config.runs_per_worker:
                raise PoolBusy(BUSY_MESSAGE)
            worker.runs.add(run_id)
            return worker

    def _forget(self, run: RemoteRun) -> None:
        run.worker.runs.discard(run.id)

    def _replace(self, dead: _Worker) -> None:
        """A worker died: start another in its place (its runs restore on demand)."""
        if self._closed:
            return
        with self._lock:
            if dead not in self.workers:
                return
            index = self.workers.index(dead)
            try:
                self.workers[index] = _Worker(index, self.config, self)
            except RuntimeError:  # the spawner was shut down meanwhile: the pool is closing
                return
            self.restarts += 1
        logger.warning("Simulation worker %d ended; a new one replaces it", index)

    def _watch(self) -> None:
        config = self.config
        while not self._closed:
            time.sleep(WATCHDOG_PERIOD)
            for worker in list(self.workers):
                run_id, since, opening = worker.status[0], worker.status[1], worker.status[2]
                limit = config.open_seconds if opening else config.overrun_seconds
                used = worker.cpu_seconds() - since
                if worker.alive and run_id != IDLE and used > limit:
                    logger.warning(
                        "Run %d used %.1f CPU seconds in one %s; stopping its worker",
                        run_id,
                        used,
                        "open" if opening else "call",
                    )
                    template = OPEN_OVERRUN_MESSAGE if opening else OVERRUN_MESSAGE
                    worker.kill(int(run_id), template.format(seconds=limit))


# -- in process (tests, and PLAYGROUND_WORKERS=0 for debugging) ---------------------------


@dataclass(eq=False)
class LocalRun(RemoteRun):
    """A run simulated on the calling thread by a :class:`WorkerCore`: no isolation."""

    core: WorkerCore | None = None

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        assert self.core is not None
        self.core.handle(("close", 0, self.id, {}))

    async def _call(self, op: str, payload: dict[str, Any]) -> Any:
        assert self.core is not None
        return _local_call(self.core, op, self.id, payload)


class LocalPool:
    """The pool's interface over one in-process :class:`WorkerCore`."""

    def __init__(self, core: WorkerCore) -> None:
        self.core = core
        self._ids = itertools.count(1)

    async def open(self, spec: RunSpec) -> RemoteRun:
        run_id = next(self._ids)
        payload = {
            "manifest": spec.manifest,
            "seed": spec.seed,
            "horizon": spec.horizon,
            "actions": list(spec.actions),
        }
        opened = _local_call(self.core, "open", run_id, payload)
        return LocalRun(
            pool=self,  # type: ignore[arg-type]
            id=run_id,
            worker=None,  # type: ignore[arg-type]
            spec=spec,
            seed=opened["seed"],
            horizon=opened["horizon"],
            specs=opened["specs"],
            actions=opened["actions"],
            core=self.core,
        )


def _local_call(core: WorkerCore, op: str, run_id: int, payload: dict[str, Any]) -> Any:
    request_id = -1
    replies = core.handle((op, request_id, run_id, payload))
    while not replies and core.has_work:
        replies = [r for r in core.work() if r[0] == request_id]
    ((_, ok, answer),) = replies
    if not ok:
        raise _answer_error(answer)
    return answer
