"""CronJob schedules: parsing (cronsim, plus robfig's descriptors) and upstream's time maths.

``parse`` accepts the standard five fields (through the ``cronsim`` package)
and robfig/cron's descriptors (``@yearly``/``@annually``, ``@monthly``,
``@weekly``, ``@daily``/``@midnight``, ``@hourly``, ``@every <duration>``),
evaluated in ``time_zone`` (UTC when unset). ``most_recent_schedule_time`` and
``next_schedule_time_duration`` port ``utils.go``'s functions, approximation
included (the case tables depend on it). Times are UTC datetimes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
NEXT_SCHEDULE_DELTA = timedelta(milliseconds=100)
MANY_MISSED = 100
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


class ScheduleError(ValueError):
    """A schedule or time zone the controller cannot use; ``str()`` is the reason."""


class Missed(StrEnum):
    NONE = "none"
    FEW = "few"
    MANY = "many"


@dataclass(frozen=True, slots=True)
class Schedule:
    expr: str
    zone: ZoneInfo | None
    every: timedelta | None = None

    def next(self, after: datetime) -> datetime | None:
        """The first activation strictly after ``after`` (whole seconds), None if never."""
        if self.every is not None:
            step = max(self.every, timedelta(seconds=1))
            base = after.replace(microsecond=0)
            return base + step
        zone = self.zone or UTC
        local = after.astimezone(zone).replace(microsecond=0)
        try:
            found = next(CronSim(self.expr, local))
        except (CronSimError, StopIteration):
            return None
        return found.astimezone(UTC)


def _duration(text: str) -> timedelta:
    pos, total = 0, 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise ScheduleError(f'time: invalid duration "{text}"')
    return timedelta(seconds=total)


def zone_of(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ScheduleError(f"unknown time zone {name}") from e


def parse(expr: str, time_zone: str | None = None) -> Schedule:
    """The schedule of ``expr`` in ``time_zone``; raise ``ScheduleError``."""
    zone = zone_of(time_zone)
    text = expr.strip()
    if text.startswith("@every "):
        return Schedule(text, zone, _duration(text.removeprefix("@every ").strip()))
    if text.startswith("@"):
        if text not in DESCRIPTORS:
            raise ScheduleError(f"unrecognized descriptor: {text}")
        text = DESCRIPTORS[text]
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    try:
        CronSim(text, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as e:
        raise ScheduleError(str(e).lower()) from e
    return Schedule(text, zone)


@dataclass(frozen=True, slots=True)
class Recent:
    earliest: datetime
    most_recent: datetime | None
    missed: Missed


def most_recent_schedule_time(
    schedule: Schedule,
    created: datetime,
    last_schedule: datetime | None,
    starting_deadline_seconds: int | None,
    now: datetime,
    include_starting_deadline: bool = True,
) -> Recent:
    """``mostRecentScheduleTime``; raise ``ScheduleError`` for a schedule that never repeats."""
    earliest = last_schedule or created
    if include_starting_deadline and starting_deadline_seconds is not None:
        deadline_start = now - timedelta(seconds=starting_deadline_seconds)
        earliest = max(earliest, deadline_start)
    t1 = schedule.next(earliest)
    if t1 is None or now < t1:
        if t1 is None:
            raise ScheduleError("time difference between two schedules is less than 1 second")
        return Recent(earliest, None, Missed.NONE)
    t2 = schedule.next(t1)
    if t2 is None:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    if now < t2:
        return Recent(earliest, t1, Missed.NONE)
    interval = round((t2 - t1).total_seconds())
    if interval < 1:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    missed = math.floor((now - t1).total_seconds() / interval) + 1
    start = t1 + timedelta(seconds=(missed - 2) * interval)
    recent: datetime | None = None
    t = schedule.next(start)
    while t is not None and t <= now:
        recent = t
        t = schedule.next(t)
    kind = Missed.MANY if missed > MANY_MISSED else (Missed.FEW if missed > 0 else Missed.NONE)
    return Recent(earliest, recent, kind)


def next_schedule_time_duration(
    schedule: Schedule,
    created: datetime,
    last_schedule: datetime | None,
    starting_deadline_seconds: int | None,
    now: datetime,
) -> timedelta:
    """``nextScheduleTimeDuration``: until the tick after the most recent one, plus 100 ms."""
    try:
        recent = most_recent_schedule_time(
            schedule, created, last_schedule, starting_deadline_seconds, now, False
        )
    except ScheduleError:
        recent = None
    if recent is None:
        base = now
    elif recent.most_recent is None:
        base = recent.earliest if recent.missed is Missed.NONE else now
    else:
        base = recent.most_recent
    nxt = schedule.next(base)
    if nxt is None:
        return timedelta(days=365 * 10)
    return nxt - now + NEXT_SCHEDULE_DELTA
