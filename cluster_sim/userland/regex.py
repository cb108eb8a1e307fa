"""POSIX regular expressions for ``grep`` and ``expr``, on RE2 (linear time).

busybox hands patterns to the C library's ``regcomp``: basic (BRE, grep's
default and ``expr``'s) or extended (ERE, ``grep -E``) syntax with GNU's
extensions (``\\+``, ``\\?``, ``\\|``, ``\\<``, ``\\>``, ``\\w``...), and
``regexec`` finds the leftmost-longest match. Here the pattern is rewritten in
RE2's POSIX syntax and run with ``longest_match``, so the matches are the same
and no pattern can backtrack: ``(a+)+$`` against 36 a's takes microseconds,
not minutes.

RE2 has no backreferences (``\\1``): a pattern with one is refused with the
playground's message (``BackreferenceError``) instead of running an engine
whose time is exponential in the pattern. Patterns RE2 cannot compile
(a bad bracket, ``a{1001}``: RE2 allows at most 1,000 repetitions) are
``RegexError``, which the utilities report in busybox's words.
"""

from __future__ import annotations

import functools

import re2

MAX_PROGRAM = 8 << 20  # RE2's memory budget for one compiled pattern (its default)


class RegexError(Exception):
    """The pattern does not compile."""


class BackreferenceError(RegexError):
    """The pattern uses a backreference, which RE2 (and so the playground) lacks."""


def _options(icase: bool) -> re2.Options:
    options = re2.Options()
    options.posix_syntax = True
    options.longest_match = True  # POSIX regexec: leftmost-longest
    options.perl_classes = True  # GNU's \w \W \s \S
    options.word_boundary = True  # GNU's \b \B (and \< \> as \b)
    options.one_line = True
    options.log_errors = False
    options.case_sensitive = not icase
    options.max_mem = MAX_PROGRAM
    return options


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """The bracket expression starting at ``pattern[i] == "["``: (RE2 text, index after it)."""
    j = i + 1
    out = ["["]
    if j < len(pattern) and pattern[j] == "^":
        out.append("^")
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        out.append("\\]")
        j += 1
    while j < len(pattern):
        c = pattern[j]
        if c == "]":
            out.append("]")
            return "".join(out), j + 1
        if c == "[" and j + 1 < len(pattern) and pattern[j + 1] in ":=.":
            end = pattern.find(pattern[j + 1] + "]", j + 2)
            if end < 0:
                raise RegexError("unterminated character class")
            out.append(pattern[j : end + 2])
            j = end + 2
            continue
        out.append("\\\\" if c == "\\" else "\\[" if c == "[" else c)  # POSIX: \ is literal
        j += 1
    raise RegexError("unmatched [")


_GNU_ESCAPES = {"<": "\\b", ">": "\\b", "b": "\\b", "B": "\\B", "w": "\\w", "W": "\\W"}
_GNU_ESCAPES |= {"s": "\\s", "S": "\\S", "`": "^", "'": "$"}


def _escape(c: str) -> str:
    """``\\c`` for a character with no special meaning: the character itself."""
    if c in _GNU_ESCAPES:
        return _GNU_ESCAPES[c]
    if c.isdigit() and c != "0":
        raise BackreferenceError(c)
    return c if c.isalnum() or c == "_" else "\\" + c


def _interval(pattern: str, i: int, close: str) -> tuple[str, int] | None:
    """``{m,n}`` starting after ``{`` at ``i``, ending with ``close``; None if it is not one."""
    end = pattern.find(close, i)
    if end < 0:
        return None
    body = pattern[i:end]
    low, comma, high = body.partition(",")
    if not (low.isdigit() or (comma and not low)) or (high and not high.isdigit()):
        return None
    return "{" + (low or "0") + comma + high + "}", end + len(close)


