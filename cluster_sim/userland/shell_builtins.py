"""The shell and its builtins, as busybox ash runs them: ``sh``, ``echo``,
``printf``, variables, ``cd``, ``eval``, ``sleep``... (``trap``, ``kill`` and
``wait`` are ``signal_builtins``').
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterable

from .control import BreakLoop, ContinueLoop, ReturnFromFunction
from .exiting import run_main
from .filesystem import (
    ENOENT,
    FsError,
)
from .formatting import INT_MAX, Piece, chunks, conversion
from .process import (
    ExitProgram,
    Process,
    Program,
    Sleep,
    Target,
    basename,
    cpu,
    utility,
)
from .registry import instant
from .toolkit import (
    DURATION,
    PRINTF_BYTE_US,
    SLEEP_MIN_US,
    UNIT_MS,
    Options,
    options,
    unescape,
    usage,
)

# -- the shell and its builtins ----------------------------------------------


# The commands below run as often as containers start (``sh -c "...; exit 1"`` in a crash
# loop): each is a plain function that returns the program to run, not a generator itself,
# so no generator frame of its own lies under everything the script does. ``exec`` calls
# it and drives the program at once, so what it does before returning happens just when
# its first step would have.


@utility("sh", "bash", "dash", "ash")
def sh(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``sh -c SCRIPT [ARG0 ARGS...]``, ``sh FILE [ARGS...]``, or a script on stdin."""
    if len(argv) == 3 and argv[1] == "-c" and argv[2][:1] not in "-+":
        # ``sh -c SCRIPT``, as nearly every container runs its shell: what the loop below
        # finds for it (a script that starts with ``-``, ``+`` or is empty goes the long way)
        return _sh_run(proc, argv, redirect, argv[2], argv[0], [], frozenset())
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
            return proc.complain("sh: -c requires an argument\n", 2)
        script = rest[0]
        if params:
            arg0, params = params[0], params[1:]
    elif rest:
        try:
            script = proc.fs.read(proc.abspath(rest[0]))
        except FsError as exc:
            return proc.complain(f"sh: can't open '{rest[0]}': {exc.reason}\n", 2)
        arg0 = rest[0]
    else:
        return _sh_stdin(proc, argv, redirect, arg0, params, options)
    return _sh_run(proc, argv, redirect, script, arg0, params, options)


def _sh_stdin(
    proc: Process,
    argv: list[str],
    redirect: Target | None,
    arg0: str,
    params: list[str],
    options: set[str],
) -> Program:
    """``sh`` with no script named: it reads one from standard input."""
    script = yield from proc.read_stdin()
    if not script:
        return 0  # no script and no terminal: the shell reads EOF from stdin and exits
    return (yield from _sh_run(proc, argv, redirect, script, arg0, params, options))


def _sh_run(
    proc: Process,
    argv: list[str],
    redirect: Target | None,
    script: str,
    arg0: str,
    params: list[str],
    options: frozenset[str] | set[str],
) -> Program:
    """Run ``script`` in the shell: this one (PID 1's ``sh -c``), else a new shell process."""
    shell = proc.spawn(argv) if proc._shell else proc
    shell._shell = True
    shell.arg0, shell.positional = arg0, params
    if options:
        shell.options = shell.options | options
    if shell is proc:
        return run_main(proc, script)  # (``exiting``: its last ``exit`` may return)
    if redirect is not None:
        shell.stdout = redirect
    return shell._schedule(shell._guard(shell.run_script(script)))


@utility("true", ":")
def true(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return 0
    yield  # pragma: no cover


@utility("false")
def false(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    return 1
    yield  # pragma: no cover


@instant(true)
def _true_instant(proc: Process, argv: list[str]) -> int:
    return 0


@instant(false)
def _false_instant(proc: Process, argv: list[str]) -> int:
    return 1


@utility("echo")
def echo(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``echo``: its program is the write itself (which ends with status 0)."""
    return proc.write(_echo_text(proc, argv), redirect)


@instant(echo)
def _echo_text(proc: Process, argv: list[str]) -> str:
    """What ``echo`` writes: its arguments after its options, escapes taken as they say."""
    args = argv[1:]
    newline = True
    escapes = False
    while args and args[0][:1] == "-" and re.fullmatch(r"-[neE]+", args[0]):
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
    return text + "\n" if newline else text


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
                integer = int(number(arg, conv)) if arg else 0
                top = (1 << 63) - 1 if conv in "di" else (1 << 64) - 1
                integer = max(-(1 << 63), min(integer, top))  # strtoll/strtoull clamp at ERANGE
                if conv in "ouxX" and integer < 0:
                    integer += 1 << 64
                out += conversion(flags, size, digits, "d" if conv in "iu" else conv, integer)
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
    for name, assigned in _assignment_args(args):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            yield from proc.error(f"sh: export: bad variable name '{name}'\n")
            status = 1
            continue
        if assigned is not None:
            proc.setvar(name, assigned)
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
                proc.options = proc.options | {letter}
            else:
                proc.options = proc.options - {letter}
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
@options("rs", "pt", failure=2)
def read(proc: Process, opts: Options, names: list[str], redirect: Target | None) -> Program:
    """``read [-r] [-p PROMPT] NAME...``: one line of stdin, split over the names."""
    names = names or ["REPLY"]
    if isinstance(opts.get("p"), str):
        yield from proc.error(str(opts["p"]))
    line = yield from proc.read_line()
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
        raise BreakLoop(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1)
    return 0
    yield  # pragma: no cover


@utility("continue")
def continue_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if proc._loops:
        raise ContinueLoop(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1)
    return 0
    yield  # pragma: no cover


@utility("return")
def return_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].isdigit() else proc.status
    raise ReturnFromFunction(status)
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
