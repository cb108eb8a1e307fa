"""Kubernetes resource quantities (``resource.Quantity``), bit for bit.

A port of ``k8s.io/apimachinery/pkg/api/resource`` (``quantity.go``,
``amount.go``, ``math.go``, ``suffix.go``) as of the release the reference
tables were produced with (``pod-environment.md`` section 4).  Values are
exact: no floating point is involved except where apimachinery itself uses it.

The Go type keeps a value either as a scaled ``int64`` (``int64Amount``, the
fast path) or as an arbitrary-precision decimal (``inf.Dec``).  Which one a
parsed quantity uses is observable (``AsInt64``, ``Value``/``MilliValue`` on
overflow), so this module keeps the same two representations:

* int form: ``value * 10**scale`` with ``value`` a wrapped int64;
* decimal form: ``unscaled * 10**exponent``; ``pad`` counts the trailing zeros
  ``inf.Dec`` would append when it rescales (kept symbolic so that ``1e999999``
  does not materialise a million-digit integer).

Quirks kept on purpose because the API shows them:

* the parser caches and re-emits an input it judges canonical
  (``Quantity.parse("100.035k")`` prints ``100.035k``, ``"+1"`` prints ``+1``);
* ``value()``/``milli_value()`` round away from zero and overflow like Go
  (``Quantity.parse("3Ei").milli_value() == -2**63``, ``"1E"`` gives ``0``);
* binary quantities are capped at ``2**63 - 1`` and anything below one nano is
  rounded up to ``1n``.

Quantities are immutable; arithmetic returns new objects.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Final

__all__ = [
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "EXA",
    "GIGA",
    "KILO",
    "MEGA",
    "MICRO",
    "MILLI",
    "NANO",
    "PETA",
    "TERA",
    "Format",
    "Quantity",
    "QuantityError",
]


class Format(StrEnum):
    """How a quantity is printed; remembered from the suffix it was parsed with."""

    DECIMAL_EXPONENT = "DecimalExponent"  # 12e6
    BINARY_SI = "BinarySI"  # 12Mi (12 * 2**20)
    DECIMAL_SI = "DecimalSI"  # 12M (12 * 10**6)


# Scale: the power-of-ten exponent (resource.Scale).
NANO: Final = -9
MICRO: Final = -6
MILLI: Final = -3
KILO: Final = 3
MEGA: Final = 6
GIGA: Final = 9
TERA: Final = 12
PETA: Final = 15
EXA: Final = 18

_SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG: Final = "quantities must match the regular expression '" + _SPLIT_RE_STRING + "'"
ERR_NUMERIC: Final = "unable to parse numeric part of quantity"
ERR_SUFFIX: Final = "unable to parse quantity's suffix"


class QuantityError(ValueError):
    """A string is not a Kubernetes quantity; ``str(error)`` is apimachinery's message."""


# --------------------------------------------------------------------------------------
# Go integer semantics
# --------------------------------------------------------------------------------------

_MOST_POSITIVE: Final = (1 << 63) - 1
_MOST_NEGATIVE: Final = -(1 << 63)
_MASK64: Final = (1 << 64) - 1
_MAX_INT64_FACTORS: Final = 18  # math.go maxInt64Factors at the reference commit
_LOG10_MAX_INT64: Final = 19
# Refuse to build integers with more decimal digits than this (Go would try and
# take minutes); only reachable with absurd exponents such as "1e2147483647".
_MAX_DIGITS: Final = 2_000_000

_DIGITS: Final = frozenset("0123456789")
_SUFFIX_CHARS: Final = frozenset("eEinumkKMGTP")
_GO_SPACE: Final = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501


def _wrap64(x: int) -> int:
    """Reduce x to a two's-complement int64, as Go arithmetic does."""
    x &= _MASK64
    return x - (1 << 64) if x >> 63 else x


def _wrap32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >> 31 else x


def _go_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _go_mod(a: int, b: int) -> int:
    return a - b * _go_div(a, b)


