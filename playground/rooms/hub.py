"""One room in the process that owns it: its run, its viewers, its presenter.

The room's run is a :class:`playground.runs.Run` over one simulation in the
worker pool, simulated once. Its ``send`` is :meth:`Hub.broadcast`: each frame
gets the room's next ``seq``, is kept in the :class:`~.history.History` and is
handed, as one ready message, to every connection that can take it (see
:mod:`.viewers`), then published once to the other server processes, if any.

Every client message goes through :meth:`Hub.do` and its table
:data:`ACTIONS` (parser, handler, presenter only): the hub is the one authority
on who controls the room, whichever process the message came through.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from playground import protocol
from playground.pacing import Clock
from playground.rooms import codes, links, messages, store
from playground.rooms.history import History
from playground.rooms.predictions import Prediction, PredictionError, parse_answer, parse_question
from playground.rooms.viewers import Viewer, text_message
from playground.runs import Run
from playground.simpool import ActionRefused, RunFailed

logger = logging.getLogger(__name__)

Publish = Callable[[int, str, bool], Awaitable[None]]  # (seq, frame, kept in history)
PRESENTER_UPDATES = 0.25  # seconds between live answer counts sent to the presenter
PRESENCE_SECONDS = 1.0  # joins and leaves are told to the presenter at most this often
ACTIVITY_SAVE_SECONDS = 30.0  # a followed room says it is in use at least this often

# Who asked, for errors the room's run answers to one connection only (a refused action).
_REPLY: contextvars.ContextVar[Viewer | None] = contextvars.ContextVar("room_reply", default=None)


class RoomRun(Run):
    """A Run whose request errors go to the connection that asked, not the whole room."""

    async def _request_error(
        self, request: protocol.RequestKind, request_id: Any, message: str
    ) -> None:
        frame = protocol.request_error_frame(request, request_id, message)
        viewer = _REPLY.get()
        if viewer is None:
            await self.send(frame)
        else:
            await viewer.text(frame)


@dataclass(eq=False)
class Hub:
    code: str
    secret_hash: str
    link: str | None
    urls: dict[str, str]
    window: int
    view: dict[str, Any] | None = None
    predictions: list[Prediction] = field(default_factory=list)
    run: RoomRun | None = None
    viewers: set[Viewer] = field(default_factory=set)
    remote: dict[Any, Viewer] = field(default_factory=dict)  # viewers on other processes
    seq: int = 0
    history: History = field(default_factory=History)
    epoch: int = 0
    handovers: dict[str, float] = field(default_factory=dict)  # token hash -> expiry
    publish: Publish | None = None
    clock: Clock = time.monotonic
    last_activity: float = 0.0
    dirty: bool = False
    closed: bool = False
    on_close: Callable[[Hub], None] | None = None
    _fanout: asyncio.Lock = field(default_factory=asyncio.Lock)
    _saver: asyncio.Task[None] | None = None
    _saved_moment: float = -1.0
    _saved_activity: float = 0.0
    _presenter_update: asyncio.Task[None] | None = None
    _presence: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.last_activity = self._saved_activity = self.clock()

    # -- fan-out -------------------------------------------------------------------------

    async def broadcast(self, frame: str, *, keep: bool = True) -> None:
        """Send a frame to the whole room: serialised once, one message for every viewer."""
        async with self._fanout:
            self.seq += 1
            seq = self.seq
            if keep:
                self.history.add(frame)
            message = text_message(messages.with_seq(frame, seq))
            for viewer in self.viewers:
                if viewer.can_take(seq):
                    viewer.sent = seq
                    try:
                        await viewer.send(message)
                    except Exception:  # a connection that has gone; leave() will follow
                        viewer.closed = True
        if self.publish is not None:
            await self.publish(seq, frame, keep)

    async def join(self, viewer: Viewer) -> None:
        self.last_activity = self.clock()
        await self.send_snapshot(viewer, None)
        self._presence_changed()

    async def adopt(self, viewer: Viewer) -> None:
        """A viewer of a relay whose owner was gone: this hub took the room over."""
        await self.send_snapshot(viewer, "restored")
        self._presence_changed()

    async def leave(self, viewer: Viewer) -> None:
        viewer.closed = True
        self.viewers.discard(viewer)
        self.last_activity = self.clock()
        self._presence_changed()

    def leave_remote(self) -> None:
        """A connection on another process has gone (the relay said so)."""
        self.last_activity = self.clock()
        self._presence_changed()

    async def send_snapshot(self, viewer: Viewer, reason: str | None) -> None:
        """Everything a connection needs to be at the room's current moment, at once."""
        async with self._fanout:
            if reason is not None:
                await viewer.text(messages.resync_frame(reason))
            await viewer.text(messages.room_frame(self.info(viewer)))
            for frame in self.history.snapshot():
                await viewer.text(frame)
            viewer.caught_up(self.seq)
            self.viewers.add(viewer)

    def info(self, viewer: Viewer | None) -> dict[str, Any]:
        current = self.predictions[-1] if self.predictions else None
        presenter = viewer is not None and viewer.presenter
        return {
            "code": self.code,
            "role": "presenter" if presenter else "viewer",
            "seq": self.seq,
            **self.presence(names=presenter),
            "presenter": presenter or any(v.presenter for v in self._connections()),
            "view": self.view,
            "prediction": None if current is None else current.public(with_tally=presenter),
            "link": self.link is not None,
            **self.urls,
        }

    # -- messages ------------------------------------------------------------------------

    async def do(self, viewer: Viewer, message: dict[str, Any]) -> None:
        """Act on one client message: check who may send it, parse it, handle it."""
        name = message["action"]
        if name != "ack":
            self.last_activity = self.clock()
        entry = ACTIONS.get(name)
        if entry is None:
            known = ", ".join(f"'{action}'" for action in ACTIONS)
            await viewer.text(
                messages.plain_error_frame(f"Unknown action {name!r}; use one of {known}.")
            )
            return
        parse, handle, presenter_only = entry
        if presenter_only and not viewer.presenter:
            await viewer.text(
                messages.refused_frame("control", messages.ONLY_PRESENTER, action=name)
            )
            return
        try:
            await handle(self, viewer, parse(message, run_limits()))
        except protocol.ProtocolError as exc:
            await viewer.text(protocol.error_frame([exc.to_dict()]))
        except PredictionError as exc:
            await viewer.text(messages.refused_frame(name, str(exc)))

    async def ack(self, viewer: Viewer, seq: int) -> None:
        viewer.ack(seq)
        if viewer.behind:
            await self.send_snapshot(viewer, "behind")

    async def resync(self, viewer: Viewer, _: None) -> None:
        await self.send_snapshot(viewer, "asked")

    async def claim(self, viewer: Viewer, claim: messages.Claim) -> None:
        if claim.handover is not None:
            expires = self.handovers.pop(codes.secret_hash(claim.handover), 0.0)
            if expires < self.clock():
                await viewer.text(messages.refused_frame("claim", messages.HANDOVER_USED))
                return
            secret = codes.new_secret()
            self.secret_hash = codes.secret_hash(secret)
            self.epoch += 1
            for other in [*self.viewers, *self.remote.values()]:
                if other.presenter and other is not viewer:
                    other.presenter = False
                    await other.text(messages.role_frame("viewer", reason="handed over"))
            viewer.presenter, viewer.epoch = True, self.epoch
            await viewer.text(messages.role_frame("presenter", secret=secret))
            await self.save({"secret_hash": self.secret_hash})
            self._presence_changed()
            return
        if not codes.secret_matches(claim.secret, self.secret_hash):
            await viewer.text(messages.refused_frame("claim", messages.WRONG_SECRET))
            return
        # One presenter connection at a time: the newest claim takes control, and the tab (or
        # device) that had it is told so plainly and follows (it may claim again).
        for other in self._presenters():
            if other is not viewer:
                other.presenter = False
                await other.text(messages.role_frame("viewer", reason=messages.PRESENTED_ELSEWHERE))
        viewer.presenter, viewer.epoch = True, self.epoch
        await viewer.text(messages.role_frame("presenter"))
        self._presence_changed()

    async def hello(self, viewer: Viewer, nickname: str | None) -> None:
        """A page says it is here, with the nickname its device keeps, if any."""
        viewer.meta["nickname"] = nickname
        self._presence_changed()

    async def handover(self, viewer: Viewer, _: None) -> None:
        token = secrets.token_urlsafe(24)
        expires = int(settings.PLAYGROUND_ROOM_HANDOVER_SECONDS)
        self.handovers[codes.secret_hash(token)] = self.clock() + expires
        url = f"{self.urls['url']}#handover={token}"
        await viewer.text(messages.handover_frame(token, url, expires))

    # -- the run, for the presenter --------------------------------------------------------

    async def play(self, viewer: Viewer, _: None) -> None:
        await self._run().resume()
        self.dirty = True

    async def pause(self, viewer: Viewer, _: None) -> None:
        await self._run().pause()
        await self.save_now()

    async def set_speed(self, viewer: Viewer, speed: float) -> None:
        await self._run().set_speed(speed)
        self.dirty = True

    async def step(self, viewer: Viewer, _: None) -> None:
        await self._run().step()
        await self.save_now()

    async def jump(self, viewer: Viewer, _: None) -> None:
        await self._run().jump()
        self.dirty = True

    async def stop(self, viewer: Viewer, _: None) -> None:
        await self._run().stop()
        await self.save_now()

    async def act(self, viewer: Viewer, request: protocol.ActRequest) -> None:
        token = _REPLY.set(viewer)
        try:
            await self._run().act(request)
        finally:
            _REPLY.reset(token)
        await self.save_now()

    async def set_view(self, viewer: Viewer, view: dict[str, Any]) -> None:
        self.view = view
        await self.broadcast(messages.view_frame(view), keep=False)
        self.dirty = True

    # -- for anyone: the live edge, answered to the asker ----------------------------------

    async def inspect(self, viewer: Viewer, request: protocol.ContainerRequest) -> None:
        sim = self._run().sim
        await self._answer(
            viewer, "inspect", request.id, sim.inspect(request.id, request.pod, request.container)
        )

    async def exec(self, viewer: Viewer, request: protocol.ContainerRequest) -> None:
        sim = self._run().sim
        call = sim.exec(request.id, request.pod, request.container, request.argv)
        await self._answer(viewer, "exec", request.id, call)

    async def logs(self, viewer: Viewer, request: protocol.LogsRequest) -> None:
        sim = self._run().sim
        call = sim.logs(request.id, request.pod, request.container, request.previous)
        await self._answer(viewer, "logs", request.id, call)

    async def kubectl(self, viewer: Viewer, request: protocol.KubectlRequest) -> None:
        sim = self._run().sim
        await self._answer(viewer, "kubectl", request.id, sim.kubectl(request.id, request.argv))

    async def _answer(
        self, viewer: Viewer, kind: protocol.RequestKind, request_id: Any, call: Awaitable[str]
    ) -> None:
        try:
            frame = await call
        except (RunFailed, ActionRefused) as exc:
            frame = protocol.request_error_frame(kind, request_id, f"{kind} failed: {exc}")
        await viewer.text(frame)

    async def fork(self, viewer: Viewer, request_id: Any) -> None:
        """A share link at the room's current instant, for the asker's own sandbox."""
        run, now = self._run(), self.clock()
        saved = await links.save(self.code, run, viewer, "fork", request_id, None, now)
        if saved is not None:
            await viewer.text(messages.forked_frame(request_id, *saved))

    async def share(self, viewer: Viewer, request: protocol.ShareRequest) -> None:
        """A share link at ``at`` (at most the room's instant), answered as on a run socket:
        the page's Share and records export (``static/playground/sharing.js``) in a room."""
        run, now = self._run(), self.clock()
        saved = await links.save(self.code, run, viewer, "share", request.id, request.at, now)
        if saved is not None:
            await viewer.text(protocol.shared_frame(request.id, *saved))

    # -- predictions ---------------------------------------------------------------------

    async def predict(self, viewer: Viewer, message: dict[str, Any]) -> None:
        current = self._current()
        if current is not None and current.state == "open":
            current.state = "closed"
        prediction = parse_question(message, len(self.predictions) + 1, self._run().now)
        self.predictions.append(prediction)
        await self._announce(prediction)

    async def answer(self, viewer: Viewer, message: dict[str, Any]) -> None:
        prediction_id, device, nickname, value = parse_answer(message)
        current = self._current()
        if current is None or current.id != prediction_id:
            if current is None or prediction_id > current.id:
                raise PredictionError("There is no such question.")
            raise PredictionError("This question is no longer taking answers.")
        taken = current.answer(device, nickname, value)
        if viewer.meta.get("nickname") != nickname:
            viewer.meta["nickname"] = nickname
            self._presence_changed()
        await viewer.text(messages.answered_frame(prediction_id, taken))
        self.dirty = True
        if self._presenter_update is None or self._presenter_update.done():
            self._presenter_update = asyncio.create_task(self._update_presenters())

    async def reveal(self, viewer: Viewer, _: None) -> None:
        current = self._current()
        if current is None:
            raise PredictionError("There is no question to reveal; ask one first.")
        current.state = "revealed"
        await self._announce(current)

    async def close_prediction(self, viewer: Viewer, _: None) -> None:
        current = self._current()
        if current is None:
            raise PredictionError("There is no question to close.")
        if current.state == "open":
            current.state = "closed"
        await self._announce(current)

    def _current(self) -> Prediction | None:
        return self.predictions[-1] if self.predictions else None

    async def _announce(self, prediction: Prediction) -> None:
        await self.broadcast(messages.prediction_frame(prediction.public()), keep=False)
        await self._tell_presenters(prediction)
        await self.save_now()

    async def _tell_presenters(self, prediction: Prediction) -> None:
        frame = messages.prediction_frame(prediction.public(with_tally=True))
        for viewer in self._presenters():
            await viewer.text(frame)

    async def _update_presenters(self) -> None:
        await asyncio.sleep(PRESENTER_UPDATES)
        current = self._current()
        if current is not None:
            await self._tell_presenters(current)

    # -- presence ------------------------------------------------------------------------

    def _presence_changed(self) -> None:
        if self.closed or (self._presence is not None and not self._presence.done()):
            return
        self._presence = asyncio.create_task(self._send_presence())

    async def _send_presence(self) -> None:
        await asyncio.sleep(PRESENCE_SECONDS)
        frame = messages.presence_frame(self.presence(names=True))
        for viewer in self._presenters():
            await viewer.text(frame)

    def _connections(self) -> list[Viewer]:
        """Everyone here: this process's connections and those on others that spoke (REDIS_URL)."""
        return [v for v in [*self.viewers, *self.remote.values()] if not v.closed]

    def _presenters(self) -> list[Viewer]:
        return [v for v in self._connections() if v.presenter]

    def presence(self, *, names: bool) -> dict[str, Any]:
        """Who is here: connections, whether a presenter is, students and (for presenters) their
        nicknames, sorted; students without one are counted, not named."""
        everyone = self._connections()
        students = [v for v in everyone if not v.presenter]
        presence: dict[str, Any] = {
            "viewers": len(everyone),
            "presenter": len(students) < len(everyone),
            "students": len(students),
        }
        if names:
            given = [v.meta["nickname"] for v in students if v.meta.get("nickname")]
            presence["nicknames"] = sorted(given, key=str.casefold)[: messages.MAX_NAMES]
        return presence

    # -- persistence ---------------------------------------------------------------------

    def start_saving(self) -> None:
        self._saver = asyncio.create_task(self._save_loop())

    def state(self) -> dict[str, Any]:
        """What is saved of the room as it goes."""
        run = self._run()
        moment = run.goal if run.mode == "seeking" else run.now
        return {
            "moment": moment,
            "speed": run.pacer.speed,
            "actions": [dict(entry) for entry in run.sim.actions],
            "view": self.view,
            "predictions": [p.stored() for p in self.predictions],
        }

    async def save(self, fields: dict[str, Any]) -> None:
        self._saved_activity = self.clock()
        await store.save(self.code, fields)

    async def save_now(self) -> None:
        self.dirty = False
        state = self.state()
        self._saved_moment = state["moment"]
        await self.save(state)

    async def _save_loop(self) -> None:
        every = float(settings.PLAYGROUND_ROOM_SAVE_SECONDS)
        while not self.closed:
            await asyncio.sleep(every)
            run = self.run
            if run is None:
                continue
            moved = (run.goal if run.mode == "seeking" else run.now) != self._saved_moment
            in_use = self.viewers and self.clock() - self._saved_activity > ACTIVITY_SAVE_SECONDS
            if self.dirty or moved or in_use:
                await self.save_now()

    def idle_for(self) -> float:
        """Seconds since anyone used the room; 0 while anyone follows it."""
        return 0.0 if self.viewers else self.clock() - self.last_activity

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for task in (self._saver, self._presenter_update, self._presence):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self.run is not None:
            await self.run.close()
        if self.on_close is not None:
            self.on_close(self)

    def _run(self) -> RoomRun:
        if self.run is None:
            raise protocol.ProtocolError("The room's run is not ready yet; try again in a moment.")
        return self.run


