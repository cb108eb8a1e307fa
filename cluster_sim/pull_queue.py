"""A node's image pulls one at a time (the kubelet's ``serializeImagePulls: true``).

``PullQueue`` is ``simpy.Resource(env, capacity=1)`` as the image manager uses
it (``with queue.request() as turn: yield turn``), with the same SimPy events
in the same order: a pull's turn is an event triggered at once if the node
pulls nothing, else by the event that the end of the pull before it schedules
(SimPy's ``Release``), in the order asked. The end of every pull schedules that
event, even when nobody waits: each is a step the run's events-per-second
budget counts. What is left out is SimPy's generic machinery around them (put
and get queues walked at each request and release, a ``Release`` object with
its queue bookkeeping): every ``Always`` container start pulls, so a crash loop
of ``busybox`` paid for it at each restart.
"""

from __future__ import annotations

from collections import deque
from types import TracebackType

import simpy


class PullTurn(simpy.Event):
    """One pull's turn: triggered when it may pull; leaving its ``with`` ends the pull."""

    def __init__(self, queue: PullQueue) -> None:
        # ``simpy.Event.__init__``'s two attributes, without the ``super()`` call
        self.env = queue.env
        self.callbacks = []
        self.queue = queue

    def __enter__(self) -> PullTurn:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # As ``simpy.Resource``: a turn still waiting (any turn but the holder, which a turn
        # is from its grant to this release) leaves the queue, and a generator being closed
        # (GeneratorExit) releases nothing.
        queue = self.queue
        if queue.holder is not self:
            queue.waiting.remove(self)
        if exc_type is not GeneratorExit:
            queue.release(self)

    def grant(self) -> None:
        """``succeed()`` of a turn just made the holder, without its checks and call:
        a turn is granted once, and only here."""
        self._ok = True
        self._value = None
        self.env.schedule(self)


class PullQueue:
    """The node's pulls: the one pulling now (``holder``) and those waiting, oldest first."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.holder: PullTurn | None = None
        self.waiting: deque[PullTurn] = deque()

    def request(self) -> PullTurn:
        """A turn to pull: granted now (by an event) if the node pulls nothing, else queued."""
        turn = PullTurn(self)
        if self.holder is None and not self.waiting:
            # ``_grant`` of an idle node (most pulls): this turn is the holder now
            self.holder = turn
            turn._ok = True  # ``turn.grant()``, inline: most pulls take this branch
            turn._value = None
            self.env.schedule(turn)
        else:
            self.waiting.append(turn)
            self._grant()
        return turn

    def release(self, turn: PullTurn) -> None:
        """``turn``'s pull ended (or was given up): the next waiting pull's turn, by an event."""
        if self.holder is turn:
            self.holder = None
        # SimPy's Release event, whose callback grants the next turn. When nobody waits it
        # grants nothing, but it is a step: the run's events-per-second budget counts it.
        self.env.schedule(Released(self))

    def _grant(self, _released: simpy.Event | None = None) -> None:
        if self.holder is None and self.waiting:
            turn = self.holder = self.waiting.popleft()
            turn.grant()


class Released(simpy.Event):
    """SimPy's ``Release`` event of a pull that ended, triggered when made: its callback
    grants the next waiting turn. Built with its attributes, not ``Event()`` then
    ``callbacks.append`` then ``succeed()``."""

    _ok = True
    _value = None

    def __init__(self, queue: PullQueue) -> None:
        self.env = queue.env
        self.callbacks = [queue._grant]
