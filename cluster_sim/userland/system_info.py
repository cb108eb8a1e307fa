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
    if any(a == "-s" or a.startswith("--set") for a in argv[1:]):
        # settimeofday needs CAP_SYS_TIME (not in containerd's default set)
        if not proc.fs.credentials.caps.has("SYS_TIME"):
            yield from proc.error("date: can't set date: Operation not permitted\n")
            return 1
        # allowed: it would set the node's clock; the simulated clock does not move
        yield from proc.write(strftime(proc.clock(), fmt) + "\n", redirect)
        return 0
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
    flags = {c for arg in argv[1:] if arg.startswith("-") for c in arg[1:]}
    if flags & {"d", "f", "i"}:  # busybox resolves the name (gethostbyname: /etc/hosts)
        found = _hosts_entry(proc, name)
        if found is None:
            yield from proc.error(f"hostname: {name}: Unknown host\n")
            return 1
        canonical, addresses = found
        if "f" in flags:
            name = canonical
        elif "s" in flags:
            name = canonical.split(".", 1)[0]
        elif "d" in flags:
            if "." not in canonical:
                return 0
            name = canonical.split(".", 1)[1]
        else:
            name = " ".join(addresses)
    elif "s" in flags:
        name = name.split(".", 1)[0]
    yield from proc.write(name + "\n", redirect)
    return 0


def _hosts_entry(proc: Process, name: str) -> tuple[str, list[str]] | None:
    """musl's gethostbyname from /etc/hosts: the first matching line's first name is the
    canonical one; every matching line gives an IPv4 address."""
    try:
        text = proc.fs.read("/etc/hosts")
    except FsError:
        return None
    canonical = ""
    addresses: list[str] = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or name.lower() not in (n.lower() for n in fields[1:]):
            continue
        if ":" in fields[0]:
            continue  # AF_INET only
        canonical = canonical or fields[1]
        addresses.append(fields[0])
    return (canonical, addresses) if addresses else None


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
