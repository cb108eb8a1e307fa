"""The shell grammar: commands from tokens (``syntax.tokenize``), as ash's parser reads them.

``CommandParser`` turns the lexer's tokens into the syntax tree
(``syntax_tree``): lists, ``&&``/``||``, pipelines, compound commands,
functions, redirections and simple commands with their assignments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .syntax_tree import (
    AndOr,
    Background,
    Case,
    For,
    FunctionDef,
    Group,
    If,
    Lit,
    Loop,
    Node,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
    ShellSyntaxError,
    SimpleCommand,
    Subshell,
    Word,
    nested,
)

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


@dataclass(slots=True)
class Token:
    """A word, an operator or a redirection, as the lexer reads it."""

    kind: str  # "word" | "op" | "redir"
    value: str  # the raw word text, the operator, or the redirection operator
    word: Word | None = None
    fd: int = -1
    heredoc: Word | None = None


class CommandParser:
    """A recursive-descent reader of the tokens of one script (``parse``)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> Token | None:
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

    @nested
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
            assignment = None if words else assignment_word(tok)
            if assignment is not None:
                assigns.append(assignment)
            else:
                words.append(tok.word)
            self.pos += 1
        return SimpleCommand(tuple(assigns), tuple(words), tuple(redirects))


def assignment_word(tok: Token) -> tuple[str, Word] | None:
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
