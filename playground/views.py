"""The playground page, shared runs (``/s/<slug>``) and their records."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cluster_sim.jsonlines import record_line
from playground.examples import DEFAULT_EXAMPLE, EXAMPLES
from playground.models import SharedRun
from playground.simpool import ActionRefused, PoolBusy, RemoteRun, RunFailed, RunRefused, RunSpec

logger = logging.getLogger(__name__)

SPEEDS = (1, 2, 5, 10, 20, 50, 100)
DEFAULT_SPEED = 5
EXPORT_BUSY = "The playground is busy; try the download again in a minute.\n"
EXPORT_FAILED = "The replay failed on the server; the lines above are what it made."
EXPORT_TOO_MANY = (
    "{limit} downloads of shared runs are already going from your address, the most one "
    "address may have; wait for one to finish.\n"
)
# Downloads replaying now, per client address (in this server process).
_EXPORTS_BY_ADDRESS: Counter[str] = Counter()


def page_context() -> dict[str, Any]:
    """What the playground page needs, whatever is in its editor."""
    return {
        "manifest": DEFAULT_EXAMPLE.manifest,
        "examples": EXAMPLES,
        "default_example": DEFAULT_EXAMPLE.key,
        "example_manifests": {example.key: example.manifest for example in EXAMPLES},
        "speeds": SPEEDS,
        "default_speed": DEFAULT_SPEED,
        "max_manifest_bytes": settings.PLAYGROUND_MAX_MANIFEST_BYTES,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "playground/index.html", page_context())


@require_GET
def shared(request: HttpRequest, slug: str) -> HttpResponse:
    """A shared run: its manifest in the editor; the page replays it to its moment, paused."""
    run = SharedRun.objects.filter(slug=slug).first()
    if run is None:
        return _missing(request, slug)
    context = page_context()
    speed = int(run.speed) if run.speed in SPEEDS else DEFAULT_SPEED
    context.update(
        manifest=run.manifest,
        default_example="",  # the picker says "Your own manifest"
        default_speed=speed,
        shared={
            "slug": run.slug,
            "url": reverse("shared", args=[run.slug]),
            "seed": run.seed,
            "horizon": run.horizon,
            "speed": run.speed,
            "actions": run.actions,
            "moment": run.moment,
        },
    )
    return render(request, "playground/index.html", context)


@require_GET
async def shared_records(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The shared run's records as JSON lines, replayed on the server as they are sent.

    Up to the shared moment by default; ``?until=end`` runs to the horizon.
    The same bytes as ``python -m cluster_sim run --output jsonl`` would print
    for the same inputs. The replay runs in the simulation worker pool, a
    slice at a time as the client takes the lines: a client that leaves stops
    it, and a replay that fails ends the stream with one last line,
    ``{"kind": "error", "t": ..., "message": ...}`` (logged here in full).
    """
    run = await SharedRun.objects.filter(slug=slug).afirst()
    if run is None:
        return await sync_to_async(_missing)(request, slug)
    limit = int(settings.PLAYGROUND_EXPORTS_PER_ADDRESS)
    address = str(request.META.get("REMOTE_ADDR") or "")
    if _EXPORTS_BY_ADDRESS[address] >= limit:
        return _plain(EXPORT_TOO_MANY.format(limit=limit), 429)
    release = _claim(address)
    spec = RunSpec(manifest=run.manifest, seed=run.seed, horizon=run.horizon, actions=run.actions)
    try:
        replay = await export_pool().open(spec)
    except RunRefused as refused:
        release()
        return _plain("".join(f"{e['message']}\n" for e in refused.errors), 422)
    except PoolBusy:
        release()
        return _plain(EXPORT_BUSY, 503)
    except RunFailed as failed:
        release()
        logger.warning("Replaying shared run %s failed to start: %s", slug, failed)
        return _plain(f"{failed}\n", 500)
    except BaseException:
        release()
        raise
    horizon = min(float(replay.horizon), float(settings.PLAYGROUND_HORIZON_SECONDS))
    until = horizon if request.GET.get("until") == "end" else min(run.moment, horizon)
    response = StreamingHttpResponse(
        _lines(replay, until, slug, release), content_type="application/x-ndjson"
    )
    # However the response ends (even unread), the address's download is over.
    # django-stubs omit HttpResponseBase._resource_closers (close() calls each of them).
    response._resource_closers.append(release)  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'attachment; filename="pod-playground-{run.slug}.jsonl"'
    return response


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _claim(address: str) -> Callable[[], None]:
    """Count a download for ``address``; the returned function ends it (once)."""
    _EXPORTS_BY_ADDRESS[address] += 1
    claimed = [True]

    def release() -> None:
        if not claimed:
            return
        claimed.clear()
        _EXPORTS_BY_ADDRESS[address] -= 1
        if _EXPORTS_BY_ADDRESS[address] <= 0:
            del _EXPORTS_BY_ADDRESS[address]

    return release


def export_pool() -> Any:
    """The simulation worker pool the exports share with live runs."""
    from playground.consumers import get_pool

    return get_pool()


async def _lines(
    replay: RemoteRun, until: float, slug: str, release: Callable[[], None]
) -> AsyncIterator[bytes]:
    """One chunk of JSON lines per worker slice; the replay closes however the stream ends."""
    try:
        while True:
            progress = await replay.advance(until)
            chunk = "".join(
                record_line(record) for frame in progress.frames for record in _records(frame)
            ).encode()
            if chunk:
                yield chunk
            if progress.finished or progress.now >= until:
                return
    except (RunFailed, ActionRefused) as failed:
        logger.warning("Replaying shared run %s failed at %gs: %s", slug, replay.now, failed)
        yield _error_line(replay.now, str(failed))
    except Exception:
        logger.exception("Replaying shared run %s failed at %gs", slug, replay.now)
        yield _error_line(replay.now, EXPORT_FAILED)
    finally:
        replay.close()
        release()


def _records(frame: str) -> list[dict[str, Any]]:
    message = orjson.loads(frame)
    return message["records"] if message.get("type") == "records" else []


def _error_line(now: float, message: str) -> bytes:
    return record_line({"kind": "error", "t": now, "message": message}).encode()


def _missing(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "playground/shared_missing.html", {"slug": slug}, status=404)
