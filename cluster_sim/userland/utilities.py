"""The commands images ship, as busybox behaves: each takes (process, argv, stdout).

A utility is a generator: it writes with ``proc.write`` (stdout) and
``proc.error`` (stderr), reads standard input with ``yield from proc.read_stdin()`` (or
``read_chunk``/``read_line``/``toolkit.Lines`` to stream a pipe),
works on ``proc.fs`` (paths resolved with ``proc.abspath``) and returns its
exit status. Messages are busybox's, word for word where they exist.

Importing this module registers them all (``registry.utility``); they live by
concept in ``shell_builtins``, ``signal_builtins`` (``trap``, ``kill``, ``wait``),
``conditions`` (``test``, ``expr``), ``file_utilities``, ``file_search``
(``find``, ``xargs``, ``stat``, ``which``), ``text_utilities``, ``text_filters``
(``sort``, ``uniq``, ``cut``, ``tr``), ``sed``, ``awk`` (``awk_syntax``),
``system_info``, ``system_tools`` (``ps``, ``df``, ``free``...) and
``network_info`` (``ip``, ``ping``...), sharing ``toolkit``.
"""

from __future__ import annotations

from . import (  # noqa: F401  (register the commands)
    awk,
    conditions,
    file_search,
    file_utilities,
    network_info,
    sed,
    shell_builtins,
    signal_builtins,
    system_info,
    system_tools,
    text_filters,
    text_utilities,
)
from .toolkit import emit_lines, getopt, unescape, usage

__all__ = ["emit_lines", "getopt", "unescape", "usage"]
