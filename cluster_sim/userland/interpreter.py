"""The shell interpreter: ash's command language, run in a process.

``ShellInterpreter.run_node`` walks the syntax tree (``syntax``): lists,
``&&``/``||``, pipelines, loops, ``if``, ``case``, functions, subshells,
redirections, and simple commands, which ``exec`` runs as a function, a
utility the image ships (``registry``) or a script file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Generator
from enum import Enum

from .actions import Action, Output, Program, at_once, raising
from .control import (
    BreakLoop,
    ContinueLoop,
    ExitProgram,
    ReturnFromFunction,
    StackOverflow,
    WriteError,
)
from .cpu import QUANTUM_US, Cost
from .execve import execve_too_big, surely_fits
from .filesystem import File
from .os_process import SHELL_DEPTH, WRITE_BYTE_US, basename
from .pipeline import Stage, run_stages
from .redirections import Redirections
from .registry import BUILTINS, INSTANT, SHELLS, UTILITIES, Utility
from .streams import Log, Pipe, PipeReader, Stdin, Target
from .syntax import parse
from .syntax_tree import (
    AndOr,
    Background,
    Case,
    For,
    FunctionDef,
    Group,
    If,
    Loop,
    NestingTooDeep,
    Node,
    Pipeline,
    Redirected,
    Sequence,
    ShellSyntaxError,
    SimpleCommand,
    Subshell,
    Word,
)


class LoopExit(Enum):
    """How a loop body ended other than with a status."""

    BROKE = "break"
    CONTINUED = "continue"


def utility_in(base: str, binaries: frozenset[str]) -> Utility | None:
    """The utility ``base`` (a name without ``/``) runs in an image of ``binaries``: one
    the image has, or a shell builtin in an image with a shell."""
    fn = UTILITIES.get(base)
    if fn is not None and (
        base in binaries or (base in BUILTINS and not binaries.isdisjoint(SHELLS))
    ):
        return fn
    return None


class ShellInterpreter(Redirections):
    """A process that runs shell syntax: ``start`` a tree, ``run_script`` a text, ``exec`` argv."""

    # -- running -------------------------------------------------------------

    def run(self) -> Program:
        """Run ``argv`` as the container's PID 1; return the exit status.

        Not a generator itself but the program to drive (one generator frame fewer
        under everything PID 1 does); what it checks first depends on nothing that
        can change before the program is driven. A utility runs in ``_guard``'s frame.
        """
        if not self.argv:
            return at_once(0)
        # ``env`` holds every exported variable and more: if all of it surely fits, so does
        # the environment execve gets (not built then, at every container start)
        if not surely_fits(self.argv, self.env) and execve_too_big(self.argv, self.environ()):
            return self._too_big()
        argv = list(self.argv)
        name = argv[0]
        base = basename(name) if "/" in name else name
        fn = None if name in self.functions else self._utility(base)
        main = self._guard(self.exec(argv, None) if fn is None else (fn, base, argv))
        return self._schedule(main, outermost=True)

    def _too_big(self) -> Program:
        """runc init's execve fails with E2BIG: the error on stderr, exit 255 (libcontainer)."""
        path = self.argv[0] if "/" in self.argv[0] else f"/bin/{self.argv[0]}"
        yield from self.error(f"exec {path}: argument list too long\n")
        return 255

    def start(self, node: Node) -> Program:
        """Run ``node`` in this process as a whole program: exit, errors, EXIT trap, jobs."""
        return self._schedule(self._guard(self.run_node(node)))

    # -- commands ------------------------------------------------------------

    def available(self, name: str) -> bool:
        return name in self.binaries or (  # no set built per lookup
            name in BUILTINS and not self.binaries.isdisjoint(SHELLS)
        )

    def exec(self, argv: list[str], redirect: Target | None) -> Program:
        """The program that runs the command ``argv``: a function, a utility, or a script.

        Not a generator itself (one generator frame fewer under every command it runs):
        every caller drives the program at once; the lookups read nothing that could change.
        """
        name = argv[0]
        if name in self.functions:
            return self.call(name, argv)
        base = basename(name) if "/" in name else name
        fn = self._utility(base)
        if fn is not None:
            return self._run_utility(fn, base, argv, redirect)
        if "/" in name:
            node = self.fs.lookup(self.abspath(name))
            if isinstance(node, File) and node.mode & 0o111 and self.available("sh"):
                child = self.spawn(argv)
                child.arg0, child.positional, child._shell = name, argv[1:], True
                if redirect is not None:
                    child.stdout = redirect
                return child._schedule(child._guard(child.run_script(node.content)))
            if node is not None:
                return self.complain(f"sh: {name}: Permission denied\n", 126)
        return self.complain(f"sh: {name}: not found\n", 127)

    def _run_utility(
        self, fn: Utility, base: str, argv: list[str], redirect: Target | None
    ) -> Program:
        """Run utility ``fn`` (``base``: no directory) as ``argv``: what ps shows while it
        runs, its fork and exec's cost, busybox's write error (``_guard`` does as much)."""
        running = self.running
        if base not in BUILTINS:
            self.cpu_us += Cost.EXEC  # fork + execve; its time passes with the next quantum
            self.running = argv
        try:
            return (yield from fn(self, argv, redirect))
        except WriteError as exc:  # busybox's xwrite: bb_perror_msg_and_die("write error")
            yield from self.error(f"{base}: write error: {exc.reason}\n")
            return 1
        finally:  # a builtin's run leaves ``running`` as it was: nothing to set back
            if self.running is not running:
                self.running = running

    def _utility(self, base: str) -> Utility | None:
        """The utility ``base`` (a name without ``/``) runs, if the image has it or a shell."""
        return utility_in(base, self.binaries)

    def call(self, name: str, argv: list[str]) -> Program:
        self.charge(Cost.FUNCTION_CALL)
        saved = self.positional
        self.positional = argv[1:]
        try:
            status = yield from self.run_node(self.functions[name])
        except ReturnFromFunction as ret:
            status = ret.status
        finally:
            self.positional = saved
        return status

    # -- the shell -----------------------------------------------------------

    def run_script(self, script: str) -> Program:
        """The program that runs ``script``: its tree's run (no generator frame of its own).

        Every caller drives the program at once, or wraps it in this process's
        ``_guard`` and ``_schedule`` first (which see a failure to parse as it runs).
        """
        try:
            tree = parse(script)
        except NestingTooDeep:
            return raising(StackOverflow())
        except ShellSyntaxError as exc:
            return self.complain(f"sh: syntax error: {exc}\n", 2)
        if self._scheduling:  # run inside this process's own scheduler: no second layer
            return self.run_node(tree)
        return self._schedule(self.run_node(tree))

    def run_node(self, node: Node) -> Program:
        """The program that runs ``node``, one nesting level deeper (``SHELL_DEPTH``).

        Not a generator itself: a simple command's program is ``simple``'s, which does
        the level's bookkeeping too, so no frame of this function stays under every
        command. Nothing happens before the program is driven.
        """
        if isinstance(node, SimpleCommand):
            return self.simple(node)
        return self._compound(node)

    def _compound(self, node: Node) -> Program:
        self.depth += 1
        if self.depth > SHELL_DEPTH:
            self.depth -= 1
            raise StackOverflow()
        try:
            if isinstance(node, Sequence):  # the most common: one generator frame fewer
                status = 0
                for item in node.items:  # ``run_node``, inlined
                    if isinstance(item, SimpleCommand):
                        status = yield from self.simple(item)
                    else:
                        status = yield from self._compound(item)
            else:
                status = yield from self._dispatch(node)
        finally:
            self.depth -= 1
        self.status = status
        return status

    def _condition(self, node: Node) -> Program:
        """Run ``node`` as a condition: ``set -e`` does not apply inside."""
        self._conditions += 1
        try:
            return (yield from self.run_node(node))
        finally:
            self._conditions -= 1

    def _errexit(self, status: int) -> None:
        if status and "e" in self.options and not self._conditions:
            raise ExitProgram(status)

    def _dispatch(self, node: Node) -> Program:
        """Every node but a simple command and a sequence (``run_node`` runs those)."""
        if isinstance(node, AndOr):
            status = yield from self._condition(node.first)
            for k, (op, nxt) in enumerate(node.rest):
                if (op == "&&") == (status == 0):
                    last = k == len(node.rest) - 1
                    status = yield from (self.run_node(nxt) if last else self._condition(nxt))
            return status
        if isinstance(node, Pipeline):
            return (yield from self.pipeline(node))
        if isinstance(node, Loop):
            return (yield from self.loop(node))
        if isinstance(node, If):
            for condition, body in node.branches:
                if (yield from self._condition(condition)) == 0:
                    return (yield from self.run_node(body))
            return (yield from self.run_node(node.otherwise)) if node.otherwise else 0
        if isinstance(node, For):
            return (yield from self.for_loop(node))
        if isinstance(node, Case):
            word = yield from self.expand_string(node.word)
            for patterns, body in node.items:
                for pattern in patterns:
                    if fnmatch.fnmatchcase(word, (yield from self.expand_pattern(pattern))):
                        return (yield from self.run_node(body))
            return 0
        if isinstance(node, Group):
            return (yield from self.run_node(node.body))
        if isinstance(node, Subshell):
            status = yield from self._subshell(node.body)
            self._errexit(status)
            return status
        if isinstance(node, Background):
            self.start_job(node.node)
            return 0
        if isinstance(node, Redirected):
            return (yield from self.redirected(node))
        if isinstance(node, FunctionDef):
            self.functions[node.name] = node.body
            return 0
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def loop(self, node: Loop) -> Program:
        status = 0
        self._loops += 1
        try:
            while True:
                cond = yield from self._condition(node.condition)
                if (cond == 0) == node.until:
                    return status
                outcome = yield from self._loop_body(node.body)
                if outcome is LoopExit.BROKE:
                    return 0
                if outcome is not LoopExit.CONTINUED:
                    status = outcome
                yield from self.spend(Cost.LOOP)
        finally:
            self._loops -= 1

    def _loop_body(self, body: Node) -> Generator[Action, None, int | LoopExit]:
        """One pass of a loop body: its status, or ``LoopExit.BROKE`` / ``LoopExit.CONTINUED``.

        ``break N`` / ``continue N`` with N > 1 are passed on to the enclosing loop.
        """
        try:
            return (yield from self.run_node(body))
        except BreakLoop as brk:
            if brk.levels > 1:
                raise BreakLoop(brk.levels - 1) from None
            return LoopExit.BROKE
        except ContinueLoop as cont:
            if cont.levels > 1:
                raise ContinueLoop(cont.levels - 1) from None
            return LoopExit.CONTINUED

    def for_loop(self, node: For) -> Program:
        if node.words is None:
            values = list(self.positional)
        else:
            values = []
            for word in node.words:
                values += yield from self.expand_fields(word)
        status = 0
        self._loops += 1
        try:
            for value in values:
                self.setvar(node.name, value)
                outcome = yield from self._loop_body(node.body)
                if outcome is LoopExit.BROKE:
                    return 0
                if outcome is not LoopExit.CONTINUED:
                    status = outcome
                yield from self.spend(Cost.LOOP)
        finally:
            self._loops -= 1
        return status

    def pipeline(self, node: Pipeline) -> Program:
        """``a | b``: every stage at once, each in a subshell, joined by pipes (``pipeline``)."""
        self._conditions += node.negate
        try:
            if len(node.commands) == 1:
                statuses = [(yield from self.run_node(node.commands[0]))]
            else:
                statuses = yield from self._run_pipeline(node.commands)
        finally:
            self._conditions -= node.negate
        status = statuses[-1]
        if "pipefail" in self.options:
            status = next((s for s in reversed(statuses) if s), 0)
        if node.negate:
            return 0 if status else 1
        self._errexit(status)
        return status

    def _run_pipeline(self, commands: tuple[Node, ...]) -> Generator[Action, None, list[int]]:
        stages: list[Stage] = []
        stdin: Stdin = self.stdin
        for index, command in enumerate(commands):
            pipe = Pipe(self.memory) if index < len(commands) - 1 else None
            self.charge(Cost.FORK)
            child = self.fork()
            child.stdin = stdin
            if pipe is not None:
                child.stdout = pipe
            reads = stdin.pipe if isinstance(stdin, PipeReader) and index else None
            stages.append(Stage(child, child.start(command), reads=reads, writes=pipe))
            self.fs.processes[child.pid] = child  # every stage is forked at once
            if pipe is not None:
                stdin = PipeReader(pipe)
        try:
            statuses = yield from run_stages(stages, self.clock)
        finally:
            for stage in stages:
                self.fs.processes.pop(stage.process.pid, None)
        for stage in stages:
            if stage.process.crashed:  # ash's dowait reports a stage's fatal signal
                yield from self.error("Segmentation fault\n")
        return statuses

    def redirected(self, node: Redirected) -> Program:
        fds = yield from self.open_redirects(node.redirects)
        if fds is None:
            return 2
        saved = self.stdin, self.stdout, self.stderr
        self.stdin, self.stdout, self.stderr = fds
        try:
            return (yield from self.run_node(node.node))
        finally:
            self.stdin, self.stdout, self.stderr = saved

    def simple(self, cmd: SimpleCommand) -> Program:
        """A simple command, as ``run_node`` runs it: one nesting level deeper while it runs.

        Every path sets ``status`` to what it returns (``_compound`` does it for the other
        nodes); the level's bookkeeping is here, in the command's one generator frame.
        """
        self.depth += 1
        if self.depth > SHELL_DEPTH:
            self.depth -= 1
            raise StackOverflow()
        try:
            # ``spend(Cost.COMMAND)`` without a generator per command unless a quantum is due
            self.cpu_us += Cost.COMMAND
            if self.cpu_us >= QUANTUM_US:
                yield from self.spend(0)
            if self._sub_status is not None:  # (unset, a process keeps the class's None)
                self._sub_status = None
            if cmd.static_argv is not None:  # plain text throughout, as parsed
                argv = list(cmd.static_argv)
            else:
                argv = yield from self._expand_words(cmd.words)
            values: list[tuple[str, str]] = []
            if cmd.assigns:  # most commands have none
                for name, word in cmd.assigns:
                    values.append((name, (yield from self.expand_string(word))))
            if not argv:
                for name, value in values:
                    self.setvar(name, value, export="a" in self.options)
                status = self._sub_status or 0
                if cmd.redirects and (yield from self.open_redirects(cmd.redirects)) is None:
                    status = 2
                self.status = status
                return status
            if "x" in self.options:
                yield from self.error("+ " + " ".join(argv) + "\n")
            if cmd.redirects:
                fds = yield from self.open_redirects(cmd.redirects)
                if fds is None:
                    self.status = 2
                    return 2
                saved = self.stdin, self.stdout, self.stderr
            else:  # ``open_redirects`` of none, without its generator: nothing to restore
                fds = saved = self.stdin, self.stdout, self.stderr
            if len(argv) == 1 and argv[0] == "exec" and self.available("exec"):
                # ``exec >file``: for the rest of the shell
                self.stdin, self.stdout, self.stderr = fds
                self.status = 0
                return 0
            if fds is not saved:
                self.stdin, self.stdout, self.stderr = fds
            name = argv[0]
            fn = None if values or name in self.functions or "/" in name else UTILITIES.get(name)
            if fn is not None and name not in self.binaries:  # ``_utility``, inlined
                fn = fn if name in BUILTINS and not self.binaries.isdisjoint(SHELLS) else None
            if values:  # ``NAME=value command``: set for the command, restored after it
                status = yield from self._exec_with(argv, values, saved)
            else:
                form = None
                try:  # a utility by its plain name: ``exec``'s lookups skipped
                    if fn is None:
                        status = yield from self.exec(argv, self.stdout)
                    else:
                        form = INSTANT.get(fn)  # a builtin that cannot block: in this frame
                        done = None if form is None else form(self, argv)
                        target = self.stdout
                        if isinstance(done, int):
                            status = done
                        elif done is None or not isinstance(target, Log):
                            status = yield from self._run_utility(fn, name, argv, target)
                        else:  # the text it writes, to the log: ``write``, inlined
                            status = 0
                            if done:
                                self.cpu_us += Cost.WRITE + len(done) * WRITE_BYTE_US
                                output = target.last
                                if output.text != done:  # the same text: its Output again
                                    output = target.last = Output(done, target.stream)
                                yield output
                finally:  # an instant builtin changes no stream: none to set back but fds
                    if form is None or fds is not saved:
                        self.stdin, self.stdout, self.stderr = saved
            self.status = status
            if self.pending and not self._in_trap:
                yield from self.run_traps()
            if status:
                self._errexit(status)
            return status
        finally:
            self.depth -= 1

    def _exec_with(
        self, argv: list[str], values: list[tuple[str, str]], saved: tuple[Stdin, Target, Target]
    ) -> Program:
        """``exec`` with the command's own assignments exported, then the variables restored."""
        saved_env = [(name, self.env.get(name), name in self.exported) for name, _ in values]
        for name, value in values:
            self.setvar(name, value, export=True)
        try:
            return (yield from self.exec(argv, self.stdout))
        finally:
            self.stdin, self.stdout, self.stderr = saved
            for name, old, was_exported in saved_env:
                if old is None:
                    self.unsetvar(name)
                else:
                    self.setvar(name, old)
                if not was_exported:
                    self.exported.discard(name)

    def _expand_words(self, words: tuple[Word, ...]) -> Generator[Action, None, list[str]]:
        argv: list[str] = []
        for word in words:
            argv += yield from self.expand_fields(word)
        return argv
