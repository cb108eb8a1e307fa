"""The run websocket: load a bundle, pace its simulation, stream the records.

The consumer knows nothing about Kubernetes. It hands the manifest to
``cluster_sim``, advances the simulation to the pacer's target once per tick
and sends everything produced since the previous tick as one frame.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from cluster_sim import BundleError, Simulation, load_bundle
from playground import protocol
from playground.pacing import Clock, Pacer

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Run:
    """One simulation being streamed, with the records not yet sent."""

    sim: Simulation
    pacer: Pacer
    pending: list[dict[str, Any]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


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
                speed = protocol.parse_speed(message, limits)
                if self.run is not None:
                    self.run.pacer.set_speed(speed)
            elif action == "stop":
                await self.stop()
            else:
                raise protocol.ProtocolError(
                    f"Unknown action {action!r}; use 'start', 'speed' or 'stop'."
                )
        except protocol.ProtocolError as exc:
            await self.send(text_data=protocol.error_frame([exc.to_dict()]))

    async def start(self, request: protocol.StartRequest) -> None:
        """Replace any current run with a new one for the request's manifest."""
        await self.stop()
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
            sim = Simulation(bundle, seed=request.seed, horizon=request.horizon)
        except BundleError as exc:
            await self.send(text_data=protocol.error_frame([e.to_dict() for e in exc.errors]))
            return
        except Exception as exc:
            logger.exception("Creating the simulation failed")
            await self._fail(0.0, exc)
            return
        run = Run(sim=sim, pacer=Pacer(request.speed, horizon=request.horizon, clock=self.clock))
        await self.send(text_data=protocol.started_frame(request))
        self.run = run
        run.task = asyncio.create_task(self._stream(run, float(settings.PLAYGROUND_TICK_SECONDS)))

    async def stop(self) -> None:
        """Cancel the current run, send what it produced, then an "end" frame."""
        run, self.run = self.run, None
        if run is None:
            return
        await _cancel(run)
        if run.pending:
            await self._flush(run)
        await self.send(text_data=protocol.end_frame(run.sim.now, "stopped"))

    async def _stream(self, run: Run, tick: float) -> None:
        sim = run.sim
        try:
            while True:
                run.pending.extend(sim.advance(until=run.pacer.target()))
                await self._flush(run)
                if sim.finished or sim.now >= run.pacer.horizon:
                    break
                await asyncio.sleep(tick)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("Simulation run failed")
            if self.run is run:
                self.run = None
            await self._fail(sim.now, exc)
            return
        if self.run is run:
            self.run = None
        await self.send(text_data=protocol.end_frame(sim.now, "finished"))

    async def _fail(self, now: float, exc: Exception) -> None:
        error = protocol.plain_error(f"The simulation failed: {exc}")
        await self.send(text_data=protocol.error_frame([error]))
        await self.send(text_data=protocol.end_frame(now, "error"))

    async def _flush(self, run: Run) -> None:
        for frame, count in protocol.records_frames(run.sim.now, run.pending):
            await self.send(text_data=frame)
            # Dropped only once sent: a cancelled send leaves them for stop() to flush.
            run.pending = run.pending[count:]


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
