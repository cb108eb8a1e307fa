"""Word expansion: what the shell makes of a word before a command sees it.

Tilde expansion, parameters (``$X``, ``${X:-default}``, ``${X#pattern}``...),
command substitution (``$(...)``), arithmetic (``$((...))``), then field
splitting on ``IFS`` and pathname expansion (globbing), in POSIX's order.
"""

from __future__ import annotations

import re
from collections.abc import Generator

from .actions import Action
from .arithmetic import Arithmetic
from .control import ShellError
from .cpu import Cost
from .filesystem import glob_escape
from .job_control import JobControl
from .os_process import cpu
from .regex import glob_prefix
from .streams import Capture
from .syntax_tree import Arith, CommandSub, Lit, Param, Sequence, Word, static_field

GLOB_ENTRY_US = 1  # CPU per path a pathname expansion yields (readdir, fnmatch)

Segment = tuple[str, bool, bool] | None  # (text, split, glob); None separates "$@" fields


class WordExpansion(JobControl):
    """A process that expands words (``$X``, ``$(...)``, globs) as ash does."""

    def expand_fields(self, word: Word) -> Generator[Action, None, list[str]]:
        """Expand ``word`` into fields: parameters, substitutions, splitting, globbing."""
        static = static_field(word)
        if static is not None:
            return [static]
        segments = yield from self._segments(word)
        self.memory.check(sum(len(s[0]) for s in segments if s is not None))
        fields: list[str] = []
        for text, pattern in _split_fields(segments, self.env.get("IFS", " \t\n")):
            if pattern is not None:
                matches = self.fs.glob(pattern, self.cwd)
                if matches:
                    yield from cpu(self, len(matches) * GLOB_ENTRY_US)
                    self.memory.check(sum(len(match) + 1 for match in matches))
                    fields += matches
                    continue
            fields.append(text)
        return fields

    def expand_string(self, word: Word) -> Generator[Action, None, str]:
        """Expand ``word`` into one string: no splitting, no globbing (assignments...)."""
        segments = yield from self._segments(word)
        self.memory.check(sum(len(s[0]) + 1 for s in segments if s is not None))
        return " ".join("".join(s[0] for s in group) for group in _groups(segments))

    def expand_pattern(self, word: Word) -> Generator[Action, None, str]:
        """Expand ``word`` as a ``case`` or ``${X#...}`` pattern: quoted text matches literally."""
        segments = yield from self._segments(word)
        return "".join(s[0] if s[2] else glob_escape(s[0]) for s in segments if s is not None)

    def _segments(self, word: Word, *, arg: bool = False) -> Generator[Action, None, list[Segment]]:
        segments: list[Segment] = []
        for index, part in enumerate(word.parts):
            if isinstance(part, Lit):
                text = part.text
                if index == 0 and not part.quoted and not arg and text.startswith("~"):
                    head, sep, tail = text.partition("/")
                    if head == "~":
                        text = self.env.get("HOME", "/root") + sep + tail
                segments.append((text, arg and not part.quoted, not part.quoted))
            elif isinstance(part, Param):
                segments += yield from self._param(part)
            elif isinstance(part, CommandSub):
                text = yield from self.command_substitution(part.body)
                segments.append((text, not part.quoted, not part.quoted))
            elif isinstance(part, Arith):
                self.charge(Cost.EXPANSION)
                expr = yield from self.expand_string(part.expr)
                segments.append((str(self.arithmetic(expr)), not part.quoted, False))
        return segments

    def _param(self, p: Param) -> Generator[Action, None, list[Segment]]:
        self.charge(Cost.EXPANSION)
        unquoted = not p.quoted
        if p.name == "@" and p.quoted and not p.op:
            segments: list[Segment] = []
            for index, field in enumerate(self.positional):
                if index:
                    segments.append(None)
                segments.append((field, False, False))
            return segments
        value = self.lookup(p.name)
        op, arg = p.op, p.arg or Word(())
        if op == "len":
            return [(str(len(value or "")), unquoted, False)]
        if op in ("-", ":-", "=", ":=", "+", ":+", "?", ":?"):
            missing = value is None or (op.startswith(":") and value == "")
            base = op[-1]
            if (base == "-" and missing) or (base == "+" and not missing):
                return (yield from self._segments(arg, arg=unquoted))
            if base == "+":
                return [("", False, False)] if p.quoted else []
            if base == "=" and missing:
                value = yield from self.expand_string(arg)
                self.setvar(p.name, value)
            if base == "?" and missing:
                message = yield from self.expand_string(arg)
                if not arg.parts:
                    message = "parameter not set" + (" or null" if op == ":?" else "")
                raise ShellError(f"sh: {p.name}: {message}\n")
        elif op:
            pattern = yield from self.expand_pattern(arg)
            value = _trim(value or "", op, pattern)
        if value is None:
            if "u" in self.options:
                raise ShellError(f"sh: {p.name}: parameter not set\n")
            value = ""
        return [(value, unquoted, unquoted)]

    def command_substitution(self, body: Sequence) -> Generator[Action, None, str]:
        """``$(body)``: run ``body`` in a subshell; its output minus trailing newlines."""
        capture = Capture(memory=self.memory)
        try:
            status = yield from self._subshell(body, stdout=capture)
            self._sub_status = status
            return capture.text.rstrip("\n")
        finally:
            capture.release()  # the text is charged again where it is kept

    def arithmetic(self, expr: str) -> int:
        return Arithmetic(self, expr).evaluate()


def _groups(segments: list[Segment]) -> list[list[tuple[str, bool, bool]]]:
    groups: list[list[tuple[str, bool, bool]]] = [[]]
    for s in segments:
        if s is None:
            groups.append([])
        else:
            groups[-1].append(s)
    return groups


def _split_fields(segments: list[Segment], ifs: str) -> list[tuple[str, str | None]]:
    """Field splitting: (text, glob pattern or None) per field."""
    fields: list[tuple[str, str | None]] = []
    text: list[str] = []
    pattern: list[str] = []
    have = magic = False
    splitter = re.compile(f"[{re.escape(ifs)}]+") if ifs else None

    def push() -> None:
        nonlocal have, magic
        fields.append(("".join(text), "".join(pattern) if magic else None))
        text.clear()
        pattern.clear()
        have = magic = False

    def add(piece: str, glob: bool) -> None:
        nonlocal have, magic
        text.append(piece)
        pattern.append(piece if glob else glob_escape(piece))
        magic = magic or (glob and any(c in piece for c in "*?["))
        have = True

    for segment in segments:
        if segment is None:
            if have:
                push()
            continue
        piece, split, glob = segment
        if not split or splitter is None:
            add(piece, glob)
            continue
        if not piece:
            continue
        pieces = splitter.split(piece)
        for k, token in enumerate(pieces):
            if k > 0 and have:
                push()
            if token:
                add(token, glob)
    if have:
        push()
    return fields


def _trim(value: str, op: str, pattern: str) -> str:
    """``${X#pat}``, ``${X##pat}``, ``${X%pat}``, ``${X%%pat}``, in linear time (RE2)."""
    suffix = op in ("%", "%%")
    k = glob_prefix(value, pattern, longest=op in ("##", "%%"), suffix=suffix)
    if k is None:
        return value
    return value[: len(value) - k] if suffix else value[k:]
