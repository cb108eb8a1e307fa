"""An HTTP request and response between a container's client and a server it reaches.

``Listener.serve`` (``cluster_sim.nodestate``) answers an ``HttpRequest``
with an ``HttpResponse``: the method, the target (path and query) and the
headers a client such as ``wget --header`` or ``curl -H`` sends, and the
status, content type and body it gets back. Listeners that only know a path
(``Listener.respond``) keep working: clients fall back to them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The reason phrases clients print (``HTTP/1.1 403 Forbidden``), RFC 9110's.
REASONS = {
    200: "OK",
    201: "Created",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
MAX_HEADERS = 64


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    target: str  # path and query: /api/v1/namespaces/default/pods?watch=true
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    @property
    def path(self) -> str:
        return self.target.partition("?")[0] or "/"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "")

    @property
    def status_line(self) -> str:
        return f"HTTP/1.1 {self.status} {self.reason}".rstrip()


def parse_header(text: str) -> tuple[str, str] | None:
    """``Name: value`` as a client's ``--header``/``-H`` argument gives it (None if malformed)."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(c.isspace() for c in name):
        return None
    return name, value.strip()
