"""The run websocket: connect, check the client's limits, dispatch, stream.

The consumer knows nothing about Kubernetes and simulates nothing itself: the
simulation runs in a worker process (:mod:`playground.simpool`) and the run's
clock is a :class:`playground.runs.Run`. The consumer decodes each message,
looks its "action" up in :data:`ACTIONS` (parser and handler), and sends the
frames the run produces to its own socket. See ``playground.protocol``.

Per-client limits, each refused with an error frame in the protocol's format:
one run per connection (a new start replaces the old), ``PLAYGROUND_RUNS_PER_ADDRESS``
runs per client address, the message size (``protocol.decode_message``) and a
message rate (a token bucket of ``PLAYGROUND_MESSAGES_PER_SECOND``, burst
``PLAYGROUND_MESSAGE_BURST``); a full pool refuses new runs politely.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.urls import reverse

from playground import protocol
from playground.pacing import Clock
from playground.runs import Run, ShareData
from playground.simpool import (
    LocalPool,
    PoolBusy,
    PoolConfig,
    RunFailed,
    RunRefused,
    RunSpec,
    WorkerPool,
)
from playground.simworkers import WorkerCore

logger = logging.getLogger(__name__)

SHARE_FAILED = "The run could not be saved; please try again in a moment."

Parser = Callable[[dict[str, Any], protocol.Limits], Any]
Handler = Callable[["RunConsumer", Any], Awaitable[None]]


class TokenBucket:
    """``rate`` messages a second on average, ``burst`` at once."""

    __slots__ = ("_clock", "_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Clock = time.monotonic) -> None:
        self.rate, self.burst, self._clock = float(rate), float(burst), clock
        self._tokens, self._last = float(burst), clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class RunConsumer(AsyncWebsocketConsumer):
    """Streams one paced simulation at a time to its own socket."""

    clock: Clock = staticmethod(time.monotonic)

    run: Run | None = None

    async def connect(self) -> None:
        """Accept every socket that got past the origin check."""
        self.run = None
        self.address = _client_address(self.scope)
        self.bucket = TokenBucket(
            float(settings.PLAYGROUND_MESSAGES_PER_SECOND), float(settings.PLAYGROUND_MESSAGE_BURST)
        )
        await self.accept()

    async def disconnect(self, code: int) -> None:
        """Drop the run at once; nobody is listening any more."""
        await self._drop()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Check the rate, then dispatch the message on its "action" through ACTIONS."""
        limits = _limits()
        try:
            if not self.bucket.take():
                raise protocol.ProtocolError(
                    f"Too many messages: at most {self.bucket.rate:g} a second "
                    f"(bursts of {self.bucket.burst:g}); this one was ignored."
                )
            message = protocol.decode_message(text_data, bytes_data, limits)
            entry = ACTIONS.get(message["action"])
            if entry is None:
                known = ", ".join(f"'{name}'" for name in ACTIONS)
                raise protocol.ProtocolError(
                    f"Unknown action {message['action']!r}; use one of {known}."
                )
            parse, handle = entry
            await handle(self, parse(message, limits))
        except protocol.ProtocolError as exc:
            await self._send(protocol.error_frame([exc.to_dict()]))

    # -- handlers ----------------------------------------------------------------------

    async def start(self, request: protocol.StartRequest) -> None:
        """Replace any current run with a new one for the request's manifest."""
        await self.stop(None)
        await self._drop()
        limit = int(settings.PLAYGROUND_RUNS_PER_ADDRESS)
        if self.address is not None and _RUNS_BY_ADDRESS[self.address] >= limit:
            raise protocol.ProtocolError(
                f"There are already {limit} runs going from your address, the most one "
                "address may have; stop one or close a tab, then press Run again."
            )
        spec = RunSpec(request.manifest, request.seed, request.horizon, request.actions)
        try:
            sim = await get_pool().open(spec)
        except RunRefused as exc:
            await self._send(protocol.error_frame(exc.errors))
            return
        except PoolBusy as exc:
            raise protocol.ProtocolError(str(exc)) from None
        except RunFailed as exc:
            await self._send(protocol.error_frame([protocol.plain_error(str(exc))]))
            await self._send(protocol.end_frame(0.0, "error"))
            return
        self.run = Run(
            sim=sim,
            request=request,
            send=self._send,
            horizon=min(sim.horizon, float(settings.PLAYGROUND_HORIZON_SECONDS)),
            tick=float(settings.PLAYGROUND_TICK_SECONDS),
            clock=self.clock,
        )
        _claim(self.address, +1)
        logger.info("Run %s started for %s", getattr(sim, "id", "?"), self.address)
        await self.run.begin()

    async def stop(self, _: None) -> None:
        if self.run is not None:
            await self.run.stop()

    async def set_speed(self, speed: float) -> None:
        if self.run is not None:
            await self.run.set_speed(speed)

    async def pause(self, _: None) -> None:
        if self.run is not None:
            await self.run.pause()

    async def resume(self, _: None) -> None:
        if self.run is not None:
            await self.run.resume()

    async def step(self, _: None) -> None:
        if self.run is not None:
            await self.run.step()

    async def jump(self, _: None) -> None:
        if self.run is not None:
            await self.run.jump()

    async def act(self, request: protocol.ActRequest) -> None:
        if self.run is None:
            await self._request_error("act", request.id, "There is no run to act on; press Run.")
            return
        await self.run.act(request)

    async def inspect(self, request: protocol.ContainerRequest) -> None:
        if self.run is None:
            await self._request_error("inspect", request.id, "There is no run to inspect.")
            return
        await self.run.inspect(request)

    async def exec(self, request: protocol.ContainerRequest) -> None:
        if self.run is None:
            await self._request_error("exec", request.id, "There is no run to exec in.")
            return
        await self.run.exec(request)

    async def logs(self, request: protocol.LogsRequest) -> None:
        if self.run is None:
            await self._request_error("logs", request.id, "There is no run to read logs from.")
            return
        await self.run.logs(request)

    async def kubectl(self, request: protocol.KubectlRequest) -> None:
        if self.run is None:
            await self._request_error("kubectl", request.id, "There is no run to ask; press Run.")
            return
        await self.run.kubectl(request)

    async def share(self, request: protocol.ShareRequest) -> None:
        """Save the run (manifest, seed, horizon, action log) and the moment behind a link."""
        if self.run is None:
            await self._request_error("share", request.id, "There is no run to share; press Run.")
            return
        data = self.run.share_data(request.at)
        try:
            shared = await _save_shared_run(data, self.address)
        except Exception as exc:
            if type(exc).__name__ == "ShareRefused":  # playground.models: words for the user
                message = str(exc)
            else:  # the details (SQL, paths) are for the log, not the page
                logger.exception("Saving a shared run failed")
                message = SHARE_FAILED
            await self._request_error("share", request.id, message)
            return
        url = reverse("shared", args=[shared.slug])
        await self._send(protocol.shared_frame(request.id, shared.slug, url, data.moment))

    # -- helpers -----------------------------------------------------------------------

    async def _send(self, frame: str) -> None:
        await self.send(text_data=frame)

    async def _request_error(
        self, request: protocol.RequestKind, request_id: Any, message: str
    ) -> None:
        await self._send(protocol.request_error_frame(request, request_id, message))

    async def _drop(self) -> None:
        run, self.run = self.run, None
        if run is not None:
            _claim(self.address, -1)
            await run.close()


