"""Network utilities inside a container: ``nslookup``, ``wget``, ``nc``.

They ask the container's runtime handle for cluster DNS (``resolve``) and
for TCP connections (``connect``), so what they print depends on Services,
Endpoints and readiness at that instant. Output follows busybox 1.36.
"""

from __future__ import annotations

import math
import re

from ..httpmessages import HttpRequest, parse_header
from ..networkpolicy.answers import (
    NSLOOKUP_TIMED_OUT,
    NSLOOKUP_TIMEOUT_MS,
    connect_give_up_ms,
    dropped_by,
    resolver_give_up_ms,
)
from .filesystem import FsError
from .http_client import WGET_AGENT, exchange
from .process import Process, Program, Sleep, utility

DNS_SERVER = "10.96.0.10"
IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
URL = re.compile(r"^(?:(?P<scheme>https?)://)?(?P<host>[^/:]+)(?::(?P<port>\d+))?(?P<path>/.*)?$")


@utility("nslookup")
def nslookup(proc: Process, argv: list[str], redirect: object = None) -> Program:
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        yield from proc.error(
            "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]\n"
        )
        return 1
    name = names[0]
    header = f"Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}:53\n\n"
    handle = proc.container
    if _dns_dropped(handle):  # a NetworkPolicy drops the query: no reply, no header
        yield Sleep(NSLOOKUP_TIMEOUT_MS)
        yield from proc.write(NSLOOKUP_TIMED_OUT, redirect)  # type: ignore[arg-type]
        return 1
    answer = handle.resolve(name) if handle is not None else None
    if answer is None:
        fqdn = name if "." in name else f"{name}.{_first_search(proc)}"
        yield from proc.write(header, redirect)  # type: ignore[arg-type]
        yield from proc.write(f"** server can't find {fqdn}: NXDOMAIN\n\n", redirect)  # type: ignore[arg-type]
        return 1
    fqdn, addresses = answer
    text = header
    for address in addresses:
        if IP.match(address):
            text += f"Name:\t{fqdn}\nAddress: {address}\n"
        else:
            text += f"{fqdn}\tcanonical name = {address}\n"
    yield from proc.write(text + "\n", redirect)  # type: ignore[arg-type]
    return 0


def _dns_dropped(handle: object) -> bool:
    """Whether the container's DNS queries (UDP to the kube-dns ClusterIP) are dropped."""
    if handle is None or not hasattr(handle, "connect"):
        return False
    _listener, problem = handle.connect(DNS_SERVER, 53, "UDP")
    return dropped_by(problem) is not None


def _first_search(proc: Process) -> str:
    """The first domain of resolv.conf's first ``search`` line (the Pod's namespace's)."""
    try:
        text = proc.fs.read("/etc/resolv.conf")
    except FsError:  # removed, replaced by a directory, unreadable: the kubelet's default
        return _DEFAULT_SEARCH
    for line in text.splitlines():
        if line.startswith("search "):
            domains = line.split()[1:]
            return domains[0] if domains else _DEFAULT_SEARCH
    return _DEFAULT_SEARCH


_DEFAULT_SEARCH = "default.svc.cluster.local"


