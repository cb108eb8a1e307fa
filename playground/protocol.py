"""The run websocket's wire protocol: parsing client messages, building server frames.

Client messages (JSON text):
    {"action": "start", "manifest": "...", "speed": 5,
     "seed": 0 | null, "horizon": 3600 | null,          (null or absent: the Scenario's, else
                                                          0 and the playground's limit)
     "actions": [{"t": 12.0, "action": "delete", "args": {...}}, ...],   (an action log to replay)
     "runTo": 42.0}                       (run there as fast as possible, then pause)
    {"action": "speed", "speed": 20}
    {"action": "pause"}                   stop the simulated clock where the page is
    {"action": "resume"}                  run on at the current speed
    {"action": "step"}                    pause, then run to the next thing that happens
    {"action": "jump"}                    run to the horizon as fast as possible
    {"action": "stop"}
    {"action": "act", "id": 7, "kind": "delete", "args": {"pod": "web"}}   a live action
    {"action": "inspect", "id": 8, "pod": "default/web", "container": "app"}
    {"action": "exec", "id": 9, "pod": "default/web", "container": "app",
     "argv": ["cat", "/etc/config/level"]}
    {"action": "share", "id": 10, "at": 42.0}   save the run; "at" is the moment to open at
    {"action": "logs", "id": 11, "pod": "default/web", "container": "app", "previous": false}
                                          kubectl logs [--previous] at the live edge
    {"action": "kubectl", "id": 12, "argv": ["describe", "deployment", "web"]}
                                          kubectl get / describe at the live edge (read-only)
("id" is any JSON value; the answer carries it back.)

Server frames:
    {"type": "started", "speed": 5, "seed": 0, "horizon": 3600.0, "state": "playing"}
    {"type": "specs", "t": 0.0, "pods": {...}, "configMaps": [...]}   what the Pods ask for
    {"type": "records", "now": 12.3, "records": [...]}   (split when too big)
    {"type": "clock", "state": "playing" | "paused" | "jumping" | "seeking",
     "now": 12.3, "speed": 5, "next": 13.0 | null}
    {"type": "acted", "id": 7, "action": {"t", "action", "args"}}   (before its records)
    {"type": "inspect", "id": 8, "now": 12.3, "view": {...}}
    {"type": "exec", "id": 9, "now": 12.3, "argv": [...], "status": 0, "output": "..."}
    {"type": "shared", "id": 10, "slug": "...", "url": "/s/...", "at": 42.0}
    {"type": "logs", "id": 11, "now": 12.3, "pod": "...", "container": "...", "previous": false,
     "status": 0, "output": "..."}        (Simulation.logs: what kubectl logs prints, or its
                                          error with status 1)
    {"type": "kubectl", "id": 12, "now": 12.3, "argv": [...], "status": 0, "output": "..."}
                                         (what kubectl prints, or its error with status 1)
    {"type": "error", "errors": [{"file", "line", "column", "message"}, ...]}
    {"type": "error", "request": "act", "id": 7, "errors": [...]}   (a request that failed)
    {"type": "end", "now": 3600.0, "reason": "finished" | "stopped" | "error"}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

import orjson

from cluster_sim.limits import DEFAULT_LIMITS

MANIFEST_FILE = "editor.yaml"
# Below Daphne's default websocket message limit (1 MiB), with room to spare.
MAX_FRAME_BYTES = 768 * 1024
MAX_SEED = 2**32 - 1
MAX_ACTIONS = DEFAULT_LIMITS.actions  # entries in a replayed action log
MAX_ARGV = 64
MAX_ARG_CHARS = 4096
MAX_NAME_CHARS = 253
# One live action's arguments, serialized: an ``apply`` carries a whole manifest.
MAX_ACTION_BYTES = DEFAULT_LIMITS.manifest_bytes + 4096
# C0 control characters but tab, newline and carriage return, and DEL: no action
# argument needs one, and a NUL cannot be stored in PostgreSQL text or jsonb.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

EndReason = Literal["finished", "stopped", "error"]
ClockState = Literal["playing", "paused", "jumping", "seeking"]
RequestKind = Literal["act", "inspect", "exec", "share", "logs", "kubectl"]
# The verbs the inspector's kubectl request takes: it reads and never writes (a change
# goes through "act", so that it joins the action log and the run replays).
KUBECTL_VERBS = ("get", "describe", "auth")  # auth: only can-i (cluster_sim.kubectl.auth)
MAX_KUBECTL_ARGV = 16
ErrorDict = dict[str, Any]
Action = dict[str, Any]


class ProtocolError(ValueError):
    """A client message that cannot be acted on; its text is shown to the user."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file

    def to_dict(self) -> ErrorDict:
        return plain_error(self.message, file=self.file)


