"""Wire protocol: parsing client messages and building frames."""

from __future__ import annotations

import orjson
import pytest

from playground import protocol

LIMITS = protocol.Limits(max_manifest_bytes=1024, max_speed=100, max_horizon=3600)


def decode(payload: object) -> dict:
    return protocol.decode_message(orjson.dumps(payload).decode(), None, LIMITS)


def test_start_defaults_seed_and_horizon() -> None:
    request = protocol.parse_start(
        decode({"action": "start", "manifest": "a: 1", "speed": 5}), LIMITS
    )
    assert request == protocol.StartRequest(manifest="a: 1", speed=5.0, seed=0, horizon=3600.0)


def test_start_accepts_seed_and_shorter_horizon() -> None:
    message = decode(
        {"action": "start", "manifest": "a: 1", "speed": 2.5, "seed": 7, "horizon": 60}
    )
    request = protocol.parse_start(message, LIMITS)
    assert (request.speed, request.seed, request.horizon) == (2.5, 7, 60.0)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", '"action" string'),
        ('{"speed": 1}', '"action" string'),
    ],
)
def test_malformed_messages_are_rejected(raw: str, message: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=message):
        protocol.decode_message(raw, None, LIMITS)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"manifest": 3, "speed": 1}, '"manifest" must be a string'),
        ({"manifest": "  \n", "speed": 1}, "The manifest is empty"),
        ({"manifest": "a: 1", "speed": 0}, '"speed" must be a number above 0 and at most 100'),
        ({"manifest": "a: 1", "speed": 101}, '"speed" must be a number'),
        ({"manifest": "a: 1", "speed": True}, '"speed" must be a number'),
        ({"manifest": "a: 1", "speed": "5"}, '"speed" must be a number'),
        ({"manifest": "a: 1", "speed": 1, "seed": -1}, '"seed" must be an integer'),
        ({"manifest": "a: 1", "speed": 1, "seed": 1.5}, '"seed" must be an integer'),
        ({"manifest": "a: 1", "speed": 1, "horizon": 7200}, '"horizon" must be a number'),
    ],
)
def test_invalid_start_fields_are_rejected(fields: dict, message: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=message):
        protocol.parse_start(decode({"action": "start", **fields}), LIMITS)


def test_oversized_manifest_gets_a_plain_message_naming_the_limit() -> None:
    with pytest.raises(protocol.ProtocolError) as info:
        protocol.parse_start(
            decode({"action": "start", "manifest": "x" * 3000, "speed": 1}), LIMITS
        )
    assert info.value.to_dict() == {
        "file": "editor.yaml",
        "line": None,
        "column": None,
        "message": "The manifest is 3 KiB; the limit is 1 KiB.",
    }


def test_huge_raw_frame_is_rejected_before_json_parsing() -> None:
    with pytest.raises(protocol.ProtocolError, match="the limit is 1 KiB"):
        protocol.decode_message("x" * (9 * 1024), None, LIMITS)


def test_frames_are_json_with_the_documented_shape() -> None:
    records = [{"t": 0.0, "kind": "notice", "message": "hi"}]
    assert orjson.loads(protocol.records_frame(1.5, records)) == {
        "type": "records",
        "now": 1.5,
        "records": records,
    }
    assert orjson.loads(protocol.end_frame(3.0, "stopped")) == {
        "type": "end",
        "now": 3.0,
        "reason": "stopped",
    }
    error = {"file": "f.yaml", "line": 1, "column": 2, "message": "m"}
    assert orjson.loads(protocol.error_frame([error])) == {"type": "error", "errors": [error]}


def test_records_that_fit_go_in_one_frame() -> None:
    records = [{"t": 1.0, "kind": "notice", "message": "hi"}]
    assert protocol.records_frames(2.0, records) == [(protocol.records_frame(2.0, records), 1)]
    assert protocol.records_frames(2.0, []) == [(protocol.records_frame(2.0, []), 0)]


def test_too_many_records_for_one_websocket_message_are_split_in_order() -> None:
    records = [{"t": i / 10, "kind": "log", "line": "x" * 100} for i in range(100)]
    frames = protocol.records_frames(12.5, records, max_bytes=2_000)

    assert len(frames) > 1
    assert all(len(frame) <= 2_000 for frame, _ in frames)
    decoded = [orjson.loads(frame) for frame, _ in frames]
    assert [n for _, n in frames] == [len(d["records"]) for d in decoded]
    assert [r for d in decoded for r in d["records"]] == records
    assert decoded[-1]["now"] == 12.5
    for d in decoded:
        assert d["type"] == "records"
        assert all(r["t"] <= d["now"] for r in d["records"])
    assert [d["now"] for d in decoded] == sorted(d["now"] for d in decoded)
