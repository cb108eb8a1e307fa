"""Rooms across server processes (REDIS_URL): the owner's frames reach every process.

Each process has one :class:`Bridge`: a channel of its own on the channel layer
(channels-redis), read by one task. The process that owns a room (its
:class:`~.hub.Hub` runs the simulation) publishes every room frame once to the
group ``room.<code>``, whose members are *processes*, not viewers: one Redis
message per frame per following process. A process with viewers of a room it
does not own follows it through a :class:`Relay`: it fetches the snapshot from
the owner once, keeps its own copy of the room's frames from then on (so its
late joiners cost the owner nothing) and fans frames out to its own viewers
exactly as the hub does, with the same flow control. Messages from its viewers
(but ``ack`` and ``resync``) are forwarded to the owner, which alone decides who
controls the room and answers through the relay. A gap in the frames' ``seq``
makes the relay fetch the snapshot again and resync its viewers.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson

from playground.rooms import messages
from playground.rooms.history import History, frame_kind
from playground.rooms.hub import Hub
from playground.rooms.viewers import TextMessage, Viewer, text_message

logger = logging.getLogger(__name__)

PING_SECONDS = 1.0  # an owner that does not answer this fast is gone; the room is restored here
SNAPSHOT_SECONDS = 10.0
WATCH_SECONDS = 5.0  # a relay that has heard nothing from the owner this long asks if it is there


def group(code: str) -> str:
    return f"room.{code}"


@dataclass(eq=False)
class Relay:
    """A room owned by another process, as this process's viewers follow it."""

    bridge: Bridge
    code: str
    owner: str  # the owner's channel
    urls: dict[str, str]
    viewers: set[Viewer] = field(default_factory=set)
    history: History = field(default_factory=History)
    seq: int = 0
    info: dict[str, Any] = field(default_factory=dict)  # the owner's room frame fields
    ready: bool = False
    waiting: list[tuple[int, str, bool]] = field(default_factory=list)  # frames before the snapshot
    conns: dict[int, Viewer] = field(default_factory=dict)
    epoch: int = 0
    last_heard: float = 0.0
    successor: Any = None  # the hub (or relay) that took over when the owner was gone
    _watch: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """The owner's snapshot; frames that came meanwhile are applied after it."""
        answer = await self.bridge.ask(self.owner, {"type": "room.history", "code": self.code})
        self.history = History()
        for frame in answer["frames"]:
            self.history.add(frame)
        self.seq, self.info = answer["seq"], answer["info"]
        self.ready = True
        self.last_heard = asyncio.get_running_loop().time()
        waiting, self.waiting = self.waiting, []
        for seq, frame, keep in waiting:
            await self.frame(seq, frame, keep)

    async def frame(self, seq: int, frame: str, keep: bool) -> None:
        self.last_heard = asyncio.get_running_loop().time()
        if not self.ready:
            self.waiting.append((seq, frame, keep))
            return
        if seq <= self.seq:
            return  # in the snapshot already
        if seq != self.seq + 1:
            logger.warning("Room %s: frames %d..%d missed; resyncing", self.code, self.seq, seq)
            self.ready = False
            await self.load()
            for viewer in list(self.viewers):
                await self._snapshot(viewer, "behind")
            return
        self.seq = seq
        if keep:
            self.history.add(frame)
        kind = frame_kind(frame)
        if kind == "view":
            self.info["view"] = orjson.loads(frame)["view"]
        elif kind == "prediction":
            self.info["prediction"] = orjson.loads(frame)["prediction"]
        message = text_message(messages.with_seq(frame, seq))
        for viewer in self.viewers:
            if viewer.can_take(seq):
                viewer.sent = seq
                try:
                    await viewer.send(message)
                except Exception:
                    viewer.closed = True

    async def join(self, viewer: Viewer) -> None:
        if self.successor is not None:
            await self.successor.join(viewer)
            return
        viewer.meta["conn"] = self.bridge.next_conn()
        self.conns[viewer.meta["conn"]] = viewer
        await self._snapshot(viewer, None)

    async def leave(self, viewer: Viewer) -> None:
        if self.successor is not None:
            await self.successor.leave(viewer)
            return
        viewer.closed = True
        self.viewers.discard(viewer)
        conn = self.conns.pop(viewer.meta.get("conn", -1), None)
        if conn is not None:
            leave = {"type": "room.leave", "code": self.code, "conn": viewer.meta["conn"]}
            await self.bridge.send(self.owner, {**leave, "reply": self.bridge.channel})

    async def do(self, viewer: Viewer, message: dict[str, Any]) -> None:
        if self.successor is not None:
            await self.successor.do(viewer, message)
            return
        name = message["action"]
        if name == "ack":
            seq = message.get("seq")
            if isinstance(seq, int) and not isinstance(seq, bool):
                viewer.ack(seq)
                if viewer.behind:
                    await self._snapshot(viewer, "behind")
            return
        if name == "resync":
            await self._snapshot(viewer, "asked")
            return
        await self.bridge.send(
            self.owner,
            {
                "type": "room.do",
                "code": self.code,
                "conn": viewer.meta["conn"],
                "reply": self.bridge.channel,
                "message": message,
            },
        )

    async def reply(self, conn: int, frame: str) -> None:
        viewer = self.conns.get(conn)
        if viewer is None:
            return
        if frame.startswith('{"type":"role"'):
            viewer.presenter = orjson.loads(frame)["role"] == "presenter"
        await viewer.text(frame)

    async def _snapshot(self, viewer: Viewer, reason: str | None) -> None:
        if reason is not None:
            await viewer.text(messages.resync_frame(reason))
        info = {**self.info, "seq": self.seq, "role": "presenter" if viewer.presenter else "viewer"}
        await viewer.text(messages.room_frame(info))
        for frame in self.history.snapshot():
            await viewer.text(frame)
        viewer.caught_up(self.seq)
        self.viewers.add(viewer)

    async def adopt(self, viewer: Viewer) -> None:
        """A viewer of a relay that was replaced: it follows this one from now on."""
        viewer.meta["conn"] = self.bridge.next_conn()
        self.conns[viewer.meta["conn"]] = viewer
        await self._snapshot(viewer, "restored")

    def watch(self) -> None:
        self._watch = asyncio.create_task(self._watch_owner())

    async def _watch_owner(self) -> None:
        """Take the room over (or follow whoever did) when its owner has gone."""
        loop = asyncio.get_running_loop()
        while self.successor is None:
            await asyncio.sleep(WATCH_SECONDS)
            if loop.time() - self.last_heard < WATCH_SECONDS:
                continue
            if await self.bridge.owner_alive(self.owner):
                self.last_heard = loop.time()
                continue
            logger.warning("Room %s: its owner is gone; taking it over", self.code)
            await self.bridge.unfollow(self)
            successor = await self.bridge.registry.find(self.code)
            if successor is None:
                return
            self.successor = successor
            for viewer in list(self.viewers):
                self.viewers.discard(viewer)
                await successor.adopt(viewer)

    async def close(self) -> None:
        self.viewers.clear()
        if self._watch is not None and self._watch is not asyncio.current_task():
            self._watch.cancel()
        await self.bridge.unfollow(self)


