"""Long-running image behaviours: servers, memory hogs and short jobs.

A server prints its start-up lines, opens its ports through the container
(``proc.container.listen``), serves until a signal it handles arrives, and
exits. Outside a container (``proc.container is None``) servers just run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from .process import Process, Program, Signal, Sleep, Target, utility

NGINX_ENTRYPOINT = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)

Respond = Callable[[str], tuple[int, str]]

# A Go program without its own SIGTERM handler: the runtime re-raises the signal,
# which PID 1 ignores, and then exits with status 2.
GO_EXIT = 2


class StaticSite:
    """A server's fixed pages: the same path always gets the same answer.

    The prober relies on it: a healthy httpGet check of one is not asked again while the
    same listener serves (``ProbeWorker._healthy_listener``).
    """

    __slots__ = ("_paths",)

    def __init__(self, paths: dict[str, str]) -> None:
        self._paths = dict(paths)  # its own copy: nothing changes the pages

    def __call__(self, path: str) -> tuple[int, str]:
        body = self._paths.get(path.split("?", 1)[0] if "?" in path else path)
        return (200, body) if body is not None else (404, "404 Not Found")


def static_site(paths: dict[str, str]) -> Respond:
    return StaticSite(paths)


def serve_forever(
    proc: Process,
    redirect: Target | None,
    *,
    banner: tuple[str, ...] = (),
    ports: tuple[tuple[int, str, Respond | None], ...] = (),
    shutdown: tuple[str, ...] = (),
    exit_code: int = 0,
) -> Program:
    """The common life of a server process."""
    handle = proc.container
    if handle is not None and handle.startup_ms:
        yield Sleep(handle.startup_ms)
    for line in banner:
        yield from proc.write(line + "\n", redirect)
    if handle is not None:
        for port, protocol, respond in ports:
            serving = (lambda: "SERVING") if protocol == "grpc" else None
            handle.listen(port, protocol, respond=respond, serving=serving)
    try:
        yield Sleep(math.inf)
    except Signal as sig:
        for line in shutdown:
            yield from proc.write(line.format(signal=sig.number, name=sig.name) + "\n", redirect)
    return exit_code


@utility("nginx", handles=frozenset({"TERM", "INT", "QUIT"}))
def nginx(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if "-s" in argv:  # nginx -s quit|stop: signal the master process
        action = argv[argv.index("-s") + 1] if argv.index("-s") + 1 < len(argv) else ""
        signal = {"quit": "QUIT", "stop": "TERM", "reload": "HUP"}.get(action)
        handle = proc.container
        if signal is None or handle is None or not handle.pid1_running():
            yield from proc.write(
                '[error] open() "/run/nginx.pid" failed (2: No such file or directory)\n', redirect
            )
            return 1
        if signal != "HUP":
            handle.signal_pid1(signal)
        return 0
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=(
                '[notice] 1#1: using the "epoll" event method',
                "[notice] 1#1: start worker processes",
            ),
            ports=(
                (
                    80,
                    "http",
                    static_site({"/": "Welcome to nginx!", "/index.html": "Welcome to nginx!"}),
                ),
            ),
            shutdown=(
                "[notice] 1#1: signal {signal} (SIG{name}) received, exiting",
                "[notice] 1#1: exit",
            ),
        )
    )


@utility("redis-server", handles=frozenset({"TERM", "INT"}))
def redis_server(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=("1:M * Server initialized", "1:M * Ready to accept connections tcp"),
            ports=((6379, "tcp", None),),
            shutdown=(
                "1:signal-handler Received SIG{name} scheduling shutdown...",
                "1:M * Redis is now ready to exit, bye bye...",
            ),
        )
    )


@utility("httpd-foreground", handles=frozenset({"TERM", "WINCH"}))
def httpd(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=(
                "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4 (Unix) configured -- "
                "resuming normal operations",
                "[core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
            ),
            ports=(
                (80, "http", static_site({"/": "<html><body><h1>It works!</h1></body></html>"})),
            ),
            shutdown=("[mpm_event:notice] [pid 1:tid 1] AH00491: caught SIG{name}, shutting down",),
        )
    )


@utility("agnhost", handles=frozenset({"TERM", "INT"}))
def agnhost(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """The Kubernetes e2e test image: ``liveness``, ``netexec``, ``serve-hostname``."""
    sub = argv[1] if len(argv) > 1 else ""
    handle = proc.container
    if sub == "pause":
        return (yield from pause(proc, argv, redirect))
    if sub == "liveness":
        # /healthz answers 200 for the first 10 s after the server starts, then 500.
        started = handle.now() if handle is not None else 0

        def liveness(path: str) -> tuple[int, str]:
            if path.split("?", 1)[0] != "/healthz":
                return 200, "ok"
            elapsed = (handle.now() - started) / 1000 if handle is not None else 0
            if elapsed > 10:
                return 500, f"error: {elapsed:.6f}"
            return 200, "ok"

        ports: tuple[tuple[int, str, Respond | None], ...] = ((8080, "http", liveness),)
        banner: tuple[str, ...] = ()
    elif sub == "serve-hostname":
        hostname = proc.env.get("HOSTNAME", "")
        ports = ((9376, "http", lambda path: (200, hostname)),)
        banner = ("Serving on port 9376.",)
    elif sub == "netexec":
        port = _flag(argv, "--http-port", "8080")
        ports = (
            (
                int(port),
                "http",
                static_site(
                    {
                        "/": "NOW: simulated",
                        "/healthz": "ok",
                        "/hostname": proc.env.get("HOSTNAME", ""),
                    }
                ),
            ),
        )
        banner = (f"Started HTTP server on port {port}",)
    else:
        yield from proc.write(f'Error: unknown command "{sub}" for "agnhost"\n', redirect)
        return 1
    return (yield from serve_forever(proc, redirect, banner=banner, ports=ports, exit_code=GO_EXIT))


@utility("pause", handles=frozenset({"TERM", "INT"}))
def pause(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """The pause container: sleep until told to stop."""
    return (yield from serve_forever(proc, redirect, shutdown=("Shutting down, got signal",)))


@utility("goproxy", handles=frozenset({"TERM"}))
def goproxy(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return (
        yield from serve_forever(proc, redirect, ports=((8080, "tcp", None),), exit_code=GO_EXIT)
    )


@utility("etcd", handles=frozenset({"TERM", "INT"}))
def etcd(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    urls = _flag(argv, "--listen-client-urls", "http://localhost:2379")
    port = int(urls.rsplit(":", 1)[-1]) if re.search(r":\d+$", urls) else 2379
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=(
                '{"level":"info","msg":"serving client traffic insecurely; this is strongly '
                f'discouraged!","address":"[::]:{port}"}}',
            ),
            ports=((port, "grpc", None),),
            shutdown=(  # str.format()ted: JSON's braces doubled
                '{{"level":"info","msg":"received signal; shutting down","signal":"terminated"}}',
            ),
        )
    )


@utility("fluentd", handles=frozenset({"TERM", "INT"}))
def fluentd(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """The fluentd-elasticsearch image's log shipper: start-up lines, then it tails logs."""
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=(
                '[info]: parsing config file is succeeded path="/etc/fluent/fluent.conf"',
                '[info]: starting fluentd-1.4.2 without supervision pid=1 ruby="2.6.3"',
                "[info]: fluentd worker is now running worker=0",
            ),
            ports=((24231, "tcp", None),),
            shutdown=("[info]: fluentd worker is now stopping worker=0",),
        )
    )


