"""The commands images ship, as busybox behaves: each takes (process, argv, stdout).

A utility is a generator: it writes with ``proc.write`` (stdout) and
``proc.error`` (stderr), reads standard input with ``proc.read_stdin()``,
works on ``proc.fs`` (paths resolved with ``proc.abspath``) and returns its
exit status. Messages are busybox's, word for word where they exist.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable, Generator, Iterable

from .cpu import Cost
from .filesystem import (
    EISDIR,
    ENAMETOOLONG,
    ENOENT,
    EPOCH_SECONDS,
    Device,
    Directory,
    File,
    FsError,
    Stat,
    Symlink,
    wall_time,
)
from .formatting import INT_MAX, Piece, chunks, conversion
from .process import (
    SIGNAL_NUMBERS,
    Action,
    ExitProgram,
    Log,
    Process,
    Program,
    Signal,
    Sleep,
    Target,
    WaitJobs,
    _Break,
    _Continue,
    _Return,
    basename,
    cpu,
    utility,
)
from .regex import BackreferenceError, RegexError, compile_any, compile_posix

DURATION = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$")
UNIT_MS = {"": 1000, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
BANNER = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
USAGE = {
    "touch": "touch [-c] FILE...",
    "rm": "rm [-irf] FILE...",
    "mkdir": "mkdir [-m MODE] [-p] DIRECTORY...",
    "rmdir": "rmdir [-p] DIRECTORY...",
    "seq": "seq [-w] [-s SEP] [FIRST [INC]] LAST",
    "ln": "ln [-sf] TARGET LINK",
    "cp": "cp [-rf] SOURCE... DEST",
    "mv": "mv [-f] SOURCE... DEST",
    "basename": "basename FILE [SUFFIX]",
    "dirname": "dirname FILENAME",
    "expr": "expr EXPRESSION",
    "printf": "printf FORMAT [ARG]...",
    "head": "head [OPTIONS] [FILE]...",
    "tail": "tail [OPTIONS] [FILE]...",
    "grep": "grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } "
    "[FILE]...",
    "wc": "wc [-cmlwL] [FILE]...",
    "kill": "kill [-l] [-SIG] PID...",
    "sleep": "sleep [N]...",
}

STDIO_BUFFER = 4096  # bytes stdio holds before a write(2) to a pipe, a file or the log
LINE_US = Cost.STEP  # CPU per line seq or yes formats (see DESIGN.md, "Container CPU")
REGEX_LINE_US = 0.5  # CPU per line a regex looks at (regexec's setup)...
REGEX_BYTE_US = 0.002  # ...and per byte it scans (RE2's DFA: about 500 MB/s)
PRINTF_BYTE_US = 0.001  # glibc pads at about 1 GB/s
NESTING = 32  # parentheses in test and expr (a playground limit: Python's stack)
COPY_DEPTH = 200  # directory levels cp -r descends (a playground limit: Python's stack)
YES_BLOCK = 64 * 1024  # what yes writes at once to a pipe or a file
YES_BYTE_US = 0.001  # and what filling it costs (about 1 GB/s)
SLEEP_MIN_US = 60  # a sleep shorter than 1 ms: Linux's 50 us timer slack and the syscalls

Options = dict[str, str | bool]


def usage(proc: Process, name: str) -> Program:
    """busybox's usage text on stderr, exit status 1."""
    yield from proc.error(f"{BANNER}Usage: {USAGE.get(name, name)}\n")
    return 1


def getopt(
    proc: Process, argv: list[str], flags: str, with_arg: str = ""
) -> Generator[Action, None, tuple[Options, list[str]] | None]:
    """POSIX option parsing (``-rf``, ``-n5``, ``-n 5``, ``--``); None after a usage error."""
    name = basename(argv[0])
    opts: Options = {}
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        j = 1
        while j < len(arg):
            c = arg[j]
            if c in with_arg:
                value = arg[j + 1 :]
                if not value:
                    if i + 1 >= len(argv):
                        yield from proc.error(f"{name}: option requires an argument -- '{c}'\n")
                        yield from usage(proc, name)
                        return None
                    i += 1
                    value = argv[i]
                opts[c] = value
                break
            if c not in flags:
                yield from proc.error(f"{name}: invalid option -- '{c}'\n")
                yield from usage(proc, name)
                return None
            opts[c] = True
            j += 1
        i += 1
    return opts, argv[i:]


def emit_lines(proc: Process, lines: Iterable[str], redirect: Target | None) -> Program:
    """Write lines, endless ones too, at their cost in simulated CPU time.

    Each line costs ``LINE_US`` (formatting it into stdio's buffer), each
    ``STDIO_BUFFER`` bytes a ``write(2)`` (``Process.write``): all of it through
    ``Process.spend``, so an endless ``seq`` is a runaway like any busy loop.
    """
    chunk: list[str] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= STDIO_BUFFER:
            yield from proc.spend(len(chunk) * LINE_US)
            yield from proc.write("".join(chunk), redirect)
            chunk.clear()
            size = 0
    if chunk:
        yield from proc.spend(len(chunk) * LINE_US)
        yield from proc.write("".join(chunk), redirect)
    return 0


def unescape(text: str, *, echo: bool) -> tuple[str, bool]:
    """Expand ``echo -e`` (``\\0NNN``) or ``printf`` (``\\NNN``) escapes; True after ``\\c``."""
    out: list[str] = []
    i, n = 0, len(text)
    simple = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    simple |= {"v": "\v", "\\": "\\"}
    while i < n:
        c = text[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "c":
            return "".join(out), True
        elif nxt == "x" and re.match(r"[0-9a-fA-F]", text[i + 2 : i + 3]):
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2 :])
            assert m
            out.append(chr(int(m.group(0), 16)))
            i += 2 + m.end()
        elif nxt in "01234567" and (not echo or nxt == "0"):
            start = i + 2 if echo else i + 1
            m = re.match(r"[0-7]{0,3}" if echo else r"[0-7]{1,3}", text[start:])
            assert m
            out.append(chr(int(m.group(0) or "0", 8) & 0xFF))
            i = start + m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out), False


# -- the shell and its builtins ----------------------------------------------


