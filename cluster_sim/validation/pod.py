"""Pod validation: ``ValidatePodCreate`` and ``ValidatePodSpec`` (pkg/apis/core/validation).

A port of the upstream checks the playground's Pods can trip over, in the
order the API server runs them, with its field paths and messages. Call on a
manifest defaulted by :mod:`.defaults`. This module holds the entry points and
the Pod-level fields (policies, DNS, the Pod's securityContext, host aliases,
scheduling gates...); the spec's parts are checked by :mod:`.volumes`,
:mod:`.containers` (with :mod:`.env`, :mod:`.resources`, :mod:`.probes`) and
:mod:`.tolerations`. Not ported: securityContext details, affinity,
topologySpreadConstraints, resourceClaims, volumeDevices.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from . import rules
from .containers import validate_containers, validate_init_containers
from .field import (
    FieldError,
    FieldPath,
    Key,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from .meta import validate_annotations, validate_labels, validate_object_meta
from .pod_options import PodOptions
from .security_context import (
    fs_group_change_policy,
    pod_security_context_ids,
    seccomp_profile,
    supplemental_groups_policy,
)
from .sysctls import validate_sysctls
from .tolerations import validate_tolerations
from .values import d, i, i0, lst, present, s
from .volumes import validate_volumes

RESTART_POLICIES: Final = ("Always", "OnFailure", "Never")
DNS_POLICIES: Final = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")

Errors = list[FieldError]


def validate_pod_create(pod: dict[str, Any], opts: PodOptions | None = None) -> Errors:
    """``ValidatePodCreate`` on a defaulted Pod manifest."""
    errors = validate_pod_metadata_and_spec(pod, opts)
    spec = d(pod.get("spec"))
    if lst(spec.get("ephemeralContainers")):
        errors.append(forbidden(("spec", "ephemeralContainers"), "cannot be set on create"))
    if s(spec.get("nodeName")) and lst(spec.get("schedulingGates")):
        errors.append(
            forbidden(
                ("spec", "nodeName"), "cannot be set until all schedulingGates have been cleared"
            )
        )
    return errors


def validate_pod_metadata_and_spec(pod: dict[str, Any], opts: PodOptions | None = None) -> Errors:
    """``validatePodMetadataAndSpec``: what create and update share."""
    opts = opts or PodOptions()
    meta = d(pod.get("metadata"))
    spec = d(pod.get("spec"))
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    errors += validate_pod_annotations(meta.get("annotations"), ("metadata", "annotations"))
    errors += validate_pod_spec(spec, ("spec",), opts, pod_name=s(meta.get("name")))
    for key in ("containers", "initContainers"):
        for index, c in enumerate(lst(spec.get(key))):
            image = s(d(c).get("image"))
            if image != image.strip():
                errors.append(
                    invalid(
                        ("spec", key, index, "image"),
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    return errors


def validate_pod_annotations(annotations: Any, path: FieldPath) -> Errors:
    """The pod-specific annotation checks the playground can meet."""
    errors: Errors = []
    cost = d(annotations).get("controller.kubernetes.io/pod-deletion-cost")
    if cost is not None:
        try:
            value = int(s(cost), 10)
            ok = -(2**31) <= value <= rules.MAX_INT32 and s(cost).lstrip("+-").isdigit()
        except ValueError:
            ok = False
        if not ok:
            errors.append(
                invalid(
                    (*path, Key("controller.kubernetes.io/pod-deletion-cost")),
                    s(cost),
                    "must be a 32bit integer",
                )
            )
    return errors


def validate_pod_template(template: Any, path: FieldPath, opts: PodOptions) -> Errors:
    """``ValidatePodTemplateSpec`` (labels and annotations at ``template.labels``: upstream's)."""
    template = d(template)
    meta = d(template.get("metadata"))
    errors = validate_labels(meta.get("labels"), (*path, "labels"))
    errors += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    errors += validate_pod_annotations(meta.get("annotations"), (*path, "annotations"))
    spec = d(template.get("spec"))
    errors += validate_pod_spec(spec, (*path, "spec"), opts, pod_name="")
    if lst(spec.get("ephemeralContainers")):
        errors.append(
            forbidden(
                (*path, "spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errors


def validate_pod_spec(
    spec: dict[str, Any], path: FieldPath, opts: PodOptions, pod_name: str
) -> Errors:
    """``ValidatePodSpec``."""
    errors: Errors = []
    grace = i(spec.get("terminationGracePeriodSeconds"))
    if grace is None:
        errors.append(required((*path, "terminationGracePeriodSeconds")))
    volumes, volume_errors = validate_volumes(
        lst(spec.get("volumes")), (*path, "volumes"), pod_name
    )
    errors += volume_errors
    restart_policy = s(spec.get("restartPolicy"))
    containers = lst(spec.get("containers"))
    errors += validate_containers(
        containers, volumes, grace, (*path, "containers"), opts, restart_policy
    )
    errors += validate_init_containers(
        lst(spec.get("initContainers")),
        containers,
        volumes,
        grace,
        (*path, "initContainers"),
        opts,
        restart_policy,
    )
    errors += _host_network_deps(spec, path, opts)
    errors += _restart_policy(restart_policy, (*path, "restartPolicy"))
    errors += _dns_policy(s(spec.get("dnsPolicy")), (*path, "dnsPolicy"))
    errors += validate_labels(spec.get("nodeSelector"), (*path, "nodeSelector"))
    errors += _pod_security_context(d(spec.get("securityContext")), spec, path)
    errors += _dns_config(spec, path)
    for index, gate in enumerate(lst(spec.get("readinessGates"))):
        condition = s(d(gate).get("conditionType"))
        for msg in rules.is_qualified_name(condition):
            errors.append(
                invalid((*path, "readinessGates", index, "conditionType"), condition, msg)
            )
    seen_gates: set[str] = set()
    for index, gate in enumerate(lst(spec.get("schedulingGates"))):
        name = s(d(gate).get("name"))
        for msg in rules.is_qualified_name(name):
            errors.append(invalid((*path, "schedulingGates", index), name, msg))
        if name in seen_gates:
            errors.append(duplicate((*path, "schedulingGates", index), name))
        seen_gates.add(name)
    for key, name_fn in (
        ("serviceAccountName", rules.name_is_dns_subdomain),
        ("nodeName", rules.name_is_dns_subdomain),
    ):
        value = s(spec.get(key))
        if value:
            errors += [invalid((*path, key), value, msg) for msg in name_fn(value, False)]
    deadline = i(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= rules.MAX_INT32:
        errors.append(
            invalid(
                (*path, "activeDeadlineSeconds"),
                deadline,
                rules.inclusive_range_error(1, rules.MAX_INT32),
            )
        )
    for key in ("hostname", "subdomain"):
        value = s(spec.get(key))
        if value:
            errors += [invalid((*path, key), value, msg) for msg in rules.is_dns1123_label(value)]
    errors += validate_tolerations(lst(spec.get("tolerations")), (*path, "tolerations"))
    for index, alias in enumerate(lst(spec.get("hostAliases"))):
        alias = d(alias)
        errors += _valid_ip((*path, "hostAliases", index, "ip"), s(alias.get("ip")))
        for j, hostname in enumerate(lst(alias.get("hostnames"))):
            hostname = s(hostname)
            errors += [
                invalid((*path, "hostAliases", index, "hostnames", j), hostname, msg)
                for msg in rules.is_dns1123_subdomain(hostname)
            ]
    for key in ("priorityClassName", "runtimeClassName"):
        class_name = spec.get(key)
        if isinstance(class_name, str) and (class_name or key == "runtimeClassName"):
            errors += [
                invalid((*path, key), class_name, msg)
                for msg in rules.name_is_dns_subdomain(class_name, False)
            ]
    preemption = spec.get("preemptionPolicy")
    if isinstance(preemption, str) and preemption not in ("PreemptLowerPriority", "Never"):
        if preemption == "":
            errors.append(required((*path, "preemptionPolicy")))
        else:
            errors.append(
                not_supported(
                    (*path, "preemptionPolicy"), preemption, ("PreemptLowerPriority", "Never")
                )
            )
    os_name = d(spec.get("os")).get("name")
    if present(spec, "os") and s(os_name) not in ("linux", "windows"):
        if not s(os_name):
            errors.append(required((*path, "os", "name"), "cannot be empty"))
        else:
            errors.append(not_supported((*path, "os", "name"), s(os_name), ("linux", "windows")))
    return errors


def _host_network_deps(spec: dict[str, Any], path: FieldPath, opts: PodOptions) -> Errors:
    if spec.get("hostNetwork") is not True:
        return []
    errors: Errors = []
    for ci, c in enumerate(lst(spec.get("containers"))):
        for pi, port in enumerate(lst(d(c).get("ports"))):
            port = d(port)
            host_port, container_port = i0(port.get("hostPort")), i0(port.get("containerPort"))
            if (opts.resource_is_pod or host_port != 0) and host_port != container_port:
                errors.append(
                    invalid(
                        (*path, "containers", ci, "ports", pi, "hostPort"),
                        host_port,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
    return errors


def _restart_policy(policy: str, path: FieldPath) -> Errors:
    if policy in RESTART_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, RESTART_POLICIES)]


def _dns_policy(policy: str, path: FieldPath) -> Errors:
    if policy in DNS_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, DNS_POLICIES)]


def _pod_security_context(context: dict[str, Any], spec: dict[str, Any], path: FieldPath) -> Errors:
    """``validatePodSpecSecurityContext``, in its order; ids as IsValidUserID/IsValidGroupID."""
    sc_path = (*path, "securityContext")
    errors = pod_security_context_ids(context, sc_path)
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        errors.append(
            invalid(
                (*sc_path, "shareProcessNamespace"),
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
                at=(*path, "shareProcessNamespace"),
            )
        )
    if lst(context.get("sysctls")):
        errors += validate_sysctls(context.get("sysctls"), spec, (*sc_path, "sysctls"))
    errors += fs_group_change_policy(context, sc_path)
    errors += seccomp_profile(context.get("seccompProfile"), (*sc_path, "seccompProfile"))
    errors += supplemental_groups_policy(context, sc_path)
    return errors


def _valid_ip(path: FieldPath, value: str) -> Errors:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return [
            invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        ]
    return []


def _dns_config(spec: dict[str, Any], path: FieldPath) -> Errors:
    c_path = (*path, "dnsConfig")
    config = spec.get("dnsConfig")
    if s(spec.get("dnsPolicy")) == "None":
        if not isinstance(config, dict):
            return [required(c_path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not lst(config.get("nameservers")):
            return [
                required(
                    (*c_path, "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if not isinstance(config, dict):
        return []
    errors: Errors = []
    nameservers = [s(n) for n in lst(config.get("nameservers"))]
    if len(nameservers) > 3:
        errors.append(
            invalid(
                (*c_path, "nameservers"),
                nameservers,
                "must not have more than 3 nameservers",
            )
        )
    for index, server in enumerate(nameservers):
        errors += _valid_ip((*c_path, "nameservers", index), server)
    searches = [s(x) for x in lst(config.get("searches"))]
    if len(searches) > 32:
        errors.append(
            invalid((*c_path, "searches"), searches, "must not have more than 32 search paths")
        )
    if len(" ".join(searches)) > 2048:
        errors.append(
            invalid(
                (*c_path, "searches"),
                searches,
                "must not have more than 2048 characters (including spaces) in the search list",
            )
        )
    for index, search in enumerate(searches):
        search = search.removesuffix(".")
        errors += [
            invalid((*c_path, "searches", index), search, msg)
            for msg in rules.is_dns1123_subdomain(search)
        ]
    for index, option in enumerate(lst(config.get("options"))):
        if not s(d(option).get("name")):
            errors.append(required((*c_path, "options", index), "must not be empty"))
    return errors
