"""Which objects a workload selects: label selectors and ReplicationControllers' map selectors.

A ReplicaSet (and a Deployment, later a Job...) selects with a
``metav1.LabelSelector`` (``matchLabels`` and ``matchExpressions``); a
ReplicationController with a plain map (``labels.SelectorFromSet``). The
controllers claim Pods through a ``Selector`` compiled once per sync.

Upstream treats a nil selector as matching nothing and an empty one as
matching everything; validation refuses both for these kinds, so a selector
that reaches a controller empty (an object written around validation) matches
nothing here: a controller must never adopt every Pod of a namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..validation.meta import selector_is_empty, selector_is_valid, selector_matches

Selector = Callable[[Mapping[str, str]], bool]


def _nothing(_labels: Mapping[str, str]) -> bool:
    return False


def label_selector(selector: Any) -> Selector:
    """A ``metav1.LabelSelector`` as a predicate on labels (nil, empty or invalid: nothing)."""
    if not isinstance(selector, dict) or selector_is_empty(selector):
        return _nothing
    if not selector_is_valid(selector):
        return _nothing
    expressions = selector.get("matchExpressions")
    match_labels = selector.get("matchLabels") or {}
    if not expressions and isinstance(match_labels, dict):
        return map_selector(match_labels)
    return lambda labels: selector_matches(selector, labels)


def map_selector(selector: Any) -> Selector:
    """``labels.SelectorFromSet``: every key present with the same value (empty: nothing)."""
    if not isinstance(selector, dict) or not selector:
        return _nothing
    items = tuple((str(k), str(v)) for k, v in selector.items())

    def matches(labels: Mapping[str, str]) -> bool:
        return all(labels.get(key) == value for key, value in items)

    return matches


def subset_of(labels: Mapping[str, str]) -> Selector:
    """Whether an object carries every one of ``labels`` (an empty set: everything).

    A ReplicaSet's ``fullyLabeledReplicas`` counts Pods whose labels include
    all of the template's labels (``labels.Set(...).AsSelectorPreValidated``).
    """
    items = tuple(labels.items())
    return lambda other: all(other.get(k) == v for k, v in items)


def selector_text(selector: Any) -> str:
    """A selector as kubectl prints it: ``app=web,tier in (a,b)``."""
    if not isinstance(selector, dict):
        return ""
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = ",".join(sorted(str(v) for v in expr.get("values") or []))
        if op == "In":
            parts.append(f"{key} in ({values})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
