"""What a container sees of its system: ``ps``, ``pkill``, ``id``, ``whoami``, ``uname``,
``nproc``, ``free``, ``df``, ``mount``, as busybox 1.36 prints them.

The kernel and the node are the playground's (DESIGN.md, "The userland's
system view"): one Linux kernel release, the node's cores and memory from the
container runtime when it tells them, else a 2-core 8 GiB node. Processes are
the container's own (``Filesystem.processes``): PID 1, its subshells,
background jobs and pipeline stages, and what ``kubectl exec`` runs.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from ..security.identity import ProcessIdentity, format_id_names
from .control import SIGNAL_NUMBERS
from .file_utilities import owner_names
from .process import Process, Program, Target, utility
from .toolkit import Options, options

KERNEL_RELEASE = "6.8.0-1015-gke"
KERNEL_VERSION = "#19-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 27 14:30:28 UTC 2024"
MACHINE = "x86_64"
NODE_CPUS = 2
NODE_MEMORY = 8 << 30
SHM_SIZE = 64 << 20  # the runtime's /dev/shm: 64 MiB, as containerd mounts it


def _attr(proc: Process, name: str, default: Any) -> Any:
    value = getattr(proc.container, name, None) if proc.container is not None else None
    if callable(value):
        value = value()
    return default if value is None else value


# -- processes -------------------------------------------------------------------------


def _command(process: Any) -> str:
    """What ps shows: a subshell running an external command has become that command."""
    if getattr(process, "forked", False) and process.running:
        return " ".join(process.running)
    return " ".join(process.argv) or "sh"


def _cpu_time(process: Any) -> str:
    seconds = int(getattr(process, "cpu_total_us", 0) // 1_000_000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _user(proc: Process) -> str:
    """ps's USER: the processes' uid, named when /etc/passwd knows it (8 columns)."""
    uid = proc.fs.credentials.uid
    return owner_names(proc.fs)[0].get(uid, str(uid))[:8]


@utility("ps")
@options("efwAT", "o")
def ps(proc: Process, _opts: Options, _operands: list[str], redirect: Target | None) -> Program:
    """``ps``: busybox's default columns (PID, USER, TIME, COMMAND), PID 1 first."""
    rows = ["PID   USER     TIME  COMMAND\n"]
    user = _user(proc)
    for pid in sorted(proc.fs.processes):
        process = proc.fs.processes[pid]
        rows.append(f"{pid:5d} {user:<8} {_cpu_time(process):>5} {_command(process)}\n")
    yield from proc.write("".join(rows), redirect)
    return 0


@utility("top")
@options("bHm", "nd")
def top(proc: Process, _opts: Options, _operands: list[str], redirect: Target | None) -> Program:
    """``top -n 1`` (``-b``): one screen, the layout busybox prints (written from memory)."""
    total = int(_attr(proc, "node_memory", NODE_MEMORY)) // 1024
    used = (int(_attr(proc, "memory_usage", 0)) + (512 << 20)) // 1024
    cached = (1 << 30) // 1024
    pids = sorted(proc.fs.processes)
    rows = [
        f"Mem: {used}K used, {total - used}K free, 0K shrd, 0K buff, {cached}K cached\n",
        "CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq\n",
        f"Load average: 0.00 0.00 0.00 1/{len(pids)} {max(pids, default=1)}\n",
        "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n",
    ]
    for pid in pids:
        process = proc.fs.processes[pid]
        state = "R" if process is proc else "S"
        parent = 0 if pid == 1 else 1
        command = _command(process)
        rows.append(
            f"{pid:5d} {parent:5d} {_user(proc):<8} {state:<4} {1336:5d}   0%   0   0% {command}\n"
        )
    yield from proc.write("".join(rows), redirect)
    return 0