def plain_error(message: str, *, file: str | None = None) -> ErrorDict:
    """An error entry with no position in the manifest."""
    return {"file": file, "line": None, "column": None, "message": message}


@dataclass(frozen=True, slots=True)
class StartRequest:
    manifest: str
    speed: float
    seed: int | None = None  # None: the Scenario's seed, else 0
    horizon: float | None = None  # None: the Scenario's horizon, else the limit
    actions: tuple[Action, ...] = ()
    run_to: float | None = None  # run there as fast as possible, then pause


@dataclass(frozen=True, slots=True)
class ActRequest:
    id: Any
    kind: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ContainerRequest:
    """An ``inspect`` (no argv) or ``exec`` request for one container."""

    id: Any
    pod: str
    container: str
    argv: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogsRequest:
    """``kubectl logs [--previous]`` for one container."""

    id: Any
    pod: str
    container: str
    previous: bool = False


@dataclass(frozen=True, slots=True)
class KubectlRequest:
    """``kubectl get`` or ``kubectl describe`` at the live edge (argv without "kubectl")."""

    id: Any
    argv: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShareRequest:
    id: Any
    at: float | None


@dataclass(frozen=True, slots=True)
class Limits:
    max_manifest_bytes: int
    max_speed: float
    max_horizon: float


def decode_message(
    text_data: str | None, bytes_data: bytes | None, limits: Limits
) -> dict[str, Any]:
    """Decode one client frame into a dict with an "action" key."""
    raw: str | bytes | None = text_data if text_data is not None else bytes_data
    if raw is None:
        raise ProtocolError("Empty message.")
    # JSON escaping can make the frame several times longer than the manifest.
    if len(raw) > 8 * limits.max_manifest_bytes:
        raise ProtocolError(_too_big_message(len(raw), limits), file=MANIFEST_FILE)
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(f"The message is not valid JSON: {exc}.") from exc
    if not isinstance(message, dict) or not isinstance(message.get("action"), str):
        raise ProtocolError('The message must be a JSON object with an "action" string.')
    return message


def parse_start(message: dict[str, Any], limits: Limits) -> StartRequest:
    manifest = message.get("manifest")
    if not isinstance(manifest, str):
        raise ProtocolError('"manifest" must be a string.')
    size = len(manifest.encode())
    if size > limits.max_manifest_bytes:
        raise ProtocolError(_too_big_message(size, limits), file=MANIFEST_FILE)
    if not manifest.strip():
        raise ProtocolError("The manifest is empty.", file=MANIFEST_FILE)
    seed = message.get("seed")
    if seed is not None and (
        not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED
    ):
        raise ProtocolError(f'"seed" must be an integer from 0 to {MAX_SEED}.')
    horizon = message.get("horizon")
    if horizon is not None and (not _is_number(horizon) or not 0 < horizon <= limits.max_horizon):
        raise ProtocolError(
            f'"horizon" must be a number above 0 and at most {limits.max_horizon:g}.'
        )
    run_to = message.get("runTo")
    if run_to is not None and (not _is_number(run_to) or run_to < 0):
        raise ProtocolError('"runTo" must be a number of simulated seconds, 0 or more.')
    return StartRequest(
        manifest=manifest,
        speed=parse_speed(message, limits),
        seed=seed,
        horizon=None if horizon is None else float(horizon),
        actions=parse_action_log(message.get("actions")),
        run_to=None if run_to is None else float(run_to),
    )