def translate(pattern: str, *, extended: bool) -> str:
    """A BRE (``extended=False``) or ERE as RE2 POSIX syntax."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    atom_start = True  # at the start of the RE, a group or an alternative
    while i < n:
        c = pattern[i]
        start, atom_start = atom_start, False
        if c == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if c == "\\":
            if i + 1 >= n:
                raise RegexError("trailing backslash")
            nxt = pattern[i + 1]
            i += 2
            if not extended and nxt in "()|":
                out.append(nxt)
                atom_start = nxt != ")"
            elif not extended and nxt == "{":
                interval = _interval(pattern, i, "\\}")
                if interval is None:
                    raise RegexError("invalid interval")
                out.append(interval[0])
                i = interval[1]
            elif not extended and nxt in "+?":
                out.append(nxt if not start else "\\" + nxt)
            else:
                out.append(_escape(nxt))
            continue
        i += 1
        if c == "*" and start:
            out.append("\\*")
        elif extended and c in "+?" and start:
            out.append("\\" + c)
        elif extended and c in "(|":
            out.append(c)
            atom_start = True
        elif extended and c == ")":
            out.append(c)
        elif extended and c == "{":
            interval = _interval(pattern, i, "}")
            if interval is None or start:
                out.append("\\{")
            else:
                out.append(interval[0])
                i = interval[1]
        elif not extended and c in "(){}|+?":
            out.append("\\" + c)
        elif c == "^":
            out.append("^" if extended or start else "\\^")
            atom_start = start
        elif c == "$":
            anchor = extended or i == n or pattern.startswith(("\\)", "\\|"), i)
            out.append("$" if anchor else "\\$")
        elif c == "." or c == "*" or (extended and c in "+?"):
            out.append(c)
        else:
            out.append(c if c.isalnum() or ord(c) > 127 else "\\" + c)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def compile_posix(
    pattern: str, *, extended: bool, fixed: bool = False, icase: bool = False
) -> re2._Regexp:
    """Compile a POSIX pattern for RE2; ``RegexError`` if it does not compile."""
    source = re2.escape(pattern) if fixed else translate(pattern, extended=extended)
    try:
        return re2.compile(source, _options(icase))
    except re2.error as exc:
        raise RegexError(str(exc)) from None


@functools.lru_cache(maxsize=256)
def compile_any(
    patterns: tuple[str, ...], *, extended: bool, fixed: bool, icase: bool, word: bool = False
) -> re2._Regexp:
    """``grep -e A -e B``: one regex matching any of ``patterns``.

    ``word`` is ``-w``; ``-x`` is the caller's ``fullmatch``.
    """
    sources = [re2.escape(p) if fixed else translate(p, extended=extended) for p in patterns]
    if word:
        sources = [f"\\b({s})\\b" for s in sources]
    source = "|".join(f"({s})" for s in sources) if len(sources) > 1 else sources[0]
    try:
        return re2.compile(source, _options(icase))
    except re2.error as exc:
        raise RegexError(str(exc)) from None


# -- shell patterns: ${X#pat} and friends ----------------------------------------


def _glob_tokens(pattern: str) -> list[str]:
    """``pattern`` as fnmatch reads it: ``*``, ``?``, ``[...]`` classes and characters."""
    tokens: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            end = pattern.find("]", j)
            if end >= 0:
                tokens.append(pattern[i : end + 1])
                i = end + 1
                continue
        tokens.append(c)
        i += 1
    return tokens


def _glob_source(tokens: list[str], *, lazy: bool) -> str:
    out: list[str] = []
    for token in tokens:
        if token == "*":
            out.append(".*?" if lazy else ".*")
        elif token == "?":
            out.append(".")
        elif len(token) > 1:  # a class: fnmatch's [!...] is [^...]; backslashes are literal
            body = token[1:-1]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            body = body.replace("\\", "\\\\").replace("[", "\\[")
            if body.startswith("]"):
                body = "\\]" + body[1:]
            out.append("[" + ("^" if negate else "") + body + "]")
        else:
            out.append(re2.escape(token))
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str, *, longest: bool, reverse: bool) -> re2._Regexp:
    tokens = _glob_tokens(pattern)
    if reverse:
        tokens.reverse()
    options = re2.Options()
    options.dot_nl = True
    options.longest_match = longest
    options.log_errors = False
    options.max_mem = MAX_PROGRAM
    return re2.compile(_glob_source(tokens, lazy=not longest), options)


def glob_prefix(text: str, pattern: str, *, longest: bool, suffix: bool = False) -> int | None:
    """The length of the shortest (or longest) prefix of ``text`` matching the shell
    ``pattern`` (with ``suffix``, of the suffix), or None: in linear time.

    With only ``*``, ``?``, classes and characters, placing each fixed piece as
    early as it fits gives the shortest match, which is what a lazy leftmost
    match finds; RE2's leftmost-longest gives the longest. A suffix is a prefix
    of the reversed text, matched by the reversed pattern.
    """
    try:
        regex = _glob_regex(pattern, longest=longest, reverse=suffix)
    except re2.error:
        return None
    m = regex.match(text[::-1] if suffix else text)
    return None if m is None else m.end()
