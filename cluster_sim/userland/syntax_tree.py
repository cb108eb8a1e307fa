"""The shell's syntax tree: words and commands, immutable, as ``syntax.parse`` builds them.

Each word part remembers whether it was quoted, which decides field splitting
and pathname expansion when the word runs (``expansion``). Nodes are frozen
dataclasses, so one parsed script can be run any number of times, by any
number of processes.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar


class ShellSyntaxError(Exception):
    pass


class NestingTooDeep(ShellSyntaxError):
    """More than ``MAX_NESTING`` nested constructs: ash's recursive parser would
    overflow its stack; the shell dies as it does (``process.StackOverflow``)."""


MAX_NESTING = 48  # nested compound commands, substitutions and quotes in one script
_P = ParamSpec("_P")
_R = TypeVar("_R")
_nesting = threading.local()


def nested(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Count the recursion of the parser's mutually recursive readers."""

    @functools.wraps(fn)
    def counted(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        depth = getattr(_nesting, "depth", 0)
        if depth >= MAX_NESTING:
            raise NestingTooDeep("nested too deeply")
        _nesting.depth = depth + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _nesting.depth = depth

    return counted


# -- words -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text; ``quoted`` text is neither split nor globbed."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    """``$name`` or ``${name<op><arg>}``; ``op`` is ``len`` for ``${#name}``."""

    name: str
    quoted: bool = False
    op: str = ""  # "", "-", ":-", "=", ":=", "+", ":+", "?", ":?", "#", "##", "%", "%%", "len"
    arg: Word | None = None


@dataclass(frozen=True, slots=True)
class CommandSub:
    """``$(body)`` or a backquoted command."""

    body: Sequence
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Arith:
    """``$((expr))``: ``expr`` is expanded, then evaluated as an integer expression."""

    expr: Word
    quoted: bool = False


Part = Lit | Param | CommandSub | Arith


@dataclass(frozen=True, slots=True)
class Word:
    parts: tuple[Part, ...]

    @property
    def literal(self) -> str | None:
        """The word's text when it has no expansions (quotes removed), else None."""
        if all(isinstance(p, Lit) for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None


@functools.lru_cache(maxsize=4096)
def static_field(word: Word) -> str | None:
    """The one field a word of plain text expands to, or None if it needs expanding."""
    text: list[str] = []
    for index, part in enumerate(word.parts):
        if not isinstance(part, Lit):
            return None
        if not part.quoted and (
            any(c in part.text for c in "*?[") or (index == 0 and part.text.startswith("~"))
        ):
            return None
        text.append(part.text)
    return "".join(text) if word.parts else None


# -- commands ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Redirect:
    """``fd op target``: ``op`` is ``<``, ``>``, ``>>``, ``>&``, ``<&`` or ``<<``.

    For ``<<`` the target is the here-document's body; for ``>&``/``<&`` it
    names the file descriptor to duplicate (``2>&1``) or ``-`` to close.
    """

    fd: int
    op: str
    target: Word


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    assigns: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...] = ()
    # The fields the words expand to when every one is plain text (``static_field``), else
    # None: worked out once per parsed command, not at each run (``echo starting`` in a
    # crash loop). Derived from ``words``, so it takes no part in equality.
    static_argv: tuple[str, ...] | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        fields = tuple(static_field(word) for word in self.words)
        if None not in fields:
            object.__setattr__(self, "static_argv", fields)


@dataclass(frozen=True, slots=True)
class Pipeline:
    commands: tuple[Node, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class AndOr:
    first: Node
    rest: tuple[tuple[str, Node], ...]  # ("&&" | "||", node)


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Background:
    """``node &``: run ``node`` as a background job."""

    node: Node


@dataclass(frozen=True, slots=True)
class Loop:
    condition: Sequence
    body: Sequence
    until: bool


@dataclass(frozen=True, slots=True)
class If:
    branches: tuple[tuple[Sequence, Sequence], ...]
    otherwise: Sequence | None


@dataclass(frozen=True, slots=True)
class For:
    name: str
    words: tuple[Word, ...] | None  # None: ``for name; do`` loops over "$@"
    body: Sequence


@dataclass(frozen=True, slots=True)
class Case:
    word: Word
    items: tuple[tuple[tuple[Word, ...], Sequence], ...]


@dataclass(frozen=True, slots=True)
class Group:
    """``{ body; }``: runs in the current shell."""

    body: Sequence


@dataclass(frozen=True, slots=True)
class Subshell:
    """``( body )``: runs in a copy of the shell."""

    body: Sequence


@dataclass(frozen=True, slots=True)
class Redirected:
    """A compound command with redirections: ``while ...; done < file``."""

    node: Node
    redirects: tuple[Redirect, ...]


@dataclass(frozen=True, slots=True)
class FunctionDef:
    name: str
    body: Node


Node = (
    SimpleCommand
    | Pipeline
    | AndOr
    | Sequence
    | Background
    | Loop
    | If
    | For
    | Case
    | Group
    | Subshell
    | Redirected
    | FunctionDef
)
