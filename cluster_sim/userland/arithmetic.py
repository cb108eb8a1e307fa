"""Shell arithmetic, ``$((expr))``: C's 64-bit integer arithmetic as busybox ash evaluates it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import ClassVar, Protocol

from .control import ShellError


class Variables(Protocol):
    """The shell variables an expression reads and assigns (``process.Process``)."""

    def lookup(self, name: str) -> str | None: ...

    def setvar(self, name: str, value: str) -> None: ...


@functools.lru_cache(maxsize=1024)
def _arith_tokens(expr: str) -> tuple[tuple[str, str], ...] | None:
    """The tokens of an arithmetic expression (None: a character that is not one)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = Arithmetic.TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            return None
        number, name, op = m.groups()
        tokens.append(("num", number) if number else ("name", name) if name else ("op", op))
        pos = m.end()
    return tuple(tokens)


ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^="})
ARITH_NESTING = 32  # parentheses (and variables holding expressions: 2 each) nested, at most
_ARITH_OPS: dict[str, Callable[[int, int], int]] = {
    "||": lambda x, y: int(bool(x or y)),
    "&&": lambda x, y: int(bool(x and y)),
    "|": lambda x, y: x | y,
    "^": lambda x, y: x ^ y,
    "&": lambda x, y: x & y,
    "==": lambda x, y: int(x == y),
    "!=": lambda x, y: int(x != y),
    "<": lambda x, y: int(x < y),
    ">": lambda x, y: int(x > y),
    "<=": lambda x, y: int(x <= y),
    ">=": lambda x, y: int(x >= y),
    "<<": lambda x, y: x << y,
    ">>": lambda x, y: x >> y,
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
}


