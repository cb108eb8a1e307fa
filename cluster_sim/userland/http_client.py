"""HTTP clients' common ground, and ``curl`` (7.88, Debian bookworm's).

``exchange`` sends an ``HttpRequest`` to what a connection reached: a
listener that serves requests (the API server, ``cluster_sim.rbac``) gets
the method, target and headers; one that only knows paths
(``Listener.respond``) gets the target. ``wget`` (``network_tools``) and
``curl`` here print what their real counterparts print.

``curl`` understands ``-s``, ``-S``, ``-k``, ``--cacert FILE``, ``-H``,
``-X``, ``-o``, ``-f``, ``-L`` (a no-op: nothing redirects), ``-A`` and
``--connect-timeout``. HTTPS is checked against ``--cacert`` (the
ServiceAccount's ``ca.crt`` signs the API server's certificate) unless ``-k``;
without either, curl refuses the server with error 60, as against a real
cluster. Error texts are curl 7.88's (written from memory; DESIGN.md).
"""

from __future__ import annotations

import re
from typing import Any

from ..httpmessages import HttpRequest, HttpResponse, parse_header
from ..networkpolicy.answers import connect_give_up_ms, dropped_by, resolver_give_up_ms
from .filesystem import FsError
from .process import Process, Program, Sleep, utility

IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
URL = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[^/:?#]+)(?::(?P<port>\d+))?"
    r"(?P<target>[/?].*)?$"
)
CURL_AGENT = "curl/7.88.1"
WGET_AGENT = "Wget"
SA_CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
_CURL_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n"
_CURL_60 = (
    "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
    "More details here: https://curl.se/docs/sslcerts.html\n\n"
    "curl failed to verify the legitimacy of the server and therefore could not\n"
    "establish a secure connection to it. To learn more about this situation and\n"
    "how to fix it, please visit the web page mentioned above.\n"
)


def exchange(listener: Any, request: HttpRequest) -> HttpResponse | None:
    """The listener's answer to ``request`` (None: it does not speak HTTP)."""
    serve = getattr(listener, "serve", None)
    if serve is not None:
        response: HttpResponse = serve(request)
        return response
    respond = getattr(listener, "respond", None)
    if respond is None:
        return None
    code, body = respond(request.target)
    return HttpResponse(int(code), str(body))


def _dns_dropped(handle: Any) -> bool:
    from ..objects import KUBE_DNS_IP

    try:
        _listener, problem = handle.connect(KUBE_DNS_IP, 53, "UDP")
    except TypeError:  # a handle without protocols (tests' fakes)
        return False
    return dropped_by(problem) is not None


class _CurlOptions:
    def __init__(self) -> None:
        self.silent = False
        self.show_error = False
        self.insecure = False
        self.fail = False
        self.cacert: str | None = None
        self.method: str | None = None
        self.output: str | None = None
        self.agent = CURL_AGENT
        self.connect_timeout: float | None = None
        self.headers: list[tuple[str, str]] = []
        self.url = ""


_TAKES_VALUE = {
    "-H": "header",
    "--header": "header",
    "-X": "method",
    "--request": "method",
    "-o": "output",
    "--output": "output",
    "--cacert": "cacert",
    "-A": "agent",
    "--user-agent": "agent",
    "--connect-timeout": "connect_timeout",
    "-m": "connect_timeout",
    "--max-time": "connect_timeout",
}
_FLAGS = {
    "-s": "silent",
    "--silent": "silent",
    "-S": "show_error",
    "--show-error": "show_error",
    "-k": "insecure",
    "--insecure": "insecure",
    "-f": "fail",
    "--fail": "fail",
    "-L": "",
    "--location": "",
}


def _parse_curl(argv: list[str]) -> _CurlOptions | str:
    """The options, or curl's complaint."""
    opts = _CurlOptions()
    args = argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _TAKES_VALUE or (arg[:2] in _TAKES_VALUE and len(arg) > 2 and arg[1] != "-"):
            if name not in _TAKES_VALUE:
                name, inline, eq = arg[:2], arg[2:], "="
            if eq:
                value = inline
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                return f"curl: option {name}: requires parameter\n{_CURL_HELP}"
            field = _TAKES_VALUE[name]
            if field == "header":
                header = parse_header(value)
                if header is not None:
                    opts.headers.append(header)
            elif field == "connect_timeout":
                try:
                    opts.connect_timeout = float(value)
                except ValueError:
                    return (
                        f"curl: option {name}: expected a proper numerical parameter\n{_CURL_HELP}"
                    )
            else:
                setattr(opts, field, value)
        elif arg.startswith("--") and arg in _FLAGS:
            if _FLAGS[arg]:
                setattr(opts, _FLAGS[arg], True)
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            for letter in arg[1:]:
                flag = _FLAGS.get(f"-{letter}")
                if flag is None:
                    return f"curl: option {arg}: is unknown\n{_CURL_HELP}"
                if flag:
                    setattr(opts, flag, True)
        elif arg.startswith("-") and arg != "-":
            return f"curl: option {arg}: is unknown\n{_CURL_HELP}"
        else:
            opts.url = arg
        i += 1
    if not opts.url:
        return f"curl: no URL specified!\n{_CURL_HELP}"
    return opts


