"""The record stream: what the CLI prints and the web page draws."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

import simpy

from .event_reasons import ConditionReason, EventReason
from .limits import RunLimits
from .record_types import EventType

Record = dict[str, Any]
EVENTS_PER_OBJECT: Final = 20  # the last distinct events ``describe`` can show per object
EVENT_OBJECTS: Final = 4096  # objects whose events are kept beyond a run's Pods and Nodes


def event_objects(limits: RunLimits) -> int:
    """How many objects' events a run under ``limits`` keeps: every Pod and Node it may
    hold at once, and ``EVENT_OBJECTS`` more (controllers, Services, the gone objects).

    A Kubernetes cluster keeps an hour of Events whatever their count; the bound is the
    playground's, for memory. Below the run's own Pods it would also cost time: a run
    touching more objects than the bound in turn (5,000 crash-looping Pods) evicts an
    object's history before its next event, and every event starts its series anew.
    """
    return limits.pods + limits.nodes + EVENT_OBJECTS


# Each EventType and EventReason member's string (``Recorder.event`` writes these)
_WORDS: Final[Mapping[str, str]] = {m: m._value_ for m in (*EventType, *EventReason)}


@dataclass(slots=True)
class EventSeries:
    """One Event as the API server keeps it: repeats of it counted, not stored again.

    Identical events (same type, reason, message and source about the same
    object) are one Event with a ``count`` and its first and last times, as
    client-go's event correlator reports them to the API server.
    """

    type: str
    reason: str
    message: str
    source: str
    count: int
    first_ms: int
    last_ms: int
    # The record each occurrence writes, its ``t`` aside (the recorder's, not shown)
    record: Record = field(default_factory=dict, compare=False, repr=False)


class Recorder:
    """Append-only list of records stamped with the simulation time.

    ``t`` is in seconds (the clock runs in integer milliseconds). State
    records (``pod``, ``container``) are edge-triggered through ``changed``:
    a record is written only when its fields differ from the subject's last
    state, and a subject that changes several times within one instant gets
    one record holding its state at the end of that instant, as a watcher of
    the API would see it. Events and logs are always written.

    Records already taken are let go (a long run streams them; it does not hold
    them), except the latest of each container for the kinds in ``KEPT``, which
    ``latest`` answers for (the inspector shows a container's last environment; a
    crash loop writes one at every start, and holding them all grew by a record of
    every variable per restart for the run's life).

    The clock is read as ``env._now``: SimPy's ``Environment.now`` is a property
    returning it, a Python function called from C that costs as much as the rest of
    ``changed`` (``test_records_read_simpys_clock`` holds the two equal). Indices
    (``_taken``, the pending ones) count every record ever written; ``_base``
    of them are gone from the list.
    """

    KEPT = ("env",)  # kinds of one container's records: they carry ``pod`` and ``container``

    def __init__(self, env: simpy.Environment, event_objects: int = EVENT_OBJECTS) -> None:
        self.env = env
        # How many objects' events ``_events`` holds (the oldest-touched go first)
        self.event_objects = event_objects
        self._records: list[Record | None] = []
        self._base = 0
        self._taken = 0
        self._holes = 0  # how many of ``_records`` are None (superseded or withdrawn)
        # kind -> (pod, container) -> the latest record taken of that container
        self._kept: dict[str, dict[tuple[str, str], Record]] = {kind: {} for kind in self.KEPT}
        self._kept_pending: list[int] = []  # the indices of the KEPT kinds' not taken yet
        self._keeping: set[tuple[str, str]] = set()  # the (pod, container) of every one
        # key -> [fields at the end of an earlier instant (or None), and this instant's
        # record: its time, its index, its fields (None when there is none)]. One mutable
        # entry per subject: ``changed`` runs 130k times per crash-loop hour.
        self._states: dict[tuple[str, ...], list[Any]] = {}
        # key -> the values ``changed_values`` last built that key's fields from
        self._values: dict[tuple[str, ...], tuple[Any, ...]] = {}
        # object ref -> its events, least recently seen first (see ``events_for``)
        self._events: dict[str, dict[tuple[str, str, str, str], EventSeries]] = {}
        # The last key of ``_events`` and its history (see ``event``): never evicted,
        # since only a new object evicts one, and a new object becomes the last
        self._last_object: str | None = None
        self._last_history: dict[tuple[str, str, str, str], EventSeries] = {}
        # The subjects (``_states`` entries) ``changed_deferred`` left a placeholder for
        # since the last ``take``, which builds those still unbuilt (a subject may be
        # listed more than once)
        self._deferred: list[list[Any]] = []

    def append(self, record: Record) -> None:
        """Write a record built by the caller (hot paths: no keyword packing)."""
        if record["kind"] in self._kept:
            self._keep(record)
        self._records.append(record)

    def emit(self, kind: str, **fields: Any) -> None:
        self._append(kind, fields)

    def _append(self, kind: str, fields: Mapping[str, Any]) -> None:
        """Write one record now (``emit``; ``changed``, ``changed_record`` and ``event``
        write theirs the same way, inline on their hot paths)."""
        if kind in self._kept:
            self._keep(fields)
        self._records.append({"t": self.env._now / 1000, "kind": kind, **fields})

    def _keep(self, fields: Mapping[str, Any]) -> None:
        """Note the index of the record about to be written, of a KEPT kind, and its
        container (``fields``: the record's, with ``pod`` and ``container``)."""
        self._kept_pending.append(self._base + len(self._records))
        self._keeping.add((fields["pod"], fields["container"]))

    @property
    def kept(self) -> int:
        """How many records of the KEPT kinds the recorder holds, as counted for the
        run's memory budget: one per container that wrote one (its latest).

        Counted from what was written, not from what was taken: the same however the
        run is sliced into ``advance`` calls."""
        return len(self._keeping)

    def event(
        self,
        type_: EventType,
        reason: EventReason | ConditionReason,
        obj: str,
        message: str,
        source: str,
    ) -> None:
        # 80k events per crash-loop hour, nearly all repeats (a crash loop's Pulling,
        # Pulled, Created, Started, BackOff at every start): a repeat's record is its
        # series' record, copied (one copy of the dict's table) with this time.
        at = self.env._now  # the clock (see the class docstring)
        now = int(at)
        # The object last seen is most often seen again (a container's Pulled, Created,
        # Started): it is the last of ``_events`` already
        if obj == self._last_object:
            history = self._last_history
        else:
            events = self._events
            seen = events.pop(obj, None)  # popped and put back: most recent last
            if seen is None:
                seen = {}
                if len(events) >= self.event_objects:
                    del events[next(iter(events))]
            events[obj] = history = seen
            self._last_object = obj
            self._last_history = history
        # A StrEnum member hashes and compares as its string: the members key the series
        # as their words do
        key = (type_, reason, message, source)
        series = history.pop(key, None)  # popped and put back: most recent last
        if series is None:
            series = _new_series(type_, reason, obj, message, source, now)
            if len(history) >= EVENTS_PER_OBJECT:
                del history[next(iter(history))]
        series.count += 1
        series.last_ms = now
        history[key] = series
        record = series.record.copy()
        record["t"] = at / 1000
        self._records.append(record)  # not of a KEPT kind: no container's

    def events_for(self, obj_ref: str) -> list[EventSeries]:
        """The events about ``obj_ref`` (``Kind/namespace/name``), oldest last-seen first.

        At most ``EVENTS_PER_OBJECT`` distinct events, each with its count and
        first and last times (snapshots: later repeats do not change them).
        """
        history = self._events.get(obj_ref)
        if not history:
            return []
        return sorted((replace(s) for s in history.values()), key=lambda s: s.last_ms)

    def changed(self, key: tuple[str, ...], kind: str, fields: Record) -> None:
        now = self.env._now  # the clock (see the class docstring)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = [None, 0.0, -1, None]
        elif state[3] is not None:
            if state[1] == now and state[2] >= self._taken:
                if state[3] == fields:
                    return
                self._records[state[2] - self._base] = None  # superseded within the same instant
                self._holes += 1
            else:
                state[0] = state[3]  # an earlier instant's (or a taken) record: settled
            state[3] = None
        if state[0] == fields:
            return
        records = self._records
        state[1] = now
        state[2] = self._base + len(records)
        state[3] = fields
        # ``_append`` inlined, with the time read once
        if kind in self._kept:
            self._keep(fields)
        records.append({"t": now / 1000, "kind": kind, **fields})

    def changed_record(self, key: tuple[str, ...], record: Record) -> None:
        """``changed`` for a record its caller built whole: ``t`` (any value: stamped
        here), ``kind``, then the fields, in the order the record is written.

        The record is appended as it is rather than copied into a second dict with
        ``t`` and ``kind`` first: for a ``pod`` or ``container`` record (14 to 18
        keys, large enough that CPython allocates them outside its small-object
        pools) that copy cost ~5k instructions, 10% of a publish. The subject's last
        record is compared as ``changed`` compares fields (``same_fields``). A key
        written through here is written only through here.
        """
        now = self.env._now  # the clock (see the class docstring)
        t = now / 1000
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = [None, 0.0, -1, None]
        elif state[3] is not None:
            if state[1] == now and state[2] >= self._taken:
                record["t"] = t  # the instant's record has this time: compared whole
                if state[3] == record:
                    return
                self._records[state[2] - self._base] = None  # superseded within the same instant
                self._holes += 1
            else:
                state[0] = state[3]  # an earlier instant's (or a taken) record: settled
            state[3] = None
        last = state[0]
        if last is not None and same_fields(last, record):
            return
        record["t"] = t
        records = self._records
        state[1] = now
        state[2] = self._base + len(records)
        state[3] = record
        if record["kind"] in self._kept:
            self._keep(record)
        records.append(record)

    def changed_deferred(
        self,
        key: tuple[str, ...],
        tag: object,
        build: Callable[..., Record],
        args: tuple[Any, ...],
    ) -> None:
        """``changed_record(key, build(*args))``, the record built only once it is sure to
        be written and kept: ``tag`` is a part of the record (compared by identity) such
        that two records of ``key`` with different tags always differ.

        A crash loop's container is Running and Terminated within one instant at every
        start: the Running record is superseded by the Terminated one (different tags:
        unequal whatever else they show), so it is never built. A record whose tag
        differs from the subject's last one is written unbuilt too: its slot holds a
        placeholder, ``(build, args, t)``, built when something needs the record (the
        subject's next call at a later instant, ``last_state``, ``take``); a superseded
        placeholder's slot becomes a hole, as a superseded record's does. When the tags
        are the same (the records may be equal) the record is built and compared as
        ``changed_record`` does. ``build(*args)`` must give the same record whenever it
        is called (its arguments frozen, or fields of them that do not change), a record
        of a kind not in ``KEPT``. A key written through here is written only through here.
        """
        now = self.env._now  # the clock (see the class docstring)
        state = self._states.get(key)
        if state is None:
            # [settled record, time, index, this instant's record (or placeholder), the
            # settled record's tag, this instant's record's tag]
            state = self._states[key] = [None, 0.0, -1, None, None, None]
        elif state[3] is not None:
            if state[1] == now and state[2] >= self._taken:
                if state[5] is tag:  # this instant's record may equal it: built, compared
                    self._changed_built(state, key, tag, build(*args))
                    return
                self._records[state[2] - self._base] = None  # superseded within the same instant
                self._holes += 1
            else:
                current = state[3]
                if type(current) is tuple:  # ``_build`` written out: most records settle here
                    build_, args_, t_ = current
                    current = build_(*args_)
                    current["t"] = t_
                    if state[2] >= self._taken:
                        self._records[state[2] - self._base] = current
                state[0] = current  # settled
                state[4] = state[5]
            state[3] = None
        if state[4] is tag:  # it may equal the settled record: built, compared
            self._changed_built(state, key, tag, build(*args))
            return
        records = self._records
        state[1] = now
        state[2] = self._base + len(records)
        state[3] = placeholder = (build, args, now / 1000)
        state[5] = tag
        self._deferred.append(state)
        records.append(placeholder)  # type: ignore[arg-type]  # built by ``take``

    def _changed_built(
        self, state: list[Any], key: tuple[str, ...], tag: object, record: Record
    ) -> None:
        """``changed_deferred``'s record built: ``changed_record`` with the tags kept."""
        if type(state[3]) is tuple:
            self._build(state)
        self.changed_record(key, record)
        if state[3] is record:
            state[5] = tag

    def _build(self, state: list[Any]) -> Record:
        """Build the placeholder ``changed_deferred`` left as this instant's record of a
        subject (``state``), in its slot (not taken yet: ``take`` builds them all)."""
        build, args, t = state[3]
        record: Record = build(*args)
        record["t"] = t
        self._records[state[2] - self._base] = record
        state[3] = record
        return record

    def changed_values(
        self,
        key: tuple[str, ...],
        kind: str,
        values: tuple[Any, ...],
        build: Callable[[tuple[str, ...], tuple[Any, ...]], Record],
    ) -> None:
        """``changed`` for fields that are a function of ``values`` (``build(key, values)``).

        ``changed`` given a key's last fields again writes nothing, at any instant, so
        values equal to those last given for ``key`` stop here, before the fields are
        built (a container's ``resources`` at each start and exit). A key written through
        here is written only through here.
        """
        if self._values.get(key) == values:
            return
        self._values[key] = values
        self.changed(key, kind, build(key, values))

    def taken(self, index: int) -> bool:
        """Whether record number ``index`` (``written`` before it was emitted) was taken."""
        return index < self._taken

    def withdraw(self, index: int) -> None:
        """Take back record number ``index``, not taken yet. Records that carry a change
        rather than a state (``endpoints`` after the first) coalesce within an instant so."""
        if not self.taken(index):
            self._records[index - self._base] = None
            self._holes += 1

    def last_state(self, key: tuple[str, ...]) -> Record | None:
        """The latest fields ``changed`` wrote for ``key`` (this instant's included), or None;
        for a key written through ``changed_record``, the latest record (its fields and more)."""
        state = self._states.get(key)
        if state is None:
            return None
        current = state[3]
        if type(current) is tuple:  # ``changed_deferred``'s placeholder
            current = self._build(state)
        last: Record | None = current if current is not None else state[0]
        return last

    @property
    def written(self) -> int:
        """How many records were written so far (superseded ones included)."""
        return self._base + len(self._records)

    def latest(self, kind: str, pod: str, container: str) -> Record | None:
        """The last record of ``kind`` (one of KEPT) written for a container, taken or not."""
        base = self._base
        for index in reversed(self._kept_pending):
            record = self._records[index - base]
            if (
                record is not None
                and record["kind"] == kind
                and record["pod"] == pod
                and record["container"] == container
            ):
                return record
        return self._kept[kind].get((pod, container))

    def take(self) -> list[Record]:
        """The records written since the last ``take``, in stream order."""
        # Every record is a non-empty dict (it has ``t`` and ``kind``), so ``filter(None, ...)``
        # drops exactly the superseded and withdrawn ones (None)
        if self._deferred:  # the placeholders still in the list are built first
            for state in self._deferred:
                if type(state[3]) is tuple:
                    self._build(state)
            self._deferred = []
        records = self._records
        if self._holes:
            new: list[Record] = list(filter(None, records))
        else:
            new = cast(list[Record], records)  # no holes: the list itself, handed over
        base = self._base
        for index in self._kept_pending:  # the records of KEPT kinds, in stream order
            record = records[index - base]
            if record is not None:
                self._kept[record["kind"]][record["pod"], record["container"]] = record
        self._base += len(records)
        self._taken = self._base
        self._records = []
        self._holes = 0
        self._kept_pending = []
        return new


def _new_series(
    type_: EventType,
    reason: EventReason | ConditionReason,
    obj: str,
    message: str,
    source: str,
    now: int,
) -> EventSeries:
    """A series not seen yet, with the record its occurrences write.

    The record holds the members' plain strings: an enum member has a ``__dict__``,
    so a record holding one is tracked by the cyclic collector (and scanned once
    more when ``advance`` resumes it), while a dict of strings and numbers never
    is. Same JSON, equal strings; a ConditionReason is a plain string already.
    """
    type_word = _WORDS[type_]
    reason_word = _WORDS.get(reason, reason)
    record = {
        "t": 0.0,  # each occurrence's own
        "kind": "event",
        "type": type_word,
        "reason": reason_word,
        "object": obj,
        "message": message,
        "source": source,
    }
    return EventSeries(type_word, reason_word, message, source, 0, now, now, record)


def same_fields(last: Record, record: Record) -> bool:
    """Whether two records of one subject show the same fields, whatever their times.

    ``record`` borrows ``last``'s ``t`` for the compare and gets its own back: one
    dict compare, without building either record's fields apart from its time.
    """
    t = record["t"]
    record["t"] = last["t"]
    same = last == record
    record["t"] = t
    return same