def parse_action_log(log: object) -> tuple[Action, ...]:
    """An action log as ``Simulation.actions`` writes it: ``[{"t", "action", "args"}]``."""
    if log is None:
        return ()
    if not isinstance(log, list) or len(log) > MAX_ACTIONS:
        raise ProtocolError(f'"actions" must be a list of at most {MAX_ACTIONS} actions.')
    entries = []
    for i, entry in enumerate(log):
        if (
            not isinstance(entry, dict)
            or not _is_number(entry.get("t"))
            or entry["t"] < 0
            or not isinstance(entry.get("action"), str)
            or not isinstance(entry.get("args", {}), dict)
        ):
            raise ProtocolError(
                f'"actions"[{i}] must be {{"t": seconds, "action": kind, "args": {{...}}}}.'
            )
        check_action_text(entry["action"], entry.get("args", {}), f'"actions"[{i}]')
        entries.append(
            {"t": float(entry["t"]), "action": entry["action"], "args": entry.get("args", {})}
        )
    return tuple(entries)


def parse_act(message: dict[str, Any]) -> ActRequest:
    kind = message.get("kind")
    args = message.get("args", {})
    if not isinstance(kind, str) or not kind:
        raise ProtocolError('"kind" must name the action (delete, kill, cordon, ...).')
    if not isinstance(args, dict):
        raise ProtocolError('"args" must be an object.')
    check_action_text(kind, args, '"args"')
    return ActRequest(id=message.get("id"), kind=kind, args=args)


def check_action_text(kind: str, args: dict[str, Any], where: str) -> None:
    """Refuse an action whose text could not be kept: control characters, or too big.

    Every string in the action (keys too) is checked where it enters, so a
    shared run's action log always stores; the size bounds what one action
    adds to it.
    """
    if has_control_characters([kind, args]):
        raise ProtocolError(
            f"{where} must not contain control characters (such as NUL); "
            "tabs and newlines are fine."
        )
    size = len(orjson.dumps(args))
    if size > MAX_ACTION_BYTES:
        raise ProtocolError(
            f"{where} is {size / 1024:.0f} KiB; one action takes at most "
            f"{MAX_ACTION_BYTES // 1024} KiB."
        )


