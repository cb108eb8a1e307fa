"""The playground page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from playground.examples import CRASHLOOP_POD

SPEEDS = (1, 5, 20, 100)
DEFAULT_SPEED = 5


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "playground/index.html",
        {
            "manifest": CRASHLOOP_POD,
            "speeds": SPEEDS,
            "default_speed": DEFAULT_SPEED,
            "max_manifest_bytes": settings.PLAYGROUND_MAX_MANIFEST_BYTES,
        },
    )
