"""``k8s.io/apimachinery/pkg/util/validation/field``: field errors as the API server words them.

A :class:`FieldError` is one ``field.Error``: a field path, a type
(``FieldValueRequired`` ...), the bad value and a detail. ``str(error)`` is
``field.Error.Error()`` (``spec.containers[0].image: Required value``) and
:meth:`FieldError.body` is ``ErrorBody()``. Values print as Kubernetes 1.33
prints them: ``%q`` for strings, ``%v`` for numbers and booleans, Go syntax
(``%#v``) for maps and structs (1.34 switched that last case to JSON).

Paths are tuples of ``str`` (a struct field), ``int`` (a list index) and
:class:`Key` (a map key, printed ``labels[app]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

# Re-exported: validation code takes its Go formatting from here.
from ..gofmt import Key as Key
from ..gofmt import format_path as format_field_path
from ..gofmt import go_float as go_float
from ..gofmt import go_quote as go_quote

# Codes for InputError.code: the layer (or the Kubernetes cause type) that found a problem.
CODE_YAML: Final = "yaml"  # syntax, or a document that is not an object
CODE_DUPLICATE_KEY: Final = "yaml-duplicate-key"
CODE_YAML_TRAP: Final = "yaml-trap"  # a YAML 1.1 scalar that is not the string it looks like
CODE_KIND: Final = "kind"  # missing kind, wrong apiVersion
CODE_UNKNOWN_FIELD: Final = "unknown-field"  # strict decoding
CODE_TYPE: Final = "type"  # a value the API server cannot decode into the field's Go type
CODE_LIMIT: Final = "limit"  # a playground limit
CODE_UNSUPPORTED_KIND: Final = "unsupported-kind"
CODE_ENCODING: Final = "encoding"  # not UTF-8 text

REQUIRED: Final = "FieldValueRequired"
INVALID: Final = "FieldValueInvalid"
NOT_SUPPORTED: Final = "FieldValueNotSupported"
DUPLICATE: Final = "FieldValueDuplicate"
NOT_FOUND: Final = "FieldValueNotFound"
FORBIDDEN: Final = "FieldValueForbidden"
TOO_LONG: Final = "FieldValueTooLong"
TOO_MANY: Final = "FieldValueTooMany"
TYPE_INVALID: Final = "FieldValueTypeInvalid"

_TYPE_STRINGS: Final = {
    NOT_FOUND: "Not found",
    REQUIRED: "Required value",
    DUPLICATE: "Duplicate value",
    INVALID: "Invalid value",
    NOT_SUPPORTED: "Unsupported value",
    FORBIDDEN: "Forbidden",
    TOO_LONG: "Too long",
    TOO_MANY: "Too many",
    TYPE_INVALID: "Invalid value",
}
_NO_VALUE: Final = {REQUIRED, FORBIDDEN, TOO_LONG}


FieldPath = tuple[str | int, ...]


class GoRepr(str):
    """A value already rendered in Go syntax (``v1.LabelSelector{...}``)."""

    __slots__ = ()


class GoMap:
    """A Go ``map[string]string`` (``None`` is a nil map) for ``%#v`` printing."""

    __slots__ = ("items",)

    def __init__(self, items: Mapping[Any, Any] | None) -> None:
        self.items = items

    def __repr__(self) -> str:
        return go_map(self.items)


OMIT: Final = GoRepr("<omit>")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One ``field.Error``; ``at`` is where in the document to point, if not ``path``."""

    path: FieldPath
    type: str
    value: Any = ""
    detail: str = ""
    at: FieldPath | None = None

    @property
    def field(self) -> str:
        return format_field_path(self.path)

    def body(self) -> str:
        """``ErrorBody()``: ``Invalid value: "x": detail``."""
        text = _TYPE_STRINGS.get(self.type, f"<unknown error {go_quote(self.type)}>")
        if self.type not in _NO_VALUE and self.value is not OMIT:
            text = f"{text}: {go_value(self.value)}"
        if self.detail:
            text = f"{text}: {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(path: FieldPath, detail: str = "", *, at: FieldPath | None = None) -> FieldError:
    return FieldError(path, REQUIRED, "", detail, at)


def invalid(path: FieldPath, value: Any, detail: str, *, at: FieldPath | None = None) -> FieldError:
    return FieldError(path, INVALID, value, detail, at)


def not_supported(
    path: FieldPath, value: Any, supported: Sequence[str], *, at: FieldPath | None = None
) -> FieldError:
    detail = ""
    if supported:
        detail = "supported values: " + ", ".join(go_quote(str(v)) for v in supported)
    return FieldError(path, NOT_SUPPORTED, value, detail, at)


def duplicate(path: FieldPath, value: Any, *, at: FieldPath | None = None) -> FieldError:
    return FieldError(path, DUPLICATE, value, "", at)


def not_found(path: FieldPath, value: Any, *, at: FieldPath | None = None) -> FieldError:
    return FieldError(path, NOT_FOUND, value, "", at)


def forbidden(path: FieldPath, detail: str, *, at: FieldPath | None = None) -> FieldError:
    return FieldError(path, FORBIDDEN, "", detail, at)


def too_long(path: FieldPath, max_length: int, *, at: FieldPath | None = None) -> FieldError:
    unit = "byte" if max_length == 1 else "bytes"
    return FieldError(path, TOO_LONG, OMIT, f"may not be more than {max_length} {unit}", at)


# --------------------------------------------------------------------------------------
# Go formatting
# --------------------------------------------------------------------------------------


def go_map(items: Mapping[Any, Any] | None) -> str:
    """``%#v`` of a ``map[string]string``: keys sorted, entries joined by ``, ``."""
    if items is None:
        return "map[string]string(nil)"
    entries = ", ".join(
        f"{go_quote(str(k))}:{go_quote(str(v))}"
        for k, v in sorted(items.items(), key=lambda kv: str(kv[0]))
    )
    return f"map[string]string{{{entries}}}"


def go_value(value: Any) -> str:
    """How ``ErrorBody`` prints a bad value in Kubernetes 1.33."""
    if isinstance(value, GoRepr):
        return str(value)
    if isinstance(value, GoMap):
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, Mapping):
        return go_map(value)
    if isinstance(value, list | tuple):
        return "[]string{" + ", ".join(go_quote(str(v)) for v in value) + "}"
    return go_quote(str(value))


def kubectl_invalid(kind: str, name: str, error: FieldError) -> str:
    """kubectl's one-cause form: ``The Pod "web" is invalid: spec...: Required value``."""
    return f'The {kind} "{name}" is invalid: {error}'