class Bridge:
    """This process's end of the channel layer, for the rooms it owns or follows."""

    def __init__(self, registry: Any, layer: Any = None) -> None:
        if layer is None:
            from channels.layers import get_channel_layer

            layer = get_channel_layer()
        self.registry = registry
        self.layer = layer
        self.channel = ""
        self._conns = itertools.count(1)
        self._asks = itertools.count(1)
        self._answers: dict[int, asyncio.Future[Any]] = {}
        self._remote: dict[tuple[str, str, int], Viewer] = {}  # (code, relay, conn) at the owner
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> str:
        if not self.channel:
            self.channel = await self.layer.new_channel()
            self._reader = asyncio.create_task(self._read())
        return self.channel

    def next_conn(self) -> int:
        return next(self._conns)

    def own(self, hub: Hub) -> None:
        """Publish the hub's frames to the processes that follow it."""

        async def publish(seq: int, frame: str, keep: bool) -> None:
            await self.layer.group_send(
                group(hub.code),
                {"type": "room.frame", "code": hub.code, "seq": seq, "frame": frame, "keep": keep},
            )

        hub.publish = publish

    async def owner_alive(self, owner: str) -> bool:
        await self.start()
        if not owner or owner == self.channel:
            return False
        try:
            await self.ask(owner, {"type": "room.ping"}, timeout=PING_SECONDS)
        except TimeoutError:
            return False
        return True

    async def follow(self, stored: Any) -> Relay:
        from django.urls import reverse

        relay = Relay(
            bridge=self,
            code=stored.code,
            owner=stored.owner,
            urls={
                "url": reverse("room", args=[stored.code]),
                "qr": reverse("room-qr", args=[stored.code]),
            },
        )
        self.registry.relays[stored.code] = relay
        await self.layer.group_add(group(stored.code), self.channel)
        try:
            await relay.load()
        except BaseException:
            await self.unfollow(relay)
            raise
        relay.watch()
        return relay

    async def unfollow(self, relay: Relay) -> None:
        if self.registry.relays.get(relay.code) is relay:
            del self.registry.relays[relay.code]
        await self.layer.group_discard(group(relay.code), self.channel)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self.layer.send(channel, message)

    async def ask(
        self, channel: str, message: dict[str, Any], timeout: float = SNAPSHOT_SECONDS
    ) -> Any:
        ask = next(self._asks)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[ask] = future
        try:
            await self.layer.send(channel, {**message, "reply": self.channel, "ask": ask})
            return await asyncio.wait_for(future, timeout)
        finally:
            self._answers.pop(ask, None)

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()

    # -- what arrives on this process's channel ------------------------------------------

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis restarting, say: try again shortly
                logger.exception("Reading the rooms' channel failed")
                await asyncio.sleep(1.0)
                continue
            try:
                await self._handle(message)
            except Exception:
                logger.exception("Room message %s failed", message.get("type"))

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "room.answer":
            future = self._answers.get(message["ask"])
            if future is not None and not future.done():
                future.set_result(message["answer"])
            return
        if kind == "room.ping":
            await self._answer(message, True)
            return
        code = message["code"]
        if kind == "room.frame":
            relay = self.registry.relays.get(code)
            if relay is not None:
                await relay.frame(message["seq"], message["frame"], message["keep"])
            return
        if kind == "room.reply":
            relay = self.registry.relays.get(code)
            if relay is not None:
                await relay.reply(message["conn"], message["frame"])
            return
        hub = self.registry.hubs.get(code)
        if hub is None:
            return
        if kind == "room.history":
            async with hub._fanout:
                frames, seq = hub.history.snapshot(), hub.seq
            await self._answer(message, {"frames": frames, "seq": seq, "info": hub.info(None)})
        elif kind == "room.do":
            await hub.do(self._remote_viewer(hub, message), message["message"])
        elif kind == "room.leave":
            key = (code, message.get("reply", ""), message["conn"])
            hub.remote.pop(key, None)
            if self._remote.pop(key, None) is not None:
                hub.leave_remote()

    async def _answer(self, message: dict[str, Any], answer: Any) -> None:
        await self.layer.send(
            message["reply"], {"type": "room.answer", "ask": message["ask"], "answer": answer}
        )

    def _remote_viewer(self, hub: Hub, message: dict[str, Any]) -> Viewer:
        """The owner's stand-in for a viewer on another process: its answers go back there."""
        relay, conn = message["reply"], message["conn"]
        key = (hub.code, relay, conn)
        viewer = self._remote.get(key)
        if viewer is None:

            async def send(sent: TextMessage) -> None:
                await self.layer.send(
                    relay,
                    {"type": "room.reply", "code": hub.code, "conn": conn, "frame": sent["text"]},
                )

            viewer = Viewer(send=send, window=1 << 30)
            self._remote[key] = viewer
            hub.remote[key] = viewer
        return viewer