def _none(message: dict[str, Any], limits: protocol.Limits) -> None:
    return None


def _message(message: dict[str, Any], limits: protocol.Limits) -> dict[str, Any]:
    return message


def run_limits() -> protocol.Limits:
    return protocol.Limits(
        max_manifest_bytes=int(settings.PLAYGROUND_MAX_MANIFEST_BYTES),
        max_speed=float(settings.PLAYGROUND_MAX_SPEED),
        max_horizon=float(settings.PLAYGROUND_HORIZON_SECONDS),
    )


Handler = Callable[[Hub, Viewer, Any], Awaitable[None]]
Parser = Callable[[dict[str, Any], protocol.Limits], Any]

ACTIONS: dict[str, tuple[Parser, Handler, bool]] = {
    # anyone
    "ack": (messages.parse_ack, Hub.ack, False),
    "resync": (_none, Hub.resync, False),
    "claim": (messages.parse_claim, Hub.claim, False),
    "hello": (messages.parse_hello, Hub.hello, False),
    "answer": (_message, Hub.answer, False),
    "fork": (messages.parse_fork, Hub.fork, False),
    "share": (lambda m, _: protocol.parse_share(m), Hub.share, False),
    "inspect": (
        lambda m, _: protocol.parse_container_request(m, with_argv=False),
        Hub.inspect,
        False,
    ),
    "exec": (lambda m, _: protocol.parse_container_request(m, with_argv=True), Hub.exec, False),
    "logs": (lambda m, _: protocol.parse_logs(m), Hub.logs, False),
    "kubectl": (lambda m, _: protocol.parse_kubectl(m), Hub.kubectl, False),
    # the presenter only
    "play": (_none, Hub.play, True),
    "resume": (_none, Hub.play, True),
    "pause": (_none, Hub.pause, True),
    "speed": (protocol.parse_speed, Hub.set_speed, True),
    "step": (_none, Hub.step, True),
    "jump": (_none, Hub.jump, True),
    "stop": (_none, Hub.stop, True),
    "act": (lambda m, _: protocol.parse_act(m), Hub.act, True),
    "view": (messages.parse_view, Hub.set_view, True),
    "predict": (_message, Hub.predict, True),
    "reveal": (_none, Hub.reveal, True),
    "close": (_none, Hub.close_prediction, True),
    "handover": (_none, Hub.handover, True),
}
"""Every message on a joined room socket: parser, handler, and whether only the presenter may."""
