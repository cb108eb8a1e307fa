"""``awk``'s language: its tokens, its values (``num``, ``text``) and the parser.

``Parser(src).program()`` reads an awk program into the nested tuples the
interpreter (``awk.Interpreter``) runs; ``awk`` documents the subset.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)
    |(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<name>[A-Za-z_]\w*)
    |(?P<op>\+\+|--|\+=|-=|\*=|/=|%=|==|!=|<=|>=|&&|\|\||!~|[-+*/%<>=!~?:,;{}()\[\]$])
    |(?P<nl>\n)
    )""",
    re.X,
)
ESC = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/"}


class AwkError(Exception):
    pass


class Next(Exception):
    pass


class Exit(Exception):
    pass


def tokenize(src: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(src):
        if src[i] in " \t":
            i += 1
            continue
        if src[i] == "#":
            while i < len(src) and src[i] != "\n":
                i += 1
            continue
        if src[i] == "/" and _regex_allowed(tokens):
            j = i + 1
            while j < len(src) and src[j] != "/":
                j += 2 if src[j] == "\\" else 1
            if j >= len(src):
                raise AwkError("unterminated regexp")
            tokens.append(("re", src[i + 1 : j].replace("\\/", "/")))
            i = j + 1
            continue
        m = TOKEN.match(src, i)
        if not m or m.end() == i:
            raise AwkError(f"unexpected character '{src[i]}'")
        kind = m.lastgroup or "op"
        text = m.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", lambda e: ESC.get(e.group(1), "\\" + e.group(1)), text[1:-1])
        tokens.append((kind, text))
        i = m.end()
    tokens.append(("eof", ""))
    return tokens


def _regex_allowed(tokens: list[tuple[str, str]]) -> bool:
    if not tokens:
        return True
    kind, text = tokens[-1]
    return kind in ("nl",) or (kind == "op" and text not in (")", "]", "++", "--", "$"))


def num(value: Any) -> float:
    if isinstance(value, float):
        return value
    m = re.match(r"\s*[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+)", str(value), re.I)
    return float(m.group(0)) if m else 0.0


def text(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e16 else f"{value:.6g}"
    return str(value)


def looks_numeric(value: Any) -> bool:
    return isinstance(value, float) or bool(
        re.fullmatch(r"\s*[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+)\s*", str(value), re.I)
    )


class Parser:
    def __init__(self, src: str) -> None:
        self.tokens = tokenize(src)
        self.pos = 0

    def peek(self, text: str | None = None, kind: str | None = None) -> bool:
        k, t = self.tokens[self.pos]
        return (text is None or (t == text and k == "op")) and (kind is None or k == kind)

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        if not self.peek(text):
            raise AwkError(f"syntax error near '{self.tokens[self.pos][1] or 'end'}'")
        self.pos += 1

    def skip_newlines(self) -> None:
        while self.peek(kind="nl") or self.peek(";"):
            self.pos += 1

    def program(self) -> list[tuple[Any, Any]]:
        items: list[tuple[Any, Any]] = []
        self.skip_newlines()
        while not self.peek(kind="eof"):
            if self.peek(kind="name") and self.tokens[self.pos][1] in ("BEGIN", "END"):
                pattern: Any = self.take()[1]
            elif self.peek("{"):
                pattern = None
            else:
                pattern = self.expr()
            action = self.block() if self.peek("{") else None
            items.append((pattern, action))
            self.skip_newlines()
        return items

    def block(self) -> list[Any]:
        self.expect("{")
        stmts: list[Any] = []
        self.skip_newlines()
        while not self.peek("}"):
            stmts.append(self.statement())
            self.skip_newlines()
        self.expect("}")
        return stmts

    def statement(self) -> Any:
        if self.peek("{"):
            return ("block", self.block())
        kind, word = self.tokens[self.pos]
        if kind == "name" and word in ("print", "printf"):
            self.take()
            args: list[Any] = []
            paren = self.peek("(")
            if not (self.peek(";") or self.peek("}") or self.peek(kind="nl") or self.peek(">")):
                args = self.expr_list(in_print=True)
            if paren and len(args) == 1 and isinstance(args[0], tuple) and args[0][0] == "group":
                args = args[0][1]
            target = None
            if self.peek(">"):
                self.take()
                target = self.primary()
            return (word, args, target)
        if kind == "name" and word == "if":
            self.take()
            self.expect("(")
            cond = self.expr()
            self.expect(")")
            self.skip_newlines()
            then = self.statement()
            save = self.pos
            self.skip_newlines()
            if self.peek(kind="name") and self.tokens[self.pos][1] == "else":
                self.take()
                self.skip_newlines()
                return ("if", cond, then, self.statement())
            self.pos = save
            return ("if", cond, then, None)
        if kind == "name" and word in ("next", "exit"):
            self.take()
            return (word,)
        return ("expr", self.expr())

    def expr_list(self, in_print: bool = False) -> list[Any]:
        items = [self.expr(in_print)]
        while self.peek(","):
            self.take()
            items.append(self.expr(in_print))
        return items

    def expr(self, in_print: bool = False) -> Any:
        return self.ternary(in_print)

    def ternary(self, in_print: bool) -> Any:
        cond = self.binary(0, in_print)
        if self.peek("?"):
            self.take()
            yes = self.ternary(in_print)
            self.expect(":")
            return ("?", cond, yes, self.ternary(in_print))
        assignment = self.tokens[self.pos][1] in ("=", "+=", "-=", "*=", "/=", "%=")
        if self.peek(kind="op") and assignment and cond[0] in ("var", "field", "index"):
            op = self.take()[1]
            return ("assign", op, cond, self.ternary(in_print))
        return cond

    LEVELS = (
        ("||",),
        ("&&",),
        ("~", "!~"),
        ("<", "<=", "==", "!=", ">", ">="),
        ("concat",),
        ("+", "-"),
        ("*", "/", "%"),
    )

    def binary(self, level: int, in_print: bool) -> Any:
        if level == len(self.LEVELS):
            return self.unary()
        ops = self.LEVELS[level]
        left = self.binary(level + 1, in_print)
        while True:
            if ops == ("concat",):
                if self._starts_operand():
                    left = ("concat", left, self.binary(level + 1, in_print))
                    continue
                return left
            if self.peek(kind="op") and self.tokens[self.pos][1] in ops:
                op = self.tokens[self.pos][1]
                if in_print and op == ">":
                    return left
                self.take()
                left = (op, left, self.binary(level + 1, in_print))
                continue
            return left

    def _starts_operand(self) -> bool:
        kind, word = self.tokens[self.pos]
        if kind in ("num", "str", "re"):
            return True
        if kind == "name":
            return word not in ("in", "else", "print", "printf", "if", "next", "exit")
        return kind == "op" and word in ("$", "(", "!", "-", "++", "--")

    def unary(self) -> Any:
        if self.peek("!"):
            self.take()
            return ("!", self.unary())
        if self.peek("-"):
            self.take()
            return ("neg", self.unary())
        if self.peek("++") or self.peek("--"):
            op = self.take()[1]
            return ("pre", op, self.unary())
        node = self.postfix()
        return node

    def postfix(self) -> Any:
        node = self.primary()
        if (self.peek("++") or self.peek("--")) and node[0] in ("var", "field", "index"):
            return ("post", self.take()[1], node)
        return node

    def primary(self) -> Any:
        kind, word = self.take()
        if kind == "num":
            return ("num", float(word))
        if kind == "str":
            return ("str", word)
        if kind == "re":
            return ("re", word)
        if kind == "op" and word == "$":
            return ("field", self.primary())
        if kind == "op" and word == "(":
            items = self.expr_list()
            self.expect(")")
            return items[0] if len(items) == 1 else ("group", items)
        if kind == "name":
            if self.peek("("):
                self.take()
                args = [] if self.peek(")") else self.expr_list()
                self.expect(")")
                return ("call", word, args)
            if self.peek("["):
                self.take()
                key = self.expr()
                self.expect("]")
                return ("index", word, key)
            if word == "length":
                return ("call", "length", [])
            return ("var", word)
        raise AwkError(f"syntax error near '{word or 'end'}'")