@utility("sh", "bash", "dash", "ash")
def sh(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``sh -c SCRIPT [ARG0 ARGS...]``, ``sh FILE [ARGS...]``, or a script on stdin."""
    options: set[str] = set()
    command = False
    i = 1
    while i < len(argv) and argv[i][:1] in "-+" and argv[i] not in ("-", "--", "+"):
        for c in argv[i][1:]:
            if c == "c":
                command = True
            elif c in "euxa":
                options.add(c)
        i += 1
    if argv[i : i + 1] == ["--"]:
        i += 1
    rest = argv[i:]
    arg0, params = argv[0], rest[1:]
    if command:
        if not rest:
            yield from proc.error("sh: -c requires an argument\n")
            return 2
        script = rest[0]
        if params:
            arg0, params = params[0], params[1:]
    elif rest:
        try:
            script = proc.fs.read(proc.abspath(rest[0]))
        except FsError as exc:
            yield from proc.error(f"sh: can't open '{rest[0]}': {exc.reason}\n")
            return 2
        arg0 = rest[0]
    else:
        script = proc.read_stdin()
        if not script:
            return 0  # no script and no terminal: the shell reads EOF from stdin and exits
    shell = proc.spawn(argv) if proc._shell else proc
    shell._shell = True
    shell.arg0, shell.positional = arg0, params
    shell.options |= options
    if shell is proc:
        return (yield from proc.run_script(script))
    if redirect is not None:
        shell.stdout = redirect
    return (yield from shell._schedule(shell._guard(shell.run_script(script))))


@utility("exit")
def exit_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    status = proc.status
    if len(argv) > 1:
        try:
            status = int(argv[1]) & 0xFF
        except ValueError:
            yield from proc.error(f"sh: exit: Illegal number: {argv[1]}\n")
            status = 2
    raise ExitProgram(status)


@utility("true", ":")
def true(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return 0
    yield  # pragma: no cover


@utility("false")
def false(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return 1
    yield  # pragma: no cover


def signal_name(raw: str) -> str | None:
    """``TERM``, ``SIGTERM``, ``term`` or ``15`` as ``TERM``; None if unknown."""
    name = raw.upper().removeprefix("SIG")
    if name.isdigit():
        number = int(name)
        if number == 0 or number == 128:
            return "EXIT" if number == 0 else None
        return next((n for n, num in SIGNAL_NUMBERS.items() if num == number), None)
    if name == "EXIT":
        return name
    return name if name in SIGNAL_NUMBERS else None


@utility("trap")
def trap(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``trap 'commands' TERM INT``; ``trap - TERM`` restores the default; ``trap`` lists."""
    if len(argv) == 1:
        for name, action in proc.traps.items():
            quoted = action.replace("'", "'\\''")
            yield from proc.write(f"trap -- '{quoted}' {name}\n", redirect)
        return 0
    if len(argv) == 2:
        action, names = "-", argv[1:]
    else:
        action, names = argv[1], argv[2:]
    status = 0
    for raw in names:
        name = signal_name(raw)
        if name is None:
            yield from proc.error(f"sh: trap: {raw}: invalid signal specification\n")
            status = 1
            continue
        if action == "-":
            proc.traps.pop(name, None)
        else:
            proc.traps[name] = action
    return status


@utility("echo")
def echo(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = argv[1:]
    newline = True
    escapes = False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for c in args[0][1:]:
            if c == "n":
                newline = False
            else:
                escapes = c == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stopped = unescape(text, echo=True)
        newline = newline and not stopped
    yield from proc.write(text + ("\n" if newline else ""), redirect)
    return 0


PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXcsbeEfFgG%])")


@utility("printf")
def printf(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "printf"))
    fmt, args = argv[1], list(argv[2:])
    out: list[Piece] = []
    status = 0

    def number(arg: str, conv: str) -> int | float:
        nonlocal status
        if arg[:1] in ("'", '"'):
            return ord(arg[1]) if len(arg) > 1 else 0
        text = arg.strip()
        try:
            if conv in "eEfFgG":
                return float(text) if text else 0.0
            return int(text.removeprefix("+"), 0) if text else 0
        except ValueError:
            m = re.match(r"[-+]?\d{1,20}", text)
            out.append("")
            errors.append(f"sh: invalid number '{arg}'\n")
            status = 1
            return int(m.group(0)) if m else 0

    errors: list[str] = []
    while True:
        consumed = 0
        pos = 0
        while pos < len(fmt):
            m = PRINTF_SPEC.search(fmt, pos)
            literal_end = m.start() if m else len(fmt)
            text, stopped = unescape(fmt[pos:literal_end], echo=False)
            out.append(text)
            if stopped:
                args = []
                break
            if m is None:
                break
            pos = m.end()
            flags, width, precision, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(int(number(args.pop(0), "d"))) if args else "0"
                consumed += 1
            if precision == "*":
                precision = str(int(number(args.pop(0), "d"))) if args else "0"
                consumed += 1
            arg = args.pop(0) if args else None
            consumed += arg is not None
            size, digits = _printf_size(width), _printf_size(precision)
            if conv in "sb":
                value = arg or ""
                if conv == "b":
                    value, stopped = unescape(value, echo=True)
                    if stopped:
                        out += conversion(flags, size, digits, "s", value)
                        args = []
                        break
                out += conversion(flags, size, digits, "s", value)
            elif conv == "c":
                out += conversion(flags, size, digits, "s", (arg or "")[:1])
            elif conv in "eEfFgG":
                out += conversion(flags, size, digits, conv, float(number(arg, conv) if arg else 0))
            else:
                value = int(number(arg, conv)) if arg else 0
                top = (1 << 63) - 1 if conv in "di" else (1 << 64) - 1
                value = max(-(1 << 63), min(value, top))  # strtoll/strtoull clamp at ERANGE
                if conv in "ouxX" and value < 0:
                    value += 1 << 64
                out += conversion(flags, size, digits, "d" if conv in "iu" else conv, value)
        if not args or not consumed:
            break
    for message in errors:  # stderr is unbuffered: the complaints come out first
        yield from proc.error(message)
    for text in chunks(out):  # a huge padding streams out in chunks, at a CPU cost
        yield from proc.write(text, redirect)
        yield from cpu(proc, len(text) * PRINTF_BYTE_US)
    return status


def _printf_size(text: str | None) -> int | None:
    """A width or precision; past INT_MAX (any number of digits) it is just "too big"."""
    if text is None:
        return None
    digits = text.lstrip("-").lstrip("0")
    return int(text) if len(digits) <= 12 else (INT_MAX + 1) * (-1 if text[:1] == "-" else 1)


