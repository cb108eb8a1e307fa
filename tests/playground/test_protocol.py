"""Wire protocol: parsing client messages and building frames."""

from __future__ import annotations

import orjson
import pytest

from playground import protocol

LIMITS = protocol.Limits(max_manifest_bytes=1024, max_speed=100, max_horizon=3600)


def decode(payload: object) -> dict:
    return protocol.decode_message(orjson.dumps(payload).decode(), None, LIMITS)


def test_start_leaves_seed_and_horizon_to_the_scenario() -> None:
    request = protocol.parse_start(
        decode({"action": "start", "manifest": "a: 1", "speed": 5}), LIMITS
    )
    assert request == protocol.StartRequest(manifest="a: 1", speed=5.0, seed=None, horizon=None)
    explicit_nulls = decode(
        {"action": "start", "manifest": "a: 1", "speed": 5, "seed": None, "horizon": None}
    )
    assert protocol.parse_start(explicit_nulls, LIMITS) == request


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
        ({"manifest": "a: 1", "speed": 1, "runTo": -1}, '"runTo" must be a number'),
        ({"manifest": "a: 1", "speed": 1, "actions": {}}, '"actions" must be a list'),
        ({"manifest": "a: 1", "speed": 1, "actions": [{"t": "x"}]}, r'"actions"\[0\] must be'),
        (
            {"manifest": "a: 1", "speed": 1, "actions": [{"t": 1, "action": "kill", "args": 3}]},
            r'"actions"\[0\] must be',
        ),
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


def test_start_takes_an_action_log_and_a_moment_to_run_to() -> None:
    log = [{"t": 12, "action": "delete", "args": {"pod": "web"}}, {"t": 13.5, "action": "cordon"}]
    request = protocol.parse_start(
        decode({"action": "start", "manifest": "a: 1", "speed": 5, "actions": log, "runTo": 42}),
        LIMITS,
    )
    assert request.actions == (
        {"t": 12.0, "action": "delete", "args": {"pod": "web"}},
        {"t": 13.5, "action": "cordon", "args": {}},
    )
    assert request.run_to == 42.0


def test_act_inspect_exec_and_share_requests() -> None:
    act = protocol.parse_act(decode({"action": "act", "id": 3, "kind": "kill", "args": {"a": 1}}))
    assert act == protocol.ActRequest(id=3, kind="kill", args={"a": 1})
    with pytest.raises(protocol.ProtocolError, match='"kind" must name the action'):
        protocol.parse_act(decode({"action": "act", "args": {}}))
    with pytest.raises(protocol.ProtocolError, match='"args" must be an object'):
        protocol.parse_act(decode({"action": "act", "kind": "kill", "args": [1]}))

    message = decode({"action": "inspect", "id": "x", "pod": "default/web", "container": "app"})
    inspect = protocol.parse_container_request(message, with_argv=False)
    assert inspect == protocol.ContainerRequest(id="x", pod="default/web", container="app")
    with pytest.raises(protocol.ProtocolError, match='"container" must name a container'):
        protocol.parse_container_request(decode({"action": "inspect", "pod": "p"}), with_argv=False)

    message = decode({"action": "exec", "pod": "p", "container": "c", "argv": ["cat", "/etc/x"]})
    assert protocol.parse_container_request(message, with_argv=True).argv == ("cat", "/etc/x")
    for argv in ([], "cat", [1], ["x"] * 65):
        with pytest.raises(protocol.ProtocolError, match='"argv" must be a list'):
            protocol.parse_container_request(
                decode({"action": "exec", "pod": "p", "container": "c", "argv": argv}),
                with_argv=True,
            )
    # exec is read-only in the simulator itself (kubelet.inspector): any command is sent on.
    for argv in (["touch", "/tmp/x"], ["sh", "-c", "cat /etc/hosts"], ["/bin/rm", "-rf", "/"]):
        message = decode({"action": "exec", "pod": "p", "container": "c", "argv": argv})
        assert protocol.parse_container_request(message, with_argv=True).argv == tuple(argv)

    assert protocol.parse_share(decode({"action": "share", "id": 1, "at": 4})).at == 4.0
    assert protocol.parse_share(decode({"action": "share"})).at is None
    with pytest.raises(protocol.ProtocolError, match='"at" must be a number'):
        protocol.parse_share(decode({"action": "share", "at": "now"}))


def test_new_frames_have_the_documented_shape() -> None:
    assert orjson.loads(protocol.started_frame(5.0, 7, 600.0, "seeking")) == {
        "type": "started",
        "speed": 5.0,
        "seed": 7,
        "horizon": 600.0,
        "state": "seeking",
    }
    assert orjson.loads(protocol.clock_frame("paused", 12.5, 20.0, None)) == {
        "type": "clock",
        "state": "paused",
        "now": 12.5,
        "speed": 20.0,
        "next": None,
    }
    entry = {"t": 1.0, "action": "cordon", "args": {"node": "node-1"}}
    assert orjson.loads(protocol.acted_frame(9, entry)) == {
        "type": "acted",
        "id": 9,
        "action": entry,
    }
    assert orjson.loads(protocol.request_error_frame("act", 9, "no")) == {
        "type": "error",
        "request": "act",
        "id": 9,
        "errors": [{"file": None, "line": None, "column": None, "message": "no"}],
    }
    assert orjson.loads(protocol.shared_frame(2, "abc", "/s/abc", 3.5)) == {
        "type": "shared",
        "id": 2,
        "slug": "abc",
        "url": "/s/abc",
        "at": 3.5,
    }


@pytest.mark.parametrize("junk", ["web\x00", "\x1b[31m", "a\x7fb"])
def test_control_characters_in_action_text_are_refused_where_they_enter(junk: str) -> None:
    act = decode({"action": "act", "id": 1, "kind": "delete", "args": {"pod": junk}})
    with pytest.raises(protocol.ProtocolError, match="must not contain control characters"):
        protocol.parse_act(act)
    nested = {"action": "act", "kind": "apply", "args": {"x": [{junk: 1}]}}
    with pytest.raises(protocol.ProtocolError, match="must not contain control characters"):
        protocol.parse_act(decode(nested))
    log = [{"t": 1, "action": "delete", "args": {"pod": junk}}]
    with pytest.raises(protocol.ProtocolError, match=r'"actions"\[0\] must not contain control'):
        protocol.parse_action_log(log)


def test_tabs_and_newlines_in_an_applied_manifest_are_fine() -> None:
    manifest = "apiVersion: v1\nkind: Pod\r\nmetadata:\n\tname: x\n"
    act = decode({"action": "act", "kind": "apply", "args": {"manifest": manifest}})
    assert protocol.parse_act(act).args == {"manifest": manifest}


def test_one_action_and_the_action_log_are_bounded() -> None:
    junk = "x" * (protocol.MAX_ACTION_BYTES + 1)
    act = {"action": "act", "kind": "delete", "args": {"pod": "web", "junk": junk}}
    with pytest.raises(protocol.ProtocolError, match="one action takes at most 260 KiB"):
        protocol.parse_act(act)
    log = [{"t": 1, "action": "delete", "args": {"pod": "w"}}] * (protocol.MAX_ACTIONS + 1)
    with pytest.raises(protocol.ProtocolError, match="at most 1000 actions"):
        protocol.parse_action_log(log)
