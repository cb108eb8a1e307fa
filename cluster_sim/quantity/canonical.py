"""A quantity's canonical string (``CanonicalizeBytes``): number and suffix.

Binary quantities print in powers of 1024 while they are integral and at least
1024 in magnitude, decimal ones in powers of 1000; exponent notation takes over
where the suffixes stop (beyond ``E`` and ``Ei``).
"""

from __future__ import annotations

from .digits import cmp_parts, div_pow10_away, int_to_str, materialise, strip_tens
from .go_int64 import MOST_NEGATIVE
from .suffix import construct_suffix
from .units import Format


def canonicalize(
    unscaled: int, exponent: int, decimal: bool, fmt: Format | None
) -> tuple[str, str]:
    """(number, suffix) of ``unscaled * 10**exponent`` printed in fmt's canonical form."""
    if unscaled == 0:
        return "0", ""
    if fmt is Format.BINARY_SI:
        if (
            cmp_parts(unscaled, exponent, -1024, 0) > 0
            and cmp_parts(unscaled, exponent, 1024, 0) < 0
        ):
            fmt = Format.DECIMAL_SI
        elif not _is_integral(unscaled, exponent):
            fmt = Format.DECIMAL_SI  # don't lose precision
    elif fmt is None:
        fmt = Format.DECIMAL_EXPONENT

    if fmt is Format.BINARY_SI:
        number, power = _canonical_base1024(unscaled, exponent, decimal)
        suffix = construct_suffix(2, power * 10, fmt)
        if suffix is not None:
            return number, suffix
        fmt = Format.DECIMAL_SI  # beyond Ei: no binary suffix left

    number, power = _canonical_base10(unscaled, exponent)
    suffix = construct_suffix(10, power, fmt)
    if suffix is None:
        # DecimalSI stops at E (10**18): fall back to exponent notation
        # rather than silently dropping the exponent.
        suffix = construct_suffix(10, power, Format.DECIMAL_EXPONENT) or ""
    return number, suffix


def _is_integral(unscaled: int, exponent: int) -> bool:
    if exponent >= 0 or unscaled == 0:
        return True
    _, times = strip_tens(unscaled)
    return times >= -exponent


def _canonical_base10(unscaled: int, exponent: int) -> tuple[str, int]:
    amount, times = strip_tens(unscaled)
    exponent += times
    remainder = exponent % 3
    if remainder:
        amount *= 10**remainder
        exponent -= remainder
    return int_to_str(amount), exponent


def _canonical_base1024(unscaled: int, exponent: int, decimal: bool) -> tuple[str, int]:
    if not decimal and unscaled == MOST_NEGATIVE and exponent == 0:
        return int_to_str(unscaled), 0  # removeInt64Factors cannot negate MinInt64
    value = (
        materialise(unscaled, exponent) if exponent >= 0 else div_pow10_away(unscaled, -exponent)
    )
    times = 0
    while value % 1024 == 0:
        value //= 1024
        times += 1
    return int_to_str(value), times
