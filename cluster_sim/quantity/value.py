"""The ``Quantity`` type (``quantity.go``): construction, values, comparison, arithmetic.

A quantity keeps its value in one of apimachinery's two representations
(scaled int64 or ``inf.Dec``, see the package docstring); arithmetic stays on
the int64 fast path while it does not overflow, as ``int64Amount.Add`` does.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .canonical import canonicalize
from .digits import MAX_DIGITS, cmp_parts, materialise, strip_tens
from .go_int64 import (
    MOST_NEGATIVE,
    check_int64,
    int64_amount_add,
    negative_scale_int64,
    positive_scale_int64,
)
from .inf_dec import dec_scaled_value, round_dec
from .parse import parse_quantity
from .scanner import GO_SPACE, format_go_json_float
from .units import MILLI, Format, QuantityError


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
            return cls._parse(format_go_json_float(value))
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
            return cls._parse(text.strip(GO_SPACE))
        return cls.parse(value)

    @classmethod
    def new(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewQuantity``: an int64 value."""
        check_int64(value)
        return cls._int(value, 0, Format(fmt))

    @classmethod
    def new_milli(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewMilliQuantity``: value / 1000."""
        check_int64(value)
        return cls._int(value, MILLI, Format(fmt))

    @classmethod
    def new_scaled(cls, value: int, scale: int) -> Quantity:
        """``resource.NewScaledQuantity``: value * 10**scale, DecimalSI."""
        check_int64(value)
        return cls._int(value, scale, Format.DECIMAL_SI)

    @classmethod
    def new_decimal(cls, unscaled: int, exponent: int, fmt: Format) -> Quantity:
        """A decimal-form quantity ``unscaled * 10**exponent`` (``NewDecimalQuantity``)."""
        return cls._decimal(unscaled, exponent, 0, Format(fmt))

    @classmethod
    def _parse(cls, text: str) -> Quantity:
        parsed = parse_quantity(text)
        if parsed.decimal:
            return cls._decimal(parsed.value, parsed.scale, parsed.pad, parsed.format)
        return cls._int(parsed.value, parsed.scale, parsed.format, parsed.cached)

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
        return positive_scale_int64(self._value, self._scale)

    def scaled_value(self, scale: int) -> int:
        """``ScaledValue``: ceil(q / 10**scale) away from zero, overflowing like Go."""
        if not self._dec:
            if self._scale < scale:
                return negative_scale_int64(self._value, scale - self._scale)[0]
            return positive_scale_int64(self._value, self._scale - scale)[0]
        return dec_scaled_value(self._value, self._scale, self._pad, scale)

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
            return Fraction(materialise(unscaled, exponent))
        if -exponent > MAX_DIGITS:
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
        mantissa, times = strip_tens(unscaled)
        return mantissa, (exponent + times) if mantissa else 0

    # -- comparison and arithmetic ----------------------------------------------------

    def cmp(self, other: Quantity) -> int:
        """``Cmp``: -1, 0 or 1 comparing the values (formats are ignored)."""
        return cmp_parts(*self._parts(), *other._parts())

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
            summed = int64_amount_add(self._value, self._scale, other._value, other._scale)
            if summed is not None:
                return Quantity._int(summed[0], summed[1], fmt)
        return _dec_add(self, other, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        """``Sub``: the difference; a zero left operand takes the right operand's format."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other._format if self.is_zero() else self._format
        if not self._dec and not other._dec and other._value != MOST_NEGATIVE:
            summed = int64_amount_add(self._value, self._scale, -other._value, other._scale)
            if summed is not None:
                return Quantity._int(summed[0], summed[1], fmt)
        return _dec_add(self, -other, fmt)

    def __neg__(self) -> Quantity:
        """``Neg``."""
        if not self._dec:
            if self._value != MOST_NEGATIVE:
                return Quantity._int(-self._value, self._scale, self._format)
            return Quantity._decimal(-self._value, self._scale, 0, self._format)
        return Quantity._decimal(-self._value, self._scale, self._pad, self._format)

    def round_up(self, scale: int) -> tuple[Quantity, bool]:
        """``RoundUp``: round away from zero to 10**scale; False if precision was lost.

        ``q.round_up(MILLI)`` is what API defaulting does to every container
        request and limit (``SetDefaults_ResourceList``).
        """
        if self._dec:
            unscaled, exponent, pad = round_dec(self._value, self._scale, self._pad, -scale)
            rounded = Quantity._decimal(unscaled, exponent, pad, self._format)
            return rounded, rounded.cmp(self) == 0
        if self._scale >= scale:
            return self, True
        value, exact = negative_scale_int64(self._value, scale - self._scale)
        return Quantity._int(value, scale, self._format), exact

    # -- printing ------------------------------------------------------------------------

    def canonicalize(self) -> tuple[str, str]:
        """``CanonicalizeBytes``: (number, suffix) of the canonical form."""
        return canonicalize(self._value, self._scale, self._dec, self._format)

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


def _dec_parts(q: Quantity) -> tuple[int, int]:
    """The inf.Dec (unscaled, inf scale) of q, rescale padding applied."""
    if not q._dec:
        return q._value, -q._scale
    return materialise(q._value, q._pad), -q._scale + q._pad


def _dec_add(x: Quantity, y: Quantity, fmt: Format | None) -> Quantity:
    """inf.Dec.Add: the exact sum at the larger of the two inf scales."""
    xu, xs = _dec_parts(x)
    yu, ys = _dec_parts(y)
    scale = max(xs, ys)
    total = materialise(xu, scale - xs) + materialise(yu, scale - ys)
    return Quantity._decimal(total, -scale, 0, fmt)
