"""Share links: saving a run behind /s/<slug>, opening it, immutability, the 404 page."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from ws_helpers import connect, streamed_records

from cluster_sim import Simulation, load_bundle
from cluster_sim.jsonlines import record_line
from playground import models
from playground.examples import LIVENESS_HTTP_POD
from playground.models import ImmutableError, SharedRun

LOG = [{"t": 12.0, "action": "kill", "args": {"pod": "liveness-http", "container": "liveness"}}]
SLUG = re.compile(r"^[A-Za-z0-9_-]{8}$")


def share(**fields: Any) -> SharedRun:
    values: dict[str, Any] = {
        "manifest": LIVENESS_HTTP_POD,
        "seed": None,
        "horizon": None,
        "actions": LOG,
        "moment": 30.0,
        "speed": 20.0,
    }
    values.update(fields)
    return SharedRun.share(**values)


# -- the model ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_shared_run_gets_a_short_url_safe_random_slug(monkeypatch) -> None:
    drawn = []
    real = models.secrets.token_urlsafe

    def spy(n: int) -> str:
        drawn.append(n)
        return real(n)

    monkeypatch.setattr(models.secrets, "token_urlsafe", spy)
    run = share()
    assert SLUG.match(run.slug)
    assert drawn == [models.SLUG_BYTES]  # from `secrets`, not a guessable counter
    assert SharedRun.objects.get(slug=run.slug).actions == LOG


@pytest.mark.django_db
def test_saved_runs_are_immutable_and_the_same_content_keeps_its_link() -> None:
    first = share()
    assert share().slug == first.slug  # sharing the same thing again: the same link
    changed = share(actions=[*LOG, {"t": 20.0, "action": "cordon", "args": {"node": "node-1"}}])
    later = share(moment=31.0)
    assert len({first.slug, changed.slug, later.slug}) == 3
    first.moment = 99.0
    with pytest.raises(ImmutableError, match="immutable"):
        first.save()
    assert SharedRun.objects.get(slug=first.slug).moment == 30.0
    assert SharedRun.objects.count() == 3


@pytest.mark.django_db
def test_a_slug_collision_draws_another_slug(monkeypatch) -> None:
    taken = share().slug
    slugs = iter([taken, "fresh-01"])
    monkeypatch.setattr(models, "new_slug", lambda: next(slugs))
    assert share(moment=1.0).slug == "fresh-01"


# -- the pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_opens_the_playground_with_the_run_and_its_moment(client: Client) -> None:
    run = share(seed=7)
    response = client.get(f"/s/{run.slug}")
    assert response.status_code == 200
    page = response.content.decode()
    textarea = re.search(r'<textarea id="manifest"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None and textarea[1] == escape(LIVENESS_HTTP_POD)
    data = re.search(r'<script id="shared-run" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data[1]) == {
        "slug": run.slug,
        "url": f"/s/{run.slug}",
        "seed": 7,
        "horizon": None,
        "speed": 20.0,
        "actions": LOG,
        "moment": 30.0,
    }
    assert 'data-testid="fork"' in page
    assert "it opens paused at t = 30.0 s, with 1 live action replayed" in page
    assert re.search(r'<input id="seed"[^>]* value="7"', page)
    assert re.search(r'<option value="20" selected>20x</option>', page)


def test_the_playground_sends_no_seed_unless_one_is_typed(client: Client) -> None:
    page = client.get("/").content.decode()
    seed = re.search(r'<input id="seed"[^>]*>', page, re.S)
    assert seed is not None
    assert 'value=""' in seed[0]
    assert 'placeholder="from Scenario, else 0"' in seed[0]
    assert 'id="shared-run"' not in page


@pytest.mark.django_db
def test_a_link_that_does_not_exist_gets_a_friendly_404_with_a_way_home(client: Client) -> None:
    response = client.get("/s/nope1234")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no shared run at /s/nope1234" in page
    assert '<a class="btn btn-primary" href="/" data-testid="home-link">' in page
    assert client.get("/s/nope1234/records.jsonl").status_code == 404


def test_any_other_missing_page_gets_the_site_404(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page
    assert 'href="/" data-testid="home-link"' in page


async def body_of(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


@pytest.mark.django_db(transaction=True)
async def test_the_records_of_a_shared_run_come_as_json_lines(async_client: Any) -> None:
    run = await sync_to_async(share)()
    response = await async_client.get(f"/s/{run.slug}/records.jsonl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    body = await body_of(response)
    sim = Simulation(load_bundle([("editor.yaml", LIVENESS_HTTP_POD)]), actions=LOG)
    # The bytes the CLI prints for the same inputs.
    assert body == "".join(record_line(r) for r in sim.advance(30.0)).encode()
    lines = [orjson.loads(line) for line in body.splitlines()]
    assert lines[-1]["t"] <= 30.0
    assert any(r["kind"] == "action" and r["action"] == "kill" for r in lines)
    whole = await body_of(await async_client.get(f"/s/{run.slug}/records.jsonl?until=end"))
    assert len(whole.splitlines()) > len(lines)


# -- sharing over the websocket ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_share_saves_the_action_log_and_the_link_replays_the_same_moment(
    fast_ticks,
) -> None:
    communicator = await connect()
    await communicator.send_json_to(
        {"action": "start", "manifest": LIVENESS_HTTP_POD, "speed": 5, "runTo": 12}
    )
    frames = await frames_until(communicator, "clock")
    await communicator.send_json_to(
        {
            "action": "act",
            "id": 1,
            "kind": "kill",
            "args": {"pod": "liveness-http", "container": "liveness"},
        }
    )
    frames += await frames_until(communicator, "records")
    while frames[-1]["type"] != "clock" or frames[-1]["now"] < 13:  # to the restart
        await communicator.send_json_to({"action": "step"})
        frames += await frames_until(communicator, "clock")
    at = frames[-1]["now"]
    await communicator.send_json_to({"action": "share", "id": 2, "at": at})
    shared = await communicator.receive_json_from()
    assert shared["type"] == "shared" and shared["id"] == 2
    assert shared["url"] == f"/s/{shared['slug']}"
    assert SLUG.match(shared["slug"])
    assert shared["at"] == at

    run = await SharedRun.objects.aget(slug=shared["slug"])
    assert (run.manifest, run.seed, run.horizon, run.moment) == (LIVENESS_HTTP_POD, None, None, at)
    assert run.actions == [
        {"t": 12.0, "action": "kill", "args": {"pod": "liveness-http", "container": "liveness"}}
    ]
    # The same run shared again: the same link. After another action: a new one.
    await communicator.send_json_to({"action": "share", "id": 3, "at": at})
    assert (await communicator.receive_json_from())["slug"] == shared["slug"]
    await communicator.send_json_to(
        {"action": "act", "id": 4, "kind": "cordon", "args": {"node": "node-1"}}
    )
    await frames_until(communicator, "records")
    await communicator.send_json_to({"action": "share", "id": 5, "at": at})
    assert (await communicator.receive_json_from())["slug"] != shared["slug"]
    await communicator.disconnect()

    # Opening the link: the page sends the saved start message.
    viewer = await connect()
    await viewer.send_json_to(run.start_message())
    replayed = await frames_until(viewer, "clock")
    assert replayed[-1]["state"] == "paused"
    assert replayed[-1]["now"] == at
    original = [r for r in streamed_records(frames) if r["t"] <= at]
    assert streamed_records(replayed) == original
    restarts = [r["restartCount"] for r in streamed_records(replayed) if r["kind"] == "container"]
    assert restarts[-1] == 1  # the kill at 12 s restarted the container
    await viewer.disconnect()


async def test_share_without_a_run_is_an_error_for_that_request() -> None:
    communicator = await connect()
    await communicator.send_json_to({"action": "share", "id": 9})
    frame = await communicator.receive_json_from()
    assert (frame["type"], frame["request"], frame["id"]) == ("error", "share", 9)
    assert frame["errors"][0]["message"] == "There is no run to share; press Run."
    await communicator.disconnect()


async def frames_until(communicator: Any, kind: str) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        assert frame["type"] != "error", frame
        if frame["type"] == kind:
            return frames
