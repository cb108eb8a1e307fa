"""Network utilities inside a container: ``nslookup``, ``wget``, ``nc``.

They ask the container's runtime handle for cluster DNS (``resolve``) and
for TCP connections (``connect``), so what they print depends on Services,
Endpoints and readiness at that instant. Output follows busybox 1.36.
"""

from __future__ import annotations

import math
import re

from .process import Process, Program, Sleep, utility

DNS_SERVER = "10.96.0.10"
IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
URL = re.compile(r"^(?:(?P<scheme>https?)://)?(?P<host>[^/:]+)(?::(?P<port>\d+))?(?P<path>/.*)?$")
HTTP_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


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


def _first_search(proc: Process) -> str:
    try:
        for line in proc.fs.read("/etc/resolv.conf").splitlines():
            if line.startswith("search "):
                return line.split()[1]
    except Exception:
        pass
    return "default.svc.cluster.local"


@utility("wget")
def wget(proc: Process, argv: list[str], redirect: object = None) -> Program:
    """``wget [-q] [-O FILE|-] [--spider] [-T SEC] URL``."""
    args = argv[1:]
    output: str | None = None
    quiet = spider = False
    url = ""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-q", "--quiet"):
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
        answer = handle.resolve(host)
        if answer is None or not answer[1]:
            yield from proc.error(f"wget: bad address '{host}'\n")
            return 1
        ip = answer[1][0]
    if not quiet:
        yield from proc.error(f"Connecting to {host}:{port} ({ip}:{port})\n")
    listener, problem = handle.connect(ip, port)
    if listener is None or listener.respond is None:
        reason = problem or "Connection refused"
        yield from proc.error(f"wget: can't connect to remote host ({ip}): {reason}\n")
        return 1
    code, body = listener.respond(path)
    if code >= 400:
        yield from proc.error(
            f"wget: server returned error: HTTP/1.1 {code} {HTTP_REASONS.get(code, '')}".rstrip()
            + "\n"
        )
        return 1
    if spider:
        if not quiet:
            yield from proc.error("remote file exists\n")
        return 0
    text = body if body.endswith("\n") else body + "\n"
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
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) < 2 or proc.container is None:
        yield from proc.error("nc: bad arguments\n")
        return 1
    host, port_text = args[0], args[1]
    ip = host
    if not IP.match(host) and host != "localhost":
        answer = proc.container.resolve(host)
        if answer is None:
            yield from proc.error(f"nc: bad address '{host}'\n")
            return 1
        ip = answer[1][0]
    listener, problem = proc.container.connect(ip, int(port_text))
    if listener is None:
        yield from proc.error(f"nc: can't connect to remote host ({ip}): {problem}\n")
        return 1
    return 0