def _int64_add(a: int, b: int) -> tuple[int, bool]:
    c = _wrap64(a + b)
    if a > 0 and b > 0 and c < 0:
        return 0, False
    if a < 0 and b < 0:
        if c > 0:
            return 0, False
        if a == _MOST_NEGATIVE and b == _MOST_NEGATIVE:
            return 0, False
    return c, True


def _int64_multiply(a: int, b: int) -> tuple[int, bool]:
    if a in (0, 1) or b in (0, 1):
        return _wrap64(a * b), True
    if _MOST_NEGATIVE in (a, b):
        return 0, False
    c = _wrap64(a * b)
    return c, _go_div(c, b) == a


def _int64_multiply_scale(a: int, b: int) -> tuple[int, bool]:
    """int64MultiplyScale / int64MultiplyScale10/100/1000 (b > 1)."""
    if a in (0, 1):
        return _wrap64(a * b), True
    if a == _MOST_NEGATIVE:
        return 0, False
    c = _wrap64(a * b)
    return c, _go_div(c, b) == a


def _positive_scale_int64(base: int, scale: int) -> tuple[int, bool]:
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


def _negative_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    """base / 10**scale rounded away from zero; exact is False if digits were lost."""
    if scale == 0:
        return base, True
    value = base
    fraction = False
    for _ in range(scale):
        if not fraction and _go_mod(value, 10) != 0:
            fraction = True
        value = _go_div(value, 10)
        if value == 0:
            if fraction:
                return (1, False) if base > 0 else (-1, False)
            return 0, True
    if fraction:
        value = value + 1 if base > 0 else value - 1
    return value, not fraction


def _go_int64_of_pow10(n: int) -> int:
    """int64(math.Pow10(n)) on amd64: out-of-range conversions give MinInt64."""
    if n <= 18:
        return int(10**n)  # Pow10 of a negative n is below 1: int64 of it is 0
    return _MOST_NEGATIVE


# --------------------------------------------------------------------------------------
# big-integer helpers (exact, without Python's int/str digit limit)
# --------------------------------------------------------------------------------------

_CHUNK: Final = 4000


