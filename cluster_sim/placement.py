"""Taints against tolerations and required node affinity, over plain manifests.

Pure functions shared by the DaemonSet controller (``NodeShouldRunDaemonPod``)
and the scheduler's filters: ``tolerates`` is ``v1helper.TolerationsTolerateTaint``
(an empty key with ``Exists`` tolerates everything; an empty effect matches
every effect), ``matches_required_affinity`` is the NodeAffinity plugin's
required part (``nodeSelectorTerms`` ORed, their expressions ANDed; both
``matchExpressions`` on labels and ``matchFields`` on ``metadata.name``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


def _as_list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def toleration_tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """``Toleration.ToleratesTaint``."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerates(tolerations: Any, taint: Mapping[str, Any]) -> bool:
    return any(toleration_tolerates(t, taint) for t in _as_list(tolerations))


def untolerated_taint(
    tolerations: Any, taints: Any, effects: tuple[str, ...] = ("NoSchedule", "NoExecute")
) -> dict[str, Any] | None:
    """The first taint with one of ``effects`` that no toleration tolerates."""
    for taint in _as_list(taints):
        if taint.get("effect") in effects and not tolerates(tolerations, taint):
            return taint
    return None


def node_taints(node_manifest: Any) -> list[dict[str, Any]]:
    """A Node manifest's ``spec.taints`` (the Node object in the store keeps the same list)."""
    spec = node_manifest.get("spec") if isinstance(node_manifest, dict) else None
    return _as_list(spec.get("taints")) if isinstance(spec, dict) else []


def untolerated_taint_reason(tolerations: Any, taints: Any) -> str | None:
    """The TaintToleration filter: its reason for the first untolerated NoSchedule/NoExecute taint.

    ``FindMatchingUntoleratedTaint`` over the node's taints in order with
    ``DoNotScheduleTaintsFilterFunc``; the reason is
    ``node(s) had untolerated taint {<key>: <value>}`` (an empty value leaves ``{key: }``).
    """
    taint = untolerated_taint(tolerations, taints)
    if taint is None:
        return None
    return f"node(s) had untolerated taint {{{taint.get('key') or ''}: {taint.get('value') or ''}}}"


def _requirement(expr: Mapping[str, Any], value: str | None) -> bool:
    operator = expr.get("operator")
    values = [str(v) for v in expr.get("values") or ()]
    if operator == "In":
        return value is not None and value in values
    if operator == "NotIn":
        return value is None or value not in values
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    if operator in ("Gt", "Lt") and value is not None and values:
        try:
            have, want = int(value), int(values[0])
        except ValueError:
            return False
        return have > want if operator == "Gt" else have < want
    return False


def required_terms(pod_spec: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    affinity = pod_spec.get("affinity")
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity, dict) else None
    required = (
        node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(node_affinity, dict)
        else None
    )
    if not isinstance(required, dict):
        return None
    return _as_list(required.get("nodeSelectorTerms"))


def matches_required_affinity(
    pod_spec: Mapping[str, Any], node_name: str, labels: Mapping[str, str]
) -> bool:
    terms = required_terms(pod_spec)
    if terms is None:
        return True
    for term in terms:
        exprs = _as_list(term.get("matchExpressions"))
        fields = _as_list(term.get("matchFields"))
        if not exprs and not fields:
            continue  # an empty term matches no node
        if all(_requirement(e, labels.get(str(e.get("key")))) for e in exprs) and all(
            _requirement(f, node_name if f.get("key") == "metadata.name" else None) for f in fields
        ):
            return True
    return False


def matches_node_selector(pod_spec: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    selector = pod_spec.get("nodeSelector")
    if not isinstance(selector, dict):
        return True
    return all(labels.get(str(k)) == str(v) for k, v in selector.items())


def target_node_name(pod_spec: Mapping[str, Any]) -> str | None:
    """``GetTargetNodeName``: ``nodeName``, else the single ``metadata.name`` matchField."""
    name = pod_spec.get("nodeName")
    if name:
        return str(name)
    for term in required_terms(pod_spec) or ():
        for f in _as_list(term.get("matchFields")):
            values = list(f.get("values") or ())
            if f.get("key") == "metadata.name" and f.get("operator") == "In" and len(values) == 1:
                return str(values[0])
    return None
