"""Completion indexes of an Indexed Job and their interval strings (``1,3-5``)."""

from __future__ import annotations

from collections.abc import Iterable

from ..store import ApiObject
from .kind import COMPLETION_INDEX


def format_intervals(indexes: Iterable[int]) -> str:
    """``succeededIndexes.String()``: sorted, runs of consecutive indexes as ``a-b``."""
    parts: list[str] = []
    run: list[int] = []
    for i in sorted(set(indexes)):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(_run(run))
        run = [i]
    if run:
        parts.append(_run(run))
    return ",".join(parts)


def _run(run: list[int]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}"


def parse_intervals(text: str | None) -> set[int]:
    out: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            lo = int(first)
            hi = int(last) if last else lo
        except ValueError:
            continue
        out.update(range(lo, hi + 1))
    return out


def index_of(pod: ApiObject, completions: int) -> int | None:
    """``getCompletionIndex``: the Pod's annotation, None when absent or out of range."""
    value = pod.annotations.get(COMPLETION_INDEX)
    try:
        index = int(value) if value is not None else -1
    except ValueError:
        return None
    return index if 0 <= index < completions else None
