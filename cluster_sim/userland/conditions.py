"""``test`` (``[``, ``[[``) and ``expr``: busybox's conditions and expressions."""

from __future__ import annotations

import re
from collections.abc import Callable

from .filesystem import (
    FsError,
    Stat,
)
from .process import (
    Process,
    Program,
    Target,
    basename,
    utility,
)
from .regex import BackreferenceError, RegexError, compile_posix
from .toolkit import (
    BACKREFERENCES,
    NESTING,
    usage,
)

# -- test ----------------------------------------------------------------------

UNARY = frozenset(
    {"-r", "-w", "-x", "-e", "-f", "-d", "-c", "-b", "-p", "-u", "-g", "-k", "-s", "-t", "-z"}
    | {"-n", "-h", "-O", "-G", "-L", "-S"}
)
BINARY = frozenset(
    {"=", "==", "!=", "<", ">", "-eq", "-ne", "-ge", "-gt", "-le", "-lt", "-nt", "-ot", "-ef"}
)


class _TestError(Exception):
    pass


class _Test:
    """busybox ``test``: the grammar of coreutils/test.c, operand by operand."""

    def __init__(self, proc: Process, args: list[str]) -> None:
        self.proc = proc
        self.args = args
        self.i = 0
        self.depth = 0  # parentheses open

    def at(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.args[j] if j < len(self.args) else None

    def run(self) -> int:
        if not self.args:
            return 1
        result = self.oexpr()
        if self.at() is not None:
            raise _TestError(f"sh: {self.at()}: unknown operand\n")
        return 0 if result else 1

    def oexpr(self) -> bool:
        results = [self.aexpr()]
        while self.at() == "-o":  # loops, not recursion: a chain can be long
            self.i += 1
            results.append(self.aexpr())
        return any(results)

    def aexpr(self) -> bool:
        results = [self.nexpr()]
        while self.at() == "-a":
            self.i += 1
            results.append(self.nexpr())
        return all(results)

    def nexpr(self) -> bool:
        negations = 0
        while self.at() == "!":
            self.i += 1
            negations += 1
        return self.primary() != (negations % 2 == 1)

    def primary(self) -> bool:
        arg = self.at()
        if arg is None:
            raise _TestError("sh: argument expected\n")
        if arg == "(":
            self.i += 1
            self.depth += 1
            if self.depth > NESTING:
                raise _TestError(
                    f"sh: test: nested too deeply (the playground's limit: {NESTING})\n"
                )
            res = self.oexpr()
            self.depth -= 1
            if self.at() != ")":
                raise _TestError("sh: closing paren expected\n")
            self.i += 1
            return res
        if self.at(1) in BINARY and self.at(2) is not None:
            return self.binop()
        if arg in UNARY:
            operand = self.at(1)
            if operand is None:
                self.i += 1
                return True
            self.i += 2
            if arg == "-z":
                return operand == ""
            if arg == "-n":
                return operand != ""
            if arg == "-t":
                self.number(operand)
                return False
            return self.filetest(arg, operand)
        if self.at(1) in BINARY:
            raise _TestError(f"sh: {self.at(1)}: argument expected\n")
        self.i += 1
        return arg != ""

    def number(self, text: str) -> int:
        m = re.fullmatch(r"\s*([-+]?\d+)\s*", text)
        if not m:
            raise _TestError(f"sh: {text}: bad number\n")
        return int(m.group(1))

    def binop(self) -> bool:
        a, op, b = self.at(), self.at(1), self.at(2)
        assert a is not None and op is not None and b is not None
        self.i += 3
        if op in ("=", "=="):
            return a == b
        if op == "!=":
            return a != b
        if op in ("<", ">"):
            return (a < b) if op == "<" else (a > b)
        if op.startswith("-") and op[1:] in ("eq", "ne", "ge", "gt", "le", "lt"):
            x, y = self.number(a), self.number(b)
            return {
                "-eq": x == y,
                "-ne": x != y,
                "-ge": x >= y,
                "-gt": x > y,
                "-le": x <= y,
                "-lt": x < y,
            }[op]
        fs = self.proc.fs
        try:
            sa, sb = fs.stat(self.proc.abspath(a)), fs.stat(self.proc.abspath(b))
        except FsError:
            return False
        if op == "-nt":
            return sa.mtime > sb.mtime
        if op == "-ot":
            return sa.mtime < sb.mtime
        return fs.realpath(self.proc.abspath(a)) == fs.realpath(self.proc.abspath(b))

    def filetest(self, op: str, operand: str) -> bool:
        path = self.proc.abspath(operand)
        fs = self.proc.fs
        try:
            st: Stat = fs.lstat(path) if op in ("-h", "-L") else fs.stat(path)
        except FsError:
            return False
        checks: dict[str, Callable[[Stat], bool]] = {
            "-e": lambda s: True,
            "-f": lambda s: s.kind == "file",
            "-d": lambda s: s.kind == "directory",
            "-c": lambda s: s.kind == "device",
            "-b": lambda s: False,
            "-p": lambda s: False,
            "-S": lambda s: False,
            "-h": lambda s: s.kind == "symlink",
            "-L": lambda s: s.kind == "symlink",
            "-s": lambda s: s.size > 0,
            "-r": lambda s: True,
            "-w": lambda s: fs.mount_of(path).writable,
            "-x": lambda s: bool(s.mode & 0o111),
            "-u": lambda s: bool(s.mode & 0o4000),
            "-g": lambda s: bool(s.mode & 0o2000),
            "-k": lambda s: bool(s.mode & 0o1000),
            "-O": lambda s: True,
            "-G": lambda s: True,
        }
        return checks[op](st)


@utility("test", "[", "[[")
def test(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    """``test``/``[``; busybox ash also has ``[[ ... ]]`` (plain tests, ``==`` as ``=``)."""
    args = argv[1:]
    name = basename(argv[0])
    if name in ("[", "[["):
        closing = "]" if name == "[" else "]]"
        if not args or args[-1] != closing:
            yield from proc.error(f"sh: missing {closing}\n")
            return 2
        args = args[:-1]
        if name == "[[":
            args = ["=" if a == "==" else a for a in args]
    try:
        return _Test(proc, args).run()
    except _TestError as exc:
        yield from proc.error(str(exc))
        return 2


# -- expr ----------------------------------------------------------------------


class _ExprError(Exception):
    def __init__(self, message: str, status: int = 2) -> None:
        self.message = message
        self.status = status


class _Expr:
    """busybox ``expr``: ``|`` < ``&`` < comparisons < ``+ -`` < ``* / %`` < ``:``."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.i = 0
        self.depth = 0  # primaries being read inside one another

    def at(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def run(self) -> str | int:
        value = self.or_()
        if self.at() is not None:
            raise _ExprError("expr: syntax error")
        return value

    @staticmethod
    def is_null(v: str | int) -> bool:
        return v == 0 or v == "" or (isinstance(v, str) and re.fullmatch(r"-?0+", v) is not None)

    @staticmethod
    def to_int(v: str | int) -> int:
        if isinstance(v, int):
            return v
        if re.fullmatch(r"\s*[-+]?\d+\s*", v):
            return int(v)
        raise _ExprError("expr: non-numeric argument")

    def or_(self) -> str | int:
        left = self.and_()
        while self.at() == "|":
            self.i += 1
            right = self.and_()
            left = right if self.is_null(left) and not self.is_null(right) else left
            left = 0 if self.is_null(left) else left
        return left

    def and_(self) -> str | int:
        left = self.compare()
        while self.at() == "&":
            self.i += 1
            right = self.compare()
            left = 0 if self.is_null(left) or self.is_null(right) else left
        return left

    def compare(self) -> str | int:
        left = self.additive()
        while self.at() in ("=", "==", "!=", "<", "<=", ">", ">="):
            op = self.at()
            self.i += 1
            right = self.additive()
            try:
                a: str | int = self.to_int(left)
                b: str | int = self.to_int(right)
            except _ExprError:
                a, b = str(left), str(right)
            result = {
                "=": a == b,
                "==": a == b,
                "!=": a != b,
                "<": a < b,  # type: ignore[operator]
                "<=": a <= b,  # type: ignore[operator]
                ">": a > b,  # type: ignore[operator]
                ">=": a >= b,  # type: ignore[operator]
            }[op or "="]
            left = int(result)
        return left

    def additive(self) -> str | int:
        left = self.multiplicative()
        while self.at() in ("+", "-"):
            op = self.at()
            self.i += 1
            right = self.multiplicative()
            a, b = self.to_int(left), self.to_int(right)
            left = a + b if op == "+" else a - b
        return left

    def multiplicative(self) -> str | int:
        left = self.match()
        while self.at() in ("*", "/", "%"):
            op = self.at()
            self.i += 1
            right = self.match()
            a, b = self.to_int(left), self.to_int(right)
            if op == "*":
                left = a * b
                continue
            if b == 0:
                raise _ExprError("expr: division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            left = q if op == "/" else a - q * b
        return left

    def match(self) -> str | int:
        left = self.primary()
        while self.at() == ":":
            self.i += 1
            pattern = self.primary()
            regex = compile_posix(str(pattern), extended=False)
            m = regex.match(str(left))
            if m is None:
                left = "" if regex.groups else 0
            else:
                left = (m.group(1) or "") if regex.groups else m.end()
        return left

    def primary(self) -> str | int:
        self.depth += 1
        try:
            if self.depth > NESTING:  # Python's stack, not busybox's: a playground limit
                raise _ExprError(f"expr: nested too deeply (the playground's limit: {NESTING})")
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> str | int:
        arg = self.at()
        if arg is None:
            raise _ExprError("expr: syntax error")
        self.i += 1
        if arg == "(":
            value = self.or_()
            if self.at() != ")":
                raise _ExprError("expr: syntax error")
            self.i += 1
            return value
        if arg == "length" and self.at() is not None:
            return len(str(self.primary()))
        if arg == "substr":
            text, pos, length = str(self.primary()), self.primary(), self.primary()
            start, count = self.to_int(pos), self.to_int(length)
            return text[start - 1 : start - 1 + count] if start > 0 and count > 0 else ""
        if arg == "index":
            text, chars = str(self.primary()), str(self.primary())
            return next((k + 1 for k, c in enumerate(text) if c in chars), 0)
        if arg == "match":
            subject, pattern = self.primary(), self.primary()
            self.args[self.i : self.i] = [":", str(pattern)]
            return subject
        return arg


@utility("expr")
def expr(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    if len(argv) < 2:
        return (yield from usage(proc, "expr"))
    try:
        value = _Expr(list(argv[1:])).run()
    except _ExprError as exc:
        yield from proc.error(exc.message + "\n")
        return exc.status
    except BackreferenceError as exc:
        yield from proc.error(f"expr: bad regex: {BACKREFERENCES} (\\{exc})\n")
        return 2
    except RegexError:
        yield from proc.error("expr: syntax error\n")
        return 2
    yield from proc.write(f"{value}\n", redirect)
    return 1 if _Expr.is_null(value) else 0
