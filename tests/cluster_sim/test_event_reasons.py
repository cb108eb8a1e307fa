"""Event reasons are one vocabulary: ``cluster_sim.event_reasons.EventReason``.

mypy refuses a bare string where ``Recorder.event`` and the components' ``event``
helpers take an ``EventReason`` and an ``EventType``; this scan also catches one
slipped past it (an ``Any``, an ignore), and the gallery runs check the other way
round, that every reason an event record carries is in the vocabulary.
"""

from __future__ import annotations

import ast
from pathlib import Path

import orjson

from cluster_sim.event_reasons import EventReason
from cluster_sim.jsonlines import record_line
from cluster_sim.record_types import EventType

PACKAGE = Path(__file__).resolve().parents[2] / "cluster_sim"
HELPERS = ("event", "_event")  # Recorder.event, PodWorker.event, the controllers' _event


def literal_words(call: ast.Call, helper: str) -> list[str]:
    """The string literals among a call's type and reason (``_event`` takes the object first)."""
    args = call.args[1:3] if helper == "_event" else call.args[:2]
    return [
        ast.unparse(a) for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]


def test_no_event_is_recorded_with_a_string_literal_type_or_reason() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in HELPERS
                and node.args
                and (words := literal_words(node, node.func.attr))
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {', '.join(words)}")
    assert found == []


def test_the_members_are_their_upstream_words_and_serialise_as_them() -> None:
    assert EventReason.BACK_OFF == "BackOff" and f"{EventReason.FAILED_MOUNT}" == "FailedMount"
    assert len({m.value for m in EventReason}) == len(EventReason)  # no aliases
    record = {
        "t": 1.0,
        "kind": "event",
        "type": EventType.WARNING,
        "reason": EventReason.UNHEALTHY,
        "object": "Pod/default/web",
        "message": "Liveness probe failed: boom",
        "source": "kubelet",
    }
    plain = {**record, "type": "Warning", "reason": "Unhealthy"}
    assert record_line(record) == record_line(plain)
    assert orjson.dumps(record) == orjson.dumps(plain)
