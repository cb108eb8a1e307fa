"""A Pod's tolerations (``ValidateTolerations``), with Go's ``%#v`` of a toleration
where upstream prints one.
"""

from __future__ import annotations

from typing import Any

from . import rules
from .field import (
    FieldError,
    FieldPath,
    GoRepr,
    go_quote,
    invalid,
    not_supported,
)
from .meta import validate_label_name
from .values import d, i, present, s

Errors = list[FieldError]


def validate_tolerations(tolerations: list[Any], path: FieldPath) -> Errors:
    """``ValidateTolerations``."""
    errors: Errors = []
    for index, toleration in enumerate(tolerations):
        toleration = d(toleration)
        t_path = (*path, index)
        key = s(toleration.get("key"))
        operator = s(toleration.get("operator"))
        effect = s(toleration.get("effect"))
        value = s(toleration.get("value"))
        if key:
            errors += validate_label_name(key, (*t_path, "key"))
        if not key and operator != "Exists":
            errors.append(
                invalid(
                    (*t_path, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if present(toleration, "tolerationSeconds") and effect != "NoExecute":
            errors.append(
                invalid(
                    (*t_path, "effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            messages = rules.is_valid_label_value(value)
            if messages:
                errors.append(invalid((*t_path, "operator"), value, ";".join(messages)))
        elif operator == "Exists":
            if value:
                errors.append(
                    invalid(
                        (*t_path, "operator"),
                        _go_toleration(toleration),
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errors.append(not_supported((*t_path, "operator"), operator, ("Equal", "Exists")))
        if effect and effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errors.append(
                not_supported(
                    (*t_path, "effect"), effect, ("NoSchedule", "PreferNoSchedule", "NoExecute")
                )
            )
    return errors


def _go_toleration(toleration: dict[str, Any]) -> Any:
    seconds = i(toleration.get("tolerationSeconds"))
    shown = "(*int64)(nil)" if seconds is None else f"&{seconds}"
    return GoRepr(
        "core.Toleration{"
        f"Key:{go_quote(s(toleration.get('key')))}, "
        f"Operator:{go_quote(s(toleration.get('operator')))}, "
        f"Value:{go_quote(s(toleration.get('value')))}, "
        f"Effect:{go_quote(s(toleration.get('effect')))}, TolerationSeconds:{shown}}}"
    )
