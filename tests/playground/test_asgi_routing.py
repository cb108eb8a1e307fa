"""The full ASGI application: websocket origin checks and routing."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator

from playground.asgi import application


async def test_websocket_without_origin_is_rejected() -> None:
    communicator = WebsocketCommunicator(application, "/ws/run/", headers=[(b"host", b"localhost")])
    connected, _ = await communicator.connect()
    assert connected is False


async def test_websocket_from_a_foreign_origin_is_rejected() -> None:
    headers = [(b"origin", b"http://evil.example"), (b"host", b"localhost")]
    communicator = WebsocketCommunicator(application, "/ws/run/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is False


async def test_websocket_from_an_allowed_origin_is_accepted_and_answers() -> None:
    headers = [(b"origin", b"http://localhost:8000"), (b"host", b"localhost:8000")]
    communicator = WebsocketCommunicator(application, "/ws/run/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is True
    await communicator.send_json_to({"action": "nope"})
    frame = await communicator.receive_json_from()
    assert frame["type"] == "error"
    await communicator.disconnect()
