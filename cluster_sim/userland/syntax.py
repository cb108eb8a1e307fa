"""Shell syntax: tokens, words and the command tree, parsed once per script."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


class ShellSyntaxError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Word:
    """A word: literal text and ``$name`` references, in order."""

    parts: tuple[tuple[str, str], ...]  # ("lit", text) | ("var", name)


@dataclass(frozen=True, slots=True)
class Redirect:
    op: str  # ">", ">>", "<", "2>", "2>>", "2>&1", ">&2"
    target: Word | None


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    assigns: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class AndOr:
    first: Node
    rest: tuple[tuple[str, Node], ...]  # ("&&" | "||", node)


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]


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
    words: tuple[Word, ...]
    body: Sequence


Node = SimpleCommand | AndOr | Sequence | Loop | If | For

OPERATORS = ("&&", "||", ">>", "2>&1", ">&2", "2>>", "2>", ";", "\n", "|", "&", ">", "<")
RESERVED = {"while", "until", "do", "done", "if", "then", "elif", "else", "fi", "for", "in"}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(slots=True)
class _Token:
    kind: str  # "word" | "op"
    value: str  # op text, or the raw word text (for reserved-word checks)
    word: Word | None = None


def tokenize(script: str) -> list[_Token]:
    tokens: list[_Token] = []
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
        op = next((o for o in OPERATORS if script.startswith(o, i)), None)
        if op is not None and not (op.startswith("2") and _word_continues(script, i)):
            tokens.append(_Token("op", op))
            i += len(op)
            continue
        word, raw, i = _read_word(script, i)
        tokens.append(_Token("word", raw, word))
    return tokens


def _word_continues(script: str, i: int) -> bool:
    """``2>`` is a redirection only at the start of a word."""
    return i > 0 and script[i - 1] not in " \t\n;|&"


def _read_word(script: str, i: int) -> tuple[Word, str, int]:
    parts: list[tuple[str, str]] = []
    raw = ""
    start = i
    n = len(script)
    lit = ""

    def flush() -> None:
        nonlocal lit
        if lit:
            parts.append(("lit", lit))
            lit = ""

    while i < n:
        ch = script[i]
        if ch in " \t\r\n;&|<>" or (
            ch == "2" and script.startswith(("2>", "2>&1"), i) and i == start
        ):
            break
        if ch == "'":
            end = script.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            lit += script[i + 1 : end]
            i = end + 1
            continue
        if ch == '"':
            i += 1
            while i < n and script[i] != '"':
                c = script[i]
                if c == "\\" and i + 1 < n and script[i + 1] in '"\\$`':
                    lit += script[i + 1]
                    i += 2
                elif c == "$":
                    name, i = _read_var(script, i)
                    if name is None:
                        lit += "$"
                    else:
                        flush()
                        parts.append(("var", name))
                else:
                    lit += c
                    i += 1
            if i >= n:
                raise ShellSyntaxError("unterminated quoted string")
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            lit += script[i + 1]
            i += 2
            continue
        if ch == "$":
            name, i = _read_var(script, i)
            if name is None:
                lit += "$"
            else:
                flush()
                parts.append(("var", name))
            continue
        lit += ch
        i += 1
    flush()
    raw = script[start:i]
    return Word(tuple(parts)), raw, i


def _read_var(script: str, i: int) -> tuple[str | None, int]:
    """Read ``$NAME``, ``${NAME}`` or ``$?`` starting at the ``$``."""
    if script.startswith("${", i):
        end = script.find("}", i)
        if end < 0:
            raise ShellSyntaxError("bad substitution")
        return script[i + 2 : end], end + 1
    if i + 1 < len(script) and script[i + 1] in "?$#0":
        return script[i + 1], i + 2
    m = NAME.match(script, i + 1)
    if m:
        return m.group(0), m.end()
    return None, i + 1


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_reserved(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.value in words

    def expect_reserved(self, word: str) -> None:
        if not self.is_reserved(word):
            tok = self.peek()
            found = "end of file" if tok is None else tok.value.replace("\n", "newline")
            raise ShellSyntaxError(f'unexpected {found} (expecting "{word}")')
        self.pos += 1

    def skip_separators(self) -> None:
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in (";", "\n"):
            self.pos += 1

    def sequence(self, *terminators: str) -> Sequence:
        items: list[Node] = []
        self.skip_separators()
        while self.peek() is not None and not self.is_reserved(*terminators):
            items.append(self.and_or())
            tok = self.peek()
            if tok is not None and tok.kind == "op" and tok.value == "&":
                raise ShellSyntaxError("background jobs (&) are not supported in the playground")
            self.skip_separators()
        return Sequence(tuple(items))

    def and_or(self) -> Node:
        first = self.command()
        rest: list[tuple[str, Node]] = []
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in ("&&", "||"):
            self.pos += 1
            while (t := self.peek()) is not None and t.kind == "op" and t.value == "\n":
                self.pos += 1
            rest.append((tok.value, self.command()))
        if (tok := self.peek()) is not None and tok.kind == "op" and tok.value == "|":
            raise ShellSyntaxError("pipes (|) are not supported in the playground yet")
        return AndOr(first, tuple(rest)) if rest else first

    def command(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ShellSyntaxError("unexpected end of file")
        if tok.kind == "op":
            raise ShellSyntaxError(f'unexpected "{tok.value.replace(chr(10), "newline")}"')
        if tok.value in ("while", "until"):
            self.pos += 1
            condition = self.sequence("do")
            self.expect_reserved("do")
            body = self.sequence("done")
            self.expect_reserved("done")
            return Loop(condition, body, until=tok.value == "until")
        if tok.value == "if":
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
        if tok.value == "for":
            self.pos += 1
            name_tok = self.peek()
            if name_tok is None or name_tok.kind != "word" or not NAME.fullmatch(name_tok.value):
                raise ShellSyntaxError("bad for loop variable")
            self.pos += 1
            words: list[Word] = []
            if self.is_reserved("in"):
                self.pos += 1
                while (t := self.peek()) is not None and t.kind == "word":
                    assert t.word is not None
                    words.append(t.word)
                    self.pos += 1
            self.skip_separators()
            self.expect_reserved("do")
            body = self.sequence("done")
            self.expect_reserved("done")
            return For(name_tok.value, tuple(words), body)
        if tok.value in RESERVED:
            raise ShellSyntaxError(f'unexpected "{tok.value}"')
        return self.simple_command()

    def simple_command(self) -> SimpleCommand:
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "op":
                if tok.value in (">", ">>", "<", "2>", "2>>"):
                    self.pos += 1
                    target = self.peek()
                    if target is None or target.kind != "word":
                        raise ShellSyntaxError("missing redirection target")
                    self.pos += 1
                    redirects.append(Redirect(tok.value, target.word))
                    continue
                if tok.value in ("2>&1", ">&2"):
                    self.pos += 1
                    redirects.append(Redirect(tok.value, None))
                    continue
                break
            assert tok.word is not None
            eq = tok.value.find("=")
            if not words and eq > 0 and NAME.fullmatch(tok.value[:eq]):
                name = tok.value[:eq]
                value_parts = list(tok.word.parts)
                first_kind, first_text = value_parts[0]
                value_parts[0] = (first_kind, first_text[eq + 1 :])
                assigns.append((name, Word(tuple(p for p in value_parts if p != ("lit", "")))))
            else:
                words.append(tok.word)
            self.pos += 1
        return SimpleCommand(tuple(assigns), tuple(words), tuple(redirects))


@functools.lru_cache(maxsize=1024)
def parse(script: str) -> Sequence:
    """Parse ``script``; the tree is immutable, so a script is parsed once per run."""
    parser = _Parser(tokenize(script))
    seq = parser.sequence()
    if parser.peek() is not None:
        raise ShellSyntaxError(f'unexpected "{parser.peek().value}"')  # type: ignore[union-attr]
    return seq

