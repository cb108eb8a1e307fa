"""Go-style formatting, written once: what Kubernetes' Go prints, for messages we copy.

- :func:`go_quote`: ``%q`` of a string (``strconv.Quote``): double quotes, Go's
  escapes, printable runes kept, others as ``\\x``/``\\u``/``\\U``.
- :func:`go_float`: ``%v`` of a float64 (``strconv.FormatFloat(f, 'g', -1, 64)``).
- :func:`format_path`: ``field.Path.String()`` (k8s.io/apimachinery
  ``pkg/util/validation/field/path.go``): ``spec.containers[0].image``,
  ``metadata.labels[app]``; a path is a tuple of ``str`` (a struct field), ``int``
  (a list index) and :class:`Key` (a map key).

Dependency-free, so every layer (the YAML reader, validation, admission, the
kubelet) can use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final


class Key(str):
    """A map key in a field path, printed ``labels[app]`` (a plain str otherwise)."""

    __slots__ = ()


def format_path(path: Iterable[str | int]) -> str:
    """``field.Path.String()``: ``spec.containers[0].resources.limits[cpu]``."""
    out = ""
    for part in path:
        if isinstance(part, int | Key):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_ESCAPES: Final = {
    "\a": r"\a",
    "\b": r"\b",
    "\f": r"\f",
    "\n": r"\n",
    "\r": r"\r",
    "\t": r"\t",
    "\v": r"\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(text: str) -> str:
    """Go's ``%q`` of a string (``strconv.Quote``)."""
    out = ['"']
    for ch in text:
        escaped = _ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def go_float(value: float) -> str:
    """Go's ``%v`` for a float64 (``strconv.FormatFloat(f, 'g', -1, 64)``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        digits = exponent.lstrip("+-").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return text
