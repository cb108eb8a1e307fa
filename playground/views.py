"""The playground page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from playground.examples import DEFAULT_EXAMPLE, EXAMPLES

SPEEDS = (1, 5, 20, 100)
DEFAULT_SPEED = 5


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "playground/index.html",
        {
            "manifest": DEFAULT_EXAMPLE.manifest,
            "examples": EXAMPLES,
            "default_example": DEFAULT_EXAMPLE.key,
            "example_manifests": {example.key: example.manifest for example in EXAMPLES},
            "speeds": SPEEDS,
            "default_speed": DEFAULT_SPEED,
            "max_manifest_bytes": settings.PLAYGROUND_MAX_MANIFEST_BYTES,
        },
    )
