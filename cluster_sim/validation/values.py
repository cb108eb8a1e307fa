"""Reading a decoded manifest the way Go reads the typed object.

After the schema layer, a value of the wrong type has already been reported;
the API-layer checks must not trip over it, so they read every field through
these helpers, which give Go's zero value (``""``, ``0``, empty) for anything
absent, ``null`` or of another type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..quantity import Quantity, QuantityError


def s(value: Any) -> str:
    """A string field (``""`` when absent or not a string)."""
    return value if isinstance(value, str) else ""


def i(value: Any) -> int | None:
    """An integer field (``None`` when absent or not an integer: a nil pointer)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def i0(value: Any) -> int:
    """An integer field that is not a pointer: absent is 0."""
    number = i(value)
    return 0 if number is None else number


def d(value: Any) -> dict[str, Any]:
    """An object field (``{}`` when absent)."""
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list[Any]:
    """A list field (``[]`` when absent)."""
    return value if isinstance(value, list) else []


def present(mapping: Mapping[str, Any], key: str) -> bool:
    """A pointer field that is set (present and not ``null``)."""
    return mapping.get(key) is not None


def str_map(value: Any) -> dict[str, str]:
    """A ``map[string]string`` (entries of other types are left out)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def without_nulls(value: Any) -> Any:
    """A copy without ``null`` object fields: the API server decodes them as absent."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def quantity(value: Any) -> Quantity | None:
    """A ``resource.Quantity``, or ``None`` when it does not parse (a decode error)."""
    if value is None:
        return Quantity()
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return Quantity.unmarshal(value)
    except (QuantityError, ValueError, OverflowError):
        return None


def int_or_string(value: Any) -> int | str | None:
    """An ``intstr.IntOrString`` (``None``: the zero value, the integer 0)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    return i(value)
