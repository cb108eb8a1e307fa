"""Share links on a public server: bounded size, a rate limit per address, no SQL to clients."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError
from django.utils import timezone
from ws_helpers import connect

from playground.examples import LIVENESS_HTTP_POD
from playground.models import SAVE_FAILED, SharedRun, ShareRefused, client_key


def share(client: str | None = "203.0.113.7", **fields: Any) -> SharedRun:
    values: dict[str, Any] = {
        "manifest": LIVENESS_HTTP_POD,
        "seed": None,
        "horizon": None,
        "actions": [],
        "moment": 30.0,
        "speed": 5.0,
    }
    values.update(fields)
    return SharedRun.share(client=client, **values)


@pytest.mark.django_db
def test_a_run_too_big_to_keep_is_refused_with_the_limit(settings: Any) -> None:
    settings.PLAYGROUND_MAX_SHARE_BYTES = 8 * 1024
    junk = [{"t": 1.0, "action": "cordon", "args": {"node": "n", "junk": "x" * 8000}}]
    with pytest.raises(ShareRefused) as refused:
        share(actions=junk)
    assert refused.value.message == (
        "The run is 9 KiB of manifest and actions; a link keeps at most 8 KiB."
    )
    many = [{"t": 1.0, "action": "cordon", "args": {"node": "n"}}] * 1001
    with pytest.raises(ShareRefused, match="The run has 1,001 actions; a link keeps at most 1,000"):
        share(actions=many)
    assert not SharedRun.objects.exists()


@pytest.mark.django_db
def test_ten_new_links_per_address_in_ten_minutes(settings: Any) -> None:
    assert (settings.PLAYGROUND_SHARES_PER_ADDRESS, settings.PLAYGROUND_SHARE_WINDOW_SECONDS) == (
        10,
        600,
    )
    links = [share(moment=float(i)) for i in range(10)]
    with pytest.raises(ShareRefused) as refused:
        share(moment=99.0)
    assert refused.value.message.startswith(
        "You have made 10 links in the last 10 minutes, the most this server allows"
    )
    assert share(moment=3.0).slug == links[3].slug  # the same moment again: its link, no new one
    assert share(client="198.51.100.2", moment=99.0).slug  # another address is not held back
    # Ten minutes later the address may share again.
    SharedRun.objects.filter(client=client_key("203.0.113.7")).update(
        created=timezone.now() - timedelta(seconds=601)
    )
    assert share(moment=99.0).slug


@pytest.mark.django_db
def test_the_address_is_kept_only_as_a_keyed_hash() -> None:
    run = share()
    assert run.client == client_key("203.0.113.7")
    assert "203.0.113.7" not in run.client and len(run.client) == 64
    assert share(client=None, moment=1.0).client == ""


@pytest.mark.django_db
def test_control_characters_never_reach_the_database() -> None:
    with pytest.raises(ShareRefused, match=r"control characters \(such as NUL\)"):
        share(actions=[{"t": 1.0, "action": "delete", "args": {"pod": "web\x00"}}])
    assert not SharedRun.objects.exists()


@pytest.mark.django_db
def test_a_database_error_is_logged_in_full_and_told_in_general_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_: Any) -> SharedRun:
        raise DatabaseError('invalid input syntax: INSERT INTO "playground_sharedrun" ...')

    monkeypatch.setattr(SharedRun.objects, "create", broken)
    with (
        caplog.at_level(logging.ERROR, logger="playground.models"),
        pytest.raises(ShareRefused) as refused,
    ):
        share()
    assert refused.value.message == SAVE_FAILED
    assert "INSERT" not in str(refused.value)
    assert 'INSERT INTO "playground_sharedrun"' in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_a_nul_in_a_live_action_is_refused_in_plain_words() -> None:
    communicator = await connect()
    await communicator.send_json_to(
        {"action": "act", "id": 1, "kind": "delete", "args": {"pod": "web\x00"}}
    )
    frame = await communicator.receive_json_from()
    assert frame["type"] == "error"
    assert frame["errors"][0]["message"] == (
        '"args" must not contain control characters (such as NUL); tabs and newlines are fine.'
    )
    await communicator.disconnect()
