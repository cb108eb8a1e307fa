"""The ClusterRoles and ClusterRoleBindings a v1.33 cluster starts with.

From ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata``
(``cluster-roles.yaml``, ``cluster-role-bindings.yaml``), read through the
search index: the user-facing roles (``cluster-admin``, the aggregated
``admin``/``edit``/``view`` and their ``system:aggregate-to-*`` parts) and the
``system:`` roles every authenticated user or ServiceAccount is bound to
(discovery, public info, basic-user, issuer discovery, monitoring). The
controllers' and nodes' own roles are left out: no user of the playground is a
controller. ``admin``, ``edit`` and ``view`` are written with ``rules: null``
and an ``aggregationRule``; the aggregation controller fills them in.
"""

from __future__ import annotations

from typing import Any

GROUP = "rbac.authorization.k8s.io"
BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict[str, list[str]]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


def _urls(urls: list[str]) -> dict[str, list[str]]:
    return {"nonResourceURLs": urls, "verbs": ["get"]}


_AGGREGATE_TO_ADMIN = [
    _rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
    _rule([GROUP], ["rolebindings", "roles"], ALL_VERBS),
]
_AGGREGATE_TO_EDIT = [
    _rule(
        [""],
        ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
        READ,
    ),
    _rule([""], ["serviceaccounts"], ["impersonate"]),
    _rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
    _rule([""], ["pods/eviction"], ["create"]),
    _rule(
        [""],
        [
            "configmaps",
            "events",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "secrets",
            "serviceaccounts",
            "services",
            "services/proxy",
        ],
        WRITE,
    ),
    _rule([""], ["serviceaccounts/token"], ["create"]),
    _rule(
        ["apps"],
        [
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "replicasets",
            "replicasets/scale",
            "statefulsets",
            "statefulsets/scale",
        ],
        WRITE,
    ),
    _rule(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
    _rule(["batch"], ["cronjobs", "jobs"], WRITE),
    _rule(
        ["extensions"],
        [
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "ingresses",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicationcontrollers/scale",
        ],
        WRITE,
    ),
    _rule(["policy"], ["poddisruptionbudgets"], WRITE),
    _rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
    _rule(["coordination.k8s.io"], ["leases"], ALL_VERBS),
]
_AGGREGATE_TO_VIEW = [
    _rule(
        [""],
        [
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
        ],
        READ,
    ),
    _rule(
        [""],
        [
            "bindings",
            "events",
            "limitranges",
            "namespaces/status",
            "pods/log",
            "pods/status",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
        ],
        READ,
    ),
    _rule([""], ["namespaces"], READ),
    _rule(["discovery.k8s.io"], ["endpointslices"], READ),
    _rule(
        ["apps"],
        [
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
        READ,
    ),
    _rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    _rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    _rule(
        ["extensions"],
        [
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "ingresses",
            "ingresses/status",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "replicationcontrollers/scale",
        ],
        READ,
    ),
    _rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    _rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
]


def _role(
    name: str,
    rules: list[dict[str, list[str]]] | None,
    aggregate_to: str = "",
    aggregates: str = "",
) -> dict[str, Any]:
    labels = dict(BOOTSTRAP_LABELS)
    if aggregate_to:
        labels[f"{GROUP}/aggregate-to-{aggregate_to}"] = "true"
    role: dict[str, Any] = {
        "apiVersion": f"{GROUP}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels, "annotations": dict(AUTOUPDATE)},
        "rules": rules,
    }
    if aggregates:
        role["aggregationRule"] = {
            "clusterRoleSelectors": [
                {"matchLabels": {f"{GROUP}/aggregate-to-{aggregates}": "true"}}
            ]
        }
    return role


def cluster_roles() -> list[dict[str, Any]]:
    """The bootstrap ClusterRoles, in the testdata file's (name) order."""
    return [
        _role("admin", None, aggregates="admin"),
        _role(
            "cluster-admin",
            [
                _rule(["*"], ["*"], ["*"]),
                {"nonResourceURLs": ["*"], "verbs": ["*"]},
            ],
        ),
        _role("edit", None, aggregate_to="admin", aggregates="edit"),
        _role("system:aggregate-to-admin", _AGGREGATE_TO_ADMIN, aggregate_to="admin"),
        _role("system:aggregate-to-edit", _AGGREGATE_TO_EDIT, aggregate_to="edit"),
        _role("system:aggregate-to-view", _AGGREGATE_TO_VIEW, aggregate_to="view"),
        _role(
            "system:auth-delegator",
            [
                _rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
                _rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
            ],
        ),
        _role(
            "system:basic-user",
            [
                _rule(
                    ["authorization.k8s.io"],
                    ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    ["create"],
                ),
                _rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
            ],
        ),
        _role(
            "system:discovery",
            [
                _urls(
                    [
                        "/api",
                        "/api/*",
                        "/apis",
                        "/apis/*",
                        "/healthz",
                        "/livez",
                        "/openapi",
                        "/openapi/*",
                        "/readyz",
                        "/version",
                        "/version/",
                    ]
                )
            ],
        ),
        _role(
            "system:monitoring",
            [
                _urls(
                    [
                        "/healthz",
                        "/healthz/*",
                        "/livez",
                        "/livez/*",
                        "/metrics",
                        "/metrics/slis",
                        "/readyz",
                        "/readyz/*",
                    ]
                )
            ],
        ),
        _role(
            "system:public-info-viewer",
            [_urls(["/healthz", "/livez", "/readyz", "/version", "/version/"])],
        ),
        _role(
            "system:service-account-issuer-discovery",
            [
                _urls(
                    [
                        "/.well-known/openid-configuration",
                        "/.well-known/openid-configuration/",
                        "/openid/v1/jwks",
                        "/openid/v1/jwks/",
                    ]
                )
            ],
        ),
        _role("view", None, aggregate_to="edit", aggregates="view"),
    ]


def _binding(name: str, groups: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {
            "name": name,
            "labels": dict(BOOTSTRAP_LABELS),
            "annotations": dict(AUTOUPDATE),
        },
        "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": name},
        "subjects": [{"apiGroup": GROUP, "kind": "Group", "name": g} for g in groups],
    }


def cluster_role_bindings() -> list[dict[str, Any]]:
    """The bootstrap ClusterRoleBindings of the roles above, in name order."""
    return [
        _binding("cluster-admin", ["system:masters"]),
        _binding("system:basic-user", ["system:authenticated"]),
        _binding("system:discovery", ["system:authenticated"]),
        _binding("system:monitoring", ["system:monitoring"]),
        _binding("system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
        _binding("system:service-account-issuer-discovery", ["system:serviceaccounts"]),
    ]


def kubeadm_bindings() -> list[dict[str, Any]]:
    """What kubeadm (and kind) adds: its admin group is cluster-admin (kubeadm 1.29+)."""
    binding = _binding("cluster-admin", ["kubeadm:cluster-admins"])
    binding["metadata"] = {"name": "kubeadm:cluster-admins"}
    return [binding]
