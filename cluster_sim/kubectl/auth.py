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

``--list`` is a SelfSubjectRulesReview: the API server's ``RulesFor`` (every
ClusterRoleBinding, then the namespace's RoleBindings, that names the user; a
missing role only sets ``evaluationError``, which kubectl does not print, as
RBAC never reports the list incomplete), printed as ``printStatus`` does:
``BreakdownRule`` then ``CompactRules`` (kubectl/pkg/util/rbac), sorted by the
rule's protobuf ``String()``, in kubectl's tabwriter (padding 3), columns
``Resources  Non-Resource URLs  Resource Names  Verbs`` with Go's ``[a b]`` lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..controlplane.store import APIStore
from ..rbac.aggregation import policy_from_store
from ..rbac.authentication import service_account_user
from ..rbac.authorizer import Policy, applies_to, authorize
from ..rbac.rules import Attributes, PolicyRule, UserInfo
from .text import tabwrite

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
    all_namespaces = quiet = listing = no_headers = False
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
            listing = True
        elif arg == "--no-headers":
            no_headers = True
        elif arg.startswith("-") and arg != "-":
            return EXIT_NO, (
                f"error: unknown flag: {flag}\nSee 'kubectl auth can-i --help' for usage.\n"
            )
        else:
            positional.append(arg)
    if listing:
        if positional:
            return EXIT_NO, "error: list option must be specified with no arguments\n"
        if quiet or all_namespaces or subresource:
            return EXIT_NO, (
                "error: list option can't be specified with neither quiet, all-namespaces "
                "nor subresource options\n"
            )
        user = _user(as_user, as_groups)
        return 0, rules_table(rules_for(policy_from_store(store), user, namespace), no_headers)
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
    if no_headers:
        return EXIT_NO, warnings + "error: --no-headers cannot be set without --list specified\n"
    decision = authorize(policy_from_store(store), attributes)
    if quiet:
        return (0 if decision.allowed else EXIT_NO), warnings
    if decision.allowed:
        return 0, warnings + "yes\n"
    reason = f" - {decision.reason}" if decision.reason else ""
    return EXIT_NO, f"{warnings}no{reason}\n"


# -- --list: SelfSubjectRulesReview -------------------------------------------------------


def rules_for(policy: Policy, user: UserInfo, namespace: str) -> list[PolicyRule]:
    """``RulesFor``: the rules of every binding naming ``user``, ClusterRoleBindings
    first, then the RoleBindings of ``namespace``; a missing role adds nothing."""
    rules: list[PolicyRule] = []
    visits = [(b, "") for b in policy.cluster_role_bindings]
    visits += [(b, namespace) for b in policy.role_bindings.get(namespace, [])]
    for binding, ns in visits:
        if applies_to(user, binding.subjects, ns) is None:
            continue
        if binding.role_kind == "ClusterRole":
            rules += policy.cluster_roles.get(binding.role_name, ())
        elif binding.role_kind == "Role":
            rules += policy.roles.get((binding.namespace, binding.role_name), ())
    # The review's status: resource rules first, then non-resource ones.
    resource = [
        PolicyRule(r.verbs, r.api_groups, r.resources, r.resource_names)
        for r in rules
        if r.resources
    ]
    non_resource = [PolicyRule(r.verbs, non_resource_urls=r.non_resource_urls) for r in rules]
    return resource + [r for r in non_resource if r.non_resource_urls]


def breakdown(rule: PolicyRule) -> list[PolicyRule]:
    """``BreakdownRule``: one verb, resource and resource name per rule."""
    out = []
    for group in rule.api_groups:
        for res in rule.resources:
            for verb in rule.verbs:
                names = rule.resource_names or ("",)
                for name in names:
                    out.append(PolicyRule((verb,), (group,), (res,), (name,) if name else ()))
    for url in rule.non_resource_urls:
        for verb in rule.verbs:
            out.append(PolicyRule((verb,), non_resource_urls=(url,)))
    return out


def compact(rules: list[PolicyRule]) -> list[PolicyRule]:
    """``CompactRules``: simple rules (one group, one resource, at most one name) that
    differ only by verb become one; the others stay as they are, first."""
    compacted: list[PolicyRule] = []
    simple: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for rule in rules:
        if (
            len(rule.resource_names) <= 1
            and not rule.non_resource_urls
            and len(rule.api_groups) == 1
            and len(rule.resources) == 1
        ):
            verbs = simple.setdefault(
                (rule.api_groups[0], rule.resources[0], rule.resource_names), []
            )
            verbs += [v for v in rule.verbs if v not in verbs]
        else:
            compacted.append(rule)
    for (group, res, names), verbs in simple.items():
        compacted.append(PolicyRule(tuple(verbs), (group,), (res,), names))
    return compacted


def _go_list(values: tuple[str, ...]) -> str:
    return "[" + " ".join(values) + "]"


def _rule_string(rule: PolicyRule) -> str:
    """The generated ``PolicyRule.String()`` that ``SortableRuleSlice`` compares."""
    return (
        f"&PolicyRule{{Verbs:{_go_list(rule.verbs)},APIGroups:{_go_list(rule.api_groups)},"
        f"Resources:{_go_list(rule.resources)},ResourceNames:{_go_list(rule.resource_names)},"
        f"NonResourceURLs:{_go_list(rule.non_resource_urls)},}}"
    )


def _combine_resource_group(resources: tuple[str, ...], groups: tuple[str, ...]) -> str:
    """describe's ``CombineResourceGroup``: ``deployments.apps``, ``pods/log``."""
    if not resources:
        return ""
    resource, slash, sub = resources[0].partition("/")
    if groups and groups[0]:
        resource += "." + groups[0]
    return resource + (slash + sub if slash else "")


def rules_table(rules: list[PolicyRule], no_headers: bool = False) -> str:
    """``printStatus``: broken down, compacted, sorted, through kubectl's tabwriter."""
    pieces = [piece for rule in rules for piece in breakdown(rule)]
    ordered = sorted(compact(pieces), key=_rule_string)  # sort.Stable
    lines = [] if no_headers else ["Resources\tNon-Resource URLs\tResource Names\tVerbs\n"]
    for r in ordered:
        lines.append(
            f"{_combine_resource_group(r.resources, r.api_groups)}\t"
            f"{_go_list(r.non_resource_urls)}\t{_go_list(r.resource_names)}\t"
            f"{_go_list(r.verbs)}\n"
        )
    return tabwrite("".join(lines), minwidth=6, padding=3)
