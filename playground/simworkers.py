"""The simulation worker: many runs in one process, advanced in fair slices.

This module runs in the worker processes of :mod:`playground.simpool`, away
from Daphne's event loop. It imports the simulator, the wire protocol's frame
builders (:mod:`playground.protocol`, :mod:`playground.describe`: orjson and
the standard library) and nothing of Django, so a spawned worker starts in a
fraction of a second.

A worker holds many runs. The event loop asks it for work one request at a
time per run (``advance`` to a simulated time, ``step``, ``act``, ``inspect``,
``exec``, ``logs``); ``advance`` requests wait in one queue and each gets a
single *slice*: simulating in adaptive chunks of simulated time until the goal
is reached or the slice's wall-time budget is spent, then the answer (the
records, already serialised as "records" frames) goes back and the run's next
request joins the back of the queue. So the runs of a worker take turns, a
runaway run gets one slice per turn like any other, and a ``cancel`` (pause,
stop) is read after at most the slice being run.

A single ``Simulation.advance`` call cannot be interrupted from inside the
process. While a worker runs a call it publishes which run, and the process's
CPU time at the start of the call, in shared memory (``status``); the pool's
watchdog kills a worker whose call overruns by far in CPU time and restores
its other runs elsewhere from their action logs.

Messages are pickled tuples, length-prefixed on a socket:
    to the worker:   (op, request_id, run_id, payload)
    from the worker: (request_id, ok, payload)
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import select
import signal
import socket
import struct
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.actions import ActionError
from cluster_sim.kubectl import command_line
from playground import describe, protocol

Message = tuple[str, int, int, dict[str, Any]]
Reply = tuple[int, bool, dict[str, Any]]
Clock = Callable[[], float]

# A step skips instants that produce no record (internal timers), up to this many.
MAX_SILENT_STEPS = 10_000
MAX_CHUNK_SECONDS = 3600.0
MIN_CHUNK_SECONDS = 0.001
_HEADER = struct.Struct("!I")
IDLE = 0  # status[0] when the worker is between calls


@dataclass(eq=False)
class WorkerRun:
    """One simulation held by the worker."""

    sim: Simulation
    # Simulated seconds per advance() call, adapted to the budget. It starts small: one
    # simulated second of a busy loop costs seconds of wall time.
    chunk: float = MIN_CHUNK_SECONDS


@dataclass(eq=False)
class Advance:
    """A queued request to advance one run towards ``until``."""

    request_id: int
    run_id: int
    until: float
    restoring: bool = False  # a restored run catching up silently; answered when there


@dataclass(eq=False)
class WorkerCore:
    """The worker's state and rules, without sockets or processes (tests drive it directly).

    ``handle`` takes one message and returns the answers it can give at once;
    ``work`` runs one slice of the first queued ``advance`` and returns its
    answer (or nothing while a restored run is still catching up).
    """

    budget: float  # wall seconds per slice
    clock: Clock = time.monotonic
    simulation: Callable[..., Simulation] = Simulation
    # The watchdog's view: which run is in a call (IDLE: none), and whether it is an open.
    busy: Callable[[int, bool], None] = lambda run_id, opening: None
    runs: dict[int, WorkerRun] = field(default_factory=dict)
    queue: deque[Advance] = field(default_factory=deque)

    @property
    def has_work(self) -> bool:
        return bool(self.queue)

    def handle(self, message: Message) -> list[Reply]:
        op, request_id, run_id, payload = message
        if op == "open":
            return self._open(request_id, run_id, payload)
        if op == "close":
            self.runs.pop(run_id, None)
            return self._drop_queued(run_id, closing=True)
        if op == "cancel":
            return self._drop_queued(run_id, closing=False)
        run = self.runs.get(run_id)
        if run is None:
            return [(request_id, False, {"kind": "failed", "message": "The run has ended."})]
        if op == "advance":
            answers = self._drop_queued(run_id, closing=False)  # a newer goal replaces it
            self.queue.append(Advance(request_id, run_id, float(payload["until"])))
            return answers
        try:
            self.busy(run_id, False)
            answer = self._request(op, run, payload)
        except ActionError as exc:
            return [(request_id, False, {"kind": "action", "message": str(exc)})]
        except Exception as exc:  # a bug in the simulator: say so, keep the worker
            return [(request_id, False, _failure(exc))]
        finally:
            self.busy(IDLE, False)
        return [(request_id, True, answer)]

    def work(self) -> list[Reply]:
        """One slice of the first queued ``advance``."""
        item = self.queue.popleft()
        run = self.runs[item.run_id]
        try:
            self.busy(item.run_id, False)
            records = self._slice(run, item.until)
        except Exception as exc:
            self.runs.pop(item.run_id, None)
            return [(item.request_id, False, _failure(exc))]
        finally:
            self.busy(IDLE, False)
        sim = run.sim
        if item.restoring:
            if sim.now < item.until and not sim.finished:
                self.queue.append(item)  # catching up takes turns like any run
                return []
            return [(item.request_id, True, _opened(sim))]
        return [(item.request_id, True, _progress(sim, records))]

    # -- requests ------------------------------------------------------------------------

    def _open(self, request_id: int, run_id: int, payload: dict[str, Any]) -> list[Reply]:
        try:
            self.busy(run_id, True)
            bundle = load_bundle([(protocol.MANIFEST_FILE, payload["manifest"])])
            sim = self.simulation(
                bundle, seed=payload["seed"], horizon=payload["horizon"], actions=payload["actions"]
            )
        except BundleError as exc:
            return [(request_id, False, {"kind": "refused", "errors": _errors(exc)})]
        except ActionError as exc:
            error = protocol.plain_error(f"The action log cannot be replayed: {exc}")
            return [(request_id, False, {"kind": "refused", "errors": [error]})]
        except Exception as exc:
            return [(request_id, False, _failure(exc))]
        finally:
            self.busy(IDLE, False)
        self.runs[run_id] = WorkerRun(sim)
        restore_to = payload.get("restore_to")
        if restore_to is not None:
            self.queue.append(Advance(request_id, run_id, float(restore_to), restoring=True))
            return []
        pods, maps = describe.bundle_specs(bundle)
        opened = _opened(sim)
        opened["specs"] = protocol.specs_frame(0.0, pods, maps)
        return [(request_id, True, opened)]

    def _request(self, op: str, run: WorkerRun, payload: dict[str, Any]) -> dict[str, Any]:
        sim = run.sim
        if op == "step":
            return _progress(sim, _step(sim, float(payload["horizon"])))
        if op == "act":
            entry = sim.act(payload["kind"], payload["args"])
            # Whatever the action set off at this instant, at once, even when paused.
            return {"entry": entry, **_progress(sim, sim.advance(until=sim.now))}
        if op == "inspect":
            view = sim.inspect(payload["pod"], payload["container"])
            return {"frame": protocol.inspect_frame(payload["id"], sim.now, view)}
        if op == "exec":
            argv = payload["argv"]
            status, output = sim.exec(payload["pod"], payload["container"], argv)
            return {"frame": protocol.exec_frame(payload["id"], sim.now, argv, status, output)}
        if op == "logs":
            if not hasattr(sim, "logs"):
                raise ActionError("logs are not available in this version of the simulator")
            logs = sim.logs(payload["pod"], payload["container"], previous=payload["previous"])
            return {"frame": protocol.logs_frame(payload["id"], sim.now, payload, logs)}
        if op == "kubectl":
            argv = payload["argv"]
            result = kubectl_text(sim, argv)
            return {"frame": protocol.kubectl_frame(payload["id"], sim.now, argv, result)}
        raise ValueError(f"unknown request {op!r}")

    def _slice(self, run: WorkerRun, goal: float) -> list[dict[str, Any]]:
        """Advance towards ``goal`` for about one budget of wall time, in adaptive chunks.

        A chunk starts at the next event (quiet stretches cost nothing and do not grow
        it), doubles only while calls are far under budget, and shrinks in proportion
        when one runs over: a busy loop starting costs a few milliseconds per simulated
        millisecond, so the chunk must come down at once, not by halves.
        """
        sim = run.sim
        records: list[dict[str, Any]] = []
        deadline = self.clock() + self.budget
        while True:  # at least once: the instant the run is at may still have events
            upcoming = sim.next_time()
            until = goal if upcoming is None else min(goal, max(sim.now, upcoming) + run.chunk)
            began = self.clock()
            records.extend(sim.advance(until=until))
            spent = self.clock() - began
            if spent < self.budget / 8:
                run.chunk = min(run.chunk * 2, MAX_CHUNK_SECONDS)
            elif spent > self.budget / 2:
                run.chunk = max(run.chunk * self.budget / 2 / spent, MIN_CHUNK_SECONDS)
            if sim.now >= goal or sim.finished or self.clock() >= deadline:
                return records

    def _drop_queued(self, run_id: int, *, closing: bool) -> list[Reply]:
        """Answer the run's queued ``advance`` at once, with nothing new.

        A restored run still catching up keeps catching up unless it is closed.
        """
        answers: list[Reply] = []
        for item in [i for i in self.queue if i.run_id == run_id]:
            if closing:
                self.queue.remove(item)
                failure = {"kind": "failed", "message": "The run has ended."}
                answers.append((item.request_id, False, failure))
            elif not item.restoring:
                self.queue.remove(item)
                answers.append((item.request_id, True, _progress(self.runs[run_id].sim, None)))
        return answers


def _step(sim: Simulation, horizon: float) -> list[dict[str, Any]]:
    """Run to the next instant at which something is recorded."""
    for _ in range(MAX_SILENT_STEPS):
        upcoming = sim.next_time()
        if upcoming is None or upcoming > horizon:
            break
        records = sim.advance(until=upcoming)
        if records:
            return records
    return []


def _progress(sim: Simulation, records: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The records as the frames the page gets, and where the run is now.

    A "records" frame goes out even when empty: its "now" moves the page's clock.
    ``None``: no frame at all (a cancelled request).
    """
    if records is None:
        return {"frames": [], "now": sim.now, "next": sim.next_time(), "finished": sim.finished}
    frames = [frame for frame, _ in protocol.records_frames(sim.now, records)]
    applied = [r for r in records if r["kind"] == "action" and r["action"] == "apply"]
    if applied:
        pods, maps = describe.applied_specs(applied)
        if pods or maps:
            frames.append(protocol.specs_frame(applied[0]["t"], pods, maps))
    made = _made_pod_specs(sim, records)
    if made:
        since = min(t for t, _ in made.values())
        specs = {key: summary for key, (_, summary) in made.items()}
        frames.append(protocol.specs_frame(since, specs, []))
    return {"frames": frames, "now": sim.now, "next": sim.next_time(), "finished": sim.finished}


