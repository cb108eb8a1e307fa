"""The container userland: what a simulated container's processes can do.

Containers in the playground do not run real processes: their ``command`` and
``args`` run here. A running program is a generator that yields actions
(``Sleep``, ``Output``) and returns its exit status, so the kubelet drives it
on the simulation clock, delivers signals to it and kills it.

- ``syntax``: the shell grammar (lists, ``&&``/``||``, loops, ``if``, ``for``,
  quoting, ``$VAR``, redirections), parsed once per script;
- ``process``: ``Process``, the executor, with the actions (``actions``) and
  signals (``control``);
- ``streams`` and ``pipeline``: stdin, the log, files, 64 KiB pipes, and the
  stages of a pipeline running at the same time;
- ``utilities``: the commands an image ships (``echo``, ``sleep``, ``cat``...);
- ``servers``: long-running image behaviours (nginx, redis, httpd...).

Unknown commands behave as in busybox: ``sh: foo: not found``, status 127.
"""

from .process import Output, Process, Program, Signal, Sleep

__all__ = ["Output", "Process", "Program", "Signal", "Sleep"]

from . import network_tools, perl, servers, utilities  # noqa: F401  (register the commands)
