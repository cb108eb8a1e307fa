"""Long-running image behaviours: servers that start, serve and shut down."""

from __future__ import annotations

import math

from .process import Process, Program, Signal, Sleep, Utility, utility

NGINX_ENTRYPOINT = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)


def server(
    *names: str, banner: tuple[str, ...], shutdown: tuple[str, ...], handles: frozenset[str]
) -> Utility:
    """A server: print its start-up lines, serve until a handled signal, exit 0."""

    def serve(proc: Process, argv: list[str], redirect: str | None) -> Program:
        for line in banner:
            yield from proc.write(line + "\n", redirect)
        try:
            yield Sleep(math.inf)
        except Signal as sig:
            for line in shutdown:
                yield from proc.write(line.format(signal=sig.number) + "\n", redirect)
        return 0

    return utility(*names, handles=handles)(serve)


server(
    "nginx",
    banner=('[notice] 1#1: using the "epoll" event method', "[notice] 1#1: start worker processes"),
    shutdown=("[notice] 1#1: signal {signal} (SIGTERM) received, exiting", "[notice] 1#1: exit"),
    handles=frozenset({"TERM", "INT", "QUIT"}),
)
server(
    "redis-server",
    banner=("1:M * Server initialized", "1:M * Ready to accept connections tcp"),
    shutdown=(
        "1:signal-handler Received SIGTERM scheduling shutdown...",
        "1:M * Redis is now ready to exit, bye bye...",
    ),
    handles=frozenset({"TERM", "INT"}),
)
server(
    "httpd-foreground",
    banner=(
        "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4 (Unix) configured -- resuming "
        "normal operations",
        "[core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
    ),
    shutdown=("[mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down",),
    handles=frozenset({"TERM", "WINCH"}),
)


@utility("docker-entrypoint.sh")
def docker_entrypoint(proc: Process, argv: list[str], redirect: str | None) -> Program:
    """An image's entrypoint script: say what it does, then ``exec "$@"``."""
    if argv[1:2] == ["nginx"]:
        for line in NGINX_ENTRYPOINT:
            yield from proc.write(line + "\n", redirect)
    if len(argv) < 2:
        return 0
    proc.pid1 = argv[1].rsplit("/", 1)[-1]  # exec: the server becomes PID 1
    return (yield from proc.exec(argv[1:], redirect))
