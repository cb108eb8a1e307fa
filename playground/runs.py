"""One run as the page drives it: the clock's state machine, without Channels.

A :class:`Run` paces a simulation that lives elsewhere (a worker process,
:mod:`playground.simpool`) and sends the page its frames through an injected
``send``. Modes:

- ``playing``: the simulated clock follows the wall clock at the run's speed
  (:class:`playground.pacing.Pacer`), one request to the worker per tick;
- ``jumping``: to the horizon as fast as the worker's slices allow;
- ``seeking``: as fast as possible to a moment, then ``paused`` there;
- ``paused``: the clock holds at the last instant the page was sent;
- ``finished``, ``stopped``, ``error``: the run is over (``finished`` can go
  on, paused, if a live action gives it something new to do).

Every frame the worker makes is sent as it comes, in order, so the records
streamed equal the simulation's for the same input, seed and action log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from playground import protocol
from playground.pacing import Clock, Pacer
from playground.simpool import ActionRefused, Progress, RunFailed

Mode = Literal["playing", "paused", "jumping", "seeking", "finished", "stopped", "error"]
LIVE_MODES = ("playing", "paused", "jumping", "seeking")
Send = Callable[[str], Awaitable[None]]


class Simulated(Protocol):
    """What a run needs from wherever its simulation lives (``simpool.RemoteRun``)."""

    seed: int
    horizon: float
    specs: str
    actions: list[dict[str, Any]]
    now: float

    async def advance(self, until: float) -> Progress: ...
    async def step(self, horizon: float) -> Progress: ...
    async def act(self, kind: str, args: dict[str, Any]) -> tuple[dict[str, Any], Progress]: ...
    async def inspect(self, request_id: Any, pod: str, container: str) -> str: ...
    async def exec(self, request_id: Any, pod: str, container: str, argv: Sequence[str]) -> str: ...
    async def logs(self, request_id: Any, pod: str, container: str, previous: bool) -> str: ...
    async def kubectl(self, request_id: Any, argv: Sequence[str]) -> str: ...
    def cancel(self) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ShareData:
    """What a share link keeps: the input, the action log and the moment to open at."""

    manifest: str
    seed: int | None
    horizon: float | None
    actions: list[dict[str, Any]]
    moment: float
    speed: float


@dataclass(eq=False)
class Run:
    """One simulation being paced and streamed to one page."""

    sim: Simulated
    request: protocol.StartRequest
    send: Send
    horizon: float  # where streaming ends: the run's horizon within the playground's limit
    tick: float = 0.1  # wall seconds between frames while playing
    clock: Clock = time.monotonic
    mode: Mode = "playing"
    goal: float = 0.0  # where "seeking" pauses
    now: float = 0.0  # the last instant the page was sent
    next: float | None = None
    finished: bool = False
    pacer: Pacer = field(init=False)
    held: list[Progress] = field(default_factory=list)  # made while paused, not yet sent
    task: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.pacer = Pacer(self.request.speed, horizon=self.horizon, clock=self.clock)
        if self.request.run_to is not None:
            self.mode = "seeking"
            self.goal = min(self.request.run_to, self.horizon)

    @property
    def live(self) -> bool:
        return self.mode in LIVE_MODES

    @property
    def paused(self) -> bool:
        return self.mode == "paused"

    @property
    def done(self) -> bool:
        return self.finished or self.now >= self.horizon

    async def begin(self) -> None:
        """Say the run started, what its Pods ask for, and start the clock."""
        await self.send(
            protocol.started_frame(self.request.speed, self.sim.seed, self.horizon, self._state())
        )
        await self.send(self.sim.specs)
        self.task = asyncio.create_task(self._stream())

    async def close(self) -> None:
        """The page has gone: stop at once, send nothing more."""
        await self._cancel_task()
        self.sim.close()

    # -- the clock ---------------------------------------------------------------------
    # None of these waits for the worker: the page's clock is the run's, and what the
    # worker made meanwhile is held (pause) or dropped (stop) when it comes.

    async def stop(self) -> None:
        """End the run at the last instant sent, at once; then an "end" frame."""
        if not self.live:
            return
        self.sim.cancel()
        async with self.lock:
            self.mode = "stopped"
            self.held.clear()
            self.wake.set()
        await self._cancel_task()
        await self.send(protocol.end_frame(self.now, "stopped"))

    async def set_speed(self, speed: float) -> None:
        if not self.live:
            return
        async with self.lock:
            self.pacer.set_speed(speed)
            if self.mode == "playing":
                await self._send_clock()

    async def pause(self) -> None:
        """Stop the simulated clock at the last instant the page was sent, at once."""
        if not self.live or self.mode == "paused":
            return
        self.sim.cancel()  # the worker answers the queued slice at once
        async with self.lock:
            if self.live and not self.paused:  # re-read: it may have changed while waiting
                self._hold()
                await self._send_clock()

    async def resume(self) -> None:
        async with self.lock:
            if self.live and self.mode != "playing":
                await self._release()
                self.pacer.resume(at=self.now)
                self.mode = "playing"
                self.wake.set()
                await self._send_clock()

    async def jump(self) -> None:
        """Run to the horizon as fast as possible, still streaming every record."""
        async with self.lock:
            if self.live:
                await self._release()
                self.mode = "jumping"
                self.wake.set()
                await self._send_clock()

    async def step(self) -> None:
        """Pause, then run to the next instant at which something is recorded."""
        if not self.live:
            return
        self.sim.cancel()
        async with self.lock:
            if not self.live:
                return
            self._hold()
            if self.held:  # made while paused: they are what comes next
                paused_at = self.now
                await self._release()
                if self.now > paused_at:
                    self.pacer.pause(at=self.now)
                    await self._send_clock()
                    return
                # Nothing held moved the clock (an advance cancelled by the pause answers
                # with an empty "records" frame at the same time): the step still steps.
        try:
            progress = await self.sim.step(self.horizon)
        except RunFailed as exc:
            await self._fail(str(exc))
            return
        async with self.lock:
            if not self.live:
                return
            await self._release()
            await self._show(progress)
            self.pacer.pause(at=self.now)
            if self.done:
                await self._finish()
                return
            await self._send_clock()

    def _hold(self) -> None:
        self.pacer.pause(at=self.now)
        self.mode = "paused"
        self.wake.clear()

    # -- requests at the live edge -----------------------------------------------------

    async def act(self, request: protocol.ActRequest) -> None:
        """A live action at the current simulated time, logged in the run's action log."""
        if self.mode in ("stopped", "error"):
            await self._request_error("act", request.id, "There is no run to act on; press Run.")
            return
        if self.now >= self.horizon:
            await self._request_error(
                "act", request.id, "The run has reached its horizon; nothing more can happen."
            )
            return
        self.sim.cancel()
        try:
            entry, progress = await self.sim.act(request.kind, request.args)
        except ActionRefused as exc:
            await self._request_error("act", request.id, str(exc))
            return
        except RunFailed as exc:
            await self._request_error("act", request.id, f"The action failed: {exc}")
            return
        async with self.lock:
            await self._release()
            await self.send(protocol.acted_frame(request.id, entry))
            await self._show(progress)
        if self.mode == "finished" and not self.done:
            # Something new to happen in a run that had gone quiet: it goes on, paused
            # (the wake event cleared: one left set by a jump made the new stream spin).
            self._hold()
            await self._send_clock()
            self.task = asyncio.create_task(self._stream())

    async def inspect(self, request: protocol.ContainerRequest) -> None:
        await self._answer(
            "inspect", request.id, self.sim.inspect(request.id, request.pod, request.container)
        )

    async def exec(self, request: protocol.ContainerRequest) -> None:
        await self._answer(
            "exec",
            request.id,
            self.sim.exec(request.id, request.pod, request.container, request.argv),
        )

    async def logs(self, request: protocol.LogsRequest) -> None:
        await self._answer(
            "logs",
            request.id,
            self.sim.logs(request.id, request.pod, request.container, request.previous),
        )

    async def kubectl(self, request: protocol.KubectlRequest) -> None:
        await self._answer("kubectl", request.id, self.sim.kubectl(request.id, request.argv))

    def share_data(self, at: float | None) -> ShareData:
        """What a share link saves, as of ``at`` (default: the live edge)."""
        return ShareData(
            manifest=self.request.manifest,
            seed=self.request.seed,
            horizon=self.request.horizon,
            actions=[dict(entry) for entry in self.sim.actions],
            moment=self.now if at is None else min(at, self.now),
            speed=self.pacer.speed,
        )

    async def _answer(
        self, kind: protocol.RequestKind, request_id: Any, call: Awaitable[str]
    ) -> None:
        try:
            frame = await call
        except (RunFailed, ActionRefused) as exc:
            await self._request_error(kind, request_id, f"{kind} failed: {exc}")
            return
        await self.send(frame)

    # -- streaming ---------------------------------------------------------------------

    async def _stream(self) -> None:
        try:
            while True:
                if self.mode == "paused":
                    await self.wake.wait()
                    continue
                if not self.live:
                    return  # a step or a stop ended the run meanwhile
                if self.mode == "playing":
                    goal = self.pacer.target()
                elif self.mode == "jumping":
                    goal = self.horizon
                else:
                    goal = self.goal
                progress = await self.sim.advance(goal)
                async with self.lock:
                    if not self.live:
                        return  # stopped meanwhile: what the worker made is dropped
                    if self.paused:  # re-read: it may have changed while waiting
                        if progress.frames:  # paused meanwhile: they are sent on resume or step
                            self.held.append(progress)
                        continue
                    await self._show(progress)
                    if self.mode != "playing":
                        self.pacer.pause(at=self.now)
                    if self.done:
                        break
                    if self.mode == "seeking" and self.now >= self.goal:
                        self._hold()
                        await self._send_clock()
                        continue
                # Flat out: straight on once the frames are sent, letting messages in.
                await asyncio.sleep(self.tick if self.mode == "playing" else 0)
        except RunFailed as exc:
            await self._fail(str(exc))
            return
        await self._finish()

    async def _show(self, progress: Progress) -> None:
        for frame in progress.frames:
            await self.send(frame)
        self.now, self.next, self.finished = progress.now, progress.next, progress.finished

    async def _release(self) -> None:
        """Send what the worker made while the page's clock was held."""
        held, self.held = self.held, []
        for progress in held:
            await self._show(progress)

    async def _finish(self) -> None:
        self.mode = "finished"
        self.pacer.pause(at=self.now)
        await self.send(protocol.end_frame(self.now, "finished"))

    async def _fail(self, message: str) -> None:
        if not self.live:
            return
        self.mode = "error"
        await self.send(protocol.error_frame([protocol.plain_error(message)]))
        await self.send(protocol.end_frame(self.now, "error"))

    async def _send_clock(self) -> None:
        upcoming = self.next if self.next is None or self.next <= self.horizon else None
        await self.send(protocol.clock_frame(self._state(), self.now, self.pacer.speed, upcoming))

    async def _request_error(
        self, request: protocol.RequestKind, request_id: Any, message: str
    ) -> None:
        await self.send(protocol.request_error_frame(request, request_id, message))

    async def _cancel_task(self) -> None:
        task = self.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            await asyncio.wait([task])

    def _state(self) -> protocol.ClockState:
        return self.mode if self.mode in LIVE_MODES else "paused"  # type: ignore[return-value]