def _no_arguments(message: dict[str, Any], limits: protocol.Limits) -> None:
    return None


ACTIONS: dict[str, tuple[Parser, Handler]] = {
    "start": (protocol.parse_start, RunConsumer.start),
    "speed": (protocol.parse_speed, RunConsumer.set_speed),
    "pause": (_no_arguments, RunConsumer.pause),
    "resume": (_no_arguments, RunConsumer.resume),
    "play": (_no_arguments, RunConsumer.resume),
    "step": (_no_arguments, RunConsumer.step),
    "jump": (_no_arguments, RunConsumer.jump),
    "stop": (_no_arguments, RunConsumer.stop),
    "act": (lambda m, _: protocol.parse_act(m), RunConsumer.act),
    "inspect": (
        lambda m, _: protocol.parse_container_request(m, with_argv=False),
        RunConsumer.inspect,
    ),
    "exec": (lambda m, _: protocol.parse_container_request(m, with_argv=True), RunConsumer.exec),
    "logs": (lambda m, _: protocol.parse_logs(m), RunConsumer.logs),
    "kubectl": (lambda m, _: protocol.parse_kubectl(m), RunConsumer.kubectl),
    "share": (lambda m, _: protocol.parse_share(m), RunConsumer.share),
}
"""Every client message: its parser (from ``playground.protocol``) and its handler."""


# -- the pool and the per-address count (one of each per server process) ----------------

_POOL: WorkerPool | LocalPool | None = None
_POOL_LOCK = threading.Lock()
_RUNS_BY_ADDRESS: Counter[str] = Counter()


def get_pool() -> WorkerPool | LocalPool:
    """The server's pool of simulation workers, started on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None and int(settings.PLAYGROUND_WORKERS) <= 0:
            _POOL = LocalPool(WorkerCore(budget=float(settings.PLAYGROUND_SLICE_SECONDS)))
        if _POOL is None:
            _POOL = WorkerPool(
                PoolConfig(
                    workers=int(settings.PLAYGROUND_WORKERS),
                    runs_per_worker=int(settings.PLAYGROUND_RUNS_PER_WORKER),
                    slice_seconds=float(settings.PLAYGROUND_SLICE_SECONDS),
                    overrun_seconds=float(settings.PLAYGROUND_OVERRUN_SECONDS),
                    open_seconds=float(settings.PLAYGROUND_OPEN_SECONDS),
                    niceness=int(settings.PLAYGROUND_WORKER_NICENESS),
                )
            )
        return _POOL


def _client_address(scope: Mapping[str, Any]) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def _claim(address: str | None, delta: int) -> None:
    if address is None:
        return
    _RUNS_BY_ADDRESS[address] += delta
    if _RUNS_BY_ADDRESS[address] <= 0:
        del _RUNS_BY_ADDRESS[address]


@database_sync_to_async
def _save_shared_run(data: ShareData, client: str | None) -> Any:
    from playground.models import SharedRun

    share = SharedRun.share
    # The sharer's address feeds the share rate limit (once the model takes it).
    extra = {"client": client} if "client" in inspect.signature(share).parameters else {}
    return share(
        manifest=data.manifest,
        seed=data.seed,
        horizon=data.horizon,
        actions=data.actions,
        moment=data.moment,
        speed=data.speed,
        **extra,
    )


def _limits() -> protocol.Limits:
    return protocol.Limits(
        max_manifest_bytes=int(settings.PLAYGROUND_MAX_MANIFEST_BYTES),
        max_speed=float(settings.PLAYGROUND_MAX_SPEED),
        max_horizon=float(settings.PLAYGROUND_HORIZON_SECONDS),
    )
