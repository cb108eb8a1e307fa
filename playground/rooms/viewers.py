"""One connection to a room, and its flow control.

Every frame sent to the whole room carries a ``seq``; the page acknowledges
what it has processed (``{"action": "ack", "seq": n}``). A connection with more
than ``window`` room frames unacknowledged has fallen behind: it is sent no more
live frames (so it never slows the room, and what the server buffers for it is
bounded) until its next ack or resync, when it gets a ``resync`` frame and a
fresh snapshot. Sending itself never waits: an ASGI server's ``send`` hands the
bytes to the connection's transport (Daphne's does not wait for the client).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict


class TextMessage(TypedDict):
    """ASGI's ``websocket.send`` with text only (the spec lets ``bytes`` be left out)."""

    type: Literal["websocket.send"]
    text: str


Send = Callable[[TextMessage], Awaitable[None]]


def text_message(text: str) -> TextMessage:
    """The ASGI message that sends ``text`` as one websocket text frame."""
    return {"type": "websocket.send", "text": text}


@dataclass(eq=False)
class Viewer:
    """A connection: where its frames go and how far it has got."""

    send: Send  # the ASGI send: {"type": "websocket.send", "text": ...}
    window: int
    presenter: bool = False
    epoch: int = 0  # the secret's generation it claimed with (a handover bumps it)
    sent: int = 0  # the last room seq sent to it
    acked: int = 0  # the last room seq it acknowledged
    behind: bool = False
    closed: bool = False
    meta: dict[str, Any] = field(default_factory=dict)  # per-connection state (fork time, ...)

    def can_take(self, seq: int) -> bool:
        """Whether live frame ``seq`` goes to it; falls behind when the window is full."""
        if self.behind or self.closed:
            return False
        if self.sent - self.acked >= self.window:
            self.behind = True
            return False
        return True

    def ack(self, seq: int) -> None:
        if self.acked < seq <= self.sent:
            self.acked = seq

    def caught_up(self, seq: int) -> None:
        """A snapshot up to ``seq`` has been sent: it starts afresh from there."""
        self.sent = self.acked = seq
        self.behind = False

    async def text(self, frame: str) -> None:
        if not self.closed:
            await self.send(text_message(frame))
