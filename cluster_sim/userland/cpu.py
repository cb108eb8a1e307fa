"""What userland work costs in simulated CPU time.

Every step a container's program takes (a shell builtin, an external command,
an expansion, a loop iteration, a write, a regex scan) costs simulated CPU
microseconds from the table below. A ``Process`` adds them up (``charge``)
and, once a whole quantum (10 ms) has accumulated,
yields a ``Compute`` action (``spend``): the container runtime turns it into
elapsed simulated time as the kernel's scheduler would (the node's cores
shared by weight, a CPU limit's CFS quota; ``cluster_sim.kubelet.cpu``).
So an endless loop moves the clock like any real process, and probes,
SIGTERM and SIGKILL reach it.

Calibration (see DESIGN.md, "Container CPU"): interpreter steps cost
``STEP_SCALE`` times what they cost busybox ash on a real core, which bounds
the Python work per simulated CPU-second; fork and exec cost what they
really cost. ``while true; do echo hi; done`` costs ``LOOP + 2 * COMMAND +
WRITE`` = 40 us per line: 25,000 lines per simulated second on one core,
where busybox ash writes on the order of 100,000.
"""

from __future__ import annotations

from typing import Final

QUANTUM_US = 10_000  # CPU accumulated before time is made to pass (see DESIGN.md)
STEP_SCALE = 4  # interpreter steps cost this many times a real core's figure
# A process that has been runnable for BURST_MS without blocking (a sleep) is a runaway:
# its further work counts SUSTAINED_SLOWDOWN times, the playground's bound on the Python
# work one simulated CPU-second costs (DESIGN.md, "Container CPU").
BURST_MS = 1_000
SUSTAINED_SLOWDOWN = 25


class Cost:
    """Simulated CPU microseconds per userland step.

    Plain ``int`` class attributes, not an ``IntEnum``: they are read at every command
    and write, and an enum member's lookup costs several times a class attribute's
    (the values, and all arithmetic on them, are the same).
    """

    COMMAND: Final = 3 * STEP_SCALE  # a simple command run as a builtin (ash: evaltree, lookup)
    LOOP: Final = 1 * STEP_SCALE  # one pass of a while/until/for loop
    EXPANSION: Final = 1 * STEP_SCALE  # a word with a parameter, substitution or arithmetic
    FUNCTION_CALL: Final = 2 * STEP_SCALE  # a shell function call (positional parameters saved)
    WRITE: Final = 3 * STEP_SCALE  # one write(2): to the log pipe, a file or a pipe
    FORK: Final = 150  # a subshell or command substitution: fork, run, exit, wait
    EXEC: Final = 500  # an external command: fork, execve of the busybox binary, exit, wait
    NANOSLEEP: Final = 60  # sleep's own syscalls and the timer slack (50 us)
    STEP: Final = 1  # ``Process.tick()``: one small step of a utility's work


WRITE_BYTE_US = 0.001  # per byte written (about 1 GB/s, a memcpy into the pipe or page cache)
REGEX_BYTE_US = 0.01  # per byte of input a linear-time regex engine scans (about 100 MB/s)
