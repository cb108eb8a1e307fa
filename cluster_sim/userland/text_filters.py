"""The line filters: ``sort``, ``uniq``, ``cut``, ``tr``, as busybox 1.36 behaves.

``sort`` reads all its input before it writes (so ``yes | sort`` grows until
the OOM killer strikes); ``uniq``, ``cut`` and ``tr`` stream, a batch of
lines at a time, so they work at the end of ``tail -F ... |``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Generator

from .filesystem import FsError
from .process import Action, Process, Program, Target, cpu, utility
from .text_utilities import read_inputs
from .toolkit import LINE_US, Lines, Options, options

# -- sort ----------------------------------------------------------------------


def _number(text: str) -> float:
    """``sort -n``: the leading number (blanks skipped), 0 when there is none."""
    m = re.match(r"\s*(-?\d*\.?\d+|-?\d+)", text)
    return float(m.group(1)) if m else 0.0


def _key_spec(raw: str) -> tuple[int, int, str] | None:
    """``-k F1[,F2]`` with optional type letters: (first field, last field or 0, letters)."""
    m = re.fullmatch(r"(\d+)(?:\.\d+)?([bdfgnr]*)(?:,(\d+)(?:\.\d+)?([bdfgnr]*))?", raw)
    if not m or int(m.group(1)) == 0:
        return None
    return int(m.group(1)), int(m.group(3) or 0), (m.group(2) or "") + (m.group(4) or "")


def _fields(line: str, sep: str | None) -> list[str]:
    if sep is not None:
        return line.split(sep)
    return re.findall(r"\s*\S+", line)  # a field keeps the blanks before it, as POSIX says


def _sort_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """``-k`` may be given many times: (the keys, argv without them)."""
    keys: list[str] = []
    rest = [argv[0]]
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "-k" and i + 1 < len(argv):
            keys.append(argv[i + 1])
            i += 2
            continue
        if arg.startswith("-k") and len(arg) > 2:
            keys.append(arg[2:])
        else:
            rest.append(arg)
        i += 1
    return keys, rest


def _without_keys(argv: list[str]) -> list[str]:
    return _sort_args(argv)[1]


@utility("sort")
@options("nrufbsgc", "to", rewrite=_without_keys)
def sort(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``sort [-nrufbs] [-t SEP] [-k F1[,F2]]... [-o FILE] [FILE]...``"""
    raw_keys = _sort_args(opts.argv)[0]
    sep = str(opts["t"]) if isinstance(opts.get("t"), str) else None
    keys: list[tuple[int, int, str]] = []
    for raw in raw_keys:
        spec = _key_spec(raw)
        if spec is None:
            yield from proc.error(f"sort: invalid number '{raw}'\n")
            return 1
        keys.append(spec)
    inputs, status = yield from read_inputs(proc, "sort", paths)
    lines = [line for _, text in inputs for line in text.splitlines()]
    yield from cpu(proc, len(lines) * LINE_US * 4)
    global_flags = "".join(c for c in "nfbg" if c in opts)

    def key_of(line: str, flags: str) -> object:
        value = line.lstrip() if "b" in flags else line
        if "f" in flags:
            value = value.upper()
        if "n" in flags or "g" in flags:
            return _number(value)
        return value

    def compare(a: str, b: str) -> int:
        for first, last, letters in keys or [(0, 0, global_flags)]:
            flags = letters or global_flags
            if first:
                fa, fb = _fields(a, sep), _fields(b, sep)
                end = last or max(len(fa), len(fb))
                joiner = sep if sep is not None else ""
                blank = "b" if sep is None else ""
                ka = key_of(joiner.join(fa[first - 1 : end]), flags + blank)
                kb = key_of(joiner.join(fb[first - 1 : end]), flags + blank)
            else:
                ka, kb = key_of(a, flags), key_of(b, flags)
            if ka != kb:
                result = -1 if ka < kb else 1  # type: ignore[operator]
                return -result if "r" in letters else result
        if (keys or global_flags) and ("u" in opts or "s" in opts):
            return 0
        return (a > b) - (a < b)  # the last resort: the whole line, byte by byte

    ordered = sorted(lines, key=functools.cmp_to_key(compare), reverse="r" in opts)
    if "u" in opts:
        unique: list[str] = []
        for line in ordered:
            if not unique or compare(unique[-1], line) != 0:
                unique.append(line)
        ordered = unique
    text = "".join(line + "\n" for line in ordered)
    if isinstance(opts.get("o"), str):
        try:
            proc.fs.write(proc.abspath(str(opts["o"])), text)
        except FsError as exc:
            yield from proc.error(f"sort: can't open '{opts['o']}': {exc.reason}\n")
            return 1
        return status
    yield from proc.write(text, redirect)
    return status


