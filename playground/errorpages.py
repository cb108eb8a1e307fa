"""The project's own 404 and 500 pages, with DEBUG on too.

``make run`` keeps DEBUG on by default (convenient for development), but a
visitor never sees Django's debug pages: an unknown path, a missing gallery
entry or a view that fails gets the project's page (``templates/404.html``,
``templates/500.html``), as with DEBUG off, where Django's own handlers use the
same templates. The traceback still goes to the ``django.request`` log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger("django.request")


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


class ProjectErrorPages(MiddlewareMixin):
    """With DEBUG on, answer with the project's 404 and 500 pages instead of Django's."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django's handlers render the same templates, and report the error
        if isinstance(exception, Http404):
            return not_found(request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return server_error(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # An unknown path reaches no view: Django made its debug 404 before any would run.
        unresolved = getattr(request, "resolver_match", None) is None
        if settings.DEBUG and response.status_code == 404 and unresolved:
            return not_found(request)
        return response
