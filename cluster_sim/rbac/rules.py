"""RBAC rules and request attributes: ``RuleAllows`` and its helpers.

Ported from ``plugin/pkg/auth/authorizer/rbac/rbac.go::RuleAllows`` and
``pkg/apis/rbac/v1/evaluation_helpers.go`` (``VerbMatches``,
``APIGroupMatches``, ``ResourceMatches``, ``ResourceNameMatches``,
``NonResourceURLMatches``). Matching is exact and case-sensitive; ``*`` is
the only wildcard, and ``pods`` does not grant ``pods/log``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ALL = "*"


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One ``rules[]`` entry of a Role or ClusterRole (rbac.authorization.k8s.io/v1)."""

    verbs: tuple[str, ...] = ()
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()

    @classmethod
    def from_manifest(cls, rule: Mapping[str, Any]) -> PolicyRule:
        return cls(
            _strings(rule.get("verbs")),
            _strings(rule.get("apiGroups")),
            _strings(rule.get("resources")),
            _strings(rule.get("resourceNames")),
            _strings(rule.get("nonResourceURLs")),
        )

    def manifest(self) -> dict[str, list[str]]:
        """The rule as the API server writes it (empty lists left out)."""
        out: dict[str, list[str]] = {}
        for key, values in (
            ("apiGroups", self.api_groups),
            ("nonResourceURLs", self.non_resource_urls),
            ("resourceNames", self.resource_names),
            ("resources", self.resources),
            ("verbs", self.verbs),
        ):
            if values:
                out[key] = list(values)
        return out


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An authenticated (or anonymous) user: name and groups."""

    name: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attributes:
    """``authorizer.Attributes``: who asks for what."""

    user: UserInfo
    verb: str
    resource_request: bool
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def combined_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v) for v in value if v is not None)


def verb_matches(rule: PolicyRule, verb: str) -> bool:
    return any(v in (ALL, verb) for v in rule.verbs)


def api_group_matches(rule: PolicyRule, group: str) -> bool:
    return any(g in (ALL, group) for g in rule.api_groups)


def resource_matches(rule: PolicyRule, combined: str, subresource: str) -> bool:
    for resource in rule.resources:
        if resource in (ALL, combined):
            return True
        if not subresource:
            continue
        if (
            len(resource) == len(subresource) + 2
            and resource.startswith("*/")
            and resource.endswith(subresource)
        ):
            return True
    return False


def resource_name_matches(rule: PolicyRule, name: str) -> bool:
    return not rule.resource_names or name in rule.resource_names


def non_resource_url_matches(rule: PolicyRule, path: str) -> bool:
    for url in rule.non_resource_urls:
        if url in (ALL, path):
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attributes: Attributes, rule: PolicyRule) -> bool:
    """``RuleAllows``: does this one rule grant the request?"""
    if attributes.resource_request:
        return (
            verb_matches(rule, attributes.verb)
            and api_group_matches(rule, attributes.api_group)
            and resource_matches(rule, attributes.combined_resource, attributes.subresource)
            and resource_name_matches(rule, attributes.name)
        )
    return verb_matches(rule, attributes.verb) and non_resource_url_matches(rule, attributes.path)
