"""Role, ClusterRole, RoleBinding and ClusterRoleBinding: defaulting and validation.

Ported from ``pkg/apis/rbac/v1/defaults.go`` (a binding's ``roleRef.apiGroup``
and a User or Group subject's ``apiGroup`` default to
``rbac.authorization.k8s.io``) and ``pkg/apis/rbac/validation/validation.go``
(``ValidateRole``, ``ValidateClusterRole``, ``validatePolicyRule``,
``ValidateRoleBinding``, ``ValidateClusterRoleBinding``,
``validateRoleBindingSubject``), with Kubernetes' wording. Names are path
segment names (``path.IsValidPathSegmentName``), not DNS names:
``system:basic-user`` is a valid role name.
"""

from __future__ import annotations

import copy
from typing import Any

from . import rules
from .field import FieldError, FieldPath, invalid, not_supported, required
from .meta import validate_label_selector, validate_object_meta
from .values import d, lst, s

GROUP = "rbac.authorization.k8s.io"
KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
RESOURCES = {
    "Role": "roles.rbac.authorization.k8s.io",
    "ClusterRole": "clusterroles.rbac.authorization.k8s.io",
    "RoleBinding": "rolebindings.rbac.authorization.k8s.io",
    "ClusterRoleBinding": "clusterrolebindings.rbac.authorization.k8s.io",
}


def path_segment_name(name: str, prefix: bool = False) -> list[str]:
    """``path.IsValidPathSegmentName`` (``prefix``: ``IsValidPathSegmentPrefix``)."""
    errors: list[str] = []
    if not prefix and name in (".", ".."):
        errors.append(f"may not be '{name}'")
    for bad in ("/", "%"):
        if bad in name:
            errors.append(f"may not contain '{bad}'")
    return errors


def defaulted(kind: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_RoleBinding``/``ClusterRoleBinding``/``Subject`` on a copy."""
    if kind not in ("RoleBinding", "ClusterRoleBinding"):
        return manifest
    out = copy.deepcopy(manifest)
    ref = out.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = GROUP
    for subject in lst(out.get("subjects")):
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            if subject.get("kind") in ("User", "Group"):
                subject["apiGroup"] = GROUP
            elif subject.get("kind") == "ServiceAccount":
                subject["apiGroup"] = ""
    return out


def _policy_rule(rule: dict[str, Any], namespaced: bool, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if not lst(rule.get("verbs")):
        errors.append(required((*path, "verbs"), "verbs must contain at least one value"))
    urls = lst(rule.get("nonResourceURLs"))
    groups = lst(rule.get("apiGroups"))
    resources = lst(rule.get("resources"))
    names = lst(rule.get("resourceNames"))
    if urls:
        if namespaced:
            errors.append(
                invalid(
                    (*path, "nonResourceURLs"),
                    urls,
                    "namespaced rules cannot apply to non-resource URLs",
                )
            )
        if groups or resources or names:
            errors.append(
                invalid(
                    (*path, "nonResourceURLs"),
                    urls,
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            )
        return errors
    if not groups:
        errors.append(
            required((*path, "apiGroups"), "resource rules must supply at least one api group")
        )
    if not resources:
        errors.append(
            required((*path, "resources"), "resource rules must supply at least one resource")
        )
    if names and len(resources) > 1:
        errors.append(
            required((*path, "resourceNames"), "resource names cannot apply to multiple resources")
        )
    return errors


def validate_role(role: dict[str, Any], *, namespaced: bool = True) -> list[FieldError]:
    """``ValidateRole`` (``namespaced``) or ``ValidateClusterRole``."""
    errors = validate_object_meta(
        role.get("metadata"), namespaced=namespaced, name_fn=path_segment_name
    )
    for i, rule in enumerate(lst(role.get("rules"))):
        errors += _policy_rule(d(rule), namespaced, ("rules", i))
    aggregation = role.get("aggregationRule")
    if not namespaced and isinstance(aggregation, dict):
        path: FieldPath = ("aggregationRule", "clusterRoleSelectors")
        selectors = lst(aggregation.get("clusterRoleSelectors"))
        if not selectors:
            errors.append(
                required(
                    path, "at least one clusterRoleSelector required if aggregationRule is non-nil"
                )
            )
        for i, selector in enumerate(selectors):
            errors += validate_label_selector(selector, (*path, i))
    return errors


def validate_cluster_role(role: dict[str, Any]) -> list[FieldError]:
    return validate_role(role, namespaced=False)


def _subject(subject: dict[str, Any], namespaced: bool, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    name = s(subject.get("name"))
    group = s(subject.get("apiGroup"))
    if not name:
        errors.append(required((*path, "name"), ""))
    kind = s(subject.get("kind"))
    if kind == "ServiceAccount":
        if name:
            for msg in rules.name_is_dns_subdomain(name, False):
                errors.append(invalid((*path, "name"), name, msg))
        if group:
            errors.append(not_supported((*path, "apiGroup"), group, [""]))
        if not namespaced and not s(subject.get("namespace")):
            errors.append(required((*path, "namespace"), ""))
    elif kind in ("User", "Group"):
        if not name:
            errors.append(invalid((*path, "name"), name, f"{kind.lower()} name cannot be empty"))
        if group != GROUP:
            errors.append(not_supported((*path, "apiGroup"), group, [GROUP]))
    else:
        errors.append(not_supported((*path, "kind"), kind, ["ServiceAccount", "User", "Group"]))
    return errors


def validate_binding(binding: dict[str, Any], *, namespaced: bool = True) -> list[FieldError]:
    """``ValidateRoleBinding`` (``namespaced``) or ``ValidateClusterRoleBinding``, defaulted."""
    errors = validate_object_meta(
        binding.get("metadata"), namespaced=namespaced, name_fn=path_segment_name
    )
    ref = d(binding.get("roleRef"))
    group = s(ref.get("apiGroup"))
    if group != GROUP:
        errors.append(not_supported(("roleRef", "apiGroup"), group, [GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    kind = s(ref.get("kind"))
    if kind not in kinds:
        errors.append(not_supported(("roleRef", "kind"), kind, kinds))
    name = s(ref.get("name"))
    if not name:
        errors.append(required(("roleRef", "name"), ""))
    else:
        for msg in path_segment_name(name):
            errors.append(invalid(("roleRef", "name"), name, msg))
    for i, subject in enumerate(lst(binding.get("subjects"))):
        errors += _subject(d(subject), namespaced, ("subjects", i))
    return errors


def validate_rbac(kind: str, manifest: dict[str, Any]) -> list[FieldError]:
    """The validation of any of the four kinds, after defaulting."""
    data = defaulted(kind, manifest)
    if kind == "Role":
        return validate_role(data)
    if kind == "ClusterRole":
        return validate_cluster_role(data)
    return validate_binding(data, namespaced=kind == "RoleBinding")


def store_messages(kind: str, manifest: dict[str, Any]) -> list[str]:
    """The same, as the store's messages (``field: body``)."""
    return [str(e) for e in validate_rbac(kind, manifest)]
