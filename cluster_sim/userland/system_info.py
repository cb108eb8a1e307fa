"""What a process can ask about its system: ``date``, ``hostname``, ``printenv``/``env``."""

from __future__ import annotations

from .filesystem import (
    EPOCH_SECONDS,
    FsError,
    wall_time,
)
from .process import (
    Process,
    Program,
    Target,
    basename,
    utility,
)


@utility("date")
def date(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """busybox ``date`` on the simulated clock; the timezone is UTC."""
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for arg in argv[1:]:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg in ("-u", "--utc"):
            continue
        elif arg == "-R":
            fmt = "%a, %d %b %Y %H:%M:%S %z"
        elif arg.startswith("-I"):
            spec = arg[2:].lstrip("=") or "date"
            fmt = {
                "date": "%Y-%m-%d",
                "hours": "%Y-%m-%dT%H%z",
                "minutes": "%Y-%m-%dT%H:%M%z",
                "seconds": "%Y-%m-%dT%H:%M:%S%z",
            }.get(spec, "%Y-%m-%d")
        else:
            yield from proc.error(f"date: invalid date '{arg}'\n")
            return 1
    yield from proc.write(strftime(proc.clock(), fmt) + "\n", redirect)
    return 0


def strftime(ms: float, fmt: str) -> str:
    """``strftime`` in UTC at simulated time ``ms``, with the glibc extensions busybox uses."""
    when = wall_time(ms // 1000 * 1000)
    seconds = EPOCH_SECONDS + int(ms // 1000)
    out: list[str] = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%" or i + 1 >= len(fmt):
            out.append(c)
            i += 1
            continue
        spec = fmt[i + 1]
        i += 2
        special = {
            "e": f"{when.day:2d}",
            "s": str(seconds),
            "N": f"{int(ms % 1000) * 1_000_000:09d}",
            "Z": "UTC",
            "z": "+0000",
            "n": "\n",
            "t": "\t",
            "%": "%",
            "k": f"{when.hour:2d}",
            "l": f"{(when.hour % 12) or 12:2d}",
            "P": when.strftime("%p").lower(),
            "D": when.strftime("%m/%d/%y"),
            "F": when.strftime("%Y-%m-%d"),
            "T": when.strftime("%H:%M:%S"),
            "R": when.strftime("%H:%M"),
            "u": str(when.isoweekday()),
            "C": f"{when.year // 100:02d}",
        }
        if spec in special:
            out.append(special[spec])
        elif spec in "aAbBcdHIjmMpSUwWxXyYhGgV":
            out.append(when.strftime("%" + spec))
        else:
            out.append("%" + spec)
    return "".join(out)


@utility("hostname")
def hostname(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    name = proc.env.get("HOSTNAME", "")
    if not name:
        try:
            name = proc.fs.read("/etc/hostname").strip()
        except FsError:
            name = "localhost"
    if "-s" in argv[1:]:
        name = name.split(".", 1)[0]
    yield from proc.write(name + "\n", redirect)
    return 0


@utility("printenv", "env")
def printenv(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    environ = proc.environ()
    if basename(argv[0]) == "printenv":
        if len(argv) > 1:
            values = [environ[name] for name in argv[1:] if name in environ]
            yield from proc.write("".join(v + "\n" for v in values), redirect)
            return 0 if len(values) == len(argv) - 1 else 1
    else:
        args = argv[1:]
        while args and args[0] in ("-i", "-", "-u"):
            flag = args.pop(0)
            if flag in ("-i", "-"):
                environ = {}
            elif args:
                environ.pop(args.pop(0), None)
        while args and "=" in args[0] and not args[0].startswith("="):
            name, _, value = args.pop(0).partition("=")
            environ[name] = value
        if args:
            child = proc.spawn(args)
            child.env, child.exported = dict(environ), set(environ)
            return (yield from child._schedule(child._guard(child.exec(args, redirect))))
    yield from proc.write("".join(f"{k}={v}\n" for k, v in environ.items()), redirect)
    return 0
