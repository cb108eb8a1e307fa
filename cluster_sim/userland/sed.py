"""``sed``: the stream editor, the part the docs and the talk use.

``sed [-n] [-E|-r] [-i] [-e SCRIPT]... [SCRIPT] [FILE]...`` with commands
``s/RE/REPLACEMENT/[gpI N]``, ``d``, ``p``, ``q``, ``=`` and ``y/abc/xyz/``,
each under an optional address: a line number, ``$``, ``/RE/``, a range
``A,B`` and ``!`` to negate. Patterns are POSIX (``regex``: BRE, or ERE with
``-E``); ``&`` and ``\\1``..``\\9`` in the replacement. From a pipe, each line
is edited and written as it arrives (``tail -F log | sed ...``).
Messages are busybox's (``sed: unknown command: 'x'``) where written from
memory (DESIGN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .filesystem import FsError
from .process import Process, Program, Target, cpu, utility
from .regex import BackreferenceError, RegexError, compile_posix
from .toolkit import BACKREFERENCES, REGEX_BYTE_US, REGEX_LINE_US, Lines


class SedError(Exception):
    pass


@dataclass
class Command:
    name: str
    first: Any = None  # an address: int, "$", or a compiled regex
    last: Any = None
    negate: bool = False
    regex: Any = None
    replacement: str = ""
    flags: str = ""
    count: int = 1
    table: dict[str, str] = field(default_factory=dict)
    active: bool = False  # inside its range


def _delimited(script: str, i: int) -> tuple[str, int]:
    """The text up to the next unescaped delimiter ``script[i]``; (text, index after it)."""
    delim = script[i]
    out: list[str] = []
    j = i + 1
    while j < len(script):
        c = script[j]
        if c == "\\" and j + 1 < len(script):
            nxt = script[j + 1]
            out.append(nxt if nxt == delim else "\\" + nxt)
            j += 2
            continue
        if c == delim:
            return "".join(out), j + 1
        out.append(c)
        j += 1
    raise SedError(f"unmatched '{delim}'")


def parse(script: str, extended: bool) -> list[Command]:
    def regex(pattern: str, icase: bool = False) -> Any:
        try:
            return compile_posix(pattern, extended=extended, icase=icase)
        except BackreferenceError:
            raise SedError(BACKREFERENCES) from None
        except RegexError:
            raise SedError(f"bad regex '{pattern}'") from None

    def address(i: int) -> tuple[Any, int]:
        if i < len(script) and script[i].isdigit():
            m = re.match(r"\d+", script[i:])
            assert m
            return int(m.group(0)), i + m.end()
        if i < len(script) and script[i] == "$":
            return "$", i + 1
        if i < len(script) and script[i] == "/":
            text, i = _delimited(script, i)
            return regex(text), i
        return None, i

    commands: list[Command] = []
    i = 0
    while i < len(script):
        if script[i] in " \t\n;":
            i += 1
            continue
        first, i = address(i)
        last = None
        if first is not None and i < len(script) and script[i] == ",":
            last, i = address(i + 1)
        while i < len(script) and script[i] == " ":
            i += 1
        negate = i < len(script) and script[i] == "!"
        if negate:
            i += 1
        if i >= len(script):
            raise SedError("missing command")
        name = script[i]
        cmd = Command(name, first, last, negate)
        i += 1
        if name == "s":
            if i >= len(script):
                raise SedError("unterminated 's' command")  # written from memory
            pattern, j = _delimited(script, i)
            cmd.replacement, i = _delimited(script, j - 1)
            m = re.match(r"[gpIi0-9]*", script[i:])
            cmd.flags = m.group(0) if m else ""
            i += len(cmd.flags)
            digits = "".join(c for c in cmd.flags if c.isdigit())
            cmd.count = int(digits) if digits else 1
            cmd.regex = regex(pattern, icase="I" in cmd.flags or "i" in cmd.flags)
        elif name == "y":
            source, j = _delimited(script, i)
            target, i = _delimited(script, j - 1)
            if len(source) != len(target):
                raise SedError("strings for 'y' command are different lengths")
            cmd.table = dict(zip(source, target, strict=True))
        elif name not in "dpq=":
            raise SedError(f"unknown command: '{name}'")
        commands.append(cmd)
    return commands


def _replace(cmd: Command, line: str) -> tuple[str, bool]:
    """``s``: the line after substitution, and whether it matched."""
    out: list[str] = []
    pos = 0
    seen = 0
    done = False
    for m in cmd.regex.finditer(line):
        seen += 1
        if seen < cmd.count:
            continue
        out.append(line[pos : m.start()])
        out.append(_expand(cmd.replacement, m))
        pos = m.end()
        done = True
        if "g" not in cmd.flags:
            break
    if not done:
        return line, False
    out.append(line[pos:])
    return "".join(out), True


def _expand(replacement: str, m: Any) -> str:
    out: list[str] = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        if c == "\\" and i + 1 < len(replacement):
            nxt = replacement[i + 1]
            if nxt.isdigit():
                out.append(m.group(int(nxt)) or "")
            else:
                out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        out.append(m.group(0) if c == "&" else c)
        i += 1
    return "".join(out)


def _matches(cmd: Command, number: int, line: str, last_line: bool) -> bool:
    def hit(address: Any) -> bool:
        if isinstance(address, int):
            return number == address
        if address == "$":
            return last_line
        return bool(address.search(line))

    if cmd.first is None:
        result = True
    elif cmd.last is None:
        result = hit(cmd.first)
    elif cmd.active:
        if isinstance(cmd.last, int):
            result = True
            cmd.active = number < cmd.last
        else:
            result = True
            cmd.active = not hit(cmd.last)
    else:
        result = hit(cmd.first)
        if result:
            cmd.active = not (isinstance(cmd.last, int) and cmd.last <= number)
    return result != cmd.negate


@utility("sed")
def sed(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = argv[1:]
    scripts: list[str] = []
    quiet = extended = in_place = False
    files: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-e" and args:
            scripts.append(args.pop(0))
        elif arg.startswith("-e") and len(arg) > 2:
            scripts.append(arg[2:])
        elif arg == "--":
            files += args
            break
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set("nErsi"):
            quiet = quiet or "n" in arg
            extended = extended or "E" in arg or "r" in arg
            in_place = in_place or "i" in arg
        elif arg.startswith("-") and len(arg) > 1:
            yield from proc.error(f"sed: invalid option -- '{arg[1]}'\n")
            return 1
        elif not scripts:
            scripts.append(arg)
        else:
            files.append(arg)
    if not scripts:
        yield from proc.error("sed: no script specified\n")  # written from memory
        return 1
    try:
        commands = parse("\n".join(scripts), extended)
    except SedError as exc:
        yield from proc.error(f"sed: {exc}\n")
        return 1
    number = 0
    quit_ = False

    def edit(line: str, last_line: bool) -> list[str]:
        nonlocal number, quit_
        number += 1
        out: list[str] = []
        for cmd in commands:
            if not _matches(cmd, number, line, last_line):
                continue
            if cmd.name == "s":
                line, changed = _replace(cmd, line)
                if changed and "p" in cmd.flags:
                    out.append(line + "\n")
            elif cmd.name == "y":
                line = "".join(cmd.table.get(c, c) for c in line)
            elif cmd.name == "d":
                return out
            elif cmd.name == "p":
                out.append(line + "\n")
            elif cmd.name == "=":
                out.append(f"{number}\n")
            elif cmd.name == "q":
                quit_ = True
                break
        if not quiet:
            out.append(line + "\n")
        return out

    if in_place and files:
        status = 0
        for path in files:
            try:
                text = proc.fs.read(proc.abspath(path))
            except FsError as exc:
                yield from proc.error(f"sed: {path}: {exc.reason}\n")
                status = 4
                continue
            lines = text.splitlines()
            number, quit_ = 0, False
            result: list[str] = []
            for k, line in enumerate(lines):
                result += edit(line, k == len(lines) - 1)
                if quit_:
                    break
            yield from cpu(proc, len(lines) * REGEX_LINE_US + len(text) * REGEX_BYTE_US)
            proc.fs.write(proc.abspath(path), "".join(result))
        return status
    status = 0
    sources: list[list[str] | None] = []
    for path in files or ["-"]:
        if path == "-":
            sources.append(None)
            continue
        try:
            sources.append(proc.fs.read(proc.abspath(path)).splitlines())
        except FsError as exc:
            yield from proc.error(f"sed: {path}: {exc.reason}\n")
            status = 2
    pending: str | None = None  # one line of look-ahead: is it the last one ($)?
    look_ahead = any("$" in (cmd.first, cmd.last) for cmd in commands)
    for index, source in enumerate(sources):
        reader = Lines(proc) if source is None else None
        while True:
            if reader is not None:
                batch = yield from reader.batch()
                chunk = None if batch is None else [line.rstrip("\n") for line in batch]
            else:
                chunk, source = source, None
            if not chunk:
                break
            out: list[str] = []
            for line in chunk:
                if not look_ahead:
                    out += edit(line, False)
                    if quit_:
                        yield from proc.write("".join(out), redirect)
                        return status
                    continue
                if pending is not None:
                    out += edit(pending, False)
                    if quit_:
                        yield from proc.write("".join(out), redirect)
                        return status
                pending = line
            yield from cpu(proc, len(chunk) * REGEX_LINE_US + sum(map(len, chunk)) * REGEX_BYTE_US)
            yield from proc.write("".join(out), redirect)
            if reader is None:
                break
        if index == len(sources) - 1 and pending is not None:
            yield from proc.write("".join(edit(pending, True)), redirect)
    return status
