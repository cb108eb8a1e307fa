"""``Process``: one program running in a simulated container.

A program is a generator: it yields ``Sleep`` and ``Output`` actions and
returns its exit status. The kubelet drives it on the simulation clock.

``Process`` is built from one concept per module, each a layer over the one
before:

- ``os_process.OsProcess``: what the kernel keeps (pids, environment, streams,
  CPU and memory accounting, signals to PID 1, traps, how a process ends);
- ``job_control.JobControl``: background jobs on the same clock (``&``,
  ``wait``, ``kill``);
- ``expansion.WordExpansion``: parameters, command substitution, arithmetic,
  field splitting and globbing;
- ``redirections.Redirections``: where a command's streams go (``<``, ``>``...);
- ``interpreter.ShellInterpreter``: the shell language and ``exec``.

The commands are registered in ``registry`` (``utility``). This module also
re-exports what a command needs (the actions, the streams, the registry), so a
command imports from one place.
"""

from __future__ import annotations

from .actions import Action, Block, Compute, Output, Program, Sleep, WaitJobs
from .control import SIGNAL_NUMBERS, ExitProgram, Signal
from .interpreter import ShellInterpreter
from .os_process import basename, cpu, errmsg
from .registry import BUILTINS, HANDLES, SHELLS, UTILITIES, Utility, utility
from .streams import (
    NULL,
    PIPE_CAPACITY,
    STDERR_LOG,
    STDOUT_LOG,
    Capture,
    FileSink,
    Log,
    NullSink,
    Pipe,
    PipeReader,
    Stdin,
    Target,
)

__all__ = [
    "BUILTINS",
    "HANDLES",
    "NULL",
    "PIPE_CAPACITY",
    "SHELLS",
    "SIGNAL_NUMBERS",
    "STDERR_LOG",
    "STDOUT_LOG",
    "UTILITIES",
    "Action",
    "Block",
    "Capture",
    "Compute",
    "ExitProgram",
    "FileSink",
    "Log",
    "NullSink",
    "Output",
    "Pipe",
    "PipeReader",
    "Process",
    "Program",
    "Signal",
    "Sleep",
    "Stdin",
    "Target",
    "Utility",
    "WaitJobs",
    "basename",
    "cpu",
    "errmsg",
    "utility",
]


class Process(ShellInterpreter):
    """A program in a container, with the container's environment and files.

    ``binaries`` are the executables the image ships; anything else is "not
    found", as in the real image. ``fs`` is the container's filesystem, shared
    by every process of the same container (exec probes, hooks); by default a
    fresh image layout. ``clock`` returns simulated milliseconds (since
    ``filesystem.EPOCH``): the time ``date`` shows and files are stamped with.
    ``stdin`` is the text the process reads on standard input; ``pid`` is its
    process id (PID 1 is the container's main process); ``container`` is the
    runtime's handle. See ``OsProcess`` for the rest.
    """
