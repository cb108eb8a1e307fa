"""``podFailurePolicy``: which rule a failed Pod matches (``pod_failure_policy.go``).

Rules are tried in order; the first that matches decides: ``FailJob`` fails
the Job with the rule's message, ``Ignore`` does not count the failure,
``Count`` counts it as usual, ``FailIndex`` fails the Pod's index. A rule
matches on exit codes (a non-zero exit of a container, optionally one named,
``In``/``NotIn`` the values) or on Pod conditions (type, status default True).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..store import ApiObject


class Action(StrEnum):
    FAIL_JOB = "FailJob"
    IGNORE = "Ignore"
    COUNT = "Count"
    FAIL_INDEX = "FailIndex"


@dataclass(frozen=True, slots=True)
class Match:
    action: Action
    message: str


def _exit_code_match(pod: ApiObject, rule: dict[str, Any], index: int) -> Match | None:
    req = rule.get("onExitCodes")
    if not isinstance(req, dict):
        return None
    name = req.get("containerName")
    operator = req.get("operator")
    values = {int(v) for v in req.get("values") or ()}
    statuses = [
        *(pod.status.get("initContainerStatuses") or ()),
        *(pod.status.get("containerStatuses") or ()),
    ]
    for cs in statuses:
        terminated = cs.get("terminated")
        if not isinstance(terminated, dict):
            continue
        code = int(terminated.get("exitCode") or 0)
        if code == 0 or (name and cs.get("name") != name):
            continue
        hit = code in values if operator == "In" else code not in values
        if hit:
            action = Action(str(rule.get("action")))
            return Match(
                action,
                f"Container {cs.get('name')} for pod {pod.namespace}/{pod.name} failed with "
                f"exit code {code} matching {action} rule at index {index}",
            )
    return None


def _condition_match(pod: ApiObject, rule: dict[str, Any], index: int) -> Match | None:
    patterns = rule.get("onPodConditions")
    if not isinstance(patterns, list):
        return None
    for pattern in patterns:
        for condition in pod.status.get("conditions") or ():
            if condition.get("type") == pattern.get("type") and condition.get("status") == (
                pattern.get("status") or "True"
            ):
                action = Action(str(rule.get("action")))
                return Match(
                    action,
                    f"Pod {pod.namespace}/{pod.name} has condition {pattern.get('type')} "
                    f"matching {action} rule at index {index}",
                )
    return None


def match(policy: Any, pod: ApiObject) -> Match | None:
    """The first rule of ``policy`` that the failed ``pod`` matches, None if none does."""
    if not isinstance(policy, dict):
        return None
    for index, rule in enumerate(policy.get("rules") or ()):
        if not isinstance(rule, dict):
            continue
        found = _exit_code_match(pod, rule, index) or _condition_match(pod, rule, index)
        if found is not None:
            return found
    return None
