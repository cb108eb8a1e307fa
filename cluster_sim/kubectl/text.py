"""How kubectl lays text out: Go's tabwriter, ages, timestamps, labels and selectors.

``tabwrite`` is Go's ``text/tabwriter`` (left-aligned, space padding): a
cell ends at a tab, the last cell of a line is not part of any column, and a
column's width is set by the block of consecutive lines that have a cell in
it. kubectl's tables (``get``: minimum width 6, padding 3) and ``describe``
(padding 2) are its output, so their alignment is reproduced exactly,
including the way a ``describe`` section's lines align with the next
section's when no line without a tab separates them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from ..userland.filesystem import EPOCH


def tabwrite(text: str, *, minwidth: int = 0, padding: int = 2) -> str:
    """``text`` through a Go ``tabwriter.Writer`` with these settings, flushed."""
    ends_with_newline = text.endswith("\n")
    raw = text.split("\n")
    if ends_with_newline:
        raw.pop()
    lines = [line.split("\t") for line in raw]
    widths: list[int] = []
    out: list[str] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            parts = []
            for j, cell in enumerate(cells):
                parts.append(cell)
                if j < len(widths) and j < len(cells) - 1:
                    parts.append(" " * (widths[j] - len(cell)))
            out.append("".join(parts))

    def format_block(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            format_block(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    format_block(0, len(lines))
    return "\n".join(out) + ("\n" if ends_with_newline else "")


def human_duration(ms: int | float) -> str:
    """apimachinery's ``duration.HumanDuration`` (kubectl's AGE) of ``ms`` milliseconds."""
    seconds = int(ms // 1000) if ms >= 0 else -int(-ms // 1000)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        return f"{hours // 24 // 365}y{rest}d" if rest else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123z(ms: int) -> str:
    """A simulated instant as Go's ``time.RFC1123Z`` (the run starts at the epoch, in UTC)."""
    at = EPOCH + timedelta(milliseconds=ms)
    return (
        f"{_DAYS[at.weekday()]}, {at.day:02d} {_MONTHS[at.month - 1]} {at.year} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d} +0000"
    )


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """``labels.FormatLabels``: ``k=v,k2=v2`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """A ``LabelSelector`` as ``labels.Selector.String()`` prints it ("" when empty)."""
    if not isinstance(selector, Mapping):
        return ""
    requirements: list[tuple[str, str]] = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        requirements += [(str(k), f"{k}={v}") for k, v in match_labels.items()]
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, Sequence) else ():
        if not isinstance(expression, Mapping):
            continue
        key = str(expression.get("key", ""))
        operator = expression.get("operator")
        values = ",".join(sorted(str(v) for v in expression.get("values") or []))
        if operator == "In":
            requirements.append((key, f"{key} in ({values})"))
        elif operator == "NotIn":
            requirements.append((key, f"{key} notin ({values})"))
        elif operator == "Exists":
            requirements.append((key, key))
        elif operator == "DoesNotExist":
            requirements.append((key, f"!{key}"))
    requirements.sort(key=lambda r: r[0])
    return ",".join(text for _, text in requirements)


def format_selector(selector: Mapping[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: the selector's string, ``<none>`` when empty."""
    return selector_string(selector) or "<none>"
