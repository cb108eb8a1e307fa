"""What the commands share: busybox's usage text, option parsing, escapes, output at a CPU cost.

The commands themselves live in ``shell_builtins``, ``conditions``,
``file_utilities``, ``text_utilities`` and ``system_info``; ``utilities``
registers them all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Generator, Iterable

from .cpu import Cost
from .process import (
    Action,
    Process,
    Program,
    Target,
    basename,
)

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
BACKREFERENCES = "the playground's regex engine (RE2) has no backreferences"
SLEEP_MIN_US = 60  # a sleep shorter than 1 ms: Linux's 50 us timer slack and the syscalls


class Options(dict[str, str | bool]):
    """A command's parsed options (``-n 5`` is ``{"n": "5"}``, ``-r`` is ``{"r": True}``).

    ``argv`` is the command line as the command was given it, ``argv[0]`` its name.
    """

    def __init__(self, argv: list[str]) -> None:
        super().__init__()
        self.argv = argv

    @property
    def name(self) -> str:
        """The name the command was run as (``egrep`` for grep's ``egrep``)."""
        return basename(self.argv[0])


# A command written with ``options``: (process, options, operands, stdout redirection).
OptionCommand = Callable[[Process, Options, list[str], Target | None], Program]


def usage(proc: Process, name: str) -> Program:
    """busybox's usage text on stderr, exit status 1."""
    yield from proc.error(f"{BANNER}Usage: {USAGE.get(name, name)}\n")
    return 1


def getopt(
    proc: Process, argv: list[str], flags: str, with_arg: str = "", repeated: str = ""
) -> Generator[Action, None, tuple[Options, list[str]] | None]:
    """POSIX option parsing (``-rf``, ``-n5``, ``-n 5``, ``--``); None after a usage error.

    An option in ``repeated`` (grep's ``-e``) keeps every value it is given, one per line;
    any other option keeps its last.
    """
    name = basename(argv[0])
    opts = Options(argv)
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
                earlier = opts.get(c)
                if c in repeated and isinstance(earlier, str):
                    value = f"{earlier}\n{value}"
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


def options(
    flags: str,
    with_arg: str = "",
    *,
    repeated: str = "",
    failure: int = 1,
    rewrite: Callable[[list[str]], list[str]] | None = None,
) -> Callable[[OptionCommand], Callable[[Process, list[str], Target | None], Program]]:
    """Parse a command's options with ``getopt`` before it runs: the getopt preamble, once.

    ``@options("nbvteAsu")`` hands the command ``(proc, opts, operands, redirect)``;
    ``with_arg`` options take a value, ``repeated`` ones keep all their values. After
    busybox's usage message (an invalid option, a missing argument) the command exits
    ``failure`` without running. ``rewrite`` turns the given argv into the one parsed
    (``head -5`` is ``head -n 5``); ``opts.argv`` stays the argv as given.
    """

    def decorate(command: OptionCommand) -> Callable[[Process, list[str], Target | None], Program]:
        @functools.wraps(command)
        def run(proc: Process, argv: list[str], redirect: Target | None) -> Program:
            parsed = yield from getopt(
                proc, rewrite(argv) if rewrite else argv, flags, with_arg, repeated
            )
            if parsed is None:
                return failure
            opts, operands = parsed
            opts.argv = argv
            return (yield from command(proc, opts, operands, redirect))

        return run

    return decorate


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


class Lines:
    """Standard input as lines, in batches of whatever has arrived (a pipe: as it comes).

    ``batch()`` returns the complete lines read so far (with their newlines),
    blocking until there is one; the last line may lack its newline; None at
    end of input. A line still incomplete is memory the reader holds: a
    line without end grows until the OOM killer strikes.
    """

    def __init__(self, proc: Process) -> None:
        self.proc = proc
        self.carry: list[str] = []
        self.carried = 0
        self.done = False

    def batch(self) -> Generator[Action, None, list[str] | None]:
        while not self.done:
            chunk = yield from self.proc.read_chunk()
            if chunk is None:
                self.done = True
                if self.carry:
                    return ["".join(self.carry)]
                return None
            cut = chunk.rfind("\n") + 1
            if not cut:
                self.carry.append(chunk)
                self.carried += len(chunk)
                self.proc.memory.check(self.carried)
                continue
            text = "".join([*self.carry, chunk[:cut]])
            self.carry = [chunk[cut:]] if cut < len(chunk) else []
            self.carried = len(chunk) - cut
            return text.splitlines(keepends=True)
        return None