def _int_from_digits(digits: str) -> int:
    if len(digits) <= _CHUNK:
        return int(digits)
    value = 0
    for start in range(0, len(digits), _CHUNK):
        chunk = digits[start : start + _CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def _int_to_str(value: int) -> str:
    if value < 0:
        return "-" + _int_to_str(-value)
    if value < 10**_CHUNK:
        return str(value)
    parts: list[str] = []
    base = 10**_CHUNK
    while value >= base:
        value, low = divmod(value, base)
        parts.append(str(low).rjust(_CHUNK, "0"))
    parts.append(str(value))
    return "".join(reversed(parts))


def _digit_count(value: int) -> int:
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


def _strip_tens(value: int) -> tuple[int, int]:
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


def _div_pow10_away(value: int, k: int) -> int:
    """value / 10**k, rounded away from zero (inf.RoundUp); k >= 0."""
    if value == 0 or k == 0:
        return value
    magnitude = abs(value)
    if k > _digit_count(magnitude):
        quotient, remainder = 0, magnitude
    else:
        quotient, remainder = divmod(magnitude, 10**k)
    if remainder:
        quotient += 1
    return quotient if value > 0 else -quotient


def _materialise(unscaled: int, zeros: int) -> int:
    if zeros <= 0:
        return unscaled
    if unscaled == 0:
        return 0
    if _digit_count(unscaled) + zeros > _MAX_DIGITS:
        raise QuantityError("quantity is too large to compute exactly")
    return unscaled * int(10**zeros)


def _cmp_parts(u1: int, e1: int, u2: int, e2: int) -> int:
    """Compare u1*10**e1 with u2*10**e2 exactly."""
    s1 = (u1 > 0) - (u1 < 0)
    s2 = (u2 > 0) - (u2 < 0)
    if s1 != s2:
        return 1 if s1 > s2 else -1
    if s1 == 0:
        return 0
    m1, k1 = _strip_tens(abs(u1))
    m2, k2 = _strip_tens(abs(u2))
    e1 += k1
    e2 += k2
    top1 = _digit_count(m1) + e1
    top2 = _digit_count(m2) + e2
    if top1 != top2:
        magnitude = 1 if top1 > top2 else -1
    else:
        low = min(e1, e2)
        a = m1 * 10 ** (e1 - low)
        b = m2 * 10 ** (e2 - low)
        magnitude = (a > b) - (a < b)
    return magnitude * s1


# --------------------------------------------------------------------------------------
# suffixes
# --------------------------------------------------------------------------------------

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


def _interpret_suffix(suffix: str) -> tuple[int, int, Format] | None:
    """(base, exponent, format) for a suffix, or None (suffixHandler.interpret)."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], Format.DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], Format.BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        parsed = _go_parse_int64(suffix[1:])
        if parsed is None:
            return None
        return 10, _wrap32(parsed), Format.DECIMAL_EXPONENT
    return None


def _construct_suffix(base: int, exponent: int, fmt: Format) -> str | None:
    if fmt is Format.DECIMAL_SI:
        return _DEC_BY_EXPONENT.get(exponent) if base == 10 else None
    if fmt is Format.BINARY_SI:
        if base != 2:
            return None
        return "" if exponent == 0 else _BIN_BY_EXPONENT.get(exponent)
    if base != 10:
        return None
    return "" if exponent == 0 else "e" + str(exponent)


def _go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, in range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or any(ch not in _DIGITS for ch in body):
        return None
    value = _int_from_digits(body) if len(body) > 19 else int(body)
    if text[:1] == "-":
        value = -value
    if not _MOST_NEGATIVE <= value <= _MOST_POSITIVE:
        return None
    return value


# --------------------------------------------------------------------------------------
# the scanner (parseQuantityString)
# --------------------------------------------------------------------------------------


def _parse_quantity_string(text: str) -> tuple[bool, str, str, str, str]:
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
        if text[i] not in _DIGITS:
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
            if text[i] not in _DIGITS:
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
        if text[i] not in _DIGITS:
            break
        i += 1
    raise QuantityError(ERR_FORMAT_WRONG)


def _inf_dec_set_string(text: str) -> tuple[int, int] | None:
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
        elif ch in _DIGITS:
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
    return sign * _int_from_digits(digits), scale


def _format_go_json_float(value: float) -> str:
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


# --------------------------------------------------------------------------------------
# Quantity
# --------------------------------------------------------------------------------------


class Quantity:
    """A fixed-point Kubernetes quantity such as ``100m``, ``1.5Gi`` or ``1e3``."""

    __slots__ = ("_dec", "_format", "_pad", "_s", "_scale", "_value")

    _dec: bool
    _value: int
    _scale: int
    _pad: int
    _format: Format | None
    _s: str | None

    def __init__(self) -> None:
        """The zero value (Go ``Quantity{}``): 0 with no format."""
        self._dec = False
        self._value = 0
        self._scale = 0
        self._pad = 0
        self._format = None
        self._s = None

    # -- construction -----------------------------------------------------------------

    @classmethod
    def _int(cls, value: int, scale: int, fmt: Format | None, s: str | None = None) -> Quantity:
        q = cls()
        q._value = value
        q._scale = scale
        q._format = fmt
        q._s = s
        return q

    @classmethod
    def _decimal(cls, unscaled: int, exponent: int, pad: int, fmt: Format | None) -> Quantity:
        q = cls()
        q._dec = True
        q._value = unscaled
        q._scale = exponent
        q._pad = pad
        q._format = fmt
        return q

    @classmethod
    def parse(cls, value: str | int | float) -> Quantity:
        """``resource.ParseQuantity``.

        Strings are parsed strictly (``" 1"`` is an error).  Numbers, as they come
        out of a parsed manifest, are rendered the way encoding/json renders them
        first; use :meth:`unmarshal` for everything the API server accepts.
        """
        if isinstance(value, bool):
            return cls._parse(str(value).lower())
        if isinstance(value, int):
            return cls._parse(str(value))
        if isinstance(value, float):
            return cls._parse(_format_go_json_float(value))
        if isinstance(value, str):
            return cls._parse(value)
        raise TypeError(f"Quantity.parse() expects str, int or float, not {type(value).__name__!r}")

    @classmethod
    def unmarshal(cls, value: str | bytes | int | float | None) -> Quantity:
        """``Quantity.UnmarshalJSON``: what the API server does with a manifest value.

        ``None`` (JSON null) gives the zero quantity; surrounding quotes and
        whitespace are removed before parsing.
        """
        if value is None:
            return cls()
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str):
            text = value
            if text == "null":
                return cls()
            if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
                text = text[1:-1]
            return cls._parse(text.strip(_GO_SPACE))
        return cls.parse(value)

    @classmethod
    def new(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewQuantity``: an int64 value."""
        _check_int64(value)
        return cls._int(value, 0, Format(fmt))

    @classmethod
    def new_milli(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewMilliQuantity``: value / 1000."""
        _check_int64(value)
        return cls._int(value, MILLI, Format(fmt))

    @classmethod
    def new_scaled(cls, value: int, scale: int) -> Quantity:
        """``resource.NewScaledQuantity``: value * 10**scale, DecimalSI."""
        _check_int64(value)
        return cls._int(value, scale, Format.DECIMAL_SI)

    @classmethod
    def new_decimal(cls, unscaled: int, exponent: int, fmt: Format) -> Quantity:
        """A decimal-form quantity ``unscaled * 10**exponent`` (``NewDecimalQuantity``)."""
        return cls._decimal(unscaled, exponent, 0, Format(fmt))

    @classmethod
    def _parse(cls, text: str) -> Quantity:
        if not text:
            raise QuantityError(ERR_FORMAT_WRONG)
        if text == "0":
            return cls._int(0, 0, Format.DECIMAL_SI, "0")

        positive, value, num, denom, suffix = _parse_quantity_string(text)
        interpreted = _interpret_suffix(suffix)
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
            precision = _MAX_INT64_FACTORS - (len(num) + len(denom))

        if precision >= 0:
            scale = _wrap32(scale - len(denom))
            if scale >= NANO:
                shifted = num + denom
                parsed = _go_parse_int64(shifted)
                if parsed is None:
                    raise QuantityError(ERR_NUMERIC)
                result, ok = _int64_multiply(parsed, mantissa)
                if ok:
                    if not positive:
                        result = -result
                    cache: str | None = None
                    if fmt is Format.BINARY_SI:
                        if exponent % 10 == 0 and parsed & 0x07 != 0:
                            cache = text
                    elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                        cache = text
                    return cls._int(result, scale, fmt, cache)

        amount = _inf_dec_set_string(value)
        if amount is None:
            raise QuantityError(ERR_NUMERIC)
        unscaled, inf_scale = amount
        if base == 10:
            inf_scale = _wrap32(inf_scale + _wrap32(-exponent))
        else:
            unscaled <<= exponent
        negative = unscaled < 0
        unscaled = abs(unscaled)
        exp10 = -inf_scale
        pad = 0
        if unscaled != 0:
            # round up to the smallest representable value: nano
            unscaled, exp10, pad = _round_dec(unscaled, exp10, pad, -NANO)
        if fmt is Format.BINARY_SI and _cmp_parts(unscaled, exp10, _MOST_POSITIVE, 0) > 0:
            unscaled, exp10, pad = _MOST_POSITIVE, 0, 0
        if fmt is Format.BINARY_SI and unscaled > 0 and _cmp_parts(unscaled, exp10, 1, 0) < 0:
            fmt = Format.DECIMAL_SI
        if negative:
            unscaled = -unscaled
        return cls._decimal(unscaled, exp10, pad, fmt)

    # -- basic accessors ---------------------------------------------------------------

    @property
    def format(self) -> Format | None:
        """The format the quantity prints in (None only for the zero value)."""
        return self._format

    def _parts(self) -> tuple[int, int]:
        """(unscaled, exponent): the exact value is unscaled * 10**exponent."""
        return self._value, self._scale

    def is_zero(self) -> bool:
        return self._value == 0

    def sign(self) -> int:
        return (self._value > 0) - (self._value < 0)

    def is_decimal_form(self) -> bool:
        """True when kept as an ``inf.Dec`` (slow path), False for the int64 fast path."""
        return self._dec

    def to_dec(self) -> Quantity:
        """A copy in decimal form (``Quantity.AsDec``/``ToDec``); keeps the cached string."""
        if self._dec:
            return self
        q = Quantity._decimal(self._value, self._scale, 0, self._format)
        q._s = self._s
        return q

    def as_int64(self) -> tuple[int, bool]:
        """``AsInt64``: the value when an exact, fast int64 conversion exists."""
        if self._dec:
            return 0, False
        if self._scale == 0:
            return self._value, True
        if self._scale < 0:
            return 0, False
        return _positive_scale_int64(self._value, self._scale)

    def scaled_value(self, scale: int) -> int:
        """``ScaledValue``: ceil(q / 10**scale) away from zero, overflowing like Go."""
        if not self._dec:
            if self._scale < scale:
                return _negative_scale_int64(self._value, scale - self._scale)[0]
            return _positive_scale_int64(self._value, self._scale - scale)[0]
        return _dec_scaled_value(self._value, self._scale, self._pad, scale)

    def value(self) -> int:
        """``Value``: the value rounded up (away from zero) to an integer."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """``MilliValue``: ceil(q * 1000)."""
        return self.scaled_value(MILLI)

    def as_fraction(self) -> Fraction:
        """The exact value as a Fraction (raises QuantityError for absurd exponents)."""
        unscaled, exponent = self._parts()
        if unscaled == 0:
            return Fraction(0)
        if exponent >= 0:
            return Fraction(_materialise(unscaled, exponent))
        if -exponent > _MAX_DIGITS:
            raise QuantityError("quantity is too small to compute exactly")
        return Fraction(unscaled, 10**-exponent)

    def as_approximate_float64(self) -> float:
        """``AsApproximateFloat64``: base * 10**exponent in floating point."""
        unscaled, exponent = self._parts()
        try:
            base = float(unscaled)
        except OverflowError:
            return math.copysign(math.inf, unscaled)
        if exponent == 0 or base == 0:
            return base
        try:
            return base * 10.0**exponent
        except OverflowError:
            return math.copysign(math.inf, base)

    def mantissa_exponent(self) -> tuple[int, int]:
        """(m, e) with value == m * 10**e and m not divisible by 10 ((0, 0) for zero)."""
        unscaled, exponent = self._parts()
        mantissa, times = _strip_tens(unscaled)
        return mantissa, (exponent + times) if mantissa else 0

    # -- comparison and arithmetic ----------------------------------------------------

    def cmp(self, other: Quantity) -> int:
        """``Cmp``: -1, 0 or 1 comparing the values (formats are ignored)."""
        return _cmp_parts(*self._parts(), *other._parts())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) == 0

    def __hash__(self) -> int:
        return hash(self.mantissa_exponent())

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) < 0

    def __le__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) <= 0

    def __gt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) > 0

    def __ge__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) >= 0

    def __add__(self, other: Quantity) -> Quantity:
        """``Add``: the sum; a zero left operand takes the right operand's format."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other._format if self.is_zero() else self._format
        if not self._dec and not other._dec:
            summed = _int64_amount_add(self._value, self._scale, other._value, other._scale)
            if summed is not None:
                return Quantity._int(summed[0], summed[1], fmt)
        return _dec_add(self, other, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        """``Sub``: the difference; a zero left operand takes the right operand's format."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other._format if self.is_zero() else self._format
        if not self._dec and not other._dec and other._value != _MOST_NEGATIVE:
            summed = _int64_amount_add(self._value, self._scale, -other._value, other._scale)
            if summed is not None:
                return Quantity._int(summed[0], summed[1], fmt)
        return _dec_add(self, -other, fmt)

    def __neg__(self) -> Quantity:
        """``Neg``."""
        if not self._dec:
            if self._value != _MOST_NEGATIVE:
                return Quantity._int(-self._value, self._scale, self._format)
            return Quantity._decimal(-self._value, self._scale, 0, self._format)
        return Quantity._decimal(-self._value, self._scale, self._pad, self._format)

    def round_up(self, scale: int) -> tuple[Quantity, bool]:
        """``RoundUp``: round away from zero to 10**scale; False if precision was lost.

        ``q.round_up(MILLI)`` is what API defaulting does to every container
        request and limit (``SetDefaults_ResourceList``).
        """
        if self._dec:
            unscaled, exponent, pad = _round_dec(self._value, self._scale, self._pad, -scale)
            rounded = Quantity._decimal(unscaled, exponent, pad, self._format)
            return rounded, rounded.cmp(self) == 0
        if self._scale >= scale:
            return self, True
        value, exact = _negative_scale_int64(self._value, scale - self._scale)
        return Quantity._int(value, scale, self._format), exact

    # -- printing ------------------------------------------------------------------------

    def canonicalize(self) -> tuple[str, str]:
        """``CanonicalizeBytes``: (number, suffix) of the canonical form."""
        if self.is_zero():
            return "0", ""
        fmt = self._format
        if fmt is Format.BINARY_SI:
            if _cmp_parts(*self._parts(), -1024, 0) > 0 and _cmp_parts(*self._parts(), 1024, 0) < 0:
                fmt = Format.DECIMAL_SI
            elif not self._is_integral():
                fmt = Format.DECIMAL_SI  # don't lose precision
        elif fmt is None:
            fmt = Format.DECIMAL_EXPONENT

        if fmt is Format.BINARY_SI:
            number, exponent = self._canonical_base1024()
            suffix = _construct_suffix(2, exponent * 10, fmt)
            if suffix is not None:
                return number, suffix
            fmt = Format.DECIMAL_SI  # beyond Ei: no binary suffix left

        number, exponent = self._canonical_base10()
        suffix = _construct_suffix(10, exponent, fmt)
        if suffix is None:
            # DecimalSI stops at E (10**18): fall back to exponent notation
            # rather than silently dropping the exponent.
            suffix = _construct_suffix(10, exponent, Format.DECIMAL_EXPONENT) or ""
        return number, suffix

    def _is_integral(self) -> bool:
        unscaled, exponent = self._parts()
        if exponent >= 0 or unscaled == 0:
            return True
        _, times = _strip_tens(unscaled)
        return times >= -exponent

    def _canonical_base10(self) -> tuple[str, int]:
        unscaled, exponent = self._parts()
        amount, times = _strip_tens(unscaled)
        exponent += times
        remainder = exponent % 3
        if remainder:
            amount *= 10**remainder
            exponent -= remainder
        return _int_to_str(amount), exponent

    def _canonical_base1024(self) -> tuple[str, int]:
        unscaled, exponent = self._parts()
        if not self._dec and unscaled == _MOST_NEGATIVE and exponent == 0:
            return _int_to_str(unscaled), 0  # removeInt64Factors cannot negate MinInt64
        value = (
            _materialise(unscaled, exponent)
            if exponent >= 0
            else _div_pow10_away(unscaled, -exponent)
        )
        times = 0
        while value % 1024 == 0:
            value //= 1024
            times += 1
        return _int_to_str(value), times

    def string(self) -> str:
        """``String``: the canonical form, or the cached input if it was canonical."""
        if self._s is None:
            number, suffix = self.canonicalize()
            self._s = number + suffix
        return self._s

    def __str__(self) -> str:
        return self.string()

    def __repr__(self) -> str:
        return f"Quantity({self.string()!r})"

    def marshal_json(self) -> str:
        """``MarshalJSON``: the string form, quoted."""
        return '"' + self.string() + '"'


def _check_int64(value: int) -> None:
    if not _MOST_NEGATIVE <= value <= _MOST_POSITIVE:
        raise ValueError(f"{value} does not fit in an int64")


def _int64_amount_add(a: int, a_scale: int, b: int, b_scale: int) -> tuple[int, int] | None:
    """int64Amount.Add: the (value, scale) sum, or None if it would overflow."""
    if b == 0:
        return a, a_scale
    if a == 0:
        return b, b_scale
    if a_scale == b_scale:
        c, ok = _int64_add(a, b)
        return (c, a_scale) if ok else None
    if a_scale > b_scale:
        c, ok = _positive_scale_int64(a, a_scale - b_scale)
        if not ok:
            return None
        c, ok = _int64_add(c, b)
        return (c, b_scale) if ok else None
    c, ok = _positive_scale_int64(b, b_scale - a_scale)
    if not ok:
        return None
    c, ok = _int64_add(a, c)
    return (c, a_scale) if ok else None


def _dec_parts(q: Quantity) -> tuple[int, int]:
    """The inf.Dec (unscaled, inf scale) of q, rescale padding applied."""
    if not q._dec:
        return q._value, -q._scale
    return _materialise(q._value, q._pad), -q._scale + q._pad


def _dec_add(x: Quantity, y: Quantity, fmt: Format | None) -> Quantity:
    """inf.Dec.Add: the exact sum at the larger of the two inf scales."""
    xu, xs = _dec_parts(x)
    yu, ys = _dec_parts(y)
    scale = max(xs, ys)
    total = _materialise(xu, scale - xs) + _materialise(yu, scale - ys)
    return Quantity._decimal(total, -scale, 0, fmt)


def _round_dec(unscaled: int, exponent: int, pad: int, target: int) -> tuple[int, int, int]:
    """inf.Dec.Round(x, target, RoundUp) on the (unscaled, exponent, pad) form."""
    scale = -exponent + pad
    if scale <= target:
        return unscaled, exponent, pad + (target - scale)
    drop = scale - target
    if pad >= drop:
        return unscaled, exponent, pad - drop
    k = drop - pad
    return _div_pow10_away(unscaled, k), exponent + k, 0


def _dec_scaled_value(unscaled: int, exponent: int, pad: int, new_scale: int) -> int:
    """scaledValue(dec.UnscaledBig(), dec.Scale(), scale.infScale()) with Go overflow."""
    if unscaled == 0:
        return 0
    inf_scale = -exponent + pad
    dif = inf_scale - (-new_scale)

    def int64_of_unscaled() -> int:  # big.Int.Int64(): the low 64 bits
        return _wrap64(unscaled * pow(10, pad, 1 << 64))

    if dif == 0:
        return int64_of_unscaled()
    if dif < 0:
        return _wrap64(int64_of_unscaled() * _go_int64_of_pow10(-dif))

    below_max = unscaled <= 0 or (pad <= _LOG10_MAX_INT64 and unscaled * 10**pad < _MOST_POSITIVE)
    if below_max and dif < _LOG10_MAX_INT64:
        current = int64_of_unscaled()
        divide = 10**dif
        result = _go_div(current, divide)
        if _go_mod(current, divide) != 0:
            return result + 1
        return result

    # big.Int DivMod (Euclidean: the remainder is never negative)
    if pad >= dif:
        return _wrap64(unscaled * pow(10, pad - dif, 1 << 64))
    k = dif - pad
    if k > _digit_count(unscaled):
        # |unscaled| < 10**k: the floor quotient is 0 or -1, with a remainder
        return 1 if unscaled > 0 else 0
    quotient, remainder = divmod(unscaled, 10**k)
    if remainder:
        return _wrap64(_wrap64(quotient) + 1)
    return _wrap64(quotient)