def _made_pod_specs(
    sim: Simulation, records: list[dict[str, Any]]
) -> dict[str, tuple[float, dict[str, Any]]]:
    """What the Pods a controller created among ``records`` ask for: key -> (t, summary).

    A controller's ``SuccessfulCreate`` event ("Created pod: NAME") is said once per
    Pod it makes; the page's kubectl describe pod needs the Pod's labels, probes and
    the rest as it needs them for the Pods of the bundle.
    """
    made: dict[str, tuple[float, dict[str, Any]]] = {}
    for r in records:
        if r["kind"] != "event" or r["reason"] != "SuccessfulCreate":
            continue
        name = str(r["message"]).removeprefix("Created pod: ")
        key = f"{str(r['object']).split('/')[1]}/{name}"
        rt = sim.cluster.find_pod(key)
        if rt is not None:
            made[key] = (r["t"], describe.pod_summary(rt.pod))
    return made


def _opened(sim: Simulation) -> dict[str, Any]:
    return {
        "seed": sim.seed,
        "horizon": float(sim.horizon),
        "actions": [dict(entry) for entry in sim.actions],
        **_progress(sim, None),
    }


def _errors(exc: BundleError) -> list[dict[str, Any]]:
    return [e.to_dict() for e in exc.errors]


def kubectl_text(sim: Simulation, argv: Sequence[str]) -> tuple[int, str]:
    """``kubectl get`` / ``kubectl describe`` at the run's live edge: (status, output).

    What ``cluster_sim.kubectl``'s printers say, reading the run's object store as
    kubectl reads an API server, with the run's Events and clock.
    """
    recorder = sim.cluster.recorder
    return command_line.kubectl_text(sim.store, recorder, round(sim.now * 1000), list(argv))