@utility("kill")
def kill(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``kill [-SIG] PID...``: PID 1 is this shell (when it is PID 1), jobs are its children."""
    args = argv[1:]
    name = "TERM"
    if args and args[0] == "-l":
        names = [n for n, _ in sorted(SIGNAL_NUMBERS.items(), key=lambda item: item[1])]
        yield from proc.write("\n".join(names) + "\n", redirect)
        return 0
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        raw, args = args[1], args[2:]
        found = signal_name(raw) if raw != "0" else "0"
        if found is None:
            yield from proc.error(f"sh: bad signal name '{raw}'\n")
            return 1
        name = found
    elif args and args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
        raw, args = args[0][1:], args[1:]
        found = signal_name(raw) if raw != "0" else "0"
        if found is None:
            yield from proc.error(f"sh: bad signal name '{raw}'\n")
            return 1
        name = found
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return (yield from usage(proc, "kill"))
    status = 0
    for arg in args:
        if arg.startswith("%") and arg[1:].isdigit():
            index = int(arg[1:]) - 1
            pid = proc.jobs[index].pid if 0 <= index < len(proc.jobs) else -1
        else:
            try:
                pid = int(arg)
            except ValueError:
                yield from proc.error(f"sh: invalid number '{arg}'\n")
                status = 1
                continue
        if pid == proc.shell_pid == 1:
            if proc.traps.get(name):
                proc.pending.append(name)  # the trap runs once this command returns
            continue  # PID 1 ignores signals it has no handler for, even SIGKILL
        if name == "0" and any(job.pid == pid and job.status is None for job in proc.jobs):
            continue
        if proc.kill_job(pid, name):
            continue
        if pid == 1:
            # PID 1 seen from another process of the container (a probe, a hook): only
            # signals it handles reach it, as the kernel protects a namespace's init.
            handle = proc.container
            if name not in ("0", "KILL", "STOP") and hasattr(handle, "signal_pid1"):
                handle.signal_pid1(name)
            continue
        yield from proc.error(f"sh: can't kill pid {pid}: No such process\n")
        status = 1
    return status


@utility("wait")
def wait(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``wait [PID...]``: block until the jobs exit; a trapped signal interrupts it."""
    pids: list[int] = []
    for arg in argv[1:]:
        try:
            pid = (
                int(arg.removeprefix("%"))
                if not arg.startswith("%")
                else proc.jobs[int(arg[1:]) - 1].pid
            )
        except (ValueError, IndexError):
            yield from proc.error(f"sh: wait: invalid number '{arg}'\n")
            return 2
        if not any(job.pid == pid for job in proc.jobs):
            return 127
        pids.append(pid)
    if not proc._jobs_done(tuple(pids)):
        proc.waiting = True
        try:
            yield WaitJobs(tuple(pids))
        except Signal as sig:
            return 128 + sig.number
        finally:
            proc.waiting = False
    if pids:
        job = next(job for job in proc.jobs if job.pid == pids[-1])
        proc.reap(tuple(pids))
        return job.status or 0
    proc.reap()
    return 0


def _assignment_args(args: list[str]) -> Iterable[tuple[str, str | None]]:
    for arg in args:
        name, eq, value = arg.partition("=")
        yield name, (value if eq else None)


@utility("export")
def export(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for name in sorted(proc.exported):
            if name in proc.env:
                value = proc.env[name].replace("'", "'\\''")
                yield from proc.write(f"export {name}='{value}'\n", redirect)
        return 0
    status = 0
    for name, value in _assignment_args(args):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            yield from proc.error(f"sh: export: bad variable name '{name}'\n")
            status = 1
            continue
        if value is not None:
            proc.setvar(name, value)
        proc.exported.add(name)
    return status


@utility("local")
def local(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``local NAME[=VALUE]``: the playground has no scopes; it sets the variable."""
    for name, value in _assignment_args(argv[1:]):
        proc.setvar(name, value if value is not None else proc.env.get(name, ""))
    return 0
    yield  # pragma: no cover


@utility("unset")
def unset(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    functions = "-f" in argv[1:]
    for name in argv[1:]:
        if name in ("-f", "-v"):
            continue
        if functions:
            proc.functions.pop(name, None)
        else:
            proc.unsetvar(name)
            proc.exported.discard(name)
    return 0
    yield  # pragma: no cover


@utility("set")
def set_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = argv[1:]
    if not args:
        for name in sorted(proc.env):
            value = proc.env[name].replace("'", "'\\''")
            yield from proc.write(f"{name}='{value}'\n", redirect)
        return 0
    while args and args[0][:1] in "-+" and args[0] not in ("-", "--"):
        flag = args.pop(0)
        on = flag[0] == "-"
        letters = list(flag[1:])
        if letters == ["o"]:
            if not args:
                return 0
            option = args.pop(0)
            letters = [{"errexit": "e", "nounset": "u", "xtrace": "x"}.get(option, option)]
        for letter in letters:
            if on:
                proc.options.add(letter)
            else:
                proc.options.discard(letter)
    if args[:1] in (["--"], ["-"]):
        args = args[1:]
        proc.positional = list(args)
    elif args:
        proc.positional = list(args)
    return 0


@utility("shift")
def shift(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if count > len(proc.positional):
        yield from proc.error("sh: shift: can't shift that many\n")
        return 1
    proc.positional = proc.positional[count:]
    return 0


@utility("read")
def read(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``read [-r] [-p PROMPT] NAME...``: one line of stdin, split over the names."""
    parsed = yield from getopt(proc, argv, "rs", "pt")
    if parsed is None:
        return 2
    opts, names = parsed
    names = names or ["REPLY"]
    if isinstance(opts.get("p"), str):
        yield from proc.error(str(opts["p"]))
    line = proc.stdin.readline()
    status = 0 if line is not None and line.endswith("\n") else 1
    text = (line or "").removesuffix("\n")
    if "r" not in opts:
        text = re.sub(r"\\(.)", r"\1", text)
    ifs = proc.env.get("IFS", " \t\n")
    fields = [f for f in re.split(f"[{re.escape(ifs)}]+", text.strip(ifs)) if f] if ifs else [text]
    if len(names) == 1:
        fields = [text.strip(ifs)] if text.strip(ifs) else []
    for index, name in enumerate(names):
        if index == len(names) - 1 and len(fields) > len(names):
            rest = re.split(f"[{re.escape(ifs)}]+", text.strip(ifs), maxsplit=index)
            proc.setvar(name, rest[-1] if rest else "")
        else:
            proc.setvar(name, fields[index] if index < len(fields) else "")
    return status if line is not None else 1


@utility("cd")
def cd(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    target = argv[1] if len(argv) > 1 else proc.env.get("HOME", "/root")
    if target == "-":
        target = proc.env.get("OLDPWD", proc.cwd)
    path = posixpath.normpath(proc.abspath(target))
    if not proc.fs.is_dir(path):
        reason = "Not a directory" if proc.fs.exists(path) else ENOENT
        yield from proc.error(f"sh: cd: can't cd to {target}: {reason}\n")
        return 2
    proc.env["OLDPWD"] = proc.cwd
    proc.cwd = path if path != "//" else "/"
    proc.env["PWD"] = proc.cwd
    return 0


@utility("pwd")
def pwd(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    yield from proc.write(proc.cwd + "\n", redirect)
    return 0


@utility("break")
def break_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if proc._loops:
        raise _Break(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1)
    return 0
    yield  # pragma: no cover


@utility("continue")
def continue_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if proc._loops:
        raise _Continue(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1)
    return 0
    yield  # pragma: no cover


@utility("return")
def return_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    raise _Return(int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].isdigit() else proc.status)
    yield  # pragma: no cover


@utility("eval")
def eval_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return (yield from proc.run_script(" ".join(argv[1:])))


@utility(".", "source")
def source(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return 0
    try:
        script = proc.fs.read(proc.abspath(argv[1]))
    except FsError as exc:
        yield from proc.error(f"sh: .: can't open '{argv[1]}': {exc.reason}\n")
        return 2
    return (yield from proc.run_script(script))


@utility("exec")
def exec_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``exec CMD ARGS``: the command replaces the shell (and becomes PID 1)."""
    if len(argv) < 2:
        return 0
    if proc.pid1:
        proc.pid1 = basename(argv[1])
    status = yield from proc.exec(argv[1:], redirect)
    raise ExitProgram(status)


@utility("sleep")
def sleep(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "sleep"))
    total = 0.0
    for arg in argv[1:]:
        if arg in ("inf", "infinity"):
            total = math.inf
            continue
        m = DURATION.match(arg)
        if not m:
            yield from proc.error(f"sleep: invalid number '{arg}'\n")
            return 1
        total += float(m.group(1)) * UNIT_MS[m.group(2)]
    ms = total if math.isinf(total) else round(total)
    if ms < 1:  # nanosleep still takes the timer slack (50 us) and the syscalls
        yield from cpu(proc, SLEEP_MIN_US)
        return 0
    yield Sleep(ms)
    return 0


# -- test ----------------------------------------------------------------------

UNARY = frozenset(
    {"-r", "-w", "-x", "-e", "-f", "-d", "-c", "-b", "-p", "-u", "-g", "-k", "-s", "-t", "-z"}
    | {"-n", "-h", "-O", "-G", "-L", "-S"}
)
BINARY = frozenset(
    {"=", "==", "!=", "<", ">", "-eq", "-ne", "-ge", "-gt", "-le", "-lt", "-nt", "-ot", "-ef"}
)


class _TestError(Exception):
    pass


class _Test:
    """busybox ``test``: the grammar of coreutils/test.c, operand by operand."""

    def __init__(self, proc: Process, args: list[str]) -> None:
        self.proc = proc
        self.args = args
        self.i = 0
        self.depth = 0  # parentheses open

    def at(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.args[j] if j < len(self.args) else None

    def run(self) -> int:
        if not self.args:
            return 1
        result = self.oexpr()
        if self.at() is not None:
            raise _TestError(f"sh: {self.at()}: unknown operand\n")
        return 0 if result else 1

    def oexpr(self) -> bool:
        results = [self.aexpr()]
        while self.at() == "-o":  # loops, not recursion: a chain can be long
            self.i += 1
            results.append(self.aexpr())
        return any(results)

    def aexpr(self) -> bool:
        results = [self.nexpr()]
        while self.at() == "-a":
            self.i += 1
            results.append(self.nexpr())
        return all(results)

    def nexpr(self) -> bool:
        negations = 0
        while self.at() == "!":
            self.i += 1
            negations += 1
        return self.primary() != (negations % 2 == 1)

    def primary(self) -> bool:
        arg = self.at()
        if arg is None:
            raise _TestError("sh: argument expected\n")
        if arg == "(":
            self.i += 1
            self.depth += 1
            if self.depth > NESTING:
                raise _TestError(
                    f"sh: test: nested too deeply (the playground's limit: {NESTING})\n"
                )
            res = self.oexpr()
            self.depth -= 1
            if self.at() != ")":
                raise _TestError("sh: closing paren expected\n")
            self.i += 1
            return res
        if self.at(1) in BINARY and self.at(2) is not None:
            return self.binop()
        if arg in UNARY:
            operand = self.at(1)
            if operand is None:
                self.i += 1
                return True
            self.i += 2
            if arg == "-z":
                return operand == ""
            if arg == "-n":
                return operand != ""
            if arg == "-t":
                self.number(operand)
                return False
            return self.filetest(arg, operand)
        if self.at(1) in BINARY:
            raise _TestError(f"sh: {self.at(1)}: argument expected\n")
        self.i += 1
        return arg != ""

    def number(self, text: str) -> int:
        m = re.fullmatch(r"\s*([-+]?\d+)\s*", text)
        if not m:
            raise _TestError(f"sh: {text}: bad number\n")
        return int(m.group(1))

    def binop(self) -> bool:
        a, op, b = self.at(), self.at(1), self.at(2)
        assert a is not None and op is not None and b is not None
        self.i += 3
        if op in ("=", "=="):
            return a == b
        if op == "!=":
            return a != b
        if op in ("<", ">"):
            return (a < b) if op == "<" else (a > b)
        if op.startswith("-") and op[1:] in ("eq", "ne", "ge", "gt", "le", "lt"):
            x, y = self.number(a), self.number(b)
            return {
                "-eq": x == y,
                "-ne": x != y,
                "-ge": x >= y,
                "-gt": x > y,
                "-le": x <= y,
                "-lt": x < y,
            }[op]
        fs = self.proc.fs
        try:
            sa, sb = fs.stat(self.proc.abspath(a)), fs.stat(self.proc.abspath(b))
        except FsError:
            return False
        if op == "-nt":
            return sa.mtime > sb.mtime
        if op == "-ot":
            return sa.mtime < sb.mtime
        return fs.realpath(self.proc.abspath(a)) == fs.realpath(self.proc.abspath(b))

    def filetest(self, op: str, operand: str) -> bool:
        path = self.proc.abspath(operand)
        fs = self.proc.fs
        try:
            st: Stat = fs.lstat(path) if op in ("-h", "-L") else fs.stat(path)
        except FsError:
            return False
        checks: dict[str, Callable[[Stat], bool]] = {
            "-e": lambda s: True,
            "-f": lambda s: s.kind == "file",
            "-d": lambda s: s.kind == "directory",
            "-c": lambda s: s.kind == "device",
            "-b": lambda s: False,
            "-p": lambda s: False,
            "-S": lambda s: False,
            "-h": lambda s: s.kind == "symlink",
            "-L": lambda s: s.kind == "symlink",
            "-s": lambda s: s.size > 0,
            "-r": lambda s: True,
            "-w": lambda s: fs.mount_of(path).writable,
            "-x": lambda s: bool(s.mode & 0o111),
            "-u": lambda s: bool(s.mode & 0o4000),
            "-g": lambda s: bool(s.mode & 0o2000),
            "-k": lambda s: bool(s.mode & 0o1000),
            "-O": lambda s: True,
            "-G": lambda s: True,
        }
        return checks[op](st)


@utility("test", "[", "[[")
def test(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``test``/``[``; busybox ash also has ``[[ ... ]]`` (plain tests, ``==`` as ``=``)."""
    args = argv[1:]
    name = basename(argv[0])
    if name in ("[", "[["):
        closing = "]" if name == "[" else "]]"
        if not args or args[-1] != closing:
            yield from proc.error(f"sh: missing {closing}\n")
            return 2
        args = args[:-1]
        if name == "[[":
            args = ["=" if a == "==" else a for a in args]
    try:
        return _Test(proc, args).run()
    except _TestError as exc:
        yield from proc.error(str(exc))
        return 2


# -- files -------------------------------------------------------------------


@utility("cat")
def cat(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "nbvteAsu")
    if parsed is None:
        return 1
    opts, paths = parsed
    status = 0
    chunks: list[str] = []
    for path in paths or ["-"]:
        if path == "-":
            chunks.append(proc.read_stdin())
            continue
        try:
            chunks.append(proc.fs.read(proc.abspath(path)))
        except FsError as exc:
            if chunks:
                yield from proc.write("".join(chunks), redirect)
                chunks.clear()
            if exc.reason == EISDIR:
                yield from proc.error("cat: read error: Is a directory\n")
            else:
                yield from proc.error(f"cat: can't open '{path}': {exc.reason}\n")
            status = 1
    text = "".join(chunks)
    if "n" in opts or "b" in opts:
        lines = text.splitlines(keepends=True)
        number, numbered = 0, []
        for line in lines:
            if "b" in opts and line == "\n":
                numbered.append(line)
                continue
            number += 1
            numbered.append(f"{number:6d}\t{line}")
        text = "".join(numbered)
    yield from proc.write(text, redirect)
    return status


@utility("touch")
def touch(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "cham", "dtr")
    if parsed is None:
        return 1
    opts, paths = parsed
    if not paths:
        return (yield from usage(proc, "touch"))
    status = 0
    for path in paths:
        absolute = proc.abspath(path)
        if "c" in opts and not proc.fs.exists(absolute):
            continue
        try:
            proc.fs.touch(absolute)
        except FsError as exc:
            yield from proc.error(f"touch: {path}: {exc.reason}\n")
            status = 1
    return status


@utility("rm")
def rm(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "fiRrv")
    if parsed is None:
        return 1
    opts, paths = parsed
    force, recursive = "f" in opts, "r" in opts or "R" in opts
    if not paths:
        return 0 if force else (yield from usage(proc, "rm"))
    status = 0
    for path in paths:
        try:
            proc.fs.remove(proc.abspath(path), recursive=recursive)
        except FsError as exc:
            if exc.reason == ENOENT and force and exc.path == proc.abspath(path):
                continue
            if exc.reason == EISDIR and not recursive:
                yield from proc.error(f"rm: '{path}' is a directory\n")
            else:
                shown = path if exc.path == proc.abspath(path) else exc.path
                yield from proc.error(f"rm: can't remove '{shown}': {exc.reason}\n")
            status = 1
    return status


@utility("mkdir")
def mkdir(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "pv", "m")
    if parsed is None:
        return 1
    opts, paths = parsed
    if not paths:
        return (yield from usage(proc, "mkdir"))
    mode = int(str(opts["m"]), 8) if isinstance(opts.get("m"), str) else 0o755
    status = 0
    for path in paths:
        try:
            proc.fs.mkdir(proc.abspath(path), parents="p" in opts, mode=mode)
        except FsError as exc:
            shown = path if exc.path == proc.abspath(path) else exc.path
            yield from proc.error(f"mkdir: can't create directory '{shown}': {exc.reason}\n")
            status = 1
    return status


@utility("rmdir")
def rmdir(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "p")
    if parsed is None:
        return 1
    _, paths = parsed
    if not paths:
        return (yield from usage(proc, "rmdir"))
    status = 0
    for path in paths:
        try:
            proc.fs.rmdir(proc.abspath(path))
        except FsError as exc:
            yield from proc.error(f"rmdir: '{path}': {exc.reason}\n")
            status = 1
    return status


@utility("ln")
def ln(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "sfnv")
    if parsed is None:
        return 1
    opts, args = parsed
    if len(args) != 2 or "s" not in opts:
        return (yield from usage(proc, "ln"))
    target, link = args
    path = proc.abspath(link)
    if proc.fs.is_dir(path):
        path = f"{path.rstrip('/')}/{basename(target)}"
    try:
        if "f" in opts and proc.fs.lexists(path):
            proc.fs.remove(path)
        proc.fs.symlink(target, path)
    except FsError as exc:
        yield from proc.error(f"ln: {link}: {exc.reason}\n")
        return 1
    return 0


@utility("cp")
def cp(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "rRfapdv")
    if parsed is None:
        return 1
    opts, args = parsed
    if len(args) < 2:
        return (yield from usage(proc, "cp"))
    *sources, dest = args
    fs = proc.fs
    into_dir = fs.is_dir(proc.abspath(dest))
    status = 0

    def copy(src: str, dst: str, depth: int = 0) -> None:
        if depth > COPY_DEPTH:  # Python's stack, not ash's: a playground limit
            raise FsError(ENAMETOOLONG, dst)
        node = fs.lookup(src, follow=False)
        if isinstance(node, Symlink) and src != source:  # inside a tree: copied as a link
            fs.symlink(node.target, dst)
            return
        node = fs.lookup(src)
        if isinstance(node, Directory):
            if not fs.exists(dst):
                fs.mkdir(dst)
            for name in fs.listdir(src):
                copy(f"{src.rstrip('/')}/{name}", f"{dst.rstrip('/')}/{name}", depth + 1)
        else:
            fs.write(dst, fs.read(src))

    for src in sources:
        source = proc.abspath(src)
        target = proc.abspath(dest)
        if into_dir:
            target = f"{target.rstrip('/')}/{basename(src)}"
        if not fs.exists(source):
            yield from proc.error(f"cp: can't stat '{src}': {ENOENT}\n")
            status = 1
            continue
        if fs.is_dir(source) and not ("r" in opts or "R" in opts or "a" in opts):
            yield from proc.error(f"cp: omitting directory '{src}'\n")
            status = 1
            continue
        if fs.is_dir(source) and (target + "/").startswith(source.rstrip("/") + "/"):
            yield from proc.error(f"cp: recursion detected, omitting directory '{src}'\n")
            status = 1
            continue
        try:
            copy(source, target)
        except FsError as exc:
            yield from proc.error(f"cp: can't create '{dest}': {exc.reason}\n")
            status = 1
    return status


@utility("mv")
def mv(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "fin")
    if parsed is None:
        return 1
    _, args = parsed
    if len(args) < 2:
        return (yield from usage(proc, "mv"))
    *sources, dest = args
    status = 0
    for src in sources:
        try:
            proc.fs.rename(proc.abspath(src), proc.abspath(dest))
        except FsError as exc:
            if exc.reason == ENOENT and not proc.fs.lexists(proc.abspath(src)):
                yield from proc.error(f"mv: can't rename '{src}': {exc.reason}\n")
            else:
                yield from proc.error(f"mv: can't rename '{src}': {exc.reason}\n")
            status = 1
    return status


def _ls_time(ms: int, now: int) -> str:
    when = wall_time(ms)
    age = (now - ms) / 1000
    if -15 * 60 < age < 365 * 24 * 3600 / 2:
        return f"{when:%b} {when.day:2d} {when:%H:%M}"
    return f"{when:%b} {when.day:2d}  {when.year}"


def _ls_long(name: str, st: Stat, now: int) -> str:
    size = f"{st.rdev[0]:4d}, {st.rdev[1]:3d}" if st.kind == "device" else f"{st.size:9d}"
    line = f"{st.mode_string:<10} {st.nlink:4d} {'root':<8} {'root':<8} {size} "
    line += f"{_ls_time(st.mtime, now)} {name}"
    if st.kind == "symlink":
        line += f" -> {st.target}"
    return line


@utility("ls")
def ls(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """busybox ``ls`` writing to a pipe: one name per line; ``-l`` long format."""
    parsed = yield from getopt(proc, argv, "aAlL1dFrtRhinCsSe")
    if parsed is None:
        return 2
    opts, operands = parsed
    long = "l" in opts or "n" in opts
    fs = proc.fs
    now = fs.now()
    status = 0
    files: list[tuple[str, Stat]] = []
    dirs: list[tuple[str, str]] = []
    for operand in operands or ["."]:
        path = proc.abspath(operand)
        try:
            st = fs.lstat(path)
            if (st.kind == "symlink" and not long and "d" not in opts) or "L" in opts:
                st = fs.stat(path)
        except FsError as exc:
            yield from proc.error(f"ls: {operand}: {exc.reason}\n")
            status = 1
            continue
        if st.kind == "directory" and "d" not in opts:
            dirs.append((operand, path))
        else:
            files.append((operand, st))

    def order(rows: list[tuple[str, Stat]]) -> list[tuple[str, Stat]]:
        rows = sorted(rows, key=lambda row: row[0].encode())
        if "t" in opts:
            rows.sort(key=lambda row: -row[1].mtime)
        if "r" in opts:
            rows.reverse()
        return rows

    def show(name: str, st: Stat) -> str:
        if long:
            return _ls_long(name, st, now)
        return name

    out: list[str] = [show(name, st) + "\n" for name, st in order(files)]
    header = len(operands) > 1
    first = not files
    for operand, path in sorted(dirs, key=lambda d: d[0].encode()):
        if header:
            out.append(("" if first else "\n") + f"{operand}:\n")
        first = False
        try:
            rows = fs.listing(path, all="a" in opts)
        except FsError as exc:
            yield from proc.error(f"ls: {operand}: {exc.reason}\n")
            status = 1
            continue
        if not ("a" in opts or "A" in opts):
            rows = [row for row in rows if not row[0].startswith(".")]
        if long:
            out.append(f"total {sum(st.blocks for _, st in rows)}\n")
        out += [show(name, st) + "\n" for name, st in order(rows)]
    yield from proc.write("".join(out), redirect)
    return status


@utility("tee")
def tee(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "ai")
    if parsed is None:
        return 1
    opts, paths = parsed
    text = proc.read_stdin()
    status = 0
    for path in paths:
        try:
            proc.fs.write(proc.abspath(path), text, append="a" in opts)
        except FsError as exc:
            yield from proc.error(f"tee: {path}: {exc.reason}\n")
            status = 1
    yield from proc.write(text, redirect)
    return status


@utility("basename")
def basename_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "basename"))
    name = basename(argv[1]) or "/"
    if len(argv) > 2 and name != argv[2] and name.endswith(argv[2]):
        name = name[: -len(argv[2])]
    yield from proc.write(name + "\n", redirect)
    return 0


@utility("dirname")
def dirname(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "dirname"))
    path = argv[1].rstrip("/") or "/"
    head = path.rsplit("/", 1)[0] if "/" in path else "."
    yield from proc.write((head.rstrip("/") or "/") + "\n", redirect)
    return 0


# -- text --------------------------------------------------------------------


def read_inputs(
    proc: Process, name: str, paths: list[str]
) -> Generator[Action, None, tuple[list[tuple[str, str]], int]]:
    """(name, text) for each readable input (``-`` or none: stdin), and the status so far."""
    inputs: list[tuple[str, str]] = []
    status = 0
    for path in paths or ["-"]:
        if path == "-":
            inputs.append(("standard input", proc.read_stdin()))
            continue
        try:
            inputs.append((path, proc.fs.read(proc.abspath(path))))
        except FsError as exc:
            if exc.reason == EISDIR:
                yield from proc.error(f"{name}: read error: Is a directory\n")
            else:
                yield from proc.error(f"{name}: can't open '{path}': {exc.reason}\n")
            status = 1
    return inputs, status


@utility("wc")
def wc(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    parsed = yield from getopt(proc, argv, "lwmcL")
    if parsed is None:
        return 1
    opts, paths = parsed
    order = [c for c in "lwmcL" if c in opts] or ["l", "w", "c"]
    inputs, status = yield from read_inputs(proc, "wc", paths)
    single = len(paths) <= 1 and len(order) == 1
    totals = dict.fromkeys(order, 0)
    out: list[str] = []

    def line(counts: dict[str, int], name: str) -> str:
        cells = [
            f"{counts[c]}" if single and i == 0 else f"{counts[c]:9d}" for i, c in enumerate(order)
        ]
        return " ".join(cells) + (f" {name}" if name else "") + "\n"

    for name, text in inputs:
        data = text.encode()
        counts = {
            "l": text.count("\n"),
            "w": len(text.split()),
            "m": len(text),
            "c": len(data),
            "L": max((len(x.expandtabs()) for x in text.split("\n")), default=0),
        }
        for c in order:
            totals[c] = max(totals[c], counts[c]) if c == "L" else totals[c] + counts[c]
        out.append(line(counts, "" if not paths else name))
    if len(paths) > 1:
        out.append(line(totals, "total"))
    yield from proc.write("".join(out), redirect)
    return status


def _count_arg(raw: str) -> tuple[int, bool] | None:
    """``N``, ``-N`` or ``+N`` (from the top); None if invalid."""
    m = re.fullmatch(r"([-+]?)(\d+)", raw)
    if not m:
        return None
    return int(m.group(2)), m.group(1) == "+"


@utility("head")
def head(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) > 1 and re.fullmatch(r"-\d+", argv[1]):
        argv = [argv[0], "-n", argv[1][1:], *argv[2:]]
    parsed = yield from getopt(proc, argv, "qv", "nc")
    if parsed is None:
        return 1
    opts, paths = parsed
    count, by_bytes = 10, False
    for key in ("n", "c"):
        raw = opts.get(key)
        if isinstance(raw, str):
            found = _count_arg(raw)
            if found is None:
                yield from proc.error(f"head: invalid number '{raw}'\n")
                return 1
            count, by_bytes = found[0], key == "c"
    inputs, status = yield from read_inputs(proc, "head", paths)
    out: list[str] = []
    headers = (len(paths) > 1 and "q" not in opts) or "v" in opts
    for index, (name, text) in enumerate(inputs):
        if headers:
            out.append(("\n" if index else "") + f"==> {name} <==\n")
        if by_bytes:
            out.append(text.encode()[:count].decode(errors="ignore"))
        else:
            out.append("".join(text.splitlines(keepends=True)[:count]))
    yield from proc.write("".join(out), redirect)
    return status


def _tail_text(text: str, count: int, from_top: bool, by_bytes: bool) -> str:
    if by_bytes:
        data = text.encode()
        part = data[max(count - 1, 0) :] if from_top else (data[-count:] if count else b"")
        return part.decode(errors="ignore")
    lines = text.splitlines(keepends=True)
    if from_top:
        return "".join(lines[max(count - 1, 0) :])
    return "".join(lines[-count:]) if count else ""


@utility("tail")
def tail(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``tail [-n N|+N] [-c N] [-f|-F] [-s SEC] FILE...``; ``-f`` polls every second."""
    if len(argv) > 1 and re.fullmatch(r"[-+]\d+", argv[1]):
        argv = [argv[0], "-n", argv[1], *argv[2:]]
    parsed = yield from getopt(proc, argv, "fFqv", "ncs")
    if parsed is None:
        return 1
    opts, paths = parsed
    count, from_top, by_bytes = 10, False, False
    for key in ("n", "c"):
        raw = opts.get(key)
        if isinstance(raw, str):
            found = _count_arg(raw)
            if found is None:
                yield from proc.error(f"tail: invalid number '{raw}'\n")
                return 1
            (count, from_top), by_bytes = found, key == "c"
    retry = "F" in opts
    follow = ("f" in opts or retry) and bool(paths)
    period = float(str(opts["s"])) * 1000 if isinstance(opts.get("s"), str) else 1000.0
    fs = proc.fs
    headers = (len(paths) > 1 and "q" not in opts) or "v" in opts
    status = 0
    out: list[str] = []
    watched: list[list[object]] = []  # [name, path, node, position]
    printed = 0
    for name in paths or ["-"]:
        if name == "-":
            text = proc.read_stdin()
            node: object = None
        else:
            path = proc.abspath(name)
            node = fs.lookup(path)
            if not isinstance(node, File | Device):
                reason = EISDIR if isinstance(node, Directory) else ENOENT
                yield from proc.error(f"tail: can't open '{name}': {reason}\n")
                status = 1
                if retry:
                    watched.append([name, path, None, 0])
                continue
            text = node.content if isinstance(node, File) else ""
            watched.append([name, path, node, len(text)])
        if headers:
            out.append(("\n" if printed else "") + f"==> {name} <==\n")
        printed += 1
        out.append(_tail_text(text, count, from_top, by_bytes))
    if not printed and not (follow and retry):
        yield from proc.write("".join(out), redirect)
        yield from proc.error("tail: no files\n")
        return 1
    yield from proc.write("".join(out), redirect)
    if not follow:
        return status
    last = len(watched) - 1
    while True:
        yield Sleep(period)
        for index, entry in enumerate(watched):
            name, path, node, position = entry
            assert isinstance(name, str) and isinstance(path, str) and isinstance(position, int)
            if retry:
                current = fs.lookup(path)
                if current is not node:
                    if isinstance(current, File):
                        state = "appeared" if node is None else "been replaced"
                        message = f"tail: {name} has {state}; following end of new file\n"
                        yield from proc.error(message)
                    elif node is not None:
                        yield from proc.error(f"tail: {name} has become inaccessible: {ENOENT}\n")
                    entry[2] = node = current if isinstance(current, File) else None
                    entry[3] = position = 0
            if not isinstance(node, File):
                continue
            content = node.content
            if len(content) < position:
                position = 0
            new = content[position:]
            entry[3] = len(content)
            if new:
                if headers and index != last:
                    yield from proc.write(f"\n==> {name} <==\n", redirect)
                    last = index
                yield from proc.write(new, redirect)


BACKREFERENCES = "the playground's regex engine (RE2) has no backreferences"


@utility("grep", "egrep", "fgrep")
def grep(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    name = basename(argv[0])
    parsed = yield from getopt(proc, argv, "qvicnlLsFEHhxwor", "em")
    if parsed is None:
        return 2
    opts, args = parsed
    patterns = [str(opts["e"])] if isinstance(opts.get("e"), str) else []
    if not patterns:
        if not args:
            return (yield from usage(proc, "grep"))
        patterns, args = [args[0]], args[1:]
    patterns = [p for pattern in patterns for p in pattern.split("\n")]
    fixed = "F" in opts or name == "fgrep"
    extended = "E" in opts or name == "egrep"
    try:
        regex = compile_any(
            tuple(patterns), extended=extended, fixed=fixed, icase="i" in opts, word="w" in opts
        )
    except BackreferenceError as exc:
        yield from proc.error(f"grep: bad regex '{patterns[0]}': {BACKREFERENCES} (\\{exc})\n")
        return 2
    except RegexError:
        yield from proc.error(f"grep: bad regex '{patterns[0]}'\n")
        return 2
    status = 0
    found = False
    out: list[str] = []
    show_names = (len(args) > 1 or "H" in opts) and "h" not in opts
    limit = int(str(opts["m"])) if isinstance(opts.get("m"), str) else -1
    for path in args or ["-"]:
        if path == "-":
            label, text = "(standard input)", proc.read_stdin()
        else:
            label = path
            try:
                text = proc.fs.read(proc.abspath(path))
            except FsError as exc:
                if "s" not in opts:
                    yield from proc.error(f"grep: {path}: {exc.reason}\n")
                status = 2
                continue
        count = 0
        for number, line in enumerate(text.splitlines(), 1):
            if count == limit:
                break
            yield from cpu(proc, REGEX_LINE_US + len(line) * REGEX_BYTE_US)
            match = regex.fullmatch(line) if "x" in opts else regex.search(line)
            if bool(match) == ("v" in opts):
                continue
            count += 1
            found = True
            if "q" in opts:
                return 0
            if "c" in opts or "l" in opts or "L" in opts:
                continue
            prefix = (f"{label}:" if show_names else "") + (f"{number}:" if "n" in opts else "")
            if "o" in opts and match:
                out += [prefix + m.group(0) + "\n" for m in regex.finditer(line) if m.group(0)]
            else:
                out.append(prefix + line + "\n")
        if "c" in opts:
            out.append((f"{label}:" if show_names else "") + f"{count}\n")
        elif ("l" in opts and count) or ("L" in opts and not count):
            out.append(label + "\n")
    yield from proc.write("".join(out), redirect)
    if status == 2 and not (found and "q" in opts):
        return 2
    return 0 if found else 1


@utility("seq")
def seq(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = argv[1:]
    separator, width = "\n", False
    while args and (args[0] == "-w" or args[0].startswith("-s")):
        flag = args.pop(0)
        if flag == "-w":
            width = True
        elif flag == "-s":
            if not args:
                return (yield from usage(proc, "seq"))
            separator = args.pop(0)
        else:
            separator = flag[2:]
    if not 1 <= len(args) <= 3:
        return (yield from usage(proc, "seq"))
    values: list[float] = []
    for arg in args:
        try:
            values.append(float(arg))
        except ValueError:
            yield from proc.error(f"seq: invalid '{arg}'\n")
            return 1
    first, step, last = (
        (1.0, 1.0, values[0])
        if len(values) == 1
        else (values[0], 1.0, values[1])
        if len(values) == 2
        else (values[0], values[1], values[2])
    )
    precision = max((len(a.partition(".")[2]) for a in args if "." in a), default=0)
    digits = max(len(f"{v:.{precision}f}") for v in (first, last)) if width else 0

    def numbers() -> Iterable[str]:
        index = 0
        while step != 0:
            value = first + index * step
            if (step > 0 and value > last) or (step < 0 and value < last):
                return
            text = f"{value:0{digits}.{precision}f}"
            yield (separator if index else "") + text
            index += 1

    yield from emit_lines(proc, numbers(), redirect)
    if step != 0 and ((step > 0 and first <= last) or (step < 0 and first >= last)):
        yield from proc.write("\n", redirect)
    return 0


@utility("yes")
def yes(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """Print ``y`` (or the arguments) forever, at its cost in simulated CPU time.

    Into a pipe or a file: ``YES_BLOCK`` bytes at a time at ``YES_BYTE_US`` a
    byte. To the container's log, ``LINE_US`` a line, as ``seq``: the log is
    read line by line (DESIGN.md, "Container CPU").
    """
    line = (" ".join(argv[1:]) if len(argv) > 1 else "y") + "\n"
    target = proc.stdout if redirect is None else redirect
    if not isinstance(target, Log):  # a pipe, a file: whole buffers, as stdio writes them
        block = line * max(1, YES_BLOCK // len(line))
        while True:
            yield from proc.write(block, redirect)
            yield from proc.spend(len(block) * YES_BYTE_US)

    count = max(1, STDIO_BUFFER // len(line))
    block = line * count
    while True:
        yield from proc.spend(count * LINE_US)
        yield from proc.write(block, redirect)


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


class _ExprError(Exception):
    def __init__(self, message: str, status: int = 2) -> None:
        self.message = message
        self.status = status


class _Expr:
    """busybox ``expr``: ``|`` < ``&`` < comparisons < ``+ -`` < ``* / %`` < ``:``."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.i = 0
        self.depth = 0  # primaries being read inside one another

    def at(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def run(self) -> str | int:
        value = self.or_()
        if self.at() is not None:
            raise _ExprError("expr: syntax error")
        return value

    @staticmethod
    def is_null(v: str | int) -> bool:
        return v == 0 or v == "" or (isinstance(v, str) and re.fullmatch(r"-?0+", v) is not None)

    @staticmethod
    def to_int(v: str | int) -> int:
        if isinstance(v, int):
            return v
        if re.fullmatch(r"\s*[-+]?\d+\s*", v):
            return int(v)
        raise _ExprError("expr: non-numeric argument")

    def or_(self) -> str | int:
        left = self.and_()
        while self.at() == "|":
            self.i += 1
            right = self.and_()
            left = right if self.is_null(left) and not self.is_null(right) else left
            left = 0 if self.is_null(left) else left
        return left

    def and_(self) -> str | int:
        left = self.compare()
        while self.at() == "&":
            self.i += 1
            right = self.compare()
            left = 0 if self.is_null(left) or self.is_null(right) else left
        return left

    def compare(self) -> str | int:
        left = self.additive()
        while self.at() in ("=", "==", "!=", "<", "<=", ">", ">="):
            op = self.at()
            self.i += 1
            right = self.additive()
            try:
                a: str | int = self.to_int(left)
                b: str | int = self.to_int(right)
            except _ExprError:
                a, b = str(left), str(right)
            result = {
                "=": a == b,
                "==": a == b,
                "!=": a != b,
                "<": a < b,  # type: ignore[operator]
                "<=": a <= b,  # type: ignore[operator]
                ">": a > b,  # type: ignore[operator]
                ">=": a >= b,  # type: ignore[operator]
            }[op or "="]
            left = int(result)
        return left

    def additive(self) -> str | int:
        left = self.multiplicative()
        while self.at() in ("+", "-"):
            op = self.at()
            self.i += 1
            right = self.multiplicative()
            a, b = self.to_int(left), self.to_int(right)
            left = a + b if op == "+" else a - b
        return left

    def multiplicative(self) -> str | int:
        left = self.match()
        while self.at() in ("*", "/", "%"):
            op = self.at()
            self.i += 1
            right = self.match()
            a, b = self.to_int(left), self.to_int(right)
            if op == "*":
                left = a * b
                continue
            if b == 0:
                raise _ExprError("expr: division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            left = q if op == "/" else a - q * b
        return left

    def match(self) -> str | int:
        left = self.primary()
        while self.at() == ":":
            self.i += 1
            pattern = self.primary()
            regex = compile_posix(str(pattern), extended=False)
            m = regex.match(str(left))
            if m is None:
                left = "" if regex.groups else 0
            else:
                left = (m.group(1) or "") if regex.groups else m.end()
        return left

    def primary(self) -> str | int:
        self.depth += 1
        try:
            if self.depth > NESTING:  # Python's stack, not busybox's: a playground limit
                raise _ExprError(f"expr: nested too deeply (the playground's limit: {NESTING})")
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> str | int:
        arg = self.at()
        if arg is None:
            raise _ExprError("expr: syntax error")
        self.i += 1
        if arg == "(":
            value = self.or_()
            if self.at() != ")":
                raise _ExprError("expr: syntax error")
            self.i += 1
            return value
        if arg == "length" and self.at() is not None:
            return len(str(self.primary()))
        if arg == "substr":
            text, pos, length = str(self.primary()), self.primary(), self.primary()
            start, count = self.to_int(pos), self.to_int(length)
            return text[start - 1 : start - 1 + count] if start > 0 and count > 0 else ""
        if arg == "index":
            text, chars = str(self.primary()), str(self.primary())
            return next((k + 1 for k, c in enumerate(text) if c in chars), 0)
        if arg == "match":
            text, pattern = self.primary(), self.primary()
            self.args[self.i : self.i] = [":", str(pattern)]
            return text
        return arg


@utility("expr")
def expr(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "expr"))
    try:
        value = _Expr(list(argv[1:])).run()
    except _ExprError as exc:
        yield from proc.error(exc.message + "\n")
        return exc.status
    except BackreferenceError as exc:
        yield from proc.error(f"expr: bad regex: {BACKREFERENCES} (\\{exc})\n")
        return 2
    except RegexError:
        yield from proc.error("expr: syntax error\n")
        return 2
    yield from proc.write(f"{value}\n", redirect)
    return 1 if _Expr.is_null(value) else 0
