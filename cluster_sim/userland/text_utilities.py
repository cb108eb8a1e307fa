"""The text commands: ``wc``, ``head``, ``tail``, ``grep``, ``seq``, ``yes``."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable

from .filesystem import (
    EISDIR,
    ENOENT,
    Device,
    Directory,
    File,
    FsError,
)
from .process import (
    Action,
    Log,
    Process,
    Program,
    Sleep,
    Target,
    cpu,
    utility,
)
from .regex import BackreferenceError, RegexError, compile_any
from .toolkit import (
    BACKREFERENCES,
    LINE_US,
    REGEX_BYTE_US,
    REGEX_LINE_US,
    STDIO_BUFFER,
    YES_BLOCK,
    YES_BYTE_US,
    Lines,
    Options,
    emit_lines,
    options,
    usage,
)

# -- text --------------------------------------------------------------------


def read_inputs(
    proc: Process, name: str, paths: list[str]
) -> Generator[Action, None, tuple[list[tuple[str, str]], int]]:
    """(name, text) for each readable input (``-`` or none: stdin), and the status so far."""
    inputs: list[tuple[str, str]] = []
    status = 0
    for path in paths or ["-"]:
        if path == "-":
            inputs.append(("standard input", (yield from proc.read_stdin())))
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
@options("lwmcL")
def wc(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
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


def _head_count(argv: list[str]) -> list[str]:
    """``head -5``: the older form of ``head -n 5``."""
    if len(argv) > 1 and re.fullmatch(r"-\d+", argv[1]):
        return [argv[0], "-n", argv[1][1:], *argv[2:]]
    return argv


@utility("head")
@options("qv", "nc", rewrite=_head_count)
def head(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    count, by_bytes = 10, False
    for key in ("n", "c"):
        raw = opts.get(key)
        if isinstance(raw, str):
            found = _count_arg(raw)
            if found is None:
                yield from proc.error(f"head: invalid number '{raw}'\n")
                return 1
            count, by_bytes = found[0], key == "c"
    if paths in ([], ["-"]):  # standard input: read no more than it prints
        return (yield from _head_stdin(proc, count, by_bytes, "v" in opts, redirect))
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


def _head_stdin(
    proc: Process, count: int, by_bytes: bool, header: bool, redirect: Target | None
) -> Program:
    """``head`` of a pipe: it exits once it has its lines, so the writer gets SIGPIPE."""
    if header:
        yield from proc.write("==> standard input <==\n", redirect)
    if by_bytes:
        taken = 0
        while taken < count and (chunk := (yield from proc.read_chunk())) is not None:
            part = chunk.encode()[: count - taken]
            taken += len(part)
            yield from proc.write(part.decode(errors="ignore"), redirect)
        return 0
    out: list[str] = []
    for _ in range(count):
        line = yield from proc.read_line()
        if line is None:
            break
        out.append(line)
    yield from proc.write("".join(out), redirect)
    return 0


def _tail_text(text: str, count: int, from_top: bool, by_bytes: bool) -> str:
    if by_bytes:
        data = text.encode()
        part = data[max(count - 1, 0) :] if from_top else (data[-count:] if count else b"")
        return part.decode(errors="ignore")
    lines = text.splitlines(keepends=True)
    if from_top:
        return "".join(lines[max(count - 1, 0) :])
    return "".join(lines[-count:]) if count else ""


def _tail_count(argv: list[str]) -> list[str]:
    """``tail -5`` / ``tail +5``: the older forms of ``tail -n 5`` / ``tail -n +5``."""
    if len(argv) > 1 and re.fullmatch(r"[-+]\d+", argv[1]):
        return [argv[0], "-n", argv[1], *argv[2:]]
    return argv


@utility("tail")
@options("fFqv", "ncs", rewrite=_tail_count)
def tail(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``tail [-n N|+N] [-c N] [-f|-F] [-s SEC] FILE...``; ``-f`` polls every second."""
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
            text = yield from proc.read_stdin()
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
            shown, where, node, position = entry
            assert isinstance(shown, str) and isinstance(where, str) and isinstance(position, int)
            if retry:
                current = fs.lookup(where)
                if current is not node:
                    if isinstance(current, File):
                        state = "appeared" if node is None else "been replaced"
                        message = f"tail: {shown} has {state}; following end of new file\n"
                        yield from proc.error(message)
                    elif node is not None:
                        yield from proc.error(f"tail: {shown} has become inaccessible: {ENOENT}\n")
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
                    yield from proc.write(f"\n==> {shown} <==\n", redirect)
                    last = index
                yield from proc.write(new, redirect)


@utility("grep", "egrep", "fgrep")
@options("qvicnlLsFEHhxwor", "em", repeated="e", failure=2)
def grep(proc: Process, opts: Options, args: list[str], redirect: Target | None) -> Program:
    name = opts.name
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
        reader: Lines | None = None
        if path == "-":
            label, reader = "(standard input)", Lines(proc)
            text = ""
        else:
            label = path
            try:
                text = proc.fs.read(proc.abspath(path))
            except FsError as exc:
                if "s" not in opts:
                    yield from proc.error(f"grep: {path}: {exc.reason}\n")
                status = 2
                continue
        count = number = 0
        while True:
            if reader is None:
                lines: list[str] | None = text.splitlines()
                text = ""
            else:  # standard input: each batch as it arrives, its matches written at once
                if out:
                    yield from proc.write("".join(out), redirect)
                    out.clear()
                batch = yield from reader.batch()
                lines = None if batch is None else [line.rstrip("\n") for line in batch]
            if not lines or count == limit:
                break
            for line in lines:
                number += 1
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
            if reader is None:
                break
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