@utility("hello-app", handles=frozenset({"TERM"}))
def hello_app(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    hostname = proc.env.get("HOSTNAME", "")
    body = f"Hello, world!\nVersion: 1.0.0\nHostname: {hostname}\n"
    return (
        yield from serve_forever(
            proc,
            redirect,
            banner=("Server listening on port 8080",),
            ports=((8080, "http", lambda path: (200, body)),),
            exit_code=GO_EXIT,
        )
    )


SIZE = re.compile(r"^(\d+)([bBkKmMgG]?)$")
UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


@utility("stress")
def stress(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``stress --vm N --vm-bytes SIZE [--vm-hang S]`` (polinux/stress): hold memory."""
    if any(arg.startswith("-cpus") for arg in argv):
        return (yield from vish_stress(proc, argv, redirect))
    workers = int(_flag(argv, "--vm", "0") or 0)
    size_text = _flag(argv, "--vm-bytes", "256M")
    m = SIZE.match(size_text)
    if m is None:
        yield from proc.write(f"stress: FAIL: [1] (244) invalid size: {size_text}\n", redirect)
        return 1
    size = int(m.group(1)) * UNITS[m.group(2).lower()]
    cpu = int(_flag(argv, "--cpu", "0") or 0)
    yield from proc.write(
        f"stress: info: [1] dispatching hogs: {cpu} cpu, 0 io, {workers} vm, 0 hdd\n", redirect
    )
    handle = proc.container
    if handle is not None:
        if cpu:
            handle.set_cpu(cpu * 1000)
        for _ in range(workers):
            handle.allocate(size)  # the OOM killer may strike here
    yield Sleep(math.inf)
    return 0


def vish_stress(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``vish/stress -cpus N``: burn N CPUs (the CPU limit throttles it, never kills it)."""
    cpus = float(_flag(argv, "-cpus", "1") or 1)
    handle = proc.container
    if handle is not None:
        handle.set_cpu(int(cpus * 1000))
    yield from proc.write(
        'I0101 00:00:00.000000       1 main.go:26] Allocating "0" memory, in '
        '"4Ki" chunks, with a 1ms sleep between allocations\n',
        redirect,
    )
    yield Sleep(math.inf)
    return 0


@utility("killall")
def killall(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``killall [-SIG] name``: here only PID 1 can be named."""
    args = argv[1:]
    signal = "TERM"
    if args and args[0].startswith("-"):
        signal = args.pop(0)[1:].upper().removeprefix("SIG")
    handle = proc.container
    for name in args:
        if handle is None or not handle.pid1_running() or handle.pid1_name() != name:
            yield from proc.write(f"killall: {name}: no process killed\n", redirect)
            return 1
        if signal != "0":
            handle.signal_pid1(signal)
    return 0


@utility("docker-entrypoint.sh")
def docker_entrypoint(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """An image's entrypoint script: say what it does, then ``exec "$@"``."""
    if argv[1:2] == ["nginx"]:
        for line in NGINX_ENTRYPOINT:
            yield from proc.write(line + "\n", redirect)
    if len(argv) < 2:
        return 0
    proc.pid1 = argv[1].rsplit("/", 1)[-1]  # exec: the server becomes PID 1
    return (yield from proc.exec(argv[1:], redirect))


def _flag(argv: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default
