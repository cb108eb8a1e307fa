"""Go's int64 arithmetic as apimachinery's ``amount.go`` and ``math.go`` use it.

Values wrap as two's-complement int64, division truncates toward zero, and the
scaling helpers report overflow the way ``int64Amount`` does.
"""

from __future__ import annotations

from typing import Final

from .digits import DIGITS, int_from_digits

MOST_POSITIVE: Final = (1 << 63) - 1
MOST_NEGATIVE: Final = -(1 << 63)
_MASK64: Final = (1 << 64) - 1
MAX_INT64_FACTORS: Final = 18  # math.go maxInt64Factors at the reference commit
LOG10_MAX_INT64: Final = 19


def wrap64(x: int) -> int:
    """Reduce x to a two's-complement int64, as Go arithmetic does."""
    x &= _MASK64
    return x - (1 << 64) if x >> 63 else x


def wrap32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >> 31 else x


def go_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def go_mod(a: int, b: int) -> int:
    return a - b * go_div(a, b)


def _int64_add(a: int, b: int) -> tuple[int, bool]:
    c = wrap64(a + b)
    if a > 0 and b > 0 and c < 0:
        return 0, False
    if a < 0 and b < 0:
        if c > 0:
            return 0, False
        if a == MOST_NEGATIVE and b == MOST_NEGATIVE:
            return 0, False
    return c, True


def int64_multiply(a: int, b: int) -> tuple[int, bool]:
    if a in (0, 1) or b in (0, 1):
        return wrap64(a * b), True
    if MOST_NEGATIVE in (a, b):
        return 0, False
    c = wrap64(a * b)
    return c, go_div(c, b) == a


def _int64_multiply_scale(a: int, b: int) -> tuple[int, bool]:
    """int64MultiplyScale / int64MultiplyScale10/100/1000 (b > 1)."""
    if a in (0, 1):
        return wrap64(a * b), True
    if a == MOST_NEGATIVE:
        return 0, False
    c = wrap64(a * b)
    return c, go_div(c, b) == a


def positive_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    """base * 10**scale; on overflow the wrapped product (scales 1,2,3,6,9) or 0."""
    if scale == 0:
        return base, True
    if scale in (1, 2, 3, 6, 9):
        return _int64_multiply_scale(base, 10**scale)
    value = base
    for _ in range(scale):
        if value == 0:
            return 0, True
        value, ok = _int64_multiply_scale(value, 10)
        if not ok:
            return 0, False
    return value, True


def negative_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    """base / 10**scale rounded away from zero; exact is False if digits were lost."""
    if scale == 0:
        return base, True
    value = base
    fraction = False
    for _ in range(scale):
        if not fraction and go_mod(value, 10) != 0:
            fraction = True
        value = go_div(value, 10)
        if value == 0:
            if fraction:
                return (1, False) if base > 0 else (-1, False)
            return 0, True
    if fraction:
        value = value + 1 if base > 0 else value - 1
    return value, not fraction


def go_int64_of_pow10(n: int) -> int:
    """int64(math.Pow10(n)) on amd64: out-of-range conversions give MinInt64."""
    if n <= 18:
        return int(10**n)  # Pow10 of a negative n is below 1: int64 of it is 0
    return MOST_NEGATIVE


def check_int64(value: int) -> None:
    if not MOST_NEGATIVE <= value <= MOST_POSITIVE:
        raise ValueError(f"{value} does not fit in an int64")


def int64_amount_add(a: int, a_scale: int, b: int, b_scale: int) -> tuple[int, int] | None:
    """int64Amount.Add: the (value, scale) sum, or None if it would overflow."""
    if b == 0:
        return a, a_scale
    if a == 0:
        return b, b_scale
    if a_scale == b_scale:
        c, ok = _int64_add(a, b)
        return (c, a_scale) if ok else None
    if a_scale > b_scale:
        c, ok = positive_scale_int64(a, a_scale - b_scale)
        if not ok:
            return None
        c, ok = _int64_add(c, b)
        return (c, b_scale) if ok else None
    c, ok = positive_scale_int64(b, b_scale - a_scale)
    if not ok:
        return None
    c, ok = _int64_add(a, c)
    return (c, a_scale) if ok else None


def go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, in range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or any(ch not in DIGITS for ch in body):
        return None
    value = int_from_digits(body) if len(body) > 19 else int(body)
    if text[:1] == "-":
        value = -value
    if not MOST_NEGATIVE <= value <= MOST_POSITIVE:
        return None
    return value
