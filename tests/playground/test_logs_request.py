"""The page's logs request: parsed, answered from Simulation.logs, framed like exec."""

from __future__ import annotations

import json

import pytest

from cluster_sim import Simulation, load_bundle
from playground import protocol

CHATTY = """\
apiVersion: v1
kind: Pod
metadata: {name: chatty}
spec:
  containers:
  - name: app
    image: busybox
    command:
    - sh
    - -c
    - i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; sleep 3600
"""


def test_the_logs_frame_carries_every_line_the_records_held_back() -> None:
    request = protocol.parse_logs(
        {"action": "logs", "id": 5, "pod": "default/chatty", "container": "app"}
    )
    assert request == protocol.LogsRequest(
        id=5, pod="default/chatty", container="app", previous=False
    )
    sim = Simulation(load_bundle([("chatty.yaml", CHATTY)]), horizon=60)
    records = sim.advance(5)
    assert [r["lines"] for r in records if r["kind"] == "log-held"] == [200]
    logs = sim.logs(request.pod, request.container, previous=request.previous)
    frame = json.loads(
        protocol.logs_frame(
            request.id, sim.now, {"pod": request.pod, "container": "app", "previous": False}, logs
        )
    )
    assert frame == {
        "type": "logs",
        "id": 5,
        "now": 5.0,
        "pod": "default/chatty",
        "container": "app",
        "previous": False,
        "status": 0,
        "output": "".join(f"line {i}\n" for i in range(300)),
    }
    status, output = sim.logs("chatty", "app", previous=True)
    assert (status, output) == (
        1,
        "Error from server (BadRequest): "
        'previous terminated container "app" in pod "chatty" not found\n',
    )


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (
            {"action": "logs", "id": 1, "pod": "p", "container": "c", "previous": "yes"},
            '"previous" must be true or false.',
        ),
    ],
)
def test_a_bad_logs_request_is_refused(message: dict, error: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=error):
        protocol.parse_logs(message)
