"""PID 1 scripts whose run is a function of their text: the first run kept, the next replayed.

``sh -c "echo starting; exit 1"``, the shape of nearly every crash-loop demo, prints the
same lines and exits with the same status at every start of every container that runs
it: its words are plain text (``SimpleCommand.static_argv``), ``echo`` writes its
arguments and ``exit`` returns a number. Nothing it does reads the clock, the
environment, the filesystem or another process. Driven as a program, each start still
goes through ``drive``, the process's scheduler, its guard and the list's generators
(about 5% of a crash-looping Pod's start, measured).

``replay_key`` recognises such a PID 1, by its text and by how its process would
resolve it (the image's ``sh``, the execve size check). ``ContainerInstance`` drives
the first run of each key as it drives any program, watching it
(``Watched``): a run that only printed and ended with a status is kept
(``OUTCOMES``); one that did anything else (a ``Compute`` once its echo lines add up
to a CPU quantum, a signal, the OOM killer) keeps ``NOT_REPLAYABLE``. Later starts with
the key write the kept lines to the log and end with the kept status, in the same
step, as the driven run would (``test_replay``: records byte-identical either way),
without the ``Process`` a driven run needs (built if something asks for it).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .actions import Action, Output
from .driver import Ended
from .execve import surely_fits
from .interpreter import utility_in
from .registry import UTILITIES
from .syntax import parse
from .syntax_tree import NestingTooDeep, ShellSyntaxError, SimpleCommand

# The shell's utility: what ``argv[0]`` must resolve to in the container's image
_SH: Final = UTILITIES["sh"]
OUTCOMES_SIZE: Final = 256  # kept outcomes (then emptied), as other shared memos


@dataclass(frozen=True, slots=True)
class Outcome:
    """A kept run: the lines it wrote to the log, in order, and how it ended."""

    lines: tuple[Output, ...]
    ended: Ended


NOT_REPLAYABLE: Final = Outcome((), Ended(None))  # a key whose first run did more
Key = tuple[tuple[str, ...], frozenset[str]]  # (argv, the image's binaries)
# key -> its first run's outcome. Shared by runs (and threads): an outcome is a function
# of its key alone.
OUTCOMES: dict[Key, Outcome] = {}
# script -> whether it is plain ``echo`` commands then a literal ``exit N``
_STATIC: dict[str, bool] = {}
# id(env) -> (env, argv, binaries, the key ``replay_key`` gave them): a restart passes the
# very environment dict of the start before (``ContainerEnvironment.process_env``, read
# only), whose size check need not be made again. The entry holds the dict, so its id
# names no other while kept.
_ANSWERED: dict[int, tuple[Mapping[str, str], tuple[str, ...], frozenset[str], Key | None]] = {}
ANSWERED_SIZE: Final = 4096


def replay_key(
    argv: tuple[str, ...], binaries: frozenset[str], env: Mapping[str, str]
) -> Key | None:
    """The key of a fresh PID 1's run of ``argv`` in an image of ``binaries`` with ``env``
    (read-only), if it is a static script (``sh -c``: plain ``echo`` lines then ``exit N``)
    resolved as ``ShellInterpreter.run`` resolves it (a fresh process has no functions);
    else None."""
    known = _ANSWERED.get(id(env))
    if known is not None and known[0] is env and known[2] is binaries and known[1] == argv:
        return known[3]
    key = _replay_key(argv, binaries, env)
    if len(_ANSWERED) >= ANSWERED_SIZE:
        _ANSWERED.clear()
    _ANSWERED[id(env)] = (env, argv, binaries, key)
    return key


def _replay_key(
    argv: tuple[str, ...], binaries: frozenset[str], env: Mapping[str, str]
) -> Key | None:
    if len(argv) != 3 or argv[1] != "-c":
        return None
    script = argv[2]
    static = _STATIC.get(script)
    if static is None:
        static = _static(script)
        if len(_STATIC) >= OUTCOMES_SIZE:
            _STATIC.clear()
        _STATIC[script] = static
    if not static or utility_in(argv[0].rsplit("/", 1)[-1], binaries) is not _SH:
        return None
    if not surely_fits(argv, env):  # run's execve check: E2BIG goes the long way
        return None
    return argv, binaries


def _static(script: str) -> bool:
    """Whether ``script`` is plain-text ``echo`` commands, then ``exit`` with a number: no
    expansion or assignment that could read anything, no redirection that could write a
    file (``/dev/termination-log``, which the kubelet reads after the exit)."""
    if script[:1] in "-+":  # (``sh`` takes such a script the long way)
        return False
    try:
        items = parse(script).items
    except (NestingTooDeep, ShellSyntaxError):
        return False
    words: list[tuple[str, ...]] = [
        item.static_argv
        for item in items
        if type(item) is SimpleCommand
        and item.static_argv is not None
        and not item.assigns
        and not item.redirects
    ]
    if not words or len(words) != len(items):  # every item a plain command
        return False
    *lines, last = words
    # (echo's options and escapes are a function of its words too)
    if not all(line and line[0] == "echo" for line in lines):
        return False
    return len(last) == 2 and last[0] == "exit" and last[1].isascii() and last[1].isdigit()


class Watched:
    """A first run's driver callbacks, watched: what it wrote, and whether it did more."""

    __slots__ = ("_output", "_step", "lines", "stepped")

    def __init__(
        self,
        step: Callable[[Action], Generator[Any, Any, Any]],
        output: Callable[[Output], None],
    ) -> None:
        self._step = step
        self._output = output
        self.lines: list[Output] = []
        self.stepped = False

    def step(self, action: Action) -> Generator[Any, Any, Any]:
        self.stepped = True
        return self._step(action)

    def output(self, action: Output) -> None:
        self.lines.append(action)
        self._output(action)

    def keep(self, key: Key, ended: Ended) -> None:
        """The run ended as ``ended``: keep its outcome for ``key`` (or that it did more)."""
        plain = not self.stepped and ended.status is not None and not ended.oom_killed
        if len(OUTCOMES) >= OUTCOMES_SIZE:
            OUTCOMES.clear()
        OUTCOMES[key] = Outcome(tuple(self.lines), ended) if plain else NOT_REPLAYABLE
