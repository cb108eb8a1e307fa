"""The ``pod`` and ``container`` records and the Pod's stored status, written from what changed.

A pod worker publishes after every step of a container's life (three times
per start of a crash loop); most publishes change one container and leave the rest
as it was. ``Recorder.changed_record`` writes nothing for fields equal to the
subject's last ones, so building and diffing those fields again is pure
cost: each record is rebuilt only when something it shows may have changed.
Each record is built whole (``t`` and ``kind`` first, the time stamped by the
recorder), so the recorder appends the dict it is given instead of a copy.

- A ``container`` record is a function of the container's spec (``Container``,
  replaced by an apply, never mutated) and its ``ContainerStatus`` (frozen,
  replaced on every change): the pair last published is kept per container
  (``Published.containers``) and an identical pair writes nothing.
- A ``pod`` record and the stored status are functions of the Pod's fields
  (``PodRuntime``), its container statuses and its conditions: ``pod_inputs``
  gathers the fields in one tuple, the statuses and conditions (frozen) are
  compared by identity; an equal tuple and the same objects mean equal fields,
  so nothing to write. The objects are compared first and the tuple is gathered
  only when they are the same: almost every publish has a new container status,
  which alone means a new record (a crash loop: all of them).

Skipping a call whose fields equal the last ones is exactly what
``Recorder.changed_record`` would have done (it keeps the last fields per subject
whichever instant they are from), so the stream is byte for byte the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import simpy

from .controlplane.pods import pod_status
from .controlplane.store import APIStore
from .model import Container
from .nodestate import PodRuntime
from .records import Record, Recorder, same_fields
from .status import (
    STATE_NAMES,
    Conditions,
    ContainerRef,
    ContainerStatus,
    Running,
    Terminated,
    same_objects,
    status_column,
)

PodInputs = tuple[Any, ...]

# kubectl's READY text, ``READY[counted][ready]`` = "ready/counted", for Pods of up to 15
# counted containers (formatting two ints is a good part of a record's cost)
READY: tuple[tuple[str, ...], ...] = tuple(
    tuple(f"{ready}/{counted}" for ready in range(counted + 1)) for counted in range(16)
)


def pod_inputs(rt: PodRuntime) -> PodInputs:
    """Everything but statuses and conditions the ``pod`` record and the stored status
    are computed from.

    Objects compared by identity first (the spec, the node, the API object), so an
    unchanged Pod costs one tuple compare. The frozen container statuses and
    conditions are kept apart (``Published.objects``) and compared by
    identity only: ``==`` on a changed ContainerStatus or Condition builds two tuples
    of its fields, and an equal new one only costs a rebuild that writes nothing.
    """
    return (
        rt.pod,
        rt.phase,
        rt.reason,
        rt.message,
        rt.owner,
        rt.node,
        rt.network.ip,
        rt.qos_class,
        rt.deletion_timestamp,
        rt.deletion_grace_seconds,
        rt.api,
        tuple(rt.statuses),  # the names, which ``Published.objects`` does not tell apart
        tuple(rt.conditions),
    )


class PodRecords:
    """Writes a Pod's ``pod`` and ``container`` records and its status in the store."""

    def __init__(self, env: simpy.Environment, recorder: Recorder, store: APIStore) -> None:
        self.env = env
        self.recorder = recorder
        self.store = store

    def publish_pod(self, rt: PodRuntime) -> None:
        """The ``pod`` record and the stored status, when an input of theirs changed."""
        if rt.removed:  # a force-deleted Pod has no API object to show any more
            return
        # The container statuses then the conditions: frozen, replaced on change, so
        # compared by identity (``same_objects``), in one tuple, and first: most publishes
        # follow a new container status.
        #
        # The status manager's conditions (``Conditions``, kept per derivation) stand in
        # the tuple as one object while nothing changed them in place (``statuses`` not
        # None: a change in place sets it to None for good), so the same object means the
        # same Condition objects; other conditions stand as their objects.
        conditions = rt.conditions
        statuses = conditions.statuses if type(conditions) is Conditions else None
        # (statuses, then a Conditions or Condition objects: ``Published.objects``)
        held: tuple[Any, ...] = (
            (*rt.statuses.values(), conditions)
            if statuses is not None
            else (*rt.statuses.values(), *conditions.values())
        )
        published = rt.published
        # ``same_objects``' first test inline: almost every publish has a new status first
        last_objects = published.objects
        objects_changed = (
            held[0] is not last_objects[0] if held and last_objects else False
        ) or not same_objects(held, last_objects)
        if objects_changed:
            # A new record whatever the other inputs show: they are gathered only by a
            # publish with these very objects (None compares unequal: that one rebuilds).
            published.objects, published.inputs = held, None
        else:
            inputs = pod_inputs(rt)
            if inputs == published.inputs:
                return
            published.inputs = inputs
        # ``rt.refs()``, its cache read inline (a call fewer a publish)
        refs = rt._refs
        init, regular = (refs[1], refs[2]) if refs is not None and refs[0] is rt.pod else rt.refs()
        # The record's ``{type: status}`` dict, kept with the status manager's conditions
        # (``Conditions``, shared by the publishes of one derivation; None once changed in
        # place); conditions set otherwise (the scheduler's) are a plain dict
        if statuses is None:
            statuses = {k: c.status for k, c in conditions.items()}
        record = pod_record(rt, statuses, init, regular)
        self.recorder.changed_record(("pod", rt.key), record)
        # The stored status is a function of what the record shows, of the container
        # statuses and of the conditions' reasons (a condition can change its reason and
        # keep its status): unchanged, nothing to write.
        last = published.status_fields
        if rt.api is not None and (
            objects_changed
            or not same_objects(held, published.status_objects)
            or last is None
            or not same_fields(last, record)
        ):
            published.status_fields, published.status_objects = record, held
            # ``pod_status`` builds a new dict no one else holds: stored as it is. The time
            # is SimPy's ``now`` read without its property call (see ``Recorder``).
            self.store.write_status(rt.api, pod_status(rt, regular, int(self.env._now)))

    def publish_container(self, rt: PodRuntime, c: Container, s: ContainerStatus) -> None:
        """The ``container`` record of a container whose spec or status is a new one.

        The caller (``PodStatusManager.publish``) has compared the pair with the one
        last published (``rt.published.containers``): an identical pair is not passed here.
        """
        if rt.removed:
            return
        rt.published.containers[c.name] = (c, s)
        # Built only once sure to be kept (``Recorder.changed_deferred``): two records of
        # states of different kinds differ (``state``), so a crash loop's Running record,
        # superseded by the Terminated one within its instant, is never built. Its
        # arguments are frozen (``rt`` is read for its ``key`` only).
        self.recorder.changed_deferred(
            ("container", rt.key, c.name), type(s.state), container_record, (rt, c, s)
        )


