"""A small, deterministic POSIX-shell interpreter for simulated containers.

Containers in the playground do not run real processes: their ``command`` and
``args`` run through this interpreter. Execution is a generator that yields
``Action`` values (sleep this long, write this output) and returns the exit
status, so the kubelet can drive it on the simulation clock and interrupt it.

Supported today: ``sh -c`` scripts with ``;``, newlines, ``&&``, ``||``,
``while``/``until``/``for``/``if`` compound commands, variable assignment and
``$VAR``/``${VAR}``/``$?`` expansion, quoting, ``#`` comments, ``>``/``>>``
redirection to a per-container file map; the utilities ``echo``, ``sleep``,
``exit``, ``true``, ``false``, ``:``, ``cat`` and ``printenv``/``env``.
Unknown commands behave as in busybox: ``sh: foo: not found`` and status 127.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# What a running program asks of the simulation


@dataclass(frozen=True, slots=True)
class Sleep:
    """Block for ``ms`` simulated milliseconds (``math.inf``: forever)."""

    ms: float


@dataclass(frozen=True, slots=True)
class Output:
    """Write ``text`` to the container's stdout (its log)."""

    text: str


Action = Sleep | Output
Program = Generator[Action, None, int]

# --------------------------------------------------------------------------
# Syntax


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


def parse(script: str) -> Sequence:
    parser = _Parser(tokenize(script))
    seq = parser.sequence()
    if parser.peek() is not None:
        raise ShellSyntaxError(f'unexpected "{parser.peek().value}"')  # type: ignore[union-attr]
    return seq


# --------------------------------------------------------------------------
# Execution


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


@dataclass
class Process:
    """One program running in a container: its environment, files and output.

    ``binaries`` are the executables the image ships; anything else is
    "not found", as in the real image.
    """

    argv: tuple[str, ...]
    binaries: frozenset[str]
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    status: int = 0

    def run(self) -> Program:
        """Run ``argv`` as the container's PID 1; return the exit status."""
        if not self.argv:
            return 0
        try:
            status = yield from self._exec(list(self.argv), redirect=None)
        except _Exit as done:
            status = done.status
        return status

    # -- commands -----------------------------------------------------------

    def _exec(self, argv: list[str], redirect: str | None) -> Program:
        name = argv[0].rsplit("/", 1)[-1]
        if name not in self.binaries and name not in BUILTINS:
            yield from self._write(f"sh: {argv[0]}: not found\n", redirect)
            return 127
        utility = UTILITIES.get(name)
        if utility is None:
            yield from self._write(f"sh: {argv[0]}: not found\n", redirect)
            return 127
        return (yield from utility(self, argv, redirect))

    def _write(self, text: str, redirect: str | None) -> Program:
        """Write to stdout (the log), or append to the file ``redirect`` names."""
        if redirect is None:
            yield Output(text)
        elif redirect != "/dev/null":
            self.files[redirect] = self.files.get(redirect, "") + text
        return 0

    def run_script(self, script: str) -> Program:
        try:
            tree = parse(script)
        except ShellSyntaxError as exc:
            yield Output(f"sh: syntax error: {exc}\n")
            return 2
        return (yield from self._run(tree))

    def _run(self, node: Node) -> Program:
        if isinstance(node, Sequence):
            status = 0
            for item in node.items:
                status = yield from self._run(item)
            return status
        if isinstance(node, AndOr):
            status = yield from self._run(node.first)
            for op, nxt in node.rest:
                if (op == "&&") == (status == 0):
                    status = yield from self._run(nxt)
            return status
        if isinstance(node, Loop):
            status = 0
            while True:
                cond = yield from self._run(node.condition)
                if (cond == 0) == node.until:
                    return status
                status = yield from self._run(node.body)
        if isinstance(node, If):
            for condition, body in node.branches:
                if (yield from self._run(condition)) == 0:
                    return (yield from self._run(body))
            return (yield from self._run(node.otherwise)) if node.otherwise else 0
        if isinstance(node, For):
            status = 0
            for word in node.words:
                self.env[node.name] = self._expand(word)
                status = yield from self._run(node.body)
            return status
        return (yield from self._simple(node))

    def _simple(self, cmd: SimpleCommand) -> Program:
        for name, word in cmd.assigns:
            self.env[name] = self._expand(word)
        if not cmd.words:
            self.status = 0
            return 0
        argv = [self._expand(w) for w in cmd.words]
        redirect: str | None = None
        for r in cmd.redirects:
            if r.op in (">", ">>") and r.target is not None:
                redirect = self._expand(r.target)
                if r.op == ">" and redirect != "/dev/null":
                    self.files[redirect] = ""
        status = yield from self._exec(argv, redirect)
        self.status = status
        return status

    def _expand(self, word: Word) -> str:
        out = []
        for kind, text in word.parts:
            if kind == "lit":
                out.append(text)
            elif text == "?":
                out.append(str(self.status))
            elif text == "$":
                out.append("1")
            elif text == "#":
                out.append("0")
            elif text == "0":
                out.append("sh")
            else:
                out.append(self.env.get(text, ""))
        return "".join(out)


