"""The join page (``/r/<code>``) and its QR code (``/r/<code>/qr.svg``).

The page itself (``playground/room.html`` and ``static/playground/room*.js``)
follows the room over its websocket; this view only says whether the room
exists and where it is. The QR code is made here, server-side, with segno.
"""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from playground.rooms import codes
from playground.rooms.models import Room
from playground.views import page_context


def room_context(request: HttpRequest, code: str) -> dict[str, str]:
    url = reverse("room", args=[code])
    return {
        "code": code,
        "url": url,
        "join_url": request.build_absolute_uri(url),
        "qr_url": reverse("room-qr", args=[code]),
        "ws_path": f"/ws/room/{code}/",
    }


@require_GET
def room_page(request: HttpRequest, code: str) -> HttpResponse:
    normal = codes.normalise_code(code)
    room = Room.live().filter(code=normal).first() if normal is not None else None
    # The room's page is the playground page in room mode: the same markup, the room's manifest.
    context = {
        **page_context(),
        "default_example": "",
        "room": room_context(request, normal or code.upper()),
        "missing": room is None,
    }
    if room is not None:
        context["manifest"] = room.manifest
    return render(request, "playground/room.html", context, status=200 if room else 404)


@require_GET
def room_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The join link as an SVG QR code, big enough to scan from the back of a room."""
    normal = codes.normalise_code(code)
    if normal is None:
        return HttpResponse("No such room.\n", status=404, content_type="text/plain")
    link = request.build_absolute_uri(reverse("room", args=[normal]))
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=8, border=2, xmldecl=False)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
