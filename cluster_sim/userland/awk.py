"""``awk``: the part of the language one-liners use.

``awk [-F SEP] [-v NAME=VALUE]... 'PROGRAM' [FILE]...`` with ``BEGIN`` and
``END`` blocks, patterns (``/RE/``, any expression, ``A, B`` is not
supported), ``print`` and ``printf``, fields (``$0``, ``$N``, ``$NF``),
``NR``, ``NF``, ``FS``, ``OFS``, variables and arrays, assignment
(``= += -= *= /= %=``, ``++``, ``--``), arithmetic, comparison, ``~`` and
``!~``, ``&&``, ``||``, ``!``, concatenation, ``if``/``else``, ``next``, and
the functions ``length``, ``substr``, ``index``, ``tolower``, ``toupper``,
``int``. Numbers print as busybox does (``%.6g``, integers as integers).
From a pipe, each line is handled as it arrives.
"""

from __future__ import annotations

import re
from typing import Any

from .filesystem import FsError
from .process import Process, Program, Target, cpu, utility
from .regex import RegexError, compile_posix
from .toolkit import REGEX_LINE_US, Lines

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


def _looks_numeric(value: Any) -> bool:
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


class Interpreter:
    def __init__(self, proc: Process, program: list[tuple[Any, Any]], fs: str) -> None:
        self.proc = proc
        self.program = program
        self.vars: dict[str, Any] = {"FS": fs, "OFS": " ", "ORS": "\n", "NR": 0.0, "NF": 0.0}
        self.arrays: dict[str, dict[str, Any]] = {}
        self.fields: list[str] = [""]
        self.out: list[str] = []
        self.files: dict[str, list[str]] = {}

    def set_record(self, line: str) -> None:
        sep = self.vars["FS"]
        if sep == " ":
            parts = line.split()
        elif len(sep) == 1:
            parts = line.split(sep)
        else:
            parts = re.split(sep, line)
        self.fields = [line, *parts] if line else [line]
        self.vars["NF"] = float(len(self.fields) - 1)

    def field(self, index: int) -> str:
        return self.fields[index] if 0 <= index < len(self.fields) else ""

    def set_field(self, index: int, value: str) -> None:
        if index == 0:
            self.set_record(value)
            return
        while len(self.fields) <= index:
            self.fields.append("")
        self.fields[index] = value
        self.fields[0] = text(self.vars["OFS"]).join(self.fields[1:])
        self.vars["NF"] = float(len(self.fields) - 1)

    def regex(self, pattern: str) -> Any:
        try:
            return compile_posix(pattern, extended=True)
        except RegexError:
            raise AwkError(f"bad regex '{pattern}'") from None

    def get(self, node: Any) -> Any:
        if node[0] == "var":
            return self.vars.get(node[1], "")
        if node[0] == "field":
            return self.field(int(num(self.eval(node[1]))))
        return self.arrays.setdefault(node[1], {}).get(text(self.eval(node[2])), "")

    def put(self, node: Any, value: Any) -> Any:
        if node[0] == "var":
            self.vars[node[1]] = value
        elif node[0] == "field":
            self.set_field(int(num(self.eval(node[1]))), text(value))
        else:
            self.arrays.setdefault(node[1], {})[text(self.eval(node[2]))] = value
        return value

    def eval(self, node: Any) -> Any:
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "re":
            return 1.0 if self.regex(node[1]).search(self.fields[0]) else 0.0
        if kind in ("var", "field", "index"):
            return self.get(node)
        if kind == "assign":
            value = self.eval(node[3])
            if node[1] != "=":
                current, other = num(self.get(node[2])), num(value)
                op = node[1][0]
                if op in "/%" and other == 0:
                    raise AwkError("division by zero")
                value = {
                    "+": current + other,
                    "-": current - other,
                    "*": current * other,
                    "/": current / other if other else 0.0,
                    "%": current % other if other else 0.0,
                }[op]
            return self.put(node[2], value)
        if kind in ("pre", "post"):
            old = num(self.get(node[2]))
            new = old + (1 if node[1] == "++" else -1)
            self.put(node[2], new)
            return new if kind == "pre" else old
        if kind == "!":
            return 0.0 if self.truth(self.eval(node[1])) else 1.0
        if kind == "neg":
            return -num(self.eval(node[1]))
        if kind == "?":
            return self.eval(node[2]) if self.truth(self.eval(node[1])) else self.eval(node[3])
        if kind == "&&":
            return 1.0 if self.truth(self.eval(node[1])) and self.truth(self.eval(node[2])) else 0.0
        if kind == "||":
            return 1.0 if self.truth(self.eval(node[1])) or self.truth(self.eval(node[2])) else 0.0
        if kind in ("~", "!~"):
            right = node[2]
            pattern = right[1] if right[0] == "re" else text(self.eval(right))
            hit = bool(self.regex(pattern).search(text(self.eval(node[1]))))
            return 1.0 if hit == (kind == "~") else 0.0
        if kind == "concat":
            return text(self.eval(node[1])) + text(self.eval(node[2]))
        if kind in ("+", "-", "*", "/", "%"):
            a, b = num(self.eval(node[1])), num(self.eval(node[2]))
            if kind in "/%" and b == 0:
                raise AwkError("division by zero")
            return {
                "+": a + b,
                "-": a - b,
                "*": a * b,
                "/": a / b if b else 0.0,
                "%": a % b if b else 0.0,
            }[kind]
        if kind in ("<", "<=", "==", "!=", ">", ">="):
            a, b = self.eval(node[1]), self.eval(node[2])
            if _looks_numeric(a) and _looks_numeric(b):
                a, b = num(a), num(b)
            else:
                a, b = text(a), text(b)
            result = {
                "<": a < b,
                "<=": a <= b,
                "==": a == b,
                "!=": a != b,
                ">": a > b,
                ">=": a >= b,
            }[kind]
            return 1.0 if result else 0.0
        if kind == "call":
            return self.call(node[1], [self.eval(a) for a in node[2]])
        if kind == "group":
            return text(self.eval(node[1][0]))
        raise AwkError(f"unsupported expression {kind}")  # pragma: no cover

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "length":
            return float(len(text(args[0]) if args else self.fields[0]))
        if name == "substr":
            s = text(args[0])
            start = round(num(args[1])) if len(args) > 1 else 1
            length = round(num(args[2])) if len(args) > 2 else len(s)
            begin = max(start, 1)
            end = start + length
            return s[begin - 1 : max(end - 1, begin - 1)]
        if name == "index":
            return float(text(args[0]).find(text(args[1])) + 1)
        if name == "tolower":
            return text(args[0]).lower()
        if name == "toupper":
            return text(args[0]).upper()
        if name == "int":
            return float(int(num(args[0])))
        raise AwkError(f"call to undefined function {name}")

    @staticmethod
    def truth(value: Any) -> bool:
        if isinstance(value, float):
            return value != 0
        return value != "" and not (_looks_numeric(value) and num(value) == 0)

    def run(self, stmts: list[Any]) -> None:
        for stmt in stmts:
            self.execute(stmt)

    def execute(self, stmt: Any) -> None:
        kind = stmt[0]
        if kind == "block":
            self.run(stmt[1])
        elif kind == "expr":
            self.eval(stmt[1])
        elif kind == "if":
            if self.truth(self.eval(stmt[1])):
                self.execute(stmt[2])
            elif stmt[3] is not None:
                self.execute(stmt[3])
        elif kind == "next":
            raise Next()
        elif kind == "exit":
            raise Exit()
        elif kind in ("print", "printf"):
            values = [self.eval(a) for a in stmt[1]]
            if kind == "print":
                line = (
                    text(self.vars["OFS"]).join(text(v) for v in values)
                    if values
                    else self.fields[0]
                )
                line += text(self.vars["ORS"])
            else:
                line = self.printf(values) if values else ""
            if stmt[2] is not None:
                self.files.setdefault(text(self.eval(stmt[2])), []).append(line)
            else:
                self.out.append(line)

    def printf(self, values: list[Any]) -> str:
        fmt, args = text(values[0]), values[1:]
        out: list[str] = []
        index = 0
        for m in re.finditer(r"%([-+ 0#]*\d*(?:\.\d+)?)([diouxXeEfgGcs%])|([^%]+)|%", fmt):
            if m.group(3) is not None:
                out.append(m.group(3))
                continue
            conv = m.group(2)
            if conv == "%" or conv is None:
                out.append("%")
                continue
            arg = args[index] if index < len(args) else ""
            index += 1
            spec = "%" + m.group(1)
            if conv in "diouxX":
                out.append((spec + conv.replace("i", "d").replace("u", "d")) % int(num(arg)))
            elif conv in "eEfgG":
                out.append((spec + conv) % num(arg))
            elif conv == "c":
                out.append(
                    (spec + "s") % (chr(int(num(arg))) if isinstance(arg, float) else text(arg)[:1])
                )
            else:
                out.append((spec + "s") % text(arg))
        return "".join(out)