def _wrap(value: int) -> int:
    """``value`` as a 64-bit two's-complement ``arith_t``: C's wrap-around."""
    return ((value + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _number(text: str) -> int:
    """``strtoull(text, 0)``: hex, octal or decimal; past 2**64-1 it is 0 (ERANGE), as in ash."""
    digits = text[2:] if text[:2].lower() == "0x" else text
    if len(digits) > 64 and digits.lstrip("0")[64:]:
        return 0  # too long for any 64-bit value; never hand Python a huge literal
    try:
        value = int(text, 16 if text[:2].lower() == "0x" else 8 if text[0] == "0" else 10)
    except ValueError:
        raise ShellError("sh: arithmetic syntax error\n") from None
    return _wrap(value) if value < (1 << 64) else 0


class Arithmetic:
    """``$((expr))``: C integer arithmetic with shell variables, as ash evaluates it."""

    TOKEN = re.compile(
        r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|"
        r"(\*\*|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|\+\+|--|[-+*/%<>=!~&|^?:()]))"
    )
    BINARY: ClassVar[dict[str, int]] = {
        "||": 1,
        "&&": 2,
        "|": 3,
        "^": 4,
        "&": 5,
        "==": 6,
        "!=": 6,
        "<": 7,
        ">": 7,
        "<=": 7,
        ">=": 7,
        "<<": 8,
        ">>": 8,
        "+": 9,
        "-": 9,
        "*": 10,
        "/": 10,
        "%": 10,
        "**": 11,
    }

    def __init__(
        self, proc: Variables, expr: str, seen: tuple[str, ...] = (), nest: int = 0
    ) -> None:
        self.proc = proc
        self.seen = seen  # the variables being evaluated (a=b; b=a is a loop)
        self.nest = nest  # parentheses and variables being evaluated, nested
        tokens = _arith_tokens(expr)
        if tokens is None:
            raise self.syntax()
        self.tokens = tokens
        self.pos = 0

    @staticmethod
    def syntax() -> ShellError:
        return ShellError("sh: arithmetic syntax error\n")

    @staticmethod
    def too_deep() -> ShellError:
        """ash nests without limit; Python's stack does not (a playground limit)."""
        return ShellError(
            f"sh: arithmetic nested too deeply (the playground's limit: {ARITH_NESTING})\n"
        )

    def evaluate(self) -> int:
        if not self.tokens:
            return 0
        value = self.assignment()
        if self.pos != len(self.tokens):
            raise self.syntax()
        return value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take_op(self, *ops: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in ops:
            self.pos += 1
            return tok[1]
        return None

    def variable(self, name: str) -> int:
        """A variable's value: its text evaluated as an expression (``arith_lookup_val``)."""
        raw = self.proc.lookup(name)
        if raw is None or not raw.strip():
            return 0
        if name in self.seen:
            raise ShellError("sh: expression recursion loop detected\n")
        if self.nest + 2 > ARITH_NESTING:
            raise self.too_deep()
        return Arithmetic(self.proc, raw, (*self.seen, name), self.nest + 2).evaluate()

    def assignment(self) -> int:
        tok = self.peek()
        nxt = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if tok is None or tok[0] != "name" or nxt is None or nxt[0] != "op":
            return self.ternary()
        if nxt[1] not in ASSIGN_OPS:
            return self.ternary()
        self.pos += 2
        value = self.assignment()
        if nxt[1] != "=":
            value = self.apply(nxt[1][:-1], self.variable(tok[1]), value)
        self.proc.setvar(tok[1], str(value))
        return value

    def ternary(self) -> int:
        cond = self.binary(1)
        if self.take_op("?"):
            yes = self.assignment()
            if not self.take_op(":"):
                raise self.syntax()
            no = self.assignment()
            return yes if cond else no
        return cond

    def binary(self, level: int) -> int:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok[0] != "op" or self.BINARY.get(tok[1], 0) < level:
                return left
            op = tok[1]
            self.pos += 1
            prec = self.BINARY[op]
            right = self.binary(prec if op == "**" else prec + 1)
            left = self.apply(op, left, right)

    def apply(self, op: str, a: int, b: int) -> int:
        """``arith_apply``: C's ``arith_t`` (int64) arithmetic, wrapping on overflow."""
        if op in ("/", "%"):
            if b == 0:
                raise ShellError("sh: divide by zero\n")
            if b == -1 and _wrap(a << 1) == 0:  # INT64_MIN / -1: busybox divides by 1
                b = 1
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return _wrap(q if op == "/" else a - q * b)
        if op == "**":
            if b < 0:
                raise ShellError("sh: exponent less than 0\n")
            return _wrap(pow(a, b, 1 << 64))  # the C loop's result, without the loop
        if op in ("<<", ">>"):
            b &= 63  # x86-64 masks a 64-bit shift count to its low 6 bits
        return _wrap(_ARITH_OPS[op](a, b))

    def unary(self) -> int:
        op = self.take_op("-", "+", "!", "~", "++", "--")
        if op in ("++", "--"):
            tok = self.peek()
            if tok is None or tok[0] != "name":
                raise self.syntax()
            self.pos += 1
            value = _wrap(self.variable(tok[1]) + (1 if op == "++" else -1))
            self.proc.setvar(tok[1], str(value))
            return value
        ops: list[str] = []
        while op is not None:  # a loop, not recursion: "- - - ... 1" can be long
            ops.append(op)
            op = self.take_op("-", "+", "!", "~")
        value = self.primary()
        for op in reversed(ops):
            value = _wrap({"-": -value, "+": value, "!": int(not value), "~": ~value}[op])
        return value

    def primary(self) -> int:
        tok = self.peek()
        if tok is None:
            raise self.syntax()
        self.pos += 1
        kind, text = tok
        if kind == "num":
            return _number(text)
        if kind == "name":
            post = self.take_op("++", "--")
            value = self.variable(text)
            if post:
                self.proc.setvar(text, str(_wrap(value + (1 if post == "++" else -1))))
            return value
        if text == "(":
            self.nest += 1
            if self.nest > ARITH_NESTING:
                raise self.too_deep()
            value = self.assignment()
            self.nest -= 1
            if not self.take_op(")"):
                raise self.syntax()
            return value
        raise self.syntax()
