"""Every record of every gallery scenario and docs example has the keys and value types
its kind's TypedDict in ``cluster_sim.record_types`` declares (DESIGN.md "The record
stream"), and the vocabulary enums write the same strings as before."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union

import pytest
from digests.scenario_digests import HORIZON_S, inputs, key

from cluster_sim import Simulation, load_bundle
from cluster_sim.errors import BundleError
from cluster_sim.event_reasons import EventReason
from cluster_sim.jsonlines import record_line
from cluster_sim.record_types import (
    RECORD_TYPES,
    ContainerStateName,
    EventType,
    PodPhase,
    ProbeResult,
)

EVENT_TYPES = frozenset(EventType)
REASONS = frozenset(EventReason)


def records_of(path: Path) -> Iterator[dict[str, Any]]:
    try:
        bundle = load_bundle([(path.name, path.read_text())])
    except BundleError:
        return
    horizon = min((bundle.scenario.horizon if bundle.scenario else None) or HORIZON_S, HORIZON_S)
    sim = Simulation(bundle, horizon=horizon)
    while not sim.finished:
        yield from sim.advance(sim.now + 60)


def matches(value: Any, hint: Any) -> bool:
    """A shallow check of ``value`` against a type hint (containers by their outer type)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin in (Union, types.UnionType):
        return any(matches(value, arm) for arm in typing.get_args(hint))
    if origin is Literal:
        return value in typing.get_args(hint)
    if origin in (typing.NotRequired, typing.Required):
        return matches(value, typing.get_args(hint)[0])
    if typing.is_typeddict(hint):
        return isinstance(value, dict) and not problems(value, hint)
    if origin is not None:
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def problems(record: dict[str, Any], schema: Any) -> list[str]:
    hints = typing.get_type_hints(schema)
    found = [f"missing {k!r}" for k in sorted(schema.__required_keys__ - record.keys())]
    found += [f"undeclared {k!r}" for k in record if k not in hints]
    found += [
        f"{k!r} is {record[k]!r}, not {hints[k]}"
        for k in record
        if k in hints and not matches(record[k], hints[k])
    ]
    return found


@pytest.mark.parametrize("path", inputs(), ids=key)
def test_every_record_has_its_kinds_keys_and_types(path: Path) -> None:
    for record in records_of(path):
        assert record["kind"] in RECORD_TYPES, f"{record['kind']} has no TypedDict"
        assert problems(record, RECORD_TYPES[record["kind"]]) == [], record
        if record["kind"] == "event":  # the vocabulary holds every word an event says
            assert record["type"] in EVENT_TYPES and record["reason"] in REASONS, record


def test_the_checker_catches_a_record_that_does_not_match() -> None:
    schema = RECORD_TYPES["probe"]
    good = {
        "t": 1.0,
        "kind": "probe",
        "pod": "default/web",
        "container": "app",
        "probe": "liveness",
        "result": "Success",
        "message": "",
        "run": 1,
        "threshold": 3,
    }
    assert problems(good, schema) == []
    assert problems({**good, "run": "1"}, schema) == ["'run' is '1', not <class 'int'>"]
    assert problems({**good, "extra": 1}, schema) == ["undeclared 'extra'"]
    del good["threshold"]
    assert problems(good, schema) == ["missing 'threshold'"]


def test_enum_members_write_the_same_bytes_as_the_strings() -> None:
    record = {
        "t": 0.0,
        "kind": "pod",
        "phase": PodPhase.RUNNING,
        "state": ContainerStateName.TERMINATED,
        "result": ProbeResult.FAILURE,
    }
    plain = {
        "t": 0.0,
        "kind": "pod",
        "phase": "Running",
        "state": "terminated",
        "result": "Failure",
    }
    assert record_line(record) == record_line(plain)
    assert json.dumps(record) == json.dumps(plain)
    assert f"{PodPhase.SUCCEEDED}" == "Succeeded" and PodPhase.FAILED == "Failed"