@utility("wget")
def wget(proc: Process, argv: list[str], redirect: object = None) -> Program:
    """``wget [-q] [-O FILE|-] [--spider] [-T SEC] [--header 'K: V'] [-U AGENT] URL``.

    ``--post-data`` makes it a POST; ``--no-check-certificate`` silences the
    note busybox prints for https (it never validates certificates).
    """
    args = argv[1:]
    output: str | None = None
    timeout_s: float | None = None
    quiet = spider = no_check = False
    headers: list[tuple[str, str]] = []
    agent, method = WGET_AGENT, "GET"
    url = ""
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=")
        if name in ("--header", "-U", "--user-agent", "--post-data") and name.startswith("-"):
            value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
            i += 0 if eq else 1
            if name == "--header":
                header = parse_header(value)
                if header is None:
                    yield from proc.error(f"wget: bad header '{value}'\n")  # from memory
                    return 1
                headers.append(header)
            elif name == "--post-data":
                method = "POST"
            else:
                agent = value
        elif arg == "--no-check-certificate":
            no_check = True
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--spider":
            spider = True
        elif arg.startswith("-qO"):
            quiet, output = True, arg[3:] or (args[i + 1] if i + 1 < len(args) else "-")
            if not arg[3:]:
                i += 1
        elif arg in ("-O", "-T", "--timeout"):
            if arg == "-O" and i + 1 < len(args):
                output = args[i + 1]
            elif i + 1 < len(args) and args[i + 1].isdigit():
                timeout_s = float(args[i + 1])
            i += 1
        elif arg.startswith("-O"):
            output = arg[2:]
        elif not arg.startswith("-"):
            url = arg
        i += 1
    m = URL.match(url)
    if not url or m is None:
        yield from proc.error(
            "wget: bad address ''\n" if not url else f"wget: bad address '{url}'\n"
        )
        return 1
    host = m.group("host")
    port = int(m.group("port") or (443 if m.group("scheme") == "https" else 80))
    path = m.group("path") or "/"
    handle = proc.container
    if handle is None:
        yield from proc.error(f"wget: bad address '{host}'\n")
        return 1
    ip = host
    if not IP.match(host) and host != "localhost":
        if _dns_dropped(handle):
            yield Sleep(resolver_give_up_ms(host))
            yield from proc.error(f"wget: bad address '{host}'\n")
            return 1
        answer = handle.resolve(host)
        if answer is None or not answer[1]:
            yield from proc.error(f"wget: bad address '{host}'\n")
            return 1
        ip = answer[1][0]
    if not quiet:
        # busybox prints the host as the URL has it: "web", or "web:8080"
        typed = host + (f":{m.group('port')}" if m.group("port") else "")
        yield from proc.error(f"Connecting to {typed} ({ip}:{port})\n")
    listener, problem = handle.connect(ip, port)
    if dropped_by(problem) is not None:  # no answer to the SYN: a timer gives up
        yield Sleep(connect_give_up_ms(timeout_s))
        if timeout_s is not None and connect_give_up_ms(timeout_s) == timeout_s * 1000:
            yield from proc.error("wget: download timed out\n")
        else:
            yield from proc.error(
                f"wget: can't connect to remote host ({ip}): Connection timed out\n"
            )
        return 1
    if listener is None:
        reason = problem or "Connection refused"
        yield from proc.error(f"wget: can't connect to remote host ({ip}): {reason}\n")
        return 1
    if m.group("scheme") == "https" and not no_check:
        yield from proc.error("wget: note: TLS certificate validation not implemented\n")
    request_headers = (("Host", host), ("User-Agent", agent), *headers)
    response = exchange(listener, HttpRequest(method, path, request_headers))
    if response is None:
        yield from proc.error(f"wget: can't connect to remote host ({ip}): Connection refused\n")
        return 1
    if response.status >= 400:
        yield from proc.error(f"wget: server returned error: {response.status_line}\n")
        return 1
    if spider:
        if not quiet:
            yield from proc.error("remote file exists\n")
        return 0
    body = response.body
    # A plain listener's body is a line; a served one is written as it came (no newline added).
    served = getattr(listener, "serve", None) is not None
    text = body if served or body.endswith("\n") else body + "\n"
    if output in (None, "") and not quiet:
        name = path.rstrip("/").rsplit("/", 1)[-1] or "index.html"
        proc.fs.write(f"/{name}" if proc.cwd == "/" else f"{proc.cwd}/{name}", text)
        yield from proc.error(f"saving to '{name}'\n{name}              100% |****| done\n")
        return 0
    if output in ("-", None):
        yield from proc.write(text, redirect)  # type: ignore[arg-type]
    else:
        proc.fs.write(output, text)
    return 0


@utility("nc")
def nc(proc: Process, argv: list[str], redirect: object = None) -> Program:
    """``nc -z HOST PORT``: is something listening there? ``nc -l [-p] PORT``: listen.

    ``-l`` opens the port in the container (a ``tcpSocket`` probe connects)
    and waits for ever; no data is exchanged (the playground has no byte
    streams between Pods).
    """
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    if "l" in flags:
        numbers = [a for a in argv[1:] if a.isdigit()]
        if not numbers or not 0 < int(numbers[-1]) < 65536:
            yield from proc.error("nc: bad port\n")  # written from memory
            return 1
        if proc.container is not None and hasattr(proc.container, "listen"):
            proc.container.listen(int(numbers[-1]), "tcp")
        yield Sleep(math.inf)
        return 0
    args = [a for i, a in enumerate(argv[1:], 1) if not a.startswith("-") and argv[i - 1] != "-w"]
    if len(args) < 2 or proc.container is None:
        yield from proc.error("nc: bad arguments\n")
        return 1
    host, port_text = args[0], args[1]
    ip = host
    if not IP.match(host) and host != "localhost":
        if _dns_dropped(proc.container):
            yield Sleep(resolver_give_up_ms(host))
            yield from proc.error(f"nc: bad address '{host}'\n")
            return 1
        answer = proc.container.resolve(host)
        if answer is None:
            yield from proc.error(f"nc: bad address '{host}'\n")
            return 1
        ip = answer[1][0]
    listener, problem = proc.container.connect(ip, int(port_text))
    if dropped_by(problem) is not None:  # silence until -w or the kernel gives up
        yield Sleep(connect_give_up_ms(_seconds(argv, "-w")))
        if "v" in flags:
            yield from proc.error(f"nc: {host} ({ip}:{port_text}): Connection timed out\n")
        return 1
    if listener is None:
        yield from proc.error(f"nc: can't connect to remote host ({ip}): {problem}\n")
        return 1
    return 0


def _seconds(argv: list[str], flag: str) -> float | None:
    """The number after ``flag`` (``-w 2`` or ``-w2``), or None."""
    for i, arg in enumerate(argv):
        text = argv[i + 1] if arg == flag and i + 1 < len(argv) else ""
        if arg.startswith(flag) and arg != flag:
            text = arg[len(flag) :]
        if text.isdigit():
            return float(text)
    return None