@utility("awk")
def awk(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    args = argv[1:]
    fs = " "
    assigns: list[str] = []
    while args and args[0].startswith("-") and len(args[0]) > 1:
        arg = args.pop(0)
        if arg == "--":
            break
        if arg.startswith("-F"):
            fs = arg[2:] if len(arg) > 2 else (args.pop(0) if args else " ")
            fs = "\t" if fs == "t" else fs
        elif arg.startswith("-v"):
            assigns.append(arg[2:] if len(arg) > 2 else (args.pop(0) if args else ""))
        else:
            yield from proc.error(f"awk: invalid option -- '{arg[1]}'\n")
            return 1
    if not args:
        yield from proc.error("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n")
        yield from proc.error("Usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n")
        return 1
    try:
        program = Parser(args[0]).program()
    except AwkError as exc:
        yield from proc.error(f"awk: cmd. line:1: {exc}\n")
        return 2
    vm = Interpreter(proc, program, fs)
    for assign in assigns:
        name, _, value = assign.partition("=")
        vm.vars[name] = value
    files = args[1:] or ["-"]
    status = 0
    try:
        for pattern, action in program:
            if pattern == "BEGIN":
                vm.run(action or [])
        mains = [(p, a) for p, a in program if p not in ("BEGIN", "END")]
        ends = [a for p, a in program if p == "END"]
        if mains or ends:
            for path in files:
                if "=" in path and not path.startswith("/"):
                    name, _, value = path.partition("=")
                    vm.vars[name] = value
                    continue
                reader = Lines(proc) if path == "-" else None
                lines: list[str] | None = None
                if reader is None:
                    try:
                        lines = proc.fs.read(proc.abspath(path)).splitlines()
                    except FsError as exc:
                        yield from proc.error(f"awk: cannot open {path} ({exc.reason})\n")
                        status = 2
                        continue
                while True:
                    if reader is not None:
                        batch = yield from reader.batch()
                        lines = None if batch is None else [x.rstrip("\n") for x in batch]
                    if not lines:
                        break
                    for line in lines:
                        vm.vars["NR"] = num(vm.vars["NR"]) + 1
                        vm.set_record(line)
                        try:
                            for pattern, action in mains:
                                if pattern is None or vm.truth(vm.eval(pattern)):
                                    if action is None:
                                        vm.out.append(vm.fields[0] + text(vm.vars["ORS"]))
                                    else:
                                        vm.run(action)
                        except Next:
                            pass
                    yield from cpu(proc, len(lines) * REGEX_LINE_US * 4)
                    yield from _flush(proc, vm, redirect)
                    if reader is None:
                        break
                    lines = None
        for action in ends:
            vm.run(action or [])
    except Exit:
        pass
    except AwkError as exc:
        yield from _flush(proc, vm, redirect)
        yield from proc.error(f"awk: cmd. line:1: {exc}\n")
        return 2
    yield from _flush(proc, vm, redirect)
    return status


def _flush(proc: Process, vm: Interpreter, redirect: Target | None) -> Program:
    if vm.out:
        yield from proc.write("".join(vm.out), redirect)
        vm.out.clear()
    for path, chunks in vm.files.items():
        proc.fs.write(proc.abspath(path), "".join(chunks), append=True)
    vm.files.clear()
    return 0
