"""The RBAC kinds in the store, the bootstrap policy, and ClusterRole aggregation.

``RbacController`` registers Role, ClusterRole, RoleBinding and
ClusterRoleBinding (rbac.authorization.k8s.io/v1) with the store, writes the
bootstrap ClusterRoles and ClusterRoleBindings a v1.33 cluster starts with,
and plays the ``clusterrole-aggregation`` controller
(``pkg/controller/clusterroleaggregation``, ``syncClusterRole``): for a
ClusterRole with an ``aggregationRule``, each selector in order, the matching
ClusterRoles sorted by name (itself excluded), each rule not already present
appended; the result replaces ``.rules``, so rules written by hand on an
aggregated role are overwritten. It runs on every ClusterRole write, at the
same simulated instant (upstream: a work queue, milliseconds later).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from ..controlplane.context import ControlContext
from ..controlplane.selectors import label_selector
from ..controlplane.store import ApiObject, APIStore, KindInfo, WatchType
from ..validation.rbac import RESOURCES, defaulted, store_messages
from .authorizer import Policy
from .bootstrap import cluster_role_bindings, cluster_roles, kubeadm_bindings

API_VERSION = "rbac.authorization.k8s.io/v1"
KINDS = (
    ("Role", True),
    ("ClusterRole", False),
    ("RoleBinding", True),
    ("ClusterRoleBinding", False),
)


def _defaulter(kind: str) -> Any:
    def default(body: dict[str, Any]) -> None:
        body.update(defaulted(kind, body))

    return default


def _validator(kind: str) -> Any:
    def validate(manifest: dict[str, Any], _old: ApiObject | None) -> list[str]:
        return store_messages(kind, manifest)

    return validate


def register_rbac_kinds(store: APIStore) -> None:
    for kind, namespaced in KINDS:
        if kind not in store.kinds:
            store.register(
                KindInfo(
                    kind,
                    RESOURCES[kind],
                    API_VERSION,
                    namespaced=namespaced,
                    default=_defaulter(kind),
                    validate=_validator(kind),
                )
            )


def aggregated_rules(
    role: Mapping[str, Any], others: Iterable[tuple[str, Mapping[str, str], list[Any]]]
) -> list[Any] | None:
    """``syncClusterRole``: the rules of ``role`` from its selectors (None: not aggregated).

    ``others`` are every ClusterRole as (name, labels, rules).
    """
    rule = role.get("aggregationRule")
    if not isinstance(rule, Mapping):
        return None
    name = str((role.get("metadata") or {}).get("name") or "")
    ordered = sorted(others, key=lambda o: o[0])
    out: list[Any] = []
    for selector in rule.get("clusterRoleSelectors") or []:
        selects = label_selector(selector)
        for other, labels, rules in ordered:
            if other == name or not selects(labels):
                continue
            for item in rules:
                if item not in out:
                    out.append(item)
    return out


def _bootstrap_roles() -> list[dict[str, Any]]:
    """The bootstrap ClusterRoles, with their aggregated rules already filled in."""
    roles = cluster_roles()
    for _ in range(3):  # admin <- edit <- view: three passes reach the fixed point
        others = [(r["metadata"]["name"], r["metadata"]["labels"], r["rules"] or []) for r in roles]
        for role in roles:
            rules = aggregated_rules(role, others)
            if rules is not None:
                role["rules"] = rules
    return roles


def policy_from_store(store: APIStore) -> Policy:
    """The authorizer's view of the store's roles and bindings, in creation order."""
    return Policy.from_manifests(
        (o.manifest() for o in store.list("ClusterRole")),
        (o.manifest() for o in store.list("Role")),
        (o.manifest() for o in store.list("ClusterRoleBinding")),
        (o.manifest() for o in store.list("RoleBinding")),
    )


class RbacController:
    """Registers the RBAC kinds, writes the bootstrap policy, aggregates ClusterRoles."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx

    def start(self) -> None:
        store = self.ctx.store
        register_rbac_kinds(store)
        for kind, manifests in (
            ("ClusterRole", _bootstrap_roles()),
            ("ClusterRoleBinding", cluster_role_bindings() + kubeadm_bindings()),
        ):
            for manifest in manifests:
                name = manifest["metadata"]["name"]
                if store.get(kind, "", name) is None:
                    # A uid of its own: the bootstrap policy draws nothing from the run's rng.
                    uid = str(uuid.uuid5(uuid.NAMESPACE_OID, f"bootstrap/{kind}/{name}"))
                    store.create(kind, manifest, uid=uid)
        store.watch("ClusterRole", self._on_cluster_role)

    def _on_cluster_role(self, _event: WatchType, _role: ApiObject) -> None:
        store = self.ctx.store
        roles = store.list("ClusterRole")
        others = [(o.name, o.labels, list(o.body.get("rules") or [])) for o in roles]
        for obj in sorted(roles, key=lambda o: o.name):
            rules = aggregated_rules(obj.manifest(), others)
            if rules is None or rules == list(obj.body.get("rules") or []):
                continue
            manifest = obj.manifest()
            manifest["rules"] = rules
            manifest.pop("status", None)
            store.update(obj, manifest)
