"""Shell syntax: ``parse`` a script into its tree; the lexer (tokens and words) lives here.

The command grammar is ``grammar``'s, the tree's node types ``syntax_tree``'s.

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

import re
import threading
from collections import OrderedDict

from .grammar import NAME, CommandParser, Token
from .syntax_tree import (
    AndOr,
    Arith,
    Background,
    Case,
    CommandSub,
    For,
    FunctionDef,
    Group,
    If,
    Lit,
    Loop,
    NestingTooDeep,
    Node,
    Param,
    Part,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
    ShellSyntaxError,
    SimpleCommand,
    Subshell,
    Word,
    nested,
    static_field,
)

# Re-exported: the tree ``parse`` builds (``syntax_tree``).
__all__ = [
    "AndOr",
    "Arith",
    "Background",
    "Case",
    "CommandSub",
    "For",
    "FunctionDef",
    "Group",
    "If",
    "Lit",
    "Loop",
    "NestingTooDeep",
    "Node",
    "Param",
    "Part",
    "Pipeline",
    "Redirect",
    "Redirected",
    "Sequence",
    "ShellSyntaxError",
    "SimpleCommand",
    "Subshell",
    "Word",
    "parse",
    "static_field",
    "tokenize",
]

# -- tokens ------------------------------------------------------------------

OPERATORS = ("&&", "||", ";;", ";", "\n", "|", "&", "(", ")")
REDIRECTION = re.compile(r"(\d?)(<<-|<<|>>|>&|<&|>\||<>|>|<)")
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-]")
PARAM_OPS = (":-", ":=", ":+", ":?", "-", "=", "+", "?", "##", "#", "%%", "%")
SPECIAL_PARAMS = "?$#!@*-0123456789"
WORD_STOPS = " \t\r\n;&|<>()"


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


def tokenize(script: str) -> list[Token]:
    tokens: list[Token] = []
    heredocs: list[tuple[Token, str, bool, bool]] = []
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
            tokens.append(Token("op", "\n"))
            i = _read_heredocs(script, i + 1, heredocs)
            heredocs = []
            continue
        m = REDIRECTION.match(script, i)
        if m:
            op = m.group(2)
            fd = int(m.group(1)) if m.group(1) else (0 if op[0] == "<" else 1)
            token = Token("redir", ">" if op == ">|" else op, fd=fd)
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
            tokens.append(Token("op", op))
            i += len(op)
            continue
        start = i
        word, i = _read_word(script, i, WORD_STOPS)
        tokens.append(Token("word", script[start:i], word))
    if heredocs:
        _read_heredocs(script, n, heredocs)
    return tokens


def _literal_text(word: Word) -> list[str]:
    return [p.text if isinstance(p, Lit) else "$" for p in word.parts]


def _read_heredocs(script: str, i: int, heredocs: list[tuple[Token, str, bool, bool]]) -> int:
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


@nested
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
            dollar, i = _read_dollar(script, i, quoted=False)
            if dollar is None:
                b.lit("$", False)
            else:
                b.part(dollar)
        elif ch == "`":
            part, i = _read_backquote(script, i, quoted=False)
            b.part(part)
        else:
            b.lit(ch, False)
            i += 1
    return b.word(), i


@nested
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


@nested
def _read_dollar(script: str, i: int, *, quoted: bool) -> tuple[Part | None, int]:
    """Read the expansion starting at the ``$`` at ``i``; None if the ``$`` is literal."""
    nxt = script[i + 1 : i + 2]
    if script.startswith("$((", i):
        end = _arith_end(script, i + 3)
        if end is not None:
            return Arith(_parse_text(script[i + 3 : end]), quoted), end + 2
    if nxt == "(":
        end = _matching(script, i + 2, "(", ")")
        return CommandSub(_parse(script[i + 2 : end]), quoted), end + 1
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
    return CommandSub(_parse("".join(text)), quoted), k + 1


@nested
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


@nested
def _parse(script: str) -> Sequence:
    """Parse ``script`` (a whole script, or the body of a ``$(...)`` inside one)."""
    parser = CommandParser(tokenize(script))
    seq = parser.sequence()
    if parser.peek() is not None:
        raise parser.unexpected()
    return seq


# Each command string is parsed once: a container's ``sh -c`` script at every restart, an
# exec probe's at every period, a trap at every signal. The cache holds whole scripts only
# (a ``$(...)`` body is parsed with its script, so the nesting limit counts the same
# whatever was parsed before), their syntax errors too, and is bounded in scripts and in
# characters: a hostile manifest's long scripts are parsed each time instead.
MAX_CACHED_SCRIPT = 16 * 1024  # characters: a longer script is not kept
MAX_CACHED_CHARS = 1 << 20  # all kept scripts together
MAX_CACHED_SCRIPTS = 1024


class ParseCache:
    """Parsed scripts by text, least recently used out first; the trees are immutable."""

    def __init__(
        self,
        scripts: int = MAX_CACHED_SCRIPTS,
        chars: int = MAX_CACHED_CHARS,
        longest: int = MAX_CACHED_SCRIPT,
    ) -> None:
        self.scripts, self.chars, self.longest = scripts, chars, longest
        self._kept: OrderedDict[str, Sequence | tuple[type[ShellSyntaxError], str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def size(self) -> int:
        """Characters of the scripts kept."""
        return self._size

    def parse(self, script: str) -> Sequence:
        # A hit takes no lock: ``get`` and ``move_to_end`` are each one step under the GIL,
        # and a script another thread dropped between the two is just not moved.
        kept = self._kept.get(script)
        if kept is not None:
            try:  # noqa: SIM105  (``contextlib.suppress`` costs a Python context manager)
                self._kept.move_to_end(script)
            except KeyError:
                pass
        else:
            try:
                kept = _parse(script)
            except ShellSyntaxError as error:
                kept = (type(error), str(error))
            self._keep(script, kept)
        if isinstance(kept, tuple):
            kind, message = kept
            raise kind(message)
        return kept

    def _keep(self, script: str, tree: Sequence | tuple[type[ShellSyntaxError], str]) -> None:
        if len(script) > self.longest:
            return
        with self._lock:
            if script in self._kept:
                return
            self._kept[script] = tree
            self._size += len(script)
            while len(self._kept) > self.scripts or self._size > self.chars:
                oldest, _ = self._kept.popitem(last=False)
                self._size -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0


PARSED = ParseCache()


def parse(script: str) -> Sequence:
    """Parse ``script`` into its immutable tree, once per text (``PARSED``)."""
    return PARSED.parse(script)
