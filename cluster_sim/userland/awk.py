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

from .awk_syntax import AwkError, Exit, Next, Parser, looks_numeric, num, text
from .filesystem import FsError
from .process import Process, Program, Target, cpu, utility
from .regex import RegexError, compile_posix
from .toolkit import REGEX_LINE_US, Lines


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
            left, right = self.eval(node[1]), self.eval(node[2])
            if looks_numeric(left) and looks_numeric(right):
                left, right = num(left), num(right)
            else:
                left, right = text(left), text(right)
            result = {
                "<": left < right,
                "<=": left <= right,
                "==": left == right,
                "!=": left != right,
                ">": left > right,
                ">=": left >= right,
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
        return value != "" and not (looks_numeric(value) and num(value) == 0)

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
