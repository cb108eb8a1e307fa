"""Shell syntax: tokens, words and the command tree, parsed once per script.

The grammar is the POSIX shell's, as busybox ``ash`` runs it: lists with
``;``, ``&`` and newlines, ``&&``/``||``, pipelines (``!`` negates), ``while``,
``until``, ``for``, ``if``, ``case``, ``{ ...; }`` groups, ``( ... )``
subshells, functions, redirections (``<``, ``>``, ``>>``, ``2>``, ``2>&1``,
here-documents) and words made of literal text, parameters (``$X``,
``${X:-default}``...), command substitutions (``$(...)``, backquotes) and
arithmetic (``$((i+1))``). Each word part remembers whether it was quoted,
which decides field splitting and pathname expansion when the word runs.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
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


def _nested(fn: Callable[_P, _R]) -> Callable[_P, _R]:
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

# -- tokens ------------------------------------------------------------------

OPERATORS = ("&&", "||", ";;", ";", "\n", "|", "&", "(", ")")
REDIRECTION = re.compile(r"(\d?)(<<-|<<|>>|>&|<&|>\||<>|>|<)")
RESERVED = {
    "while",
    "until",
    "do",
    "done",
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "for",
    "in",
    "case",
    "esac",
    "{",
    "}",
    "!",
}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-]")
PARAM_OPS = (":-", ":=", ":+", ":?", "-", "=", "+", "?", "##", "#", "%%", "%")
SPECIAL_PARAMS = "?$#!@*-0123456789"
WORD_STOPS = " \t\r\n;&|<>()"


@dataclass(slots=True)
class _Token:
    kind: str  # "word" | "op" | "redir"
    value: str  # the raw word text, the operator, or the redirection operator
    word: Word | None = None
    fd: int = -1
    heredoc: Word | None = None


class _Builder:
    """Collects word parts, merging adjacent literal text of the same quoting."""

    def __init__(self, quoted: bool = False) -> None:
        self.parts: list[Part] = []
        self.quoted = quoted

    def lit(self, text: str, quoted: bool) -> None:
        quoted = quoted or self.quoted
        last = self.parts[-1] if self.parts else None
        if isinstance(last, Lit) and last.quoted == quoted:
            self.parts[-1] = Lit(last.text + text, quoted)
        else:
            self.parts.append(Lit(text, quoted))

    def part(self, part: Part) -> None:
        self.parts.append(part)

    def word(self) -> Word:
        return Word(tuple(self.parts))


def tokenize(script: str) -> list[_Token]:
    tokens: list[_Token] = []
    heredocs: list[tuple[_Token, str, bool, bool]] = []
    i, n = 0, len(script)
    while i < n:
        ch = script[i]
        if ch in " \t\r":
            i += 1
            continue
        if ch == "\\" and i + 1 < n and script[i + 1] == "\n":
            i += 2
            continue
        if ch == "#":
            while i < n and script[i] != "\n":
                i += 1
            continue
        if ch == "\n":
            tokens.append(_Token("op", "\n"))
            i = _read_heredocs(script, i + 1, heredocs)
            heredocs = []
            continue
        m = REDIRECTION.match(script, i)
        if m:
            op = m.group(2)
            fd = int(m.group(1)) if m.group(1) else (0 if op[0] == "<" else 1)
            token = _Token("redir", ">" if op == ">|" else op, fd=fd)
            tokens.append(token)
            i = m.end()
            if op.startswith("<<"):
                while i < n and script[i] in " \t":
                    i += 1
                start = i
                word, i = _read_word(script, i, WORD_STOPS)
                raw = script[start:i]
                if not raw:
                    raise ShellSyntaxError("unexpected newline")
                quoted = any(c in raw for c in "'\"\\")
                heredocs.append((token, "".join(_literal_text(word)), op == "<<-", quoted))
            continue
        op = next((o for o in OPERATORS if script.startswith(o, i)), None)
        if op is not None:
            tokens.append(_Token("op", op))
            i += len(op)
            continue
        start = i
        word, i = _read_word(script, i, WORD_STOPS)
        tokens.append(_Token("word", script[start:i], word))
    if heredocs:
        _read_heredocs(script, n, heredocs)
    return tokens


def _literal_text(word: Word) -> list[str]:
    return [p.text if isinstance(p, Lit) else "$" for p in word.parts]


def _read_heredocs(script: str, i: int, heredocs: list[tuple[_Token, str, bool, bool]]) -> int:
    """Read the bodies of the here-documents opened on the line that just ended."""
    n = len(script)
    for token, delimiter, strip_tabs, quoted in heredocs:
        lines: list[str] = []
        while i < n:
            end = script.find("\n", i)
            end = n if end < 0 else end
            line = script[i:end]
            i = end + 1
            if strip_tabs:
                line = line.lstrip("\t")
            if line == delimiter:
                break
            lines.append(line + "\n")
        body = "".join(lines)
        token.heredoc = Word((Lit(body, True),)) if quoted else _parse_text(body)
    return min(i, n)


@_nested
def _read_word(script: str, i: int, stops: str) -> tuple[Word, int]:
    b = _Builder()
    n = len(script)
    while i < n:
        ch = script[i]
        if ch in stops:
            break
        if ch == "'":
            end = script.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            b.lit(script[i + 1 : end], True)
            i = end + 1
        elif ch == '"':
            parts, i = _read_dquoted(script, i + 1)
            if not parts:
                b.lit("", True)
            for part in parts:
                if isinstance(part, Lit):
                    b.lit(part.text, True)
                else:
                    b.part(part)
        elif ch == "\\" and i + 1 < n:
            if script[i + 1] != "\n":
                b.lit(script[i + 1], True)
            i += 2
        elif ch == "$":
            part, i = _read_dollar(script, i, quoted=False)
            if part is None:
                b.lit("$", False)
            else:
                b.part(part)
        elif ch == "`":
            part, i = _read_backquote(script, i, quoted=False)
            b.part(part)
        else:
            b.lit(ch, False)
            i += 1
    return b.word(), i


@_nested
def _read_dquoted(script: str, i: int, *, heredoc: bool = False) -> tuple[list[Part], int]:
    """Read double-quoted text from ``i``; return its parts and the index after the quote.

    With ``heredoc`` the text runs to the end and ``"`` is an ordinary character.
    """
    b = _Builder(quoted=True)
    n = len(script)
    escapable = "$`\\\n" if heredoc else '$`"\\\n'
    while i < n:
        ch = script[i]
        if ch == '"' and not heredoc:
            return b.parts, i + 1
        if ch == "\\" and i + 1 < n and script[i + 1] in escapable:
            if script[i + 1] != "\n":
                b.lit(script[i + 1], True)
            i += 2
        elif ch == "$":
            part, i = _read_dollar(script, i, quoted=True)
            if part is None:
                b.lit("$", True)
            else:
                b.part(part)
        elif ch == "`":
            part, i = _read_backquote(script, i, quoted=True)
            b.part(part)
        else:
            b.lit(ch, True)
            i += 1
    if not heredoc:
        raise ShellSyntaxError("unterminated quoted string")
    return b.parts, i


def _parse_text(text: str) -> Word:
    """A here-document body or an arithmetic expression: expansions, no quoting."""
    parts, _ = _read_dquoted(text, 0, heredoc=True)
    return Word(tuple(parts))


@_nested
def _read_dollar(script: str, i: int, *, quoted: bool) -> tuple[Part | None, int]:
    """Read the expansion starting at the ``$`` at ``i``; None if the ``$`` is literal."""
    nxt = script[i + 1 : i + 2]
    if script.startswith("$((", i):
        end = _arith_end(script, i + 3)
        if end is not None:
            return Arith(_parse_text(script[i + 3 : end]), quoted), end + 2
    if nxt == "(":
        end = _matching(script, i + 2, "(", ")")
        return CommandSub(parse(script[i + 2 : end]), quoted), end + 1
    if nxt == "{":
        return _read_braced(script, i, quoted)
    if nxt and nxt in SPECIAL_PARAMS:
        return Param(nxt, quoted), i + 2
    m = NAME.match(script, i + 1)
    if m:
        return Param(m.group(0), quoted), m.end()
    return None, i + 1


def _read_braced(script: str, i: int, quoted: bool) -> tuple[Param, int]:
    end = _matching(script, i + 2, "{", "}")
    inner = script[i + 2 : end]
    if inner.startswith("#") and len(inner) > 1:
        m = PARAM_NAME.fullmatch(inner[1:])
        if m:
            return Param(inner[1:], quoted, "len"), end + 1
    m = PARAM_NAME.match(inner)
    if not m:
        raise ShellSyntaxError("bad substitution")
    name, rest = m.group(0), inner[m.end() :]
    if not rest:
        return Param(name, quoted), end + 1
    op = next((o for o in PARAM_OPS if rest.startswith(o)), None)
    if op is None:
        raise ShellSyntaxError("bad substitution")
    text = rest[len(op) :]
    if quoted:
        parts, _ = _read_dquoted(text, 0, heredoc=True)
        arg = Word(tuple(parts))
    else:
        arg, _ = _read_word(text, 0, "")
    return Param(name, quoted, op, arg), end + 1


def _read_backquote(script: str, i: int, *, quoted: bool) -> tuple[CommandSub, int]:
    text = []
    k, n = i + 1, len(script)
    while k < n and script[k] != "`":
        if script[k] == "\\" and k + 1 < n and script[k + 1] in "$`\\":
            text.append(script[k + 1])
            k += 2
        else:
            text.append(script[k])
            k += 1
    if k >= n:
        raise ShellSyntaxError("unterminated quoted string")
    return CommandSub(parse("".join(text)), quoted), k + 1


@_nested
def _matching(script: str, k: int, open_: str, close: str) -> int:
    """The index of the ``close`` that balances an ``open_`` just before ``k``."""
    depth, n = 1, len(script)
    while k < n:
        c = script[k]
        if c == "\\":
            k += 2
            continue
        if c == "'" and open_ == "(":
            end = script.find("'", k + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            k = end + 1
            continue
        if c == '"':
            _, k = _read_dquoted(script, k + 1)
            continue
        if c == "`":
            _, k = _read_backquote(script, k, quoted=False)
            continue
        if c == "$" and script.startswith("${", k):
            k = _matching(script, k + 2, "{", "}") + 1
            continue
        if c == "$" and script.startswith("$(", k):
            k = _matching(script, k + 2, "(", ")") + 1
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return k
        k += 1
    raise ShellSyntaxError(f'unexpected end of file (expecting "{close}")')


def _arith_end(script: str, k: int) -> int | None:
    """The index of the ``))`` closing ``$((`` before ``k``, or None if it is ``$( (...) )``."""
    depth, n = 0, len(script)
    while k < n:
        c = script[k]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return k if script.startswith("))", k) else None
            depth -= 1
        k += 1
    return None


# -- the parser --------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> _Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def is_op(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.value in values

    def is_reserved(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.value in words

    def unexpected(self, expecting: str = "") -> ShellSyntaxError:
        """ash's wording: ``unexpected "fi"``, ``unexpected end of file (expecting "done")``."""
        tok = self.peek()
        found = "end of file" if tok is None else f'"{tok.value.replace(chr(10), "newline")}"'
        message = f"unexpected {found}"
        if expecting:
            message += f' (expecting "{expecting}")'
        return ShellSyntaxError(message)

    def expect_reserved(self, word: str) -> None:
        if not self.is_reserved(word):
            raise self.unexpected(word)
        self.pos += 1

    def expect_op(self, op: str) -> None:
        if not self.is_op(op):
            raise self.unexpected(op)
        self.pos += 1

    def skip_separators(self) -> None:
        while self.is_op(";", "\n"):
            self.pos += 1

    def skip_newlines(self) -> None:
        while self.is_op("\n"):
            self.pos += 1

    def sequence(self, *terminators: str) -> Sequence:
        items: list[Node] = []
        self.skip_separators()
        while (
            self.peek() is not None
            and not self.is_reserved(*terminators)
            and not self.is_op(")", ";;")
        ):
            node = self.and_or()
            if self.is_op("&"):
                self.pos += 1
                node = Background(node)
            elif not (
                self.peek() is None
                or self.is_op(";", "\n", ")", ";;")
                or self.is_reserved(*terminators)
            ):
                raise self.unexpected()
            items.append(node)
            self.skip_separators()
        return Sequence(tuple(items))

    def and_or(self) -> Node:
        first = self.pipeline()
        rest: list[tuple[str, Node]] = []
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in ("&&", "||"):
            self.pos += 1
            self.skip_newlines()
            rest.append((tok.value, self.pipeline()))
        return AndOr(first, tuple(rest)) if rest else first

    def pipeline(self) -> Node:
        negate = False
        if self.is_reserved("!"):
            self.pos += 1
            negate = True
        commands = [self.command()]
        while self.is_op("|"):
            self.pos += 1
            self.skip_newlines()
            commands.append(self.command())
        if len(commands) == 1 and not negate:
            return commands[0]
        return Pipeline(tuple(commands), negate)

    @_nested
    def command(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ShellSyntaxError("unexpected end of file")
        if tok.kind == "op":
            if tok.value == "(":
                self.pos += 1
                body = self.sequence()
                self.expect_op(")")
                return self.redirected(Subshell(body))
            raise self.unexpected()
        if tok.kind == "redir":
            return self.simple_command()
        value = tok.value
        if value in ("while", "until"):
            self.pos += 1
            condition = self.sequence("do")
            self.expect_reserved("do")
            body = self.sequence("done")
            self.expect_reserved("done")
            return self.redirected(Loop(condition, body, until=value == "until"))
        if value == "if":
            return self.redirected(self.if_())
        if value == "for":
            return self.redirected(self.for_())
        if value == "case":
            return self.redirected(self.case())
        if value == "{":
            self.pos += 1
            body = self.sequence("}")
            self.expect_reserved("}")
            return self.redirected(Group(body))
        if value in RESERVED:
            raise self.unexpected()
        nxt, after = self.peek(1), self.peek(2)
        if (
            NAME.fullmatch(value)
            and nxt is not None
            and (nxt.kind, nxt.value) == ("op", "(")
            and after is not None
            and (after.kind, after.value) == ("op", ")")
        ):
            self.pos += 3
            self.skip_newlines()
            return FunctionDef(value, self.command())
        return self.simple_command()

    def if_(self) -> If:
        self.pos += 1
        branches: list[tuple[Sequence, Sequence]] = []
        otherwise = None
        while True:
            condition = self.sequence("then")
            self.expect_reserved("then")
            body = self.sequence("elif", "else", "fi")
            branches.append((condition, body))
            if self.is_reserved("elif"):
                self.pos += 1
                continue
            if self.is_reserved("else"):
                self.pos += 1
                otherwise = self.sequence("fi")
            self.expect_reserved("fi")
            return If(tuple(branches), otherwise)

    def for_(self) -> For:
        self.pos += 1
        name_tok = self.peek()
        if name_tok is None or name_tok.kind != "word" or not NAME.fullmatch(name_tok.value):
            raise ShellSyntaxError("bad for loop variable")
        self.pos += 1
        self.skip_newlines()
        words: list[Word] | None = None
        if self.is_reserved("in"):
            self.pos += 1
            words = []
            while (t := self.peek()) is not None and t.kind == "word":
                assert t.word is not None
                words.append(t.word)
                self.pos += 1
        self.skip_separators()
        self.expect_reserved("do")
        body = self.sequence("done")
        self.expect_reserved("done")
        return For(name_tok.value, None if words is None else tuple(words), body)

    def case(self) -> Case:
        self.pos += 1
        tok = self.peek()
        if tok is None or tok.kind != "word":
            raise self.unexpected("word")
        assert tok.word is not None
        self.pos += 1
        self.skip_newlines()
        self.expect_reserved("in")
        items: list[tuple[tuple[Word, ...], Sequence]] = []
        self.skip_separators()
        while not self.is_reserved("esac"):
            if self.peek() is None:
                raise self.unexpected("esac")
            if self.is_op("("):
                self.pos += 1
            patterns: list[Word] = []
            while True:
                pat = self.peek()
                if pat is None or pat.kind != "word":
                    raise self.unexpected(")")
                assert pat.word is not None
                patterns.append(pat.word)
                self.pos += 1
                if not self.is_op("|"):
                    break
                self.pos += 1
            self.expect_op(")")
            body = self.sequence("esac")
            items.append((tuple(patterns), body))
            if self.is_op(";;"):
                self.pos += 1
            elif not self.is_reserved("esac"):
                raise self.unexpected("esac")
            self.skip_separators()
        self.pos += 1
        return Case(tok.word, tuple(items))

    def redirect(self) -> Redirect:
        tok = self.peek()
        assert tok is not None
        self.pos += 1
        if tok.value in ("<<", "<<-"):
            return Redirect(0, "<<", tok.heredoc or Word(()))
        target = self.peek()
        if target is None or target.kind != "word":
            raise self.unexpected()
        assert target.word is not None
        self.pos += 1
        op = "<" if tok.value == "<>" else tok.value
        return Redirect(tok.fd, op, target.word)

    def redirected(self, node: Node) -> Node:
        redirects: list[Redirect] = []
        while (tok := self.peek()) is not None and tok.kind == "redir":
            redirects.append(self.redirect())
        return Redirected(node, tuple(redirects)) if redirects else node

    def simple_command(self) -> SimpleCommand:
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while (tok := self.peek()) is not None and tok.kind != "op":
            if tok.kind == "redir":
                redirects.append(self.redirect())
                continue
            assert tok.word is not None
            assignment = None if words else _assignment(tok)
            if assignment is not None:
                assigns.append(assignment)
            else:
                words.append(tok.word)
            self.pos += 1
        return SimpleCommand(tuple(assigns), tuple(words), tuple(redirects))


def _assignment(tok: _Token) -> tuple[str, Word] | None:
    """``NAME=value`` (the name unquoted) as (name, value word), else None."""
    assert tok.word is not None
    eq = tok.value.find("=")
    if eq <= 0 or not NAME.fullmatch(tok.value[:eq]):
        return None
    first = tok.word.parts[0] if tok.word.parts else None
    if not isinstance(first, Lit) or first.quoted or not first.text.startswith(tok.value[: eq + 1]):
        return None
    rest = first.text[eq + 1 :]
    parts = ((Lit(rest),) if rest else ()) + tok.word.parts[1:]
    return tok.value[:eq], Word(parts)


@functools.lru_cache(maxsize=1024)
@_nested
def parse(script: str) -> Sequence:
    """Parse ``script``; the tree is immutable, so a script is parsed once per run."""
    parser = _Parser(tokenize(script))
    seq = parser.sequence()
    if parser.peek() is not None:
        raise parser.unexpected()
    return seq