@utility("pkill", "pgrep")
def pkill(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``pkill [-SIGNAL] [-f] [-x] PATTERN`` / ``pgrep``: status 1 when nothing matched."""
    name = argv[0].rsplit("/", 1)[-1]
    args = list(argv[1:])
    signal = "TERM"
    if (
        name == "pkill"
        and args
        and args[0].startswith("-")
        and args[0][1:].upper()
        in (SIGNAL_NUMBERS.keys() | {str(n) for n in SIGNAL_NUMBERS.values()})
    ):
        raw = args.pop(0)[1:].upper()
        signal = next((k for k, v in SIGNAL_NUMBERS.items() if str(v) == raw), raw)
    full = exact = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flags = args.pop(0)[1:]
        full, exact = full or "f" in flags, exact or "x" in flags
    if len(args) != 1:
        yield from proc.error(f"{name}: must specify exactly one pattern\n")  # written from memory
        return 2
    pattern = args[0]
    matched = []
    for pid in sorted(proc.fs.processes):
        process = proc.fs.processes[pid]
        if pid == proc.pid and proc.forked:  # itself (a shell running it is still listed)
            continue
        command = _command(process)
        text = command if full else command.split(" ", 1)[0].rsplit("/", 1)[-1]
        hit = text == pattern if exact else fnmatch.fnmatchcase(text, f"*{pattern}*")
        if hit:
            matched.append(pid)
    if name == "pgrep":
        yield from proc.write("".join(f"{pid}\n" for pid in matched), redirect)
        return 0 if matched else 1
    for pid in matched:
        if proc.kill_job(pid, signal):
            continue
        if pid == 1 and signal not in ("KILL", "STOP") and hasattr(proc.container, "signal_pid1"):
            proc.container.signal_pid1(signal)  # PID 1 gets only the signals it handles
    return 0 if matched else 1


# -- identity ---------------------------------------------------------------------------


@utility("id")
@options("ugnGr")
def id_(proc: Process, opts: Options, _operands: list[str], redirect: Target | None) -> Program:
    """``id [-u|-g|-G] [-n] [-r]``: the credentials containerd gave the container, with
    names where its /etc/passwd and /etc/group resolve them (coreutils/id.c)."""
    cred = proc.fs.credentials
    users, groups = owner_names(proc.fs)
    named = "n" in opts
    if "u" in opts:
        text = users.get(cred.uid, str(cred.uid)) if named else str(cred.uid)
    elif "g" in opts:
        text = groups.get(cred.gid, str(cred.gid)) if named else str(cred.gid)
    elif "G" in opts:
        text = " ".join(groups.get(g, str(g)) if named else str(g) for g in cred.groups)
    else:
        identity = ProcessIdentity(cred.uid, cred.gid, cred.groups)
        text = format_id_names(identity, users, groups)
    yield from proc.write(text + "\n", redirect)
    return 0


@utility("whoami")
def whoami(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    uid = proc.fs.credentials.uid
    name = owner_names(proc.fs)[0].get(uid)
    if name is None:
        yield from proc.error(f"whoami: unknown uid {uid}\n")
        return 1
    yield from proc.write(name + "\n", redirect)
    return 0


# -- the kernel and the node ----------------------------------------------------------


@utility("uname")
@options("asnrvmpio")
def uname(proc: Process, opts: Options, _operands: list[str], redirect: Target | None) -> Program:
    """``uname [-asnrvmpio]``: the node's kernel; ``-n`` is the Pod's hostname."""
    host = proc.env.get("HOSTNAME") or "localhost"
    fields = {
        "s": "Linux",
        "n": host,
        "r": KERNEL_RELEASE,
        "v": KERNEL_VERSION,
        "m": MACHINE,
        "p": "unknown",
        "i": "unknown",
        "o": "GNU/Linux",
    }
    order = "snrvmo" if "a" in opts else "".join(c for c in "snrvmpio" if c in opts) or "s"
    yield from proc.write(" ".join(fields[c] for c in order) + "\n", redirect)
    return 0


@utility("nproc")
def nproc(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``nproc``: the CPUs the process may run on, the node's (a CPU limit is a quota)."""
    yield from proc.write(f"{int(_attr(proc, 'node_cpus', NODE_CPUS))}\n", redirect)
    return 0


@utility("free")
@options("bkmgh")
def free(proc: Process, opts: Options, _operands: list[str], redirect: Target | None) -> Program:
    """``free [-bkmgh]``: the node's memory (``/proc/meminfo`` is not the cgroup's)."""
    unit = next((u for u, c in (("b", 1), ("m", 1 << 20), ("g", 1 << 30)) if u in opts), "k")
    scale = {"b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30}[unit]
    total = int(_attr(proc, "node_memory", NODE_MEMORY))
    used = int(_attr(proc, "memory_usage", 0)) + (512 << 20)  # the node's system and runtime
    cache = 1 << 30
    free_ = max(total - used - cache, 0)
    available = free_ + cache
    header = f"{'':7}{'total':>12}{'used':>12}{'free':>12}{'shared':>12}{'buff/cache':>12}"
    header += f"{'available':>12}\n"
    mem = [total, used, free_, 0, cache, available]
    rows = header + "Mem:   " + "".join(f"{v // scale:12d}" for v in mem) + "\n"
    rows += "Swap:  " + "".join(f"{0:12d}" for _ in range(3)) + "\n"
    yield from proc.write(rows, redirect)
    return 0


# -- mounts -----------------------------------------------------------------------------


def mount_table(proc: Process) -> list[tuple[str, str, str, str, int, int]]:
    """(source, mount point, type, options, size, used) for each mount, in mount order."""
    rows: list[tuple[str, str, str, str, int, int]] = []
    root = proc.fs.mounts["/"]
    rows.append(("overlay", "/", "overlay", "rw,relatime", 100 << 30, root.volume.used + (5 << 30)))
    rows.append(("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime", 0, 0))
    rows.append(("tmpfs", "/dev", "tmpfs", "rw,nosuid,size=65536k,mode=755", 64 << 20, 0))
    shm = proc.fs.mounts.get("/dev/shm")  # the Pod's shared tmpfs (what its containers wrote)
    shm_used = shm.volume.used if shm is not None else 0
    shm_options = "rw,nosuid,nodev,noexec,relatime,size=65536k"
    rows.append(("shm", "/dev/shm", "tmpfs", shm_options, SHM_SIZE, shm_used))
    rows.append(("sysfs", "/sys", "sysfs", "ro,nosuid,nodev,noexec,relatime", 0, 0))
    for path in sorted(proc.fs.mounts):
        if path in ("/", "/dev/shm"):
            continue
        mount = proc.fs.mounts[path]
        volume = mount.volume
        access = "rw" if mount.writable else "ro"
        if volume.medium == "Memory":  # Secret, downward API, projected, emptyDir Memory
            rows.append(
                ("tmpfs", path, "tmpfs", f"{access},relatime", volume.capacity, volume.used)
            )
        else:
            rows.append(
                (
                    "/dev/sda1",
                    path,
                    "ext4",
                    f"{access},relatime",
                    100 << 30,
                    volume.used + (5 << 30),
                )
            )
    return rows


@utility("df")
@options("hkPTma")
def df(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``df [-hk] [PATH]...``: busybox's columns, in 1K blocks (``-h``: human sizes)."""
    rows = [r for r in mount_table(proc) if r[4]]
    if paths:
        wanted = {
            proc.fs.mount_of(proc.abspath(p)).path for p in paths if proc.fs.lookup(proc.abspath(p))
        }
        rows = [r for r in rows if r[1] in wanted]
    human = "h" in opts
    out = ["Filesystem           1K-blocks      Used Available Use% Mounted on\n"]
    if human:
        out = ["Filesystem                Size      Used Available Use% Mounted on\n"]
    for source, point, _kind, _options, size, used in rows:
        size_k = size // 1024
        used_k = min(used // 1024, size_k)
        avail_k = size_k - used_k
        # busybox df: the used share, rounded half up
        percent = (used_k * 100 + size_k // 2) // size_k if size_k else 0
        name = source if len(source) <= 20 else source + "\n" + " " * 20
        if human:
            out.append(
                f"{name:<20}{_human(size):>10}{_human(used_k * 1024):>10}"
                f"{_human(avail_k * 1024):>10} {percent:3d}% {point}\n"
            )
        else:
            out.append(f"{name:<20} {size_k:9d} {used_k:9d} {avail_k:9d} {percent:3d}% {point}\n")
    yield from proc.write("".join(out), redirect)
    return 0


def _human(size: int) -> str:
    """busybox's ``make_human_readable_str``: one decimal below 10 units (written from memory)."""
    value = float(size)
    for unit in "BKMGT":
        if value < 1024 or unit == "T":
            if unit == "B":
                return f"{int(value)}"
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
        value /= 1024
    return str(size)  # pragma: no cover


@utility("mount")
def mount(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``mount``: the container's mounts as ``/proc/mounts`` lists them."""
    if len(argv) > 1:
        yield from proc.error("mount: permission denied (are you root?)\n")
        return 255
    rows = mount_table(proc)
    yield from proc.write(
        "".join(f"{s} on {p} type {t} ({o})\n" for s, p, t, o, _, _ in rows), redirect
    )
    return 0
