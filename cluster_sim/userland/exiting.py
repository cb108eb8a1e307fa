"""``exit``, and the last ``exit`` of a process's own script, which returns instead.

``sh -c "echo starting; exit 1"`` (a crash loop's PID 1, run at every container start)
ends with a plain ``exit``: nothing runs after it but what the process's end runs anyway
(``_guard``: the status, the EXIT trap), so it returns its status instead of raising
``ExitProgram`` through the simple command, the list and ``sh`` up to ``_guard``. The
shell's own script (``sh``'s ``_sh_run``, when the shell is the process itself) runs
through ``run_main``; every other ``exit`` raises, as does this one with a trap pending
(a trap pending when ``exit`` returns would run: when it raises, it never does).
"""

from __future__ import annotations

from .actions import at_once
from .control import StackOverflow
from .os_process import SHELL_DEPTH
from .process import ExitProgram, Process, Program, Target, utility
from .registry import instant
from .syntax import parse
from .syntax_tree import NestingTooDeep, Node, Sequence, ShellSyntaxError, SimpleCommand


@utility("exit")
def exit_(proc: Process, argv: list[str], redirect: Target | None) -> Program:
    status = _exit_instant(proc, argv)  # raises ``ExitProgram``, or returns (see there)
    if status is not None:
        return at_once(int(status))
    return _exit_after(proc, f"sh: exit: Illegal number: {argv[1]}\n", 2)


@instant(exit_)
def _exit_instant(proc: Process, argv: list[str]) -> int | None:
    """``exit`` in its command's frame: it raises, unless it has to complain first (None)
    or is its script's last command (``run_main``), where it returns its status."""
    status = proc.status
    if len(argv) > 1:
        try:
            status = int(argv[1]) & 0xFF
        except ValueError:
            return None
    if proc._exit_returns and not proc.pending:
        proc._exit_returns = False
        return status
    raise ExitProgram(status)


def _exit_after(proc: Process, message: str, status: int) -> Program:
    """``exit`` with a complaint on stderr first."""
    yield from proc.error(message)
    raise ExitProgram(status)


def run_main(proc: Process, script: str) -> Program:
    """``proc.run_script(script)`` for the script of the process's own shell.

    Called only where nothing but ``_guard`` lies between the program and the process's
    end. A list that ends with a plain ``exit`` runs as ``_main_sequence``.
    """
    if proc._scheduling:
        try:
            tree = parse(script)
        except (NestingTooDeep, ShellSyntaxError):
            return proc.run_script(script)
        if isinstance(tree, Sequence):
            last = tree.items[-1]
            if (
                isinstance(last, SimpleCommand)
                and last.static_argv
                and last.static_argv[0] == "exit"
                and not last.assigns
                and not last.redirects
            ):
                return _main_sequence(proc, tree.items, last)
        return proc.run_node(tree)
    return proc.run_script(script)


def _main_sequence(proc: Process, items: tuple[Node, ...], last: SimpleCommand) -> Program:
    """``_compound``'s list, whose ``last`` item, a plain ``exit``, returns its status (not
    with a function of that name by then)."""
    proc.depth += 1
    if proc.depth > SHELL_DEPTH:
        proc.depth -= 1
        raise StackOverflow()
    try:
        for item in items[:-1]:
            if isinstance(item, SimpleCommand):
                yield from proc.simple(item)
            else:
                yield from proc._compound(item)
        if "exit" not in proc.functions:
            proc._exit_returns = True
        status = yield from proc.simple(last)
    finally:
        proc.depth -= 1
        if proc._exit_returns:  # not reached: an EXIT trap's ``exit`` raises again
            proc._exit_returns = False
    proc.status = status
    return status
