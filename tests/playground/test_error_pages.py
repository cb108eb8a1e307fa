"""The project's own 404 and 500 pages, whether DEBUG is on (``make run``) or off."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

DEBUG_404 = "Using the URLconf"  # words of Django's debug 404 page
DEBUG_500 = "Traceback"


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.mark.django_db
def test_an_unknown_path_gets_the_project_s_404(client: Client, debug: bool) -> None:
    for path in ("/no/such/page", "/gallery/no-such-lesson/", "/static-ish/../x"):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 404, path
        assert "This page does not exist" in page and DEBUG_404 not in page, path
        assert 'href="/" data-testid="home-link"' in page
    # The pages that answer 404 in their own words keep them; a missing slash still redirects.
    assert "There is no shared run at /s/nope1234" in client.get("/s/nope1234").content.decode()
    assert client.get("/gallery").status_code == 301


@pytest.mark.django_db
def test_a_failing_view_gets_the_project_s_500_and_the_log_the_traceback(
    debug: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("the examples are gone")

    monkeypatch.setattr("playground.views.page_context", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on the server" in page
    assert DEBUG_500 not in page and "the examples are gone" not in page
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and "the examples are gone" in str(logged[-1].exc_info[1])