def _failure(exc: Exception) -> dict[str, Any]:
    return {"kind": "failed", "message": f"The simulation failed: {exc}", "bug": repr(exc)}


# -- the process -------------------------------------------------------------------------


def send_message(sock: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def receive_message(sock: socket.socket) -> Any:
    """The next message, or None when the other end has closed the socket."""
    header = _receive_exactly(sock, _HEADER.size)
    if header is None:
        return None
    data = _receive_exactly(sock, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def worker_main(
    sock: socket.socket,
    status: Sequence[float],
    budget: float,
    niceness: int,
    simulation: str = "cluster_sim:Simulation",
) -> None:
    """A worker process: answer messages, and run slices while there is work.

    ``simulation`` ("module:attribute") is the Simulation class; tests pass a double.
    """
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)

    def busy(run_id: int, opening: bool) -> None:
        status[1] = time.process_time()  # type: ignore[index]
        status[2] = 1.0 if opening else 0.0  # type: ignore[index]
        status[0] = run_id  # type: ignore[index]

    module, _, name = simulation.partition(":")
    factory = getattr(importlib.import_module(module), name)
    core = WorkerCore(budget=budget, busy=busy, simulation=factory)
    while True:
        # Read everything waiting; block only when there is no slice to run.
        timeout = 0.0 if core.has_work else None
        while select.select([sock], [], [], timeout)[0]:
            message = receive_message(sock)
            if message is None:
                return  # the server has gone
            for reply in core.handle(message):
                send_message(sock, reply)
            timeout = 0.0
        if core.has_work:
            for reply in core.work():
                send_message(sock, reply)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server process dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
