"""``kubectl auth can-i``, as ``kubectl/pkg/cmd/auth/cani.go`` prints it.

``can-i VERB RESOURCE[/NAME]`` or ``can-i VERB /non-resource-url``, with
``-n NS`` (default ``default``), ``-A``, ``--subresource``, ``-q`` and
``--as`` / ``--as-group`` (impersonation: a ServiceAccount name gets its
groups and ``system:authenticated``, as the impersonation filter adds them).
The answer is a SelfSubjectAccessReview decided by the run's RBAC
(``cluster_sim.rbac``): ``yes`` (exit 0) or ``no`` (exit 1), ``no - REASON``
when the authorizer gave one (a binding to a missing role). Warnings come
first, as kubectl writes them to stderr.

The page's kubectl is kind's/kubeadm's ``kubernetes-admin``, in the group
``kubeadm:cluster-admins`` that kubeadm binds to ``cluster-admin``.
``--list`` (a SelfSubjectRulesReview) is not simulated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..controlplane.store import APIStore
from ..rbac.aggregation import policy_from_store
from ..rbac.authentication import service_account_user
from ..rbac.authorizer import authorize
from ..rbac.rules import Attributes, UserInfo

EXIT_NO = 1
ADMIN = UserInfo("kubernetes-admin", ("kubeadm:cluster-admins", "system:authenticated"))
RESOURCE_VERBS = frozenset(
    "get list watch create update patch delete deletecollection use bind impersonate * "
    "approve sign escalate attest".split()
)
NON_RESOURCE_VERBS = frozenset("get put post head options delete patch *".split())
USAGE = (
    "error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
    "See 'kubectl auth can-i -h' for help and examples.\n"
)


@dataclass(frozen=True, slots=True)
class ApiResource:
    name: str
    group: str
    namespaced: bool
    aliases: tuple[str, ...] = ()


# What discovery lists on a v1.33 cluster (the common kinds), with kubectl's short names.
DISCOVERY = (
    ApiResource("pods", "", True, ("pod", "po")),
    ApiResource("services", "", True, ("service", "svc")),
    ApiResource("configmaps", "", True, ("configmap", "cm")),
    ApiResource("secrets", "", True, ("secret",)),
    ApiResource("serviceaccounts", "", True, ("serviceaccount", "sa")),
    ApiResource("endpoints", "", True, ("ep",)),
    ApiResource("events", "", True, ("event", "ev")),
    ApiResource("persistentvolumeclaims", "", True, ("persistentvolumeclaim", "pvc")),
    ApiResource("replicationcontrollers", "", True, ("replicationcontroller", "rc")),
    ApiResource("namespaces", "", False, ("namespace", "ns")),
    ApiResource("nodes", "", False, ("node", "no")),
    ApiResource("persistentvolumes", "", False, ("persistentvolume", "pv")),
    ApiResource("deployments", "apps", True, ("deployment", "deploy")),
    ApiResource("replicasets", "apps", True, ("replicaset", "rs")),
    ApiResource("statefulsets", "apps", True, ("statefulset", "sts")),
    ApiResource("daemonsets", "apps", True, ("daemonset", "ds")),
    ApiResource("jobs", "batch", True, ("job",)),
    ApiResource("cronjobs", "batch", True, ("cronjob", "cj")),
    ApiResource("poddisruptionbudgets", "policy", True, ("poddisruptionbudget", "pdb")),
    ApiResource("networkpolicies", "networking.k8s.io", True, ("networkpolicy", "netpol")),
    ApiResource("ingresses", "networking.k8s.io", True, ("ingress", "ing")),
    ApiResource("roles", "rbac.authorization.k8s.io", True, ("role",)),
    ApiResource("rolebindings", "rbac.authorization.k8s.io", True, ("rolebinding",)),
    ApiResource("clusterroles", "rbac.authorization.k8s.io", False, ("clusterrole",)),
    ApiResource("clusterrolebindings", "rbac.authorization.k8s.io", False, ("clusterrolebinding",)),
    ApiResource("leases", "coordination.k8s.io", True, ("lease",)),
    ApiResource("horizontalpodautoscalers", "autoscaling", True, ("hpa",)),
    ApiResource("selfsubjectaccessreviews", "authorization.k8s.io", False),
    ApiResource("selfsubjectrulesreviews", "authorization.k8s.io", False),
    ApiResource("subjectaccessreviews", "authorization.k8s.io", False),
    ApiResource("localsubjectaccessreviews", "authorization.k8s.io", True),
    ApiResource("selfsubjectreviews", "authentication.k8s.io", False),
    ApiResource("tokenreviews", "authentication.k8s.io", False),
)


class _Usage(Exception):
    pass


def _resource_for(arg: str) -> tuple[str, str, ApiResource | None, str]:
    """``resourceFor``: (resource, group, what discovery knows, warning)."""
    if arg == "*":
        return "*", "", None, ""
    lower = arg.lower()
    name, _, group = lower.partition(".")
    for res in DISCOVERY:
        if (name == res.name or name in res.aliases) and (not group or group == res.group):
            return res.name, res.group, res, ""
    if group:
        warning = f"Warning: the server doesn't have a resource type '{name}' in group '{group}'\n"
    else:
        warning = f"Warning: the server doesn't have a resource type '{name}'\n"
    return arg, "", None, warning


def _user(as_user: str | None, as_groups: list[str]) -> UserInfo:
    if not as_user:  # kubectl impersonates only a non-empty --as
        return ADMIN
    parts = as_user.split(":")
    if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"] and not as_groups:
        return service_account_user(parts[2], parts[3])
    groups = list(as_groups)
    if as_user != "system:anonymous" and "system:authenticated" not in groups:
        groups.append("system:authenticated")
    return UserInfo(as_user, tuple(groups))


def can_i_text(store: APIStore, argv: Sequence[str]) -> tuple[int, str]:
    """``kubectl auth can-i ...`` (``argv`` after ``auth can-i``): (exit status, output)."""
    positional: list[str] = []
    namespace = "default"
    all_namespaces = quiet = False
    subresource = ""
    as_user: str | None = None
    as_groups: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        flag, eq, inline = arg.partition("=")
        if flag in ("-n", "--namespace", "--as", "--as-group", "--subresource"):
            value = inline if eq else (args.pop(0) if args else "")
            if not value and not eq:
                return EXIT_NO, f"error: flag needs an argument: {flag}\n"
            if flag in ("-n", "--namespace"):
                namespace = value
            elif flag == "--as":
                as_user = value
            elif flag == "--as-group":
                as_groups.append(value)
            else:
                subresource = value
        elif arg in ("-A", "--all-namespaces"):
            all_namespaces = True
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--list":
            return EXIT_NO, "error: the playground does not simulate kubectl auth can-i --list\n"
        elif arg.startswith("-") and arg != "-":
            return EXIT_NO, (
                f"error: unknown flag: {flag}\nSee 'kubectl auth can-i --help' for usage.\n"
            )
        else:
            positional.append(arg)
    if len(positional) != 2:
        return EXIT_NO, USAGE
    verb, target = positional
    user = _user(as_user, as_groups)
    warnings = ""
    if all_namespaces:
        namespace = ""
    if target.startswith("/"):
        if subresource:
            return EXIT_NO, "error: --subresource can not be used with NonResourceURL\n"
        if verb not in NON_RESOURCE_VERBS:
            warnings += f"Warning: verb '{verb}' is not a known verb\n"
        attributes = Attributes(user=user, verb=verb, resource_request=False, path=target)
    else:
        resource_arg, _, name = target.partition("/")
        resource, group, known, warning = _resource_for(resource_arg)
        warnings += warning
        if known is not None and not known.namespaced and not all_namespaces:
            if group:
                warnings += (
                    f"Warning: resource '{resource}' is not namespace scoped in group '{group}'\n"
                )
            else:
                warnings += f"Warning: resource '{resource}' is not namespace scoped\n"
        if verb not in RESOURCE_VERBS:
            warnings += f"Warning: verb '{verb}' is not a known verb\n"
        attributes = Attributes(
            user=user,
            verb=verb,
            resource_request=True,
            namespace=namespace,
            api_group=group,
            resource=resource,
            subresource=subresource,
            name=name,
        )
    decision = authorize(policy_from_store(store), attributes)
    if quiet:
        return (0 if decision.allowed else EXIT_NO), warnings
    if decision.allowed:
        return 0, warnings + "yes\n"
    reason = f" - {decision.reason}" if decision.reason else ""
    return EXIT_NO, f"{warnings}no{reason}\n"
