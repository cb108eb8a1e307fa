"""Splitting a quantity's text into sign, number and suffix (``parseQuantityString``).

Also the text a manifest number becomes before it is parsed: encoding/json's
rendering of a float64, and the whitespace ``UnmarshalJSON`` trims.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Final

from .digits import DIGITS
from .units import ERR_FORMAT_WRONG, QuantityError

_SUFFIX_CHARS: Final = frozenset("eEinumkKMGTP")
GO_SPACE: Final = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501


def parse_quantity_string(text: str) -> tuple[bool, str, str, str, str]:
    """Split text into (positive, value, num, denom, suffix) like the Go fast scanner."""
    positive = True
    pos = 0
    end = len(text)
    if pos < end:
        if text[0] == "-":
            positive = False
            pos += 1
        elif text[0] == "+":
            pos += 1

    # strip leading zeros
    i = pos
    while True:
        if i >= end:
            return positive, "0", "0", "", ""
        if text[i] == "0":
            pos += 1
            i += 1
        else:
            break

    # the numerator
    i = pos
    while True:
        if i >= end:
            return positive, text[0:end], text[pos:end], "", ""
        if text[i] not in DIGITS:
            num = text[pos:i]
            pos = i
            break
        i += 1
    if not num:
        num = "0"

    # the denominator
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        i = pos
        while True:
            if i >= end:
                return positive, text[0:end], num, text[pos:end], ""
            if text[i] not in DIGITS:
                denom = text[pos:i]
                pos = i
                break
            i += 1
    value = text[0:pos]

    # the suffix
    suffix_start = pos
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, text[suffix_start:end]
        if text[i] not in _SUFFIX_CHARS:
            pos = i
            break
        i += 1
    if pos < end and text[pos] in "-+":
        pos += 1
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, text[suffix_start:end]
        if text[i] not in DIGITS:
            break
        i += 1
    raise QuantityError(ERR_FORMAT_WRONG)


def format_go_json_float(value: float) -> str:
    """encoding/json's rendering of a float64 (what the API server decodes)."""
    if math.isnan(value) or math.isinf(value):
        raise QuantityError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        text = repr(value)
        mantissa, _, exponent = text.partition("e")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0") or "0"
        if sign == "-" or len(digits) >= 2:
            return f"{mantissa}e{sign}{digits}"
        return f"{mantissa}e{sign}{digits.rjust(2, '0')}"
    return format(Decimal(repr(value)).normalize(), "f")
