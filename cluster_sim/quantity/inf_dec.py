"""The decimal form (``inf.Dec``): parsing a number into it, rounding, scaled values.

A decimal-form quantity is ``(unscaled, exponent, pad)``: the value is
``unscaled * 10**exponent`` and ``pad`` counts the trailing zeros ``inf.Dec``
would append when it rescales (kept symbolic so that ``1e999999`` does not
materialise a million-digit integer).
"""

from __future__ import annotations

from .digits import DIGITS, digit_count, div_pow10_away, int_from_digits
from .go_int64 import LOG10_MAX_INT64, MOST_POSITIVE, go_div, go_int64_of_pow10, go_mod, wrap64


def inf_dec_set_string(text: str) -> tuple[int, int] | None:
    """inf.Dec.SetString for the number part: (unscaled, inf scale) or None."""
    unscaled: list[str] = []
    dot = -1
    seen_digit = False
    for ch in text:
        if ch in "+-":
            if unscaled or dot >= 0:
                return None  # a sign that is not first stops the scan: leftovers
        elif ch == ".":
            if dot >= 0:
                return None
            dot = len(unscaled)
            continue
        elif ch in DIGITS:
            seen_digit = True
        else:
            return None
        unscaled.append(ch)
    if not seen_digit:
        return None
    scale = len(unscaled) - dot if dot >= 0 else 0
    joined = "".join(unscaled)
    sign = -1 if joined[:1] == "-" else 1
    digits = joined.lstrip("+-")
    if not digits:
        return None
    return sign * int_from_digits(digits), scale


def round_dec(unscaled: int, exponent: int, pad: int, target: int) -> tuple[int, int, int]:
    """inf.Dec.Round(x, target, RoundUp) on the (unscaled, exponent, pad) form."""
    scale = -exponent + pad
    if scale <= target:
        return unscaled, exponent, pad + (target - scale)
    drop = scale - target
    if pad >= drop:
        return unscaled, exponent, pad - drop
    k = drop - pad
    return div_pow10_away(unscaled, k), exponent + k, 0


def dec_scaled_value(unscaled: int, exponent: int, pad: int, new_scale: int) -> int:
    """scaledValue(dec.UnscaledBig(), dec.Scale(), scale.infScale()) with Go overflow."""
    if unscaled == 0:
        return 0
    inf_scale = -exponent + pad
    dif = inf_scale - (-new_scale)

    def int64_of_unscaled() -> int:  # big.Int.Int64(): the low 64 bits
        return wrap64(unscaled * pow(10, pad, 1 << 64))

    if dif == 0:
        return int64_of_unscaled()
    if dif < 0:
        return wrap64(int64_of_unscaled() * go_int64_of_pow10(-dif))

    below_max = unscaled <= 0 or (pad <= LOG10_MAX_INT64 and unscaled * 10**pad < MOST_POSITIVE)
    if below_max and dif < LOG10_MAX_INT64:
        current = int64_of_unscaled()
        divide = 10**dif
        result = go_div(current, divide)
        if go_mod(current, divide) != 0:
            return result + 1
        return result

    # big.Int DivMod (Euclidean: the remainder is never negative)
    if pad >= dif:
        return wrap64(unscaled * pow(10, pad - dif, 1 << 64))
    k = dif - pad
    if k > digit_count(unscaled):
        # |unscaled| < 10**k: the floor quotient is 0 or -1, with a remainder
        return 1 if unscaled > 0 else 0
    quotient, remainder = divmod(unscaled, 10**k)
    if remainder:
        return wrap64(wrap64(quotient) + 1)
    return wrap64(quotient)