# -- line by line ----------------------------------------------------------------------


def _line_source(
    proc: Process, name: str, paths: list[str]
) -> Generator[Action, None, tuple[Lines | None, list[str], int]]:
    """Standard input as a ``Lines`` reader, or a named file's lines."""
    if not paths or paths == ["-"]:
        return Lines(proc), [], 0
    try:
        text = proc.fs.read(proc.abspath(paths[0]))
    except FsError as exc:
        yield from proc.error(f"{name}: can't open '{paths[0]}': {exc.reason}\n")
        return None, [], 1
    return None, text.splitlines(keepends=True), 0


@utility("uniq")
@options("cdui", "fsw")
def uniq(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``uniq [-cdui] [-f N] [-s N] [INPUT [OUTPUT]]``: adjacent equal lines once."""
    skip_fields = int(str(opts.get("f", "0")) or 0) if isinstance(opts.get("f"), str) else 0
    skip_chars = int(str(opts.get("s", "0")) or 0) if isinstance(opts.get("s"), str) else 0

    def key(line: str) -> str:
        text = line.rstrip("\n")
        for _ in range(skip_fields):
            text = re.sub(r"^\s*\S+", "", text)
        text = text[skip_chars:]
        return text.lower() if "i" in opts else text

    reader, lines, status = yield from _line_source(proc, "uniq", paths[:1])
    if status:
        return status
    current: str | None = None
    count = 0

    def emit(line: str, n: int) -> str:
        if ("d" in opts and n < 2) or ("u" in opts and n > 1):
            return ""
        prefix = f"{n:7d} " if "c" in opts else ""
        return prefix + line.rstrip("\n") + "\n"

    while True:
        if reader is not None:
            batch = yield from reader.batch()
        else:
            batch, lines = (lines or None), []
        if batch is None:
            break
        out: list[str] = []
        for line in batch:
            if current is not None and key(line) == key(current):
                count += 1
                continue
            if current is not None:
                out.append(emit(current, count))
            current, count = line, 1
        yield from cpu(proc, len(batch) * LINE_US)
        if out:
            yield from proc.write("".join(out), redirect)
    if current is not None:
        yield from proc.write(emit(current, count), redirect)
    return 0


def _ranges(spec: str) -> list[tuple[int, int]] | None:
    """``1,3-5,7-``: 1-based inclusive ranges (an open end is a huge number)."""
    out: list[tuple[int, int]] = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if not m or (not m.group(1) and not m.group(3)):
            return None
        low = int(m.group(1) or 1)
        high = int(m.group(3)) if m.group(3) else (1 << 30 if m.group(2) else low)
        if low == 0 or high < low:
            return None
        out.append((low, high))
    return out


@utility("cut")
@options("sn", "fcbd")
def cut(proc: Process, opts: Options, paths: list[str], redirect: Target | None) -> Program:
    """``cut -f LIST [-d SEP] [-s] | -c LIST | -b LIST [FILE]...``"""
    modes = [c for c in "bcf" if isinstance(opts.get(c), str)]
    if len(modes) != 1:
        message = "expected a list" if not modes else "only one list may be specified"
        yield from proc.error(f"cut: {message}\n")
        return 1
    mode = modes[0]
    ranges = _ranges(str(opts[mode]))
    if ranges is None:
        yield from proc.error(f"cut: invalid range '{opts[mode]}'\n")  # written from memory
        return 1
    delim = str(opts["d"]) if isinstance(opts.get("d"), str) else "\t"
    if len(delim) != 1:
        yield from proc.error("cut: the delimiter must be a single character\n")
        return 1

    def wanted(n: int) -> bool:
        return any(low <= n <= high for low, high in ranges)

    def cut_line(line: str) -> str | None:
        if mode != "f":
            return "".join(c for i, c in enumerate(line, 1) if wanted(i))
        if delim not in line:
            return None if "s" in opts else line
        parts = line.split(delim)
        return delim.join(p for i, p in enumerate(parts, 1) if wanted(i))

    reader, lines, status = yield from _line_source(proc, "cut", paths[:1])
    if status:
        return status
    while True:
        if reader is not None:
            batch = yield from reader.batch()
        else:
            batch, lines = (lines or None), []
        if batch is None:
            return 0
        out = [cut_line(line.rstrip("\n")) for line in batch]
        yield from cpu(proc, len(batch) * LINE_US)
        yield from proc.write("".join(o + "\n" for o in out if o is not None), redirect)


CLASSES = {
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "digit": "0123456789",
    "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "space": " \t\n\r\f\v",
    "blank": " \t",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "xdigit": "0123456789ABCDEFabcdef",
}
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "f": "\f", "v": "\v", "a": "\a", "b": "\b"}


def expand_set(spec: str) -> str:
    """A ``tr`` set: escapes, ``a-z`` ranges, ``[:class:]``, ``[c*n]``."""
    out: list[str] = []
    i = 0
    while i < len(spec):
        m = re.match(r"\[:(\w+):\]", spec[i:])
        if m and m.group(1) in CLASSES:
            out.append(CLASSES[m.group(1)])
            i += m.end()
            continue
        c = spec[i]
        if c == "\\" and i + 1 < len(spec):
            octal = re.match(r"[0-7]{1,3}", spec[i + 1 :])
            if octal:
                c, i = chr(int(octal.group(0), 8)), i + 1 + octal.end()
            else:
                c, i = ESCAPES.get(spec[i + 1], spec[i + 1]), i + 2
        else:
            i += 1
        if i + 1 < len(spec) and spec[i] == "-":
            end = spec[i + 1]
            if ord(end) >= ord(c):
                out.append("".join(chr(x) for x in range(ord(c), ord(end) + 1)))
                i += 2
                continue
        out.append(c)
    return "".join(out)


@utility("tr")
@options("cdsC")
def tr(proc: Process, opts: Options, sets: list[str], redirect: Target | None) -> Program:
    """``tr [-cds] STRING1 [STRING2]``: translate, delete or squeeze characters."""
    if not sets or (len(sets) < 2 and "d" not in opts and "s" not in opts):
        yield from proc.error("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n")
        yield from proc.error("Usage: tr [-cds] STRING1 [STRING2]\n")
        return 1
    first = expand_set(sets[0])
    second = expand_set(sets[1]) if len(sets) > 1 else ""
    complement = "c" in opts or "C" in opts

    def member(ch: str) -> bool:
        return (ch in first) != complement

    table: dict[str, str] = {}
    if second and "d" not in opts:
        if complement:
            table = {}
        else:
            padded = second + second[-1] * max(0, len(first) - len(second))
            table = {a: padded[i] for i, a in enumerate(first)}
    squeeze = second or first  # -s squeezes STRING2's characters when there is one

    def convert(text: str) -> str:
        out: list[str] = []
        last = ""
        for ch in text:
            if "d" in opts and member(ch):
                continue
            if complement and second and "d" not in opts and member(ch):
                ch = second[-1]
            else:
                ch = table.get(ch, ch)
            if "s" in opts and ch == last and ch in squeeze:
                continue
            out.append(ch)
            last = ch
        return "".join(out)

    while (chunk := (yield from proc.read_chunk())) is not None:
        yield from cpu(proc, len(chunk) * 0.01)
        yield from proc.write(convert(chunk), redirect)
    return 0
