"""The playground page, shared runs (``/s/<slug>``) and their records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cluster_sim import BundleError, Simulation, load_bundle
from playground.examples import DEFAULT_EXAMPLE, EXAMPLES
from playground.models import SharedRun
from playground.protocol import MANIFEST_FILE

SPEEDS = (1, 2, 5, 10, 20, 50, 100)
DEFAULT_SPEED = 5
EXPORT_CHUNK_SECONDS = 60.0


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
def shared_records(request: HttpRequest, slug: str) -> HttpResponse:
    """The shared run's records as JSON lines, replayed on the server.

    Up to the shared moment by default; ``?until=end`` runs to the horizon.
    The same bytes as ``python -m cluster_sim run --output jsonl`` would print
    for the same inputs.
    """
    run = SharedRun.objects.filter(slug=slug).first()
    if run is None:
        return _missing(request, slug)
    try:
        sim = Simulation(
            load_bundle([(MANIFEST_FILE, run.manifest)]),
            seed=run.seed,
            horizon=run.horizon,
            actions=run.actions,
        )
    except BundleError as exc:
        text = "\n".join(str(e) for e in exc.errors) + "\n"
        return HttpResponse(text, status=422, content_type="text/plain; charset=utf-8")
    limit = min(float(sim.horizon), float(settings.PLAYGROUND_HORIZON_SECONDS))
    until = limit if request.GET.get("until") == "end" else min(run.moment, limit)
    response = StreamingHttpResponse(_lines(sim, until), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="pod-playground-{run.slug}.jsonl"'
    return response


def _lines(sim: Simulation, until: float) -> Iterator[bytes]:
    t = 0.0
    while True:
        t = min(until, t + EXPORT_CHUNK_SECONDS)
        records = sim.advance(until=t)
        if records:
            yield b"".join(orjson.dumps(r) + b"\n" for r in records)
        if t >= until or sim.finished:
            return


def _missing(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "playground/shared_missing.html", {"slug": slug}, status=404)