@utility("curl")
def curl(proc: Process, argv: list[str], redirect: object = None) -> Program:
    parsed = _parse_curl(argv)
    if isinstance(parsed, str):
        yield from proc.error(parsed)
        return 2
    opts = parsed
    loud = not opts.silent or opts.show_error

    def fail(code: int, text: str) -> Program:
        if loud:
            yield from proc.error(f"curl: ({code}) {text}\n")
        return code

    m = URL.match(opts.url)
    scheme = (m.group("scheme") or "http").lower() if m else ""
    if m is None or scheme not in ("http", "https"):
        if m is not None:
            return (yield from fail(1, f'Protocol "{scheme}" not supported or disabled in libcurl'))
        return (yield from fail(3, "URL using bad/illegal format or missing URL"))
    host = m.group("host")
    port = int(m.group("port") or (443 if scheme == "https" else 80))
    target = m.group("target") or "/"
    if target.startswith("?"):
        target = "/" + target
    handle = proc.container
    if handle is None:
        return (yield from fail(6, f"Could not resolve host: {host}"))
    ip = host
    if not IP.match(host) and host != "localhost":
        if _dns_dropped(handle):
            yield Sleep(resolver_give_up_ms(host))
            return (yield from fail(6, f"Could not resolve host: {host}"))
        answer = handle.resolve(host)
        if answer is None or not answer[1]:
            return (yield from fail(6, f"Could not resolve host: {host}"))
        ip = answer[1][0]
    listener, problem = handle.connect(ip, port)
    if dropped_by(problem) is not None:
        waited = connect_give_up_ms(opts.connect_timeout)
        yield Sleep(waited)
        if opts.connect_timeout is not None and waited == opts.connect_timeout * 1000:
            return (yield from fail(28, f"Connection timed out after {int(waited)} milliseconds"))
        return (
            yield from fail(
                7,
                f"Failed to connect to {host} port {port} after {int(waited)} ms: "
                "Connection timed out",
            )
        )
    if listener is None:
        reason = problem or "Connection refused"
        return (yield from fail(7, f"Failed to connect to {host} port {port} after 0 ms: {reason}"))
    if scheme == "https" and not opts.insecure:
        problem_text = _verify(proc, opts.cacert, listener)
        if problem_text is not None:
            code, text = problem_text
            if code == 60:
                if loud:
                    yield from proc.error(_CURL_60)
                return 60
            return (yield from fail(code, text))
    headers = [
        ("Host", host if port in (80, 443) else f"{host}:{port}"),
        ("User-Agent", opts.agent),
    ]
    headers += [("Accept", "*/*"), *opts.headers]
    method = opts.method or "GET"
    response = exchange(listener, HttpRequest(method, target, tuple(headers)))
    if response is None:
        return (yield from fail(52, "Empty reply from server"))
    if opts.fail and response.status >= 400:
        return (yield from fail(22, f"The requested URL returned error: {response.status}"))
    if opts.output and opts.output != "-":
        proc.fs.write(opts.output, response.body)
    else:
        yield from proc.write(response.body, redirect)  # type: ignore[arg-type]
    return 0


def _verify(proc: Process, cacert: str | None, listener: Any) -> tuple[int, str] | None:
    """TLS: None when the server's certificate checks out, else (exit code, message)."""
    from ..objects import ROOT_CA

    if not getattr(listener, "serve", None):
        return 35, "OpenSSL/3.0.11: error:0A00010B:SSL routines::wrong version number"
    if cacert is None:
        return 60, ""
    try:
        text = proc.fs.read(cacert)
    except FsError:
        # curl with OpenSSL 3 (lib/vtls/openssl.c, X509_STORE_load_file failing):
        # failf(data, "error setting certificate file: %s", ssl_cafile), CURLE_SSL_CACERT_BADFILE.
        return 77, f"error setting certificate file: {cacert}"
    if ROOT_CA.strip() not in text:
        return 60, ""
    return None
