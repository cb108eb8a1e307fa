"""Exact decimal arithmetic on Python integers, without the int/str digit limit.

A quantity's value is ``unscaled * 10**exponent``; these helpers count, strip,
compare and materialise such values exactly, and refuse (with a QuantityError)
to build integers with absurd numbers of digits.
"""

from __future__ import annotations

from typing import Final

from .units import QuantityError

# Refuse to build integers with more decimal digits than this (Go would try and
# take minutes); only reachable with absurd exponents such as "1e2147483647".
MAX_DIGITS: Final = 2_000_000
DIGITS: Final = frozenset("0123456789")
_CHUNK: Final = 4000


def int_from_digits(digits: str) -> int:
    if len(digits) <= _CHUNK:
        return int(digits)
    value = 0
    for start in range(0, len(digits), _CHUNK):
        chunk = digits[start : start + _CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def int_to_str(value: int) -> str:
    if value < 0:
        return "-" + int_to_str(-value)
    if value < 10**_CHUNK:
        return str(value)
    parts: list[str] = []
    base = 10**_CHUNK
    while value >= base:
        value, low = divmod(value, base)
        parts.append(str(low).rjust(_CHUNK, "0"))
    parts.append(str(value))
    return "".join(reversed(parts))


def digit_count(value: int) -> int:
    """Number of decimal digits of |value| (1 for zero)."""
    value = abs(value)
    if value < 10:
        return 1
    estimate = int((value.bit_length() - 1) * 0.30102999566398120) + 1
    if value < 10 ** (estimate - 1):
        return estimate - 1
    if value >= 10**estimate:
        return estimate + 1
    return estimate


def strip_tens(value: int) -> tuple[int, int]:
    """(m, k) with value == m * 10**k and m not divisible by 10; (0, 0) for zero."""
    if value == 0:
        return 0, 0
    times = 0
    step = 1  # grows while whole blocks of zeros come off, for long runs
    while value % 10 == 0:
        power = 10**step
        if value % power == 0:
            value //= power
            times += step
            step *= 2
        else:
            step = max(1, step // 2)
    return value, times


def div_pow10_away(value: int, k: int) -> int:
    """value / 10**k, rounded away from zero (inf.RoundUp); k >= 0."""
    if value == 0 or k == 0:
        return value
    magnitude = abs(value)
    if k > digit_count(magnitude):
        quotient, remainder = 0, magnitude
    else:
        quotient, remainder = divmod(magnitude, 10**k)
    if remainder:
        quotient += 1
    return quotient if value > 0 else -quotient


def materialise(unscaled: int, zeros: int) -> int:
    if zeros <= 0:
        return unscaled
    if unscaled == 0:
        return 0
    if digit_count(unscaled) + zeros > MAX_DIGITS:
        raise QuantityError("quantity is too large to compute exactly")
    return unscaled * int(10**zeros)


def cmp_parts(u1: int, e1: int, u2: int, e2: int) -> int:
    """Compare u1*10**e1 with u2*10**e2 exactly."""
    s1 = (u1 > 0) - (u1 < 0)
    s2 = (u2 > 0) - (u2 < 0)
    if s1 != s2:
        return 1 if s1 > s2 else -1
    if s1 == 0:
        return 0
    m1, k1 = strip_tens(abs(u1))
    m2, k2 = strip_tens(abs(u2))
    e1 += k1
    e2 += k2
    top1 = digit_count(m1) + e1
    top2 = digit_count(m2) + e2
    if top1 != top2:
        magnitude = 1 if top1 > top2 else -1
    else:
        low = min(e1, e2)
        a = m1 * 10 ** (e1 - low)
        b = m2 * 10 ** (e2 - low)
        magnitude = (a > b) - (a < b)
    return magnitude * s1
