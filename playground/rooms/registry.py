"""The rooms of this server process: open, find (restoring a stored room), expire.

One :class:`Registry` per process (:func:`registry`). A room opened here, or
restored here after a restart, is a :class:`~.hub.Hub` that owns the room's run.
A stored room whose run is owned by another live process (REDIS_URL) is
followed through a :class:`~.relay.Relay` instead. Finding a room that is not
in memory restores it at most once however many connections ask at the same
time: the owner re-simulates once, from manifest + seed + action log, to the
stored moment, and the room goes on from there, paused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from playground import protocol
from playground.pacing import Clock
from playground.rooms import codes, messages, store
from playground.rooms.hub import Hub, RoomRun
from playground.rooms.predictions import Prediction
from playground.simpool import RunSpec

logger = logging.getLogger(__name__)

TOO_MANY_ROOMS = (
    "There are already {limit} rooms open from your address, the most one address may have; "
    "close one first."
)


class Registry:
    def __init__(self, *, clock: Clock = time.monotonic, base_url: str = "") -> None:
        self.clock = clock
        self.hubs: dict[str, Hub] = {}
        self.relays: dict[str, Any] = {}
        self.opens = 0  # simulations opened for rooms (tests count them)
        self.bridge: Any = None  # a relay.Bridge when rooms span processes (REDIS_URL)
        self._finding: dict[str, asyncio.Future[Any]] = {}
        self._by_address: Counter[str] = Counter()
        self._owners: dict[str, str | None] = {}  # code -> opener's address
        self._sweeper: asyncio.Task[None] | None = None

    # -- open --------------------------------------------------------------------------

    async def open(self, request: messages.OpenRequest, address: str | None) -> tuple[Hub, str]:
        """A new room for a run; (hub, presenter secret). Raises what the pool raises."""
        limit = int(settings.PLAYGROUND_ROOMS_PER_ADDRESS)
        if address is not None and self._by_address[address] >= limit:
            raise protocol.ProtocolError(TOO_MANY_ROOMS.format(limit=limit))
        start = request.start
        sim = await self._open_sim(start.manifest, start.seed, start.horizon, start.actions)
        secret = codes.new_secret()
        fields = {
            "secret_hash": codes.secret_hash(secret),
            "manifest": start.manifest,
            "seed": start.seed,
            "horizon": start.horizon,
            "speed": start.speed,
            "actions": list(start.actions),
            "moment": start.run_to or 0.0,
            "view": request.view,
            "owner": await self._owner_channel(),
        }
        try:
            code = await store.create(fields)
        except BaseException:
            sim.close()
            raise
        hub = self._hub(code, str(fields["secret_hash"]), None, request.view, [])
        await self._begin(hub, sim, start)
        if address is not None:
            self._by_address[address] += 1
            self._owners[code] = address
        return hub, secret

    async def watch(self, slug: str) -> Hub | Any | None:
        """The presenter-less room of a share link, made (simulated once) if none is live."""
        stored = await store.load_link(slug)
        if stored is not None:
            return await self.find(stored.code)
        shared = await store.shared_run(slug)
        if shared is None:
            return None
        key = f"link:{slug}"
        return await self._once(key, lambda: self._open_link(shared))

    async def _open_link(self, shared: Any) -> Hub | Any | None:
        stored = await store.load_link(shared.slug)
        if stored is not None:
            return await self.find(stored.code)
        await store.forget_expired_link(shared.slug)
        start = _replay_to_moment(shared)
        sim = await self._open_sim(start.manifest, start.seed, start.horizon, start.actions)
        fields = {
            "link": shared.slug,
            "manifest": shared.manifest,
            "seed": shared.seed,
            "horizon": shared.horizon,
            "speed": shared.speed,
            "actions": list(shared.actions),
            "moment": shared.moment,
            "owner": await self._owner_channel(),
        }
        try:
            code = await store.create(fields)
        except BaseException:
            sim.close()
            raise
        hub = self._hub(code, "", shared.slug, None, [])
        await self._begin(hub, sim, start)
        return hub

    # -- find ------------------------------------------------------------------------------

    async def find(self, code: str) -> Hub | Any | None:
        """The room with this code: in memory, followed from its owner, or restored here."""
        normal = codes.normalise_code(code)
        if normal is None:
            return None
        hub = self.hubs.get(normal)
        if hub is not None and hub.idle_for() > float(settings.PLAYGROUND_ROOM_IDLE_SECONDS):
            await hub.close()  # expired, the sweeper has not come round yet
            return None
        room = hub or self.relays.get(normal)
        if room is not None:
            return room
        return await self._once(normal, lambda: self._find_stored(normal))

    async def _find_stored(self, code: str) -> Hub | Any | None:
        room = self.hubs.get(code) or self.relays.get(code)
        if room is not None:
            return room
        stored = await store.load(code)
        if stored is None:
            return None
        if self.bridge is not None:
            if await self.bridge.owner_alive(stored.owner):
                return await self.bridge.follow(stored)
            # The owner is gone: one process takes the room over, the others follow it.
            if not await store.claim_owner(code, stored.owner, await self._owner_channel()):
                again = await store.load(code)
                if again is None:
                    return None
                return await self.bridge.follow(again)
        return await self.restore(stored)

    async def restore(self, stored: store.StoredRoom) -> Hub:
        """Own a stored room: re-simulate once to its moment, paused there."""
        start = _replay_to_moment(stored)
        sim = await self._open_sim(start.manifest, start.seed, start.horizon, start.actions)
        predictions = [Prediction.from_stored(p) for p in stored.predictions]
        hub = self._hub(stored.code, stored.secret_hash, stored.link, stored.view, predictions)
        if self.bridge is None:
            await store.save(stored.code, {"owner": ""})
        await self._begin(hub, sim, start)
        logger.info("Room %s restored at %gs", stored.code, stored.moment)
        return hub

    async def _once(self, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
        """One ``make`` for a key at a time; whoever asks meanwhile gets the same answer."""
        pending = self._finding.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._finding[key] = future
        try:
            result = await make()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody else may be waiting
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._finding[key]

    # -- the rooms' runs -------------------------------------------------------------------

    async def _open_sim(
        self, manifest: str, seed: int | None, horizon: float | None, actions: Any
    ) -> Any:
        from playground.consumers import get_pool

        sim = await get_pool().open(RunSpec(manifest, seed, horizon, tuple(actions)))
        self.opens += 1
        return sim

    def _hub(
        self,
        code: str,
        secret_hash: str,
        link: str | None,
        view: dict[str, Any] | None,
        predictions: list[Prediction],
    ) -> Hub:
        url = reverse("room", args=[code])
        hub = Hub(
            code=code,
            secret_hash=secret_hash,
            link=link,
            urls={"url": url, "qr": reverse("room-qr", args=[code])},
            window=int(settings.PLAYGROUND_ROOM_VIEWER_WINDOW),
            view=view,
            predictions=predictions,
            clock=self.clock,
            on_close=self._closed,
        )
        if self.bridge is not None:
            self.bridge.own(hub)
        self.hubs[code] = hub
        return hub

    async def _begin(self, hub: Hub, sim: Any, start: protocol.StartRequest) -> None:
        hub.run = RoomRun(
            sim=sim,
            request=start,
            send=hub.broadcast,
            horizon=min(sim.horizon, float(settings.PLAYGROUND_HORIZON_SECONDS)),
            tick=float(settings.PLAYGROUND_TICK_SECONDS),
            clock=self.clock,
        )
        await hub.run.begin()
        hub.start_saving()
        self._ensure_sweeper()

    def _closed(self, hub: Hub) -> None:
        if self.hubs.get(hub.code) is hub:
            del self.hubs[hub.code]
        address = self._owners.pop(hub.code, None)
        if address is not None:
            self._by_address[address] -= 1
            if self._by_address[address] <= 0:
                del self._by_address[address]

    async def _owner_channel(self) -> str:
        return await self.bridge.start() if self.bridge is not None else ""

    # -- expiry ----------------------------------------------------------------------------

    def _ensure_sweeper(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        idle = float(settings.PLAYGROUND_ROOM_IDLE_SECONDS)
        while self.hubs or self.relays:
            await asyncio.sleep(max(1.0, min(60.0, idle / 4)))
            await self.sweep()

    async def sweep(self) -> None:
        """Close the rooms nobody has used for PLAYGROUND_ROOM_IDLE_SECONDS."""
        idle = float(settings.PLAYGROUND_ROOM_IDLE_SECONDS)
        for hub in list(self.hubs.values()):
            if hub.idle_for() > idle:
                logger.info("Room %s expired after %gs idle", hub.code, idle)
                await hub.close()
        for code, relay in list(self.relays.items()):
            if not relay.viewers:
                await relay.close()
                self.relays.pop(code, None)

    async def close(self) -> None:
        """Close every room of this process (tests; a server shutting down)."""
        for hub in list(self.hubs.values()):
            await hub.close()
        for relay in list(self.relays.values()):
            await relay.close()
        self.relays.clear()
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self.bridge is not None:
            await self.bridge.close()


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """This process's rooms, made on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry()
        if settings.REDIS_URL:
            from playground.rooms.relay import Bridge

            _REGISTRY.bridge = Bridge(_REGISTRY)
    return _REGISTRY


def set_registry(value: Registry | None) -> None:
    """Replace this process's registry (tests: a server restart)."""
    global _REGISTRY
    _REGISTRY = value


def _replay_to_moment(saved: Any) -> protocol.StartRequest:
    """Start a saved run (a share link or a stored room) and run it to its moment."""
    return protocol.StartRequest(
        manifest=saved.manifest,
        speed=saved.speed,
        seed=saved.seed,
        horizon=saved.horizon,
        actions=tuple(saved.actions),
        run_to=saved.moment,
    )
