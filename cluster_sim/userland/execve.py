"""The kernel's ``execve`` limits (fs/exec.c): when a command line is too big to start.

runc's ``execve`` of a container's command fails with E2BIG past either limit;
``surely_fits`` answers from string lengths alone for the command lines nearly
every container has, ``execve_too_big`` counts the bytes when that is not enough.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

MAX_ARG_STRLEN = 32 * 4096  # the longest single argv or envp string execve takes
ARG_MAX = (8 << 20) // 4  # all of them: a quarter of the default 8 MiB stack limit


def surely_fits(argv: Collection[str], env: Mapping[str, str]) -> bool:
    """Whether ``execve`` surely takes ``argv`` and ``env``, from lengths alone.

    A character is at most 4 bytes in UTF-8 (a surrogate escape is 1): far under both
    limits, as nearly every command line is, the bytes need not be counted. The
    ``name=value`` strings are not built: the longest name plus the longest value bounds
    the longest of them, and their lengths add up exactly (counted as one joined string's:
    a join measures its parts in C, where a sum of lengths calls ``len`` on each in turn).
    """
    total = len("".join([*argv, *env, *env.values()])) + len(env)
    count = len(argv) + len(env)
    if 4 * total + 9 * count < MAX_ARG_STRLEN:  # all of them together under the smaller limit
        return True
    longest = max(
        max(map(len, argv), default=0),
        max(map(len, env), default=0) + max(map(len, env.values()), default=0) + 1,
    )
    return 4 * longest < MAX_ARG_STRLEN and 4 * total + 9 * count <= ARG_MAX


def execve_too_big(argv: Collection[str], env: Mapping[str, str]) -> bool:
    """Whether the kernel's ``execve`` would fail with E2BIG (fs/exec.c's limits)."""
    if surely_fits(argv, env):
        return False
    strings = [*argv, *(f"{name}={value}" for name, value in env.items())]
    sizes = [len(text.encode("utf-8", errors="surrogateescape")) + 1 for text in strings]
    return max(sizes, default=0) > MAX_ARG_STRLEN or sum(sizes) + 8 * len(sizes) > ARG_MAX
