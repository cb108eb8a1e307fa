"""The commands images ship: each takes (process, argv, redirect), returns a status."""

from __future__ import annotations

import math
import re

from .process import SIGNAL_NUMBERS, ExitProgram, Process, Program, Sleep, utility

DURATION = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$")
UNIT_MS = {"": 1000, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


@utility("sh", "bash", "dash", "ash")
def sh(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) >= 3 and argv[1] == "-c":
        return (yield from proc.run_script(argv[2]))
    if len(argv) == 1:
        return 0  # no script and no terminal: the shell reads EOF from stdin and exits
    yield from proc.write(f"sh: can't open '{argv[1]}': No such file or directory\n", redirect)
    return 2


@utility("echo")
def echo(proc: Process, argv: list[str], redirect: str | None) -> Program:
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline = False
        args = args[1:]
    yield from proc.write(" ".join(args) + ("\n" if newline else ""), redirect)
    return 0


@utility("sleep")
def sleep(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) < 2:
        yield from proc.write("sleep: missing operand\n", redirect)
        return 1
    total = 0.0
    for arg in argv[1:]:
        if arg in ("inf", "infinity"):
            total = math.inf
            continue
        m = DURATION.match(arg)
        if not m:
            yield from proc.write(f"sleep: invalid number '{arg}'\n", redirect)
            return 1
        total += float(m.group(1)) * UNIT_MS[m.group(2)]
    proc.steps = 0
    yield Sleep(total if math.isinf(total) else round(total))
    return 0


@utility("exit")
def exit_(proc: Process, argv: list[str], redirect: str | None) -> Program:
    status = proc.status
    if len(argv) > 1:
        try:
            status = int(argv[1]) & 0xFF
        except ValueError:
            yield from proc.write(f"sh: exit: Illegal number: {argv[1]}\n", redirect)
            status = 2
    raise ExitProgram(status)


@utility("true", ":")
def true(proc: Process, argv: list[str], redirect: str | None) -> Program:
    return 0
    yield  # pragma: no cover


@utility("false")
def false(proc: Process, argv: list[str], redirect: str | None) -> Program:
    return 1
    yield  # pragma: no cover


@utility("trap")
def trap(proc: Process, argv: list[str], redirect: str | None) -> Program:
    """``trap 'commands' TERM INT``; ``trap - TERM`` restores the default."""
    if len(argv) < 3:
        return 0
    action, names = argv[1], argv[2:]
    for raw in names:
        name = raw.upper().removeprefix("SIG")
        if name.isdigit():
            name = next((n for n, num in SIGNAL_NUMBERS.items() if num == int(name)), name)
        if action == "-":
            proc.traps.pop(name, None)
        else:
            proc.traps[name] = action
    return 0
    yield  # pragma: no cover


@utility("cat")
def cat(proc: Process, argv: list[str], redirect: str | None) -> Program:
    status = 0
    for path in argv[1:]:
        if path in proc.files:
            yield from proc.write(proc.files[path], redirect)
        else:
            message = f"cat: can't open '{path}': No such file or directory\n"
            yield from proc.write(message, redirect)
            status = 1
    return status


@utility("printenv", "env")
def printenv(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) > 1 and argv[0].endswith("printenv"):
        values = [proc.env[name] for name in argv[1:] if name in proc.env]
        for value in values:
            yield from proc.write(value + "\n", redirect)
        return 0 if len(values) == len(argv) - 1 else 1
    for name, value in proc.env.items():
        yield from proc.write(f"{name}={value}\n", redirect)
    return 0
