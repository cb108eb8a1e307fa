"""PodDisruptionBudget validation (``pkg/apis/policy/validation``), Kubernetes' wording."""

from __future__ import annotations

import re
from typing import Any

from . import rules
from .field import FieldError, FieldPath, invalid, not_supported
from .meta import validate_label_selector, validate_object_meta
from .values import d

_PERCENT = re.compile(r"^[0-9]+%$")
PERCENT_FORMAT = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)


def _positive_int_or_percent(value: Any, path: FieldPath) -> list[FieldError]:
    """``ValidatePositiveIntOrPercent`` and ``IsNotMoreThan100Percent``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            return [invalid(path, value, "must be greater than or equal to 0")]
        return []
    if isinstance(value, str) and _PERCENT.match(value):
        if int(value[:-1]) > 100:
            return [invalid(path, value, "must not be greater than 100%")]
        return []
    if isinstance(value, str):
        return [invalid(path, value, PERCENT_FORMAT)]
    return [invalid(path, value, "must be an integer or percentage (e.g '5%')")]


def validate_pod_disruption_budget_fields(pdb: dict[str, Any]) -> list[FieldError]:
    """``ValidatePodDisruptionBudget`` (policy/v1)."""
    errors = validate_object_meta(
        pdb.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(pdb.get("spec"))
    path: FieldPath = ("spec",)
    has_min = spec.get("minAvailable") is not None
    has_max = spec.get("maxUnavailable") is not None
    if has_min and has_max:
        errors.append(invalid(path, "", "minAvailable and maxUnavailable cannot be both set"))
    if has_min:
        errors += _positive_int_or_percent(spec["minAvailable"], (*path, "minAvailable"))
    if has_max:
        errors += _positive_int_or_percent(spec["maxUnavailable"], (*path, "maxUnavailable"))
    errors += validate_label_selector(spec.get("selector"), (*path, "selector"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("IfHealthyBudget", "AlwaysAllow"):
        errors.append(
            not_supported(
                (*path, "unhealthyPodEvictionPolicy"), policy, ("AlwaysAllow", "IfHealthyBudget")
            )
        )
    return errors


def validate_pod_disruption_budget(manifest: dict[str, Any]) -> list[str]:
    """The same, as the store's messages."""
    return [str(e) for e in validate_pod_disruption_budget_fields(manifest)]
