"""``ObjectMeta``, labels, annotations and label selectors (apimachinery validation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from . import rules
from .field import FieldError, FieldPath, GoRepr, Key, forbidden, invalid, required, too_long
from .values import d, lst, s

NameFn = Callable[[str, bool], list[str]]

TOTAL_ANNOTATION_SIZE_LIMIT: Final = 256 * 1024
STANDARD_FINALIZERS: Final = frozenset(("kubernetes", "orphan", "foregroundDeletion"))


def validate_labels(labels: Any, path: FieldPath) -> list[FieldError]:
    """``ValidateLabels``: every key a qualified name, every value a label value."""
    errors: list[FieldError] = []
    for key, value in d(labels).items():
        key = str(key)
        for msg in rules.is_qualified_name(key):
            errors.append(invalid(path, key, msg, at=(*path, key, "<key>")))
        if isinstance(value, str):
            for msg in rules.is_valid_label_value(value):
                errors.append(invalid(path, value, msg, at=(*path, key)))
    return errors


def validate_label_name(name: str, path: FieldPath) -> list[FieldError]:
    return [invalid(path, name, msg) for msg in rules.is_qualified_name(name)]


def validate_annotations(annotations: Any, path: FieldPath) -> list[FieldError]:
    """``ValidateAnnotations``: keys are qualified names (case-insensitive), 256 KiB in all."""
    errors: list[FieldError] = []
    total = 0
    for key, value in d(annotations).items():
        key = str(key)
        for msg in rules.is_qualified_name(key.lower()):
            errors.append(invalid(path, key, msg, at=(*path, key, "<key>")))
        total += len(key.encode()) + len(s(value).encode())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT))
    return errors


def validate_finalizers(finalizers: Any, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, finalizer in enumerate(lst(finalizers)):
        finalizer = s(finalizer)
        for msg in rules.is_qualified_name(finalizer):
            errors.append(invalid(path, finalizer, msg, at=(*path, i)))
        if "/" not in finalizer and finalizer not in STANDARD_FINALIZERS:
            errors.append(
                invalid(
                    path,
                    finalizer,
                    "name is neither a standard finalizer name nor is it fully qualified",
                    at=(*path, i),
                )
            )
    return errors


def validate_object_meta(
    meta: Any, *, namespaced: bool, name_fn: NameFn, path: FieldPath = ("metadata",)
) -> list[FieldError]:
    """``ValidateObjectMeta`` after the API server filled in the request's namespace."""
    meta = d(meta)
    errors: list[FieldError] = []
    generate_name = s(meta.get("generateName"))
    if generate_name:
        for msg in name_fn(generate_name, True):
            errors.append(invalid((*path, "generateName"), generate_name, msg))
    name = s(meta.get("name"))
    if not name and generate_name:
        pass  # the API server generates the name before it validates
    elif not name:
        errors.append(required((*path, "name"), "name or generateName is required"))
    else:
        for msg in name_fn(name, False):
            errors.append(invalid((*path, "name"), name, msg))
    if namespaced:
        namespace = s(meta.get("namespace"))
        if namespace:
            for msg in rules.name_is_dns_label(namespace, False):
                errors.append(invalid((*path, "namespace"), namespace, msg))
    errors += validate_labels(meta.get("labels"), (*path, "labels"))
    errors += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    errors += validate_finalizers(meta.get("finalizers"), (*path, "finalizers"))
    return errors


# --------------------------------------------------------------------------------------
# Label selectors
# --------------------------------------------------------------------------------------

SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(selector: Any, path: FieldPath) -> list[FieldError]:
    """``ValidateLabelSelector`` (label values checked strictly)."""
    if not isinstance(selector, dict):
        return []
    errors = validate_labels(selector.get("matchLabels"), (*path, "matchLabels"))
    for i, expr in enumerate(lst(selector.get("matchExpressions"))):
        expr = d(expr)
        expr_path = (*path, "matchExpressions", i)
        operator = s(expr.get("operator"))
        values = [s(v) for v in lst(expr.get("values"))]
        if operator in ("In", "NotIn"):
            if not values:
                errors.append(
                    required(
                        (*expr_path, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errors.append(
                    forbidden(
                        (*expr_path, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errors.append(
                invalid((*expr_path, "operator"), operator, "not a valid selector operator")
            )
        errors += validate_label_name(s(expr.get("key")), (*expr_path, "key"))
        for j, value in enumerate(values):
            for msg in rules.is_valid_label_value(value):
                errors.append(invalid((*expr_path, "values", j), value, msg))
    return errors


def selector_is_valid(selector: Any) -> bool:
    """Whether ``LabelSelectorAsSelector`` would succeed."""
    if selector is None:
        return True
    selector = d(selector)
    for key, value in d(selector.get("matchLabels")).items():
        if rules.is_qualified_name(str(key)) or rules.is_valid_label_value(s(value)):
            return False
    for expr in lst(selector.get("matchExpressions")):
        expr = d(expr)
        operator = s(expr.get("operator"))
        values = lst(expr.get("values"))
        if operator not in SELECTOR_OPERATORS:
            return False
        if operator in ("In", "NotIn") and not values:
            return False
        if operator in ("Exists", "DoesNotExist") and values:
            return False
        if rules.is_qualified_name(s(expr.get("key"))):
            return False
        if any(rules.is_valid_label_value(s(v)) for v in values):
            return False
    return True


def selector_is_empty(selector: Any) -> bool:
    selector = d(selector)
    return not d(selector.get("matchLabels")) and not lst(selector.get("matchExpressions"))


def selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """``labels.Selector.Matches`` for a (valid) ``metav1.LabelSelector``."""
    selector = d(selector)
    for key, value in d(selector.get("matchLabels")).items():
        if labels.get(str(key)) != value:
            return False
    for expr in lst(selector.get("matchExpressions")):
        expr = d(expr)
        key = s(expr.get("key"))
        operator = s(expr.get("operator"))
        values = [s(v) for v in lst(expr.get("values"))]
        has = key in labels
        if operator == "In" and not (has and labels[key] in values):
            return False
        if operator == "NotIn" and has and labels[key] in values:
            return False
        if operator == "Exists" and not has:
            return False
        if operator == "DoesNotExist" and has:
            return False
    return True


def go_string_slice(values: list[Any] | None) -> str:
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(_q(v) for v in values) + "}"


def _q(value: Any) -> str:
    from .field import go_quote

    return go_quote(s(value))


def go_label_selector(selector: Any) -> GoRepr:
    """``%#v`` of a ``v1.LabelSelector``, as 1.33 prints it in a field error."""
    from .field import go_map

    selector = d(selector)
    labels = selector.get("matchLabels")
    match_labels = go_map(labels if isinstance(labels, dict) else None)
    exprs = selector.get("matchExpressions")
    if isinstance(exprs, list):
        parts = []
        for expr in exprs:
            expr = d(expr)
            values = expr.get("values")
            parts.append(
                "v1.LabelSelectorRequirement{"
                f"Key:{_q(expr.get('key'))}, Operator:{_q(expr.get('operator'))}, "
                f"Values:{go_string_slice(values if isinstance(values, list) else None)}}}"
            )
        match_expressions = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    else:
        match_expressions = "[]v1.LabelSelectorRequirement(nil)"
    return GoRepr(
        f"v1.LabelSelector{{MatchLabels:{match_labels}, MatchExpressions:{match_expressions}}}"
    )


def key_path(path: FieldPath, key: str) -> FieldPath:
    """A map-key path segment: ``data[key]``."""
    return (*path, Key(key))