def pod_record(
    rt: PodRuntime,
    conditions: dict[str, str],
    init: Sequence[ContainerRef],
    regular: Sequence[ContainerRef],
) -> Record:
    """The ``pod`` record: what ``kubectl get pods`` shows, and more.

    Built whole for ``Recorder.changed_record``, which stamps its ``t``. ``init`` and
    ``regular`` are ``rt.refs()``, which the caller has at hand."""
    statuses = rt.statuses
    status = status_column(
        rt.phase,
        rt.reason,
        init,
        regular,
        statuses,
        rt.deletion_timestamp is not None,
        conditions.get("Ready") == "True",
        conditions.get("Initialized") == "True",
    )
    # kubectl counts sidecars (restartable init containers) in READY. Plain loops, not
    # generators: this runs on every change of a Pod (50k times per crash-loop hour).
    counted = ready = 0
    for c in init:
        if c.restartable:
            counted += 1
            ready += _ready(statuses.get(c.name))
    # RESTARTS counts the regular containers' restarts, the init containers' while the
    # STATUS is theirs: the regular ones are counted with READY, in one loop
    restarts = 0
    for c in regular:
        s = statuses.get(c.name)
        if s is not None:
            restarts += s.restart_count
            if s.ready and isinstance(s.state, Running):
                ready += 1
    counted += len(regular)
    if status.startswith("Init:"):
        restarts = 0
        for c in init:
            shown = statuses.get(c.name)
            if shown is not None:
                restarts += shown.restart_count
    deletion = rt.deletion_timestamp
    fields = {
        "t": 0.0,  # stamped by the recorder
        "kind": "pod",
        "pod": rt.key,
        "phase": rt.phase,
        "status": status,
        "ready": READY[counted][ready] if counted < len(READY) else f"{ready}/{counted}",
        "restarts": restarts,
        "node": rt.node.node.name if rt.node else None,
        "podIP": rt.network.ip or None,
        "conditions": conditions,
        "qosClass": rt.qos_class,
        "deletionTimestamp": None if deletion is None else deletion / 1000,
        "deletionGracePeriodSeconds": rt.deletion_grace_seconds,
        "reason": rt.reason,
    }
    if rt.message:  # the kubelet's status.message (an eviction, a rejection)
        fields["message"] = rt.message
    if rt.owner:
        fields["owner"] = rt.owner
    return fields


def container_record(rt: PodRuntime, c: Container, s: ContainerStatus) -> Record:
    """The ``container`` record: the container's status as the API shows it (built whole
    for ``Recorder.changed_record``, which stamps its ``t``)."""
    state = s.state
    last = s.last_state
    # What each kind of state has (Running: a start time; Waiting: a reason and message;
    # Terminated: all of them), by its type rather than getattr with defaults.
    # Times in seconds written out rather than through a helper: three records a start.
    started_at: float | None
    finished_at: float | None
    if isinstance(state, Running):
        reason = message = ""
        exit_code = finished_at = None
        started_at = state.started_at / 1000
    elif isinstance(state, Terminated):
        reason, message = state.reason or "", state.message or ""
        exit_code = state.exit_code
        started = state.started_at
        started_at = None if started is None else started / 1000
        finished_at = state.finished_at / 1000
    else:
        reason, message = state.reason or "", state.message or ""
        exit_code = started_at = finished_at = None
    # Fifteen fields in the display, the last three stored after: CPython compiles a
    # display of more than 15 pairs into a dict grown entry by entry (two resizes for
    # 18), and one of 15 into a dict sized for them, with room for three more.
    record = {
        "t": 0.0,  # stamped by the recorder
        "kind": "container",
        "pod": rt.key,
        "container": c.name,
        "init": c.init,
        "state": STATE_NAMES[type(state)],
        "reason": reason,
        "message": message,
        "exitCode": exit_code,
        "restartCount": s.restart_count,
        "ready": s.ready,
        "started": bool(s.started),
        "sidecar": c.sidecar,
        "image": s.image or c.image,
        "imageID": s.image_id,
    }
    record["startedAt"] = started_at
    record["finishedAt"] = finished_at
    record["lastState"] = (
        None
        if last is None
        else {
            "reason": last.reason,
            "message": last.message,
            "exitCode": last.exit_code,
            "startedAt": None if last.started_at is None else last.started_at / 1000,
            "finishedAt": last.finished_at / 1000,
        }
    )
    return record


def _ready(s: ContainerStatus | None) -> bool:
    return s is not None and s.ready and isinstance(s.state, Running)