# --------------------------------------------------------------------------
# Utilities. Each takes (process, argv, redirect) and returns a status.

Utility = Callable[[Process, list[str], "str | None"], Program]


def _sh(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) >= 3 and argv[1] == "-c":
        return (yield from proc.run_script(argv[2]))
    if len(argv) == 1:
        return 0  # no script and no terminal: the shell reads EOF from stdin and exits
    yield from proc._write(f"sh: can't open '{argv[1]}': No such file or directory\n", redirect)
    return 2


def _echo(proc: Process, argv: list[str], redirect: str | None) -> Program:
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline = False
        args = args[1:]
    yield from proc._write(" ".join(args) + ("\n" if newline else ""), redirect)
    return 0


DURATION = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$")
UNIT_MS = {"": 1000, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def _sleep(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) < 2:
        yield from proc._write("sleep: missing operand\n", redirect)
        return 1
    total = 0.0
    for arg in argv[1:]:
        if arg in ("inf", "infinity"):
            total = math.inf
            continue
        m = DURATION.match(arg)
        if not m:
            yield from proc._write(f"sleep: invalid number '{arg}'\n", redirect)
            return 1
        total += float(m.group(1)) * UNIT_MS[m.group(2)]
    yield Sleep(total if math.isinf(total) else round(total))
    return 0


def _exit(proc: Process, argv: list[str], redirect: str | None) -> Program:
    status = proc.status
    if len(argv) > 1:
        try:
            status = int(argv[1]) & 0xFF
        except ValueError:
            yield from proc._write(f"sh: exit: Illegal number: {argv[1]}\n", redirect)
            status = 2
    raise _Exit(status)


def _true(proc: Process, argv: list[str], redirect: str | None) -> Program:
    return 0
    yield  # pragma: no cover


def _false(proc: Process, argv: list[str], redirect: str | None) -> Program:
    return 1
    yield  # pragma: no cover


def _cat(proc: Process, argv: list[str], redirect: str | None) -> Program:
    status = 0
    for path in argv[1:]:
        if path in proc.files:
            yield from proc._write(proc.files[path], redirect)
        else:
            yield from proc._write(
                f"cat: can't open '{path}': No such file or directory\n", redirect
            )
            status = 1
    return status


def _printenv(proc: Process, argv: list[str], redirect: str | None) -> Program:
    if len(argv) > 1:
        values = [proc.env[name] for name in argv[1:] if name in proc.env]
        for value in values:
            yield from proc._write(value + "\n", redirect)
        return 0 if len(values) == len(argv) - 1 else 1
    for name, value in proc.env.items():
        yield from proc._write(f"{name}={value}\n", redirect)
    return 0


def _serve(banner: tuple[str, ...]) -> Utility:
    """A long-running server: print its start-up lines, then serve forever."""

    def serve(proc: Process, argv: list[str], redirect: str | None) -> Program:
        for line in banner:
            yield from proc._write(line + "\n", redirect)
        yield Sleep(math.inf)
        return 0

    return serve


def _entrypoint(proc: Process, argv: list[str], redirect: str | None) -> Program:
    """An image's docker-entrypoint.sh: say what it does, then exec ``argv[1:]``."""
    if argv[1:2] == ["nginx"]:
        for line in NGINX_ENTRYPOINT:
            yield from proc._write(line + "\n", redirect)
    if len(argv) < 2:
        return 0
    return (yield from proc._exec(argv[1:], redirect))


NGINX_ENTRYPOINT = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)

BUILTINS = frozenset({"exit", ":", "true", "false", "echo"})

UTILITIES: Mapping[str, Utility] = {
    "sh": _sh,
    "bash": _sh,
    "dash": _sh,
    "echo": _echo,
    "sleep": _sleep,
    "exit": _exit,
    "true": _true,
    ":": _true,
    "false": _false,
    "cat": _cat,
    "printenv": _printenv,
    "env": _printenv,
    "docker-entrypoint.sh": _entrypoint,
    "nginx": _serve(
        (
            '[notice] 1#1: using the "epoll" event method',
            "[notice] 1#1: start worker processes",
        )
    ),
    "redis-server": _serve(
        (
            "1:M * Server initialized",
            "1:M * Ready to accept connections tcp",
        )
    ),
    "httpd-foreground": _serve(
        (
            "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4 (Unix) configured -- resuming "
            "normal operations",
            "[core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
        ),
    ),
}