def has_control_characters(value: object) -> bool:
    """True if a string anywhere in a JSON value (keys too) has a ``CONTROL_CHARACTERS`` one."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if CONTROL_CHARACTERS.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def parse_container_request(message: dict[str, Any], *, with_argv: bool) -> ContainerRequest:
    pod, container = message.get("pod"), message.get("container")
    for name, value in (("pod", pod), ("container", container)):
        if not isinstance(value, str) or not value or len(value) > MAX_NAME_CHARS:
            raise ProtocolError(f'"{name}" must name a {name}.')
    argv: tuple[str, ...] = ()
    if with_argv:
        raw = message.get("argv")
        if (
            not isinstance(raw, list)
            or not 0 < len(raw) <= MAX_ARGV
            or not all(isinstance(a, str) and len(a) <= MAX_ARG_CHARS for a in raw)
        ):
            raise ProtocolError(f'"argv" must be a list of 1 to {MAX_ARGV} strings.')
        argv = tuple(raw)
    return ContainerRequest(id=message.get("id"), pod=str(pod), container=str(container), argv=argv)


def parse_logs(message: dict[str, Any]) -> LogsRequest:
    container = parse_container_request(message, with_argv=False)
    previous = message.get("previous", False)
    if not isinstance(previous, bool):
        raise ProtocolError('"previous" must be true or false.')
    return LogsRequest(
        id=container.id, pod=container.pod, container=container.container, previous=previous
    )


def parse_kubectl(message: dict[str, Any]) -> KubectlRequest:
    raw = message.get("argv")
    if (
        not isinstance(raw, list)
        or not 0 < len(raw) <= MAX_KUBECTL_ARGV
        or not all(isinstance(a, str) and 0 < len(a) <= MAX_NAME_CHARS for a in raw)
    ):
        raise ProtocolError(
            f'"argv" must be a list of 1 to {MAX_KUBECTL_ARGV} non-empty strings '
            f"of at most {MAX_NAME_CHARS} characters."
        )
    if has_control_characters(raw):
        raise ProtocolError('"argv" must not contain control characters.')
    if raw[0] not in KUBECTL_VERBS:
        raise ProtocolError(
            'The inspector runs "kubectl get", "kubectl describe" and "kubectl auth can-i" only, '
            f'not "{raw[0]}": '
            "changes are live actions."
        )
    return KubectlRequest(id=message.get("id"), argv=tuple(raw))


def parse_share(message: dict[str, Any]) -> ShareRequest:
    at = message.get("at")
    if at is not None and (not _is_number(at) or at < 0):
        raise ProtocolError('"at" must be a number of simulated seconds, 0 or more.')
    return ShareRequest(id=message.get("id"), at=None if at is None else float(at))


def parse_speed(message: dict[str, Any], limits: Limits) -> float:
    speed = message.get("speed")
    if not _is_number(speed) or not 0 < speed <= limits.max_speed:
        raise ProtocolError(f'"speed" must be a number above 0 and at most {limits.max_speed:g}.')
    return float(speed)


def started_frame(speed: float, seed: int, horizon: float, state: ClockState) -> str:
    """The run's effective seed and horizon (the Scenario's when the page sent none)."""
    return _dumps(
        {"type": "started", "speed": speed, "seed": seed, "horizon": horizon, "state": state}
    )


def clock_frame(state: ClockState, now: float, speed: float, next_time: float | None) -> str:
    return _dumps({"type": "clock", "state": state, "now": now, "speed": speed, "next": next_time})


def specs_frame(t: float, pods: dict[str, Any], config_maps: list[dict[str, Any]]) -> str:
    return _dumps({"type": "specs", "t": t, "pods": pods, "configMaps": config_maps})


def acted_frame(request_id: Any, entry: Action) -> str:
    return _dumps({"type": "acted", "id": request_id, "action": entry})


def inspect_frame(request_id: Any, now: float, view: dict[str, Any]) -> str:
    return _dumps({"type": "inspect", "id": request_id, "now": now, "view": view})


def exec_frame(request_id: Any, now: float, argv: Sequence[str], status: int, output: str) -> str:
    return _dumps(
        {
            "type": "exec",
            "id": request_id,
            "now": now,
            "argv": list(argv),
            "status": status,
            "output": output,
        }
    )


def shared_frame(request_id: Any, slug: str, url: str, at: float) -> str:
    return _dumps({"type": "shared", "id": request_id, "slug": slug, "url": url, "at": at})


def logs_frame(request_id: Any, now: float, request: dict[str, Any], logs: tuple[int, str]) -> str:
    status, output = logs
    return _dumps(
        {
            "type": "logs",
            "id": request_id,
            "now": now,
            "pod": request["pod"],
            "container": request["container"],
            "previous": request["previous"],
            "status": status,
            "output": output,
        }
    )


def kubectl_frame(request_id: Any, now: float, argv: Sequence[str], result: tuple[int, str]) -> str:
    status, output = result
    return _dumps(
        {
            "type": "kubectl",
            "id": request_id,
            "now": now,
            "argv": list(argv),
            "status": status,
            "output": output,
        }
    )


def request_error_frame(request: RequestKind, request_id: Any, message: str) -> str:
    """A request (act, inspect, exec, share) that could not be answered; the run goes on."""
    return _dumps(
        {"type": "error", "request": request, "id": request_id, "errors": [plain_error(message)]}
    )


def records_frame(now: float, records: Sequence[dict[str, Any]]) -> str:
    return _dumps({"type": "records", "now": now, "records": records})


def records_frames(
    now: float, records: Sequence[dict[str, Any]], max_bytes: int = MAX_FRAME_BYTES
) -> list[tuple[str, int]]:
    """(frame, number of records in it): one "records" frame, or several.

    Daphne refuses to send a message above its size limit (1 MiB by default)
    and drops the connection, which a fast run with many Pods can reach in a
    single tick. The records are then split in order; every frame but the last
    carries the time of its own last record as "now".
    """
    frame = records_frame(now, records)
    if len(frame) <= max_bytes or len(records) <= 1:
        return [(frame, len(records))]
    half = len(records) // 2
    head, tail = records[:half], records[half:]
    return records_frames(head[-1]["t"], head, max_bytes) + records_frames(now, tail, max_bytes)


def error_frame(errors: Sequence[ErrorDict]) -> str:
    return _dumps({"type": "error", "errors": errors})


def end_frame(now: float, reason: EndReason) -> str:
    return _dumps({"type": "end", "now": now, "reason": reason})


def _dumps(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _too_big_message(size: int, limits: Limits) -> str:
    return (
        f"The manifest is {size / 1024:.0f} KiB; the limit is "
        f"{limits.max_manifest_bytes // 1024} KiB."
    )
