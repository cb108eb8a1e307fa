"""``resource.ParseQuantity``: a quantity's text to its int64 or decimal representation.

The fast path keeps ``value * 10**scale`` in a scaled int64 (``int64Amount``)
and remembers the input when it is already canonical (``100.035k``, ``+1``);
everything else goes through ``inf.Dec``, rounded up to one nano, with binary
quantities capped at ``2**63 - 1``.
"""

from __future__ import annotations

from typing import NamedTuple

from .digits import cmp_parts
from .go_int64 import MAX_INT64_FACTORS, MOST_POSITIVE, go_parse_int64, int64_multiply, wrap32
from .inf_dec import inf_dec_set_string, round_dec
from .scanner import parse_quantity_string
from .suffix import interpret_suffix
from .units import ERR_FORMAT_WRONG, ERR_NUMERIC, ERR_SUFFIX, NANO, Format, QuantityError


class ParsedQuantity(NamedTuple):
    """What the parser builds: the int64 form (``decimal`` False) or the decimal form."""

    decimal: bool
    value: int  # the int64 value, or the decimal form's unscaled integer
    scale: int  # the power of ten (the decimal form's exponent)
    pad: int  # the decimal form's symbolic trailing zeros (0 in int64 form)
    format: Format
    cached: str | None  # the input, when the parser judged it canonical


def parse_quantity(text: str) -> ParsedQuantity:
    """Parse text strictly, as ``ParseQuantity`` does; QuantityError names what is wrong."""
    if not text:
        raise QuantityError(ERR_FORMAT_WRONG)
    if text == "0":
        return ParsedQuantity(False, 0, 0, 0, Format.DECIMAL_SI, "0")

    positive, value, num, denom, suffix = parse_quantity_string(text)
    interpreted = interpret_suffix(suffix)
    if interpreted is None:
        raise QuantityError(ERR_SUFFIX)
    base, exponent, fmt = interpreted

    precision = 0
    scale = 0
    mantissa = 1
    if fmt is Format.BINARY_SI:
        if exponent >= 0 and not denom:
            mantissa = mantissa << exponent
            # int32(float32(exponent)*3/10): exact for the binary exponents 10..60
            precision = 15 - len(num) - (exponent * 3) // 10 - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = MAX_INT64_FACTORS - (len(num) + len(denom))

    if precision >= 0:
        scale = wrap32(scale - len(denom))
        if scale >= NANO:
            shifted = num + denom
            parsed = go_parse_int64(shifted)
            if parsed is None:
                raise QuantityError(ERR_NUMERIC)
            result, ok = int64_multiply(parsed, mantissa)
            if ok:
                if not positive:
                    result = -result
                cache: str | None = None
                if fmt is Format.BINARY_SI:
                    if exponent % 10 == 0 and parsed & 0x07 != 0:
                        cache = text
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    cache = text
                return ParsedQuantity(False, result, scale, 0, fmt, cache)

    amount = inf_dec_set_string(value)
    if amount is None:
        raise QuantityError(ERR_NUMERIC)
    unscaled, inf_scale = amount
    if base == 10:
        inf_scale = wrap32(inf_scale + wrap32(-exponent))
    else:
        unscaled <<= exponent
    negative = unscaled < 0
    unscaled = abs(unscaled)
    exp10 = -inf_scale
    pad = 0
    if unscaled != 0:
        # round up to the smallest representable value: nano
        unscaled, exp10, pad = round_dec(unscaled, exp10, pad, -NANO)
    if fmt is Format.BINARY_SI and cmp_parts(unscaled, exp10, MOST_POSITIVE, 0) > 0:
        unscaled, exp10, pad = MOST_POSITIVE, 0, 0
    if fmt is Format.BINARY_SI and unscaled > 0 and cmp_parts(unscaled, exp10, 1, 0) < 0:
        fmt = Format.DECIMAL_SI
    if negative:
        unscaled = -unscaled
    return ParsedQuantity(True, unscaled, exp10, pad, fmt, None)
