"""Upstream's CronJob schedule-time tables (controllers-cases.json) as parametrized tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from cluster_sim.controlplane.cronjob.schedule import (
    ScheduleError,
    most_recent_schedule_time,
    next_schedule_time_duration,
    parse,
)
from tests.cluster_sim.reference_cases import load


def cases(table: str) -> list[Any]:
    found = [c for c in load("controllers-cases.json")["cases"] if c["table"] == table]
    assert found, table
    return [pytest.param(c["input"], c["expected"], id=c["input"]["name"]) for c in found]


def t(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@pytest.mark.parametrize(("given", "expected"), cases("cronjob_most_recent_schedule_time"))
def test_most_recent_schedule_time(given: dict[str, Any], expected: dict[str, Any]) -> None:
    cj = given["cronjob"]
    created = t(cj["creationTimestamp"])
    assert created is not None
    args = (created, t(cj["lastScheduleTime"]), cj["startingDeadlineSeconds"], t(given["now"]))
    if expected["error"]:
        with pytest.raises(ScheduleError):
            most_recent_schedule_time(
                parse(cj["schedule"]), *args, given["includeStartingDeadlineSeconds"]
            )  # type: ignore[arg-type]
        return
    found = most_recent_schedule_time(
        parse(cj["schedule"]), *args, given["includeStartingDeadlineSeconds"]
    )  # type: ignore[arg-type]
    assert found.earliest == t(expected["earliestTime"])
    assert found.most_recent == t(expected["mostRecentTime"])
    assert found.missed == expected["missed"]


@pytest.mark.parametrize(("given", "expected"), cases("cronjob_next_schedule_time_duration"))
def test_next_schedule_time_duration(given: dict[str, Any], expected: dict[str, Any]) -> None:
    cj = given["cronjob"]
    created = t(cj["creationTimestamp"])
    now = t(given["now"])
    assert created is not None and now is not None
    duration = next_schedule_time_duration(
        parse(cj["schedule"]),
        created,
        t(cj["lastScheduleTime"]),
        cj["startingDeadlineSeconds"],
        now,
    )
    assert duration.total_seconds() == pytest.approx(expected["durationSeconds"], abs=1e-6)


def test_descriptors_and_every() -> None:
    start = datetime.fromisoformat("2026-01-01T00:00:00Z")
    assert parse("@hourly").next(start) == datetime.fromisoformat("2026-01-01T01:00:00Z")
    assert parse("@every 90s").next(start) == datetime.fromisoformat("2026-01-01T00:01:30Z")
    tokyo = parse("0 9 * * *", "Asia/Tokyo").next(start)
    assert tokyo == datetime.fromisoformat("2026-01-02T00:00:00Z")
    with pytest.raises(ScheduleError, match="expected exactly 5 fields, found 1"):
        parse("bogus")
    with pytest.raises(ScheduleError, match="unknown time zone Mars/Base"):
        parse("* * * * *", "Mars/Base")
