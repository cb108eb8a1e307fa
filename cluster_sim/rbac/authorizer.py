"""The RBAC authorizer: which bindings apply to a user, and the decision.

Ported from ``plugin/pkg/auth/authorizer/rbac/rbac.go::Authorize`` and
``pkg/registry/rbac/validation/rule.go`` (``VisitRulesFor``, ``appliesTo``,
``GetRoleReferenceRules``): ClusterRoleBindings first, then the RoleBindings
of the request's namespace; the first rule that allows wins. A binding whose
role is missing adds an error; a denial then carries the reason
``RBAC: <errors>`` (one error as is, several as ``[e1, e2]``, apimachinery's
aggregate). The authorizer chain is kubeadm's Node then RBAC: the Node
authorizer has no opinion on anyone but a node, so RBAC decides; NoOpinion
from every authorizer is a denial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .rules import Attributes, PolicyRule, UserInfo, rule_allows

SA_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str
    name: str
    namespace: str = ""

    @classmethod
    def from_manifest(cls, subject: Mapping[str, Any]) -> Subject:
        return cls(
            str(subject.get("kind") or ""),
            str(subject.get("name") or ""),
            str(subject.get("namespace") or ""),
        )

    def describe(self, binding_namespace: str) -> str:
        if self.kind == "ServiceAccount":
            return f'{self.kind} "{self.name}/{self.namespace or binding_namespace}"'
        return f'{self.kind} "{self.name}"'


@dataclass(frozen=True, slots=True)
class Binding:
    """A RoleBinding (``namespace`` set) or a ClusterRoleBinding."""

    name: str
    role_kind: str
    role_name: str
    subjects: tuple[Subject, ...]
    namespace: str = ""

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], namespace: str = "") -> Binding:
        meta = manifest.get("metadata") or {}
        ref = manifest.get("roleRef") or {}
        return cls(
            str(meta.get("name") or ""),
            str(ref.get("kind") or ""),
            str(ref.get("name") or ""),
            tuple(
                Subject.from_manifest(s)
                for s in manifest.get("subjects") or []
                if isinstance(s, Mapping)
            ),
            namespace,
        )


@dataclass
class Policy:
    """What the RBAC authorizer reads: roles by name, bindings in listing order."""

    cluster_roles: dict[str, tuple[PolicyRule, ...]] = field(default_factory=dict)
    roles: dict[tuple[str, str], tuple[PolicyRule, ...]] = field(default_factory=dict)
    cluster_role_bindings: list[Binding] = field(default_factory=list)
    role_bindings: dict[str, list[Binding]] = field(default_factory=dict)

    @classmethod
    def from_manifests(
        cls,
        cluster_roles: Iterable[Mapping[str, Any]] = (),
        roles: Iterable[Mapping[str, Any]] = (),
        cluster_role_bindings: Iterable[Mapping[str, Any]] = (),
        role_bindings: Iterable[Mapping[str, Any]] = (),
    ) -> Policy:
        policy = cls()
        for role in cluster_roles:
            policy.cluster_roles[_name(role)] = _rules(role)
        for role in roles:
            policy.roles[(_namespace(role), _name(role))] = _rules(role)
        for binding in cluster_role_bindings:
            policy.cluster_role_bindings.append(Binding.from_manifest(binding))
        for binding in role_bindings:
            ns = _namespace(binding)
            policy.role_bindings.setdefault(ns, []).append(Binding.from_manifest(binding, ns))
        return policy


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str = ""


def _name(manifest: Mapping[str, Any]) -> str:
    return str((manifest.get("metadata") or {}).get("name") or manifest.get("name") or "")


def _namespace(manifest: Mapping[str, Any]) -> str:
    meta = manifest.get("metadata") or {}
    return str(meta.get("namespace") or manifest.get("namespace") or "default")


def _rules(manifest: Mapping[str, Any]) -> tuple[PolicyRule, ...]:
    return tuple(
        PolicyRule.from_manifest(r) for r in manifest.get("rules") or [] if isinstance(r, Mapping)
    )


def applies_to(user: UserInfo, subjects: Iterable[Subject], namespace: str) -> Subject | None:
    """``appliesTo``: the first subject naming this user, or None."""
    for subject in subjects:
        if subject.kind == "User" and user.name == subject.name:
            return subject
        if subject.kind == "Group" and subject.name in user.groups:
            return subject
        if subject.kind == "ServiceAccount":
            sa_namespace = subject.namespace or namespace
            if sa_namespace and user.name == f"{SA_PREFIX}{sa_namespace}:{subject.name}":
                return subject
    return None


def _role_rules(policy: Policy, binding: Binding) -> tuple[PolicyRule, ...] | str:
    """``GetRoleReferenceRules``: the rules, or the error text."""
    if binding.role_kind == "Role":
        rules = policy.roles.get((binding.namespace, binding.role_name))
        if rules is None:
            return f'role.rbac.authorization.k8s.io "{binding.role_name}" not found'
        return rules
    if binding.role_kind == "ClusterRole":
        rules = policy.cluster_roles.get(binding.role_name)
        if rules is None:
            return f'clusterrole.rbac.authorization.k8s.io "{binding.role_name}" not found'
        return rules
    return f'unsupported role reference kind: "{binding.role_kind}"'


def authorize(policy: Policy, attributes: Attributes) -> Decision:
    """RBAC's decision (behind the Node authorizer, which has no opinion on non-nodes)."""
    errors: list[str] = []
    visits: list[tuple[Binding, str]] = [(b, "") for b in policy.cluster_role_bindings]
    if attributes.namespace:
        visits += [
            (b, attributes.namespace) for b in policy.role_bindings.get(attributes.namespace, [])
        ]
    for binding, namespace in visits:
        subject = applies_to(attributes.user, binding.subjects, namespace)
        if subject is None:
            continue
        rules = _role_rules(policy, binding)
        if isinstance(rules, str):
            errors.append(rules)
            continue
        for rule in rules:
            if rule_allows(attributes, rule):
                return Decision(True, f"RBAC: allowed by {_describe(binding, subject)}")
    if not errors:
        return Decision(False, "")
    aggregate = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return Decision(False, f"RBAC: {aggregate}")


def _describe(binding: Binding, subject: Subject) -> str:
    if binding.namespace:
        return (
            f'RoleBinding "{binding.name}/{binding.namespace}" of {binding.role_kind} '
            f'"{binding.role_name}" to {subject.describe(binding.namespace)}'
        )
    return (
        f'ClusterRoleBinding "{binding.name}" of {binding.role_kind} "{binding.role_name}" '
        f"to {subject.describe('')}"
    )
