"""The run websocket: load a bundle, pace its simulation, stream the records.

The consumer knows nothing about Kubernetes. It hands the manifest to
``cluster_sim``, advances the simulation to the pacer's target once per tick
and sends everything produced since the previous tick as one frame. The page
controls the clock (pause, resume, step, jump to the end), takes live actions
at the current simulated time, asks what a container sees (inspect, exec) and
saves the run behind a short link (share). See ``playground.protocol``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.urls import reverse

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.actions import ActionError
from playground import describe, protocol
from playground.pacing import Clock, Pacer

logger = logging.getLogger(__name__)

Mode = Literal["playing", "paused", "jumping", "seeking", "finished", "stopped", "error"]
LIVE_MODES = ("playing", "paused", "jumping", "seeking")
# A step skips instants that produce no record (internal timers), up to this many.
MAX_SILENT_STEPS = 10_000


@dataclass(eq=False)
class Run:
    """One simulation being streamed, with the records not yet sent."""

    sim: Simulation
    pacer: Pacer
    request: protocol.StartRequest
    horizon: float  # where streaming ends: the run's horizon within the playground's limit
    mode: Mode = "playing"
    goal: float = 0.0  # where "seeking" pauses
    pending: list[dict[str, Any]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    chunk: float = 1.0  # simulated seconds per advance() when running flat out

    @property
    def live(self) -> bool:
        return self.mode in LIVE_MODES

    @property
    def done(self) -> bool:
        return self.sim.finished or self.sim.now >= self.horizon


class RunConsumer(AsyncWebsocketConsumer):
    """Streams one paced simulation at a time to its own socket."""

    clock: Clock = staticmethod(time.monotonic)

    run: Run | None = None

    async def connect(self) -> None:
        """Accept every socket that got past the origin check."""
        self.run = None
        await self.accept()

    async def disconnect(self, code: int) -> None:
        """Cancel the pacing task; nobody is listening any more."""
        if self.run is not None:
            await _cancel(self.run)
            self.run = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Dispatch a client message on its "action"."""
        limits = _limits()
        try:
            message = protocol.decode_message(text_data, bytes_data, limits)
            action = message["action"]
            if action == "start":
                await self.start(protocol.parse_start(message, limits))
            elif action == "speed":
                await self.set_speed(protocol.parse_speed(message, limits))
            elif action == "pause":
                await self.pause()
            elif action in ("resume", "play"):
                await self.resume()
            elif action == "step":
                await self.step()
            elif action == "jump":
                await self.jump()
            elif action == "stop":
                await self.stop()
            elif action == "act":
                await self.act(protocol.parse_act(message))
            elif action == "inspect":
                await self.inspect(protocol.parse_container_request(message, with_argv=False))
            elif action == "exec":
                await self.exec(protocol.parse_container_request(message, with_argv=True))
            elif action == "share":
                await self.share(protocol.parse_share(message))
            else:
                raise protocol.ProtocolError(
                    f"Unknown action {action!r}; use 'start', 'speed', 'pause', 'resume', "
                    "'step', 'jump', 'stop', 'act', 'inspect', 'exec' or 'share'."
                )
        except protocol.ProtocolError as exc:
            await self.send(text_data=protocol.error_frame([exc.to_dict()]))

    # -- starting and stopping ---------------------------------------------------------

    async def start(self, request: protocol.StartRequest) -> None:
        """Replace any current run with a new one for the request's manifest."""
        await self.stop()
        self.run = None
        try:
            bundle = load_bundle([(protocol.MANIFEST_FILE, request.manifest)])
        except BundleError as exc:
            await self.send(text_data=protocol.error_frame([e.to_dict() for e in exc.errors]))
            return
        except Exception as exc:  # a bug in the simulator must not kill the socket
            logger.exception("Loading the bundle failed")
            await self._fail(0.0, exc)
            return
        try:
            # None for seed and horizon: the Scenario's values apply.
            sim = Simulation(
                bundle, seed=request.seed, horizon=request.horizon, actions=request.actions
            )
        except BundleError as exc:
            await self.send(text_data=protocol.error_frame([e.to_dict() for e in exc.errors]))
            return
        except ActionError as exc:
            error = protocol.plain_error(f"The action log cannot be replayed: {exc}")
            await self.send(text_data=protocol.error_frame([error]))
            return
        except Exception as exc:
            logger.exception("Creating the simulation failed")
            await self._fail(0.0, exc)
            return
        horizon = min(float(sim.horizon), float(settings.PLAYGROUND_HORIZON_SECONDS))
        run = Run(
            sim=sim,
            pacer=Pacer(request.speed, horizon=horizon, clock=self.clock),
            request=request,
            horizon=horizon,
        )
        if request.run_to is not None:
            run.mode = "seeking"
            run.goal = min(request.run_to, horizon)
        await self.send(
            text_data=protocol.started_frame(request.speed, sim.seed, horizon, _state(run))
        )
        pods, maps = describe.bundle_specs(bundle)
        await self.send(text_data=protocol.specs_frame(0.0, pods, maps))
        self.run = run
        run.task = asyncio.create_task(self._stream(run, float(settings.PLAYGROUND_TICK_SECONDS)))

    async def stop(self) -> None:
        """Cancel the current run, send what it produced, then an "end" frame."""
        run = self.run
        if run is None or not run.live:
            return
        await _cancel(run)
        run.mode = "stopped"
        if run.pending:
            await self._flush(run)
        await self.send(text_data=protocol.end_frame(run.sim.now, "stopped"))

    # -- the clock ---------------------------------------------------------------------

    async def set_speed(self, speed: float) -> None:
        run = self.run
        if run is None or not run.live:
            return
        run.pacer.set_speed(speed)
        if run.mode == "playing":
            await self._send_clock(run)

    async def pause(self) -> None:
        """Stop the simulated clock at the last instant the page was sent."""
        run = self._live_run()
        if run is None:
            return
        async with run.lock:
            if run.mode != "paused":
                self._hold(run)
                await self._send_clock(run)

    async def resume(self) -> None:
        run = self._live_run()
        if run is None:
            return
        async with run.lock:
            if run.mode != "playing":
                run.pacer.resume(at=run.sim.now)
                run.mode = "playing"
                run.wake.set()
                await self._send_clock(run)

    async def jump(self) -> None:
        """Run to the horizon as fast as possible, still streaming every record."""
        run = self._live_run()
        if run is None:
            return
        async with run.lock:
            run.mode = "jumping"
            run.wake.set()
            await self._send_clock(run)

    async def step(self) -> None:
        """Pause, then run to the next instant at which something is recorded."""
        run = self._live_run()
        if run is None:
            return
        async with run.lock:
            self._hold(run)
            sim = run.sim
            for _ in range(MAX_SILENT_STEPS):
                upcoming = sim.next_time()
                if upcoming is None or upcoming > run.horizon:
                    break
                records = sim.advance(until=upcoming)
                run.pending.extend(records)
                if records:
                    break
            run.pacer.pause(at=sim.now)
            await self._flush(run)
            if run.done:
                await self._finish(run)
                return
            await self._send_clock(run)

    def _hold(self, run: Run) -> None:
        run.pacer.pause(at=run.sim.now)
        run.mode = "paused"
        run.wake.clear()

    # -- requests at the live edge -----------------------------------------------------

    async def act(self, request: protocol.ActRequest) -> None:
        """A live action at the current simulated time, logged in the run's action log."""
        run = self.run
        if run is None or run.mode in ("stopped", "error"):
            await self._request_error("act", request.id, "There is no run to act on; press Run.")
            return
        if run.sim.now >= run.horizon:
            await self._request_error(
                "act", request.id, "The run has reached its horizon; nothing more can happen."
            )
            return
        async with run.lock:
            try:
                entry = run.sim.act(request.kind, request.args)
            except ActionError as exc:
                await self._request_error("act", request.id, str(exc))
                return
            except Exception as exc:  # a bug in the simulator: say so, keep the socket
                logger.exception("Action %s failed", request.kind)
                await self._request_error("act", request.id, f"The action failed: {exc}")
                return
            await self.send(text_data=protocol.acted_frame(request.id, entry))
            # Whatever the action set off at this instant, at once, even when paused.
            run.pending.extend(run.sim.advance(until=run.sim.now))
            await self._flush(run)
        if run.mode == "finished" and not run.done:
            # Something new to happen in a run that had gone quiet: it goes on, paused.
            run.mode = "paused"
            run.pacer.pause(at=run.sim.now)
            await self._send_clock(run)
            run.task = asyncio.create_task(
                self._stream(run, float(settings.PLAYGROUND_TICK_SECONDS))
            )

    async def inspect(self, request: protocol.ContainerRequest) -> None:
        run = self._any_run()
        if run is None:
            await self._request_error("inspect", request.id, "There is no run to inspect.")
            return
        try:
            view = run.sim.inspect(request.pod, request.container)
        except Exception as exc:
            logger.exception("inspect failed")
            await self._request_error("inspect", request.id, f"inspect failed: {exc}")
            return
        await self.send(text_data=protocol.inspect_frame(request.id, run.sim.now, view))

    async def exec(self, request: protocol.ContainerRequest) -> None:
        run = self._any_run()
        if run is None:
            await self._request_error("exec", request.id, "There is no run to exec in.")
            return
        try:
            status, output = run.sim.exec(request.pod, request.container, request.argv)
        except Exception as exc:
            logger.exception("exec failed")
            await self._request_error("exec", request.id, f"exec failed: {exc}")
            return
        frame = protocol.exec_frame(request.id, run.sim.now, request.argv, status, output)
        await self.send(text_data=frame)

    async def share(self, request: protocol.ShareRequest) -> None:
        """Save the run (manifest, seed, horizon, action log) and the moment behind a link."""
        run = self._any_run()
        if run is None:
            await self._request_error("share", request.id, "There is no run to share; press Run.")
            return
        at = run.sim.now if request.at is None else min(request.at, run.sim.now)
        try:
            shared = await _save_shared_run(run, at)
        except Exception as exc:
            logger.exception("Saving a shared run failed")
            await self._request_error("share", request.id, f"The run could not be saved: {exc}")
            return
        url = reverse("shared", args=[shared.slug])
        await self.send(text_data=protocol.shared_frame(request.id, shared.slug, url, at))

    # -- streaming ---------------------------------------------------------------------

    async def _stream(self, run: Run, tick: float) -> None:
        sim = run.sim
        try:
            while True:
                if run.mode == "paused":
                    await run.wake.wait()
                    continue
                if not run.live:
                    return  # a step or a stop ended the run meanwhile
                async with run.lock:
                    if run.mode == "playing":
                        run.pending.extend(sim.advance(until=run.pacer.target()))
                    elif run.mode in ("jumping", "seeking"):
                        goal = run.horizon if run.mode == "jumping" else run.goal
                        self._run_flat_out(run, goal, budget=tick)
                    else:
                        continue  # paused or ended while this task waited for the lock
                    await self._flush(run)
                    if run.done:
                        break
                    if run.mode == "seeking" and sim.now >= run.goal:
                        self._hold(run)
                        await self._send_clock(run)
                        continue
                # Flat out: one frame per tick's worth of simulating, then let messages in.
                await asyncio.sleep(tick if run.mode == "playing" else 0)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("Simulation run failed")
            run.mode = "error"
            await self._fail(sim.now, exc)
            return
        await self._finish(run)

    def _run_flat_out(self, run: Run, goal: float, budget: float) -> None:
        """Advance towards ``goal`` for about ``budget`` wall seconds, in growing chunks."""
        sim = run.sim
        deadline = time.monotonic() + budget
        while True:  # at least once: the instant the run is at may still have events
            began = time.monotonic()
            run.pending.extend(sim.advance(until=min(goal, sim.now + run.chunk)))
            spent = time.monotonic() - began
            if spent < budget / 8:
                run.chunk = min(run.chunk * 2, 3600.0)
            elif spent > budget / 2:
                run.chunk = max(run.chunk / 2, 0.001)
            if sim.now >= goal or sim.finished or time.monotonic() >= deadline:
                break
        run.pacer.pause(at=sim.now)

    async def _finish(self, run: Run) -> None:
        run.mode = "finished"
        run.pacer.pause(at=run.sim.now)
        await self.send(text_data=protocol.end_frame(run.sim.now, "finished"))

    async def _send_clock(self, run: Run) -> None:
        upcoming = run.sim.next_time()
        if upcoming is not None and upcoming > run.horizon:
            upcoming = None
        state = _state(run)
        await self.send(
            text_data=protocol.clock_frame(state, run.sim.now, run.pacer.speed, upcoming)
        )

    async def _fail(self, now: float, exc: Exception) -> None:
        error = protocol.plain_error(f"The simulation failed: {exc}")
        await self.send(text_data=protocol.error_frame([error]))
        await self.send(text_data=protocol.end_frame(now, "error"))

    async def _flush(self, run: Run) -> None:
        applied = [r for r in run.pending if r["kind"] == "action" and r["action"] == "apply"]
        for frame, count in protocol.records_frames(run.sim.now, run.pending):
            await self.send(text_data=frame)
            # Dropped only once sent: a cancelled send leaves them for stop() to flush.
            run.pending = run.pending[count:]
        if applied:
            pods, maps = describe.applied_specs(applied)
            if pods or maps:
                await self.send(text_data=protocol.specs_frame(applied[0]["t"], pods, maps))

    async def _request_error(
        self, request: protocol.RequestKind, request_id: Any, message: str
    ) -> None:
        await self.send(text_data=protocol.request_error_frame(request, request_id, message))

    def _live_run(self) -> Run | None:
        run = self.run
        return run if run is not None and run.live else None

    def _any_run(self) -> Run | None:
        """The current run, or the last one while it is still on the page."""
        return self.run


def _state(run: Run) -> protocol.ClockState:
    return run.mode if run.mode in LIVE_MODES else "paused"  # type: ignore[return-value]


@database_sync_to_async
def _save_shared_run(run: Run, at: float) -> Any:
    from playground.models import SharedRun

    return SharedRun.share(
        manifest=run.request.manifest,
        seed=run.request.seed,
        horizon=run.request.horizon,
        actions=[dict(entry) for entry in run.sim.actions],
        moment=at,
        speed=run.pacer.speed,
    )


async def _cancel(run: Run) -> None:
    task = run.task
    if task is not None and not task.done():
        task.cancel()
        await asyncio.wait([task])


def _limits() -> protocol.Limits:
    return protocol.Limits(
        max_manifest_bytes=int(settings.PLAYGROUND_MAX_MANIFEST_BYTES),
        max_speed=float(settings.PLAYGROUND_MAX_SPEED),
        max_horizon=float(settings.PLAYGROUND_HORIZON_SECONDS),
    )
