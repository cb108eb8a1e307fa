"""Quantity suffixes (``suffix.go``): ``m``, ``Ki``, ``e3`` to (base, exponent, format) and back."""

from __future__ import annotations

from typing import Final

from .go_int64 import go_parse_int64, wrap32
from .units import Format

_DEC_SUFFIXES: Final = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BIN_SUFFIXES: Final = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXPONENT: Final = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_BY_EXPONENT: Final = {v: k for k, v in _BIN_SUFFIXES.items()}


def interpret_suffix(suffix: str) -> tuple[int, int, Format] | None:
    """(base, exponent, format) for a suffix, or None (suffixHandler.interpret)."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], Format.DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], Format.BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        parsed = go_parse_int64(suffix[1:])
        if parsed is None:
            return None
        return 10, wrap32(parsed), Format.DECIMAL_EXPONENT
    return None


def construct_suffix(base: int, exponent: int, fmt: Format) -> str | None:
    if fmt is Format.DECIMAL_SI:
        return _DEC_BY_EXPONENT.get(exponent) if base == 10 else None
    if fmt is Format.BINARY_SI:
        if base != 2:
            return None
        return "" if exponent == 0 else _BIN_BY_EXPONENT.get(exponent)
    if base != 10:
        return None
    return "" if exponent == 0 else "e" + str(exponent)
