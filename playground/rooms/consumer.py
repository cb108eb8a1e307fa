"""The room websocket: ``/ws/room/`` opens a room, ``/ws/room/<code>/`` follows one.

The consumer only connects a socket to a room: it checks the message rate and
size, answers ``open`` and ``watch`` itself, and hands every other message to
the room (:meth:`playground.rooms.hub.Hub.do`, or a relay that forwards it to
the owning process), which decides who may do what. Frames reach the socket
through its :class:`~.viewers.Viewer`, straight to the ASGI ``send``: no
channel layer and no thread hop per frame.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from playground import protocol
from playground.consumers import TokenBucket, _client_address
from playground.rooms import messages
from playground.rooms.hub import run_limits
from playground.rooms.registry import registry
from playground.rooms.viewers import Viewer
from playground.simpool import PoolBusy, RunFailed, RunRefused

logger = logging.getLogger(__name__)

ALREADY_IN_A_ROOM = "This socket already follows room {code}; open a new one for another room."
NOT_IN_A_ROOM = "Open a room (or join one at /ws/room/<code>/) first."


class RoomConsumer(AsyncWebsocketConsumer):
    """One page following (or presenting) one room."""

    # Tests stand two server processes up side by side with a registry each.
    registry_factory = staticmethod(registry)

    room: Any = None
    viewer: Viewer | None = None

    async def connect(self) -> None:
        self.room, self.viewer = None, None
        self.address = _client_address(self.scope)
        self.bucket = TokenBucket(
            float(settings.PLAYGROUND_MESSAGES_PER_SECOND), float(settings.PLAYGROUND_MESSAGE_BURST)
        )
        await self.accept()
        code = self.scope.get("url_route", {}).get("kwargs", {}).get("code")
        if code is None:
            return  # /ws/room/: waits for "open" or "watch"
        room = await self.registry_factory().find(code)
        if room is None:
            await self._send(messages.plain_error_frame(messages.NO_ROOM))
            await self.close(code=messages.CLOSE_NO_ROOM)
            return
        await self._follow(room)

    async def disconnect(self, code: int) -> None:
        room, viewer = self.room, self.viewer
        self.room = self.viewer = None
        if room is not None and viewer is not None:
            await room.leave(viewer)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        limits = run_limits()
        try:
            message = protocol.decode_message(text_data, bytes_data, limits)
            name = message["action"]
            if name != "ack" and not self.bucket.take():
                raise protocol.ProtocolError(
                    f"Too many messages: at most {self.bucket.rate:g} a second "
                    f"(bursts of {self.bucket.burst:g}); this one was ignored."
                )
            own = OWN_ACTIONS.get(name)
            if own is not None:
                parse, handle = own
                await handle(self, parse(message, limits))
                return
            if self.room is None or self.viewer is None:
                raise protocol.ProtocolError(NOT_IN_A_ROOM)
            await self.room.do(self.viewer, message)
        except protocol.ProtocolError as exc:
            await self._send(protocol.error_frame([exc.to_dict()]))

    # -- opening -------------------------------------------------------------------------

    async def open_room(self, request: messages.OpenRequest) -> None:
        self._not_yet_in_a_room()
        try:
            hub, secret = await self.registry_factory().open(request, self.address)
        except RunRefused as exc:
            await self._send(protocol.error_frame(exc.errors))
            return
        except (PoolBusy, RunFailed) as exc:
            raise protocol.ProtocolError(str(exc)) from None
        logger.info("Room %s opened for %s", hub.code, self.address)
        await self._send(messages.opened_frame(hub.code, self._urls(hub.urls), secret))
        await self._follow(hub, presenter=True)

    async def watch(self, slug: str) -> None:
        self._not_yet_in_a_room()
        try:
            room = await self.registry_factory().watch(slug)
        except RunRefused as exc:
            await self._send(protocol.error_frame(exc.errors))
            return
        except (PoolBusy, RunFailed) as exc:
            raise protocol.ProtocolError(str(exc)) from None
        if room is None:
            raise protocol.ProtocolError("There is no shared run at that link.")
        await self._send(messages.opened_frame(room.code, self._urls(room.urls), None))
        await self._follow(room)

    async def _follow(self, room: Any, *, presenter: bool = False) -> None:
        most = int(settings.PLAYGROUND_ROOM_MAX_VIEWERS)
        if not presenter and len(room.viewers) >= most:
            await self._send(messages.plain_error_frame(messages.ROOM_FULL.format(most=most)))
            await self.close(code=messages.CLOSE_ROOM_FULL)
            return
        self.room = room
        self.viewer = Viewer(
            # asgiref's WebSocketSendEvent requires "bytes"; ASGI lets a text frame leave it out.
            send=self.base_send,  # type: ignore[arg-type]
            window=int(settings.PLAYGROUND_ROOM_VIEWER_WINDOW),
            presenter=presenter,
            epoch=getattr(room, "epoch", 0),
        )
        await room.join(self.viewer)

    def _not_yet_in_a_room(self) -> None:
        if self.room is not None:
            raise protocol.ProtocolError(ALREADY_IN_A_ROOM.format(code=self.room.code))

    def _urls(self, urls: dict[str, str]) -> dict[str, str]:
        return {**urls, "joinUrl": self._absolute(urls["url"])}

    def _absolute(self, path: str) -> str:
        headers = dict(self.scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1") or "localhost"
        secure = self.scope.get("scheme") in ("wss", "https") or (
            headers.get(b"x-forwarded-proto", b"") == b"https"
        )
        return f"{'https' if secure else 'http'}://{host}{path}"

    async def _send(self, frame: str) -> None:
        await self.send(text_data=frame)


Handler = Callable[[RoomConsumer, Any], Awaitable[None]]

OWN_ACTIONS: dict[str, tuple[Callable[[dict[str, Any], protocol.Limits], Any], Handler]] = {
    "open": (messages.parse_open, RoomConsumer.open_room),
    "watch": (messages.parse_watch, RoomConsumer.watch),
}
"""Messages the consumer answers itself; every other one goes to the room (``Hub.ACTIONS``)."""
