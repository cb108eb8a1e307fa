"""DaemonSet, StatefulSet and PersistentVolumeClaim: apps/v1 defaulting and validation.

``daemon_set``/``stateful_set`` are ``SetDefaults_DaemonSet``/``SetDefaults_StatefulSet``
on a deep copy; ``validate_daemon_set``/``validate_stateful_set`` port the
parts of ``pkg/apis/apps/validation`` the playground runs, with upstream's
messages (``ValidateDaemonSetSpec``, ``ValidateStatefulSetSpec``).
"""

from __future__ import annotations

import copy
from typing import Any

from . import rules
from .defaults import daemon_set as daemon_set  # re-exported
from .defaults import stateful_set as stateful_set  # re-exported
from .field import FieldError, FieldPath, invalid, not_supported, required
from .meta import (
    go_label_selector,
    selector_is_empty,
    selector_is_valid,
    validate_label_selector,
    validate_object_meta,
)
from .values import d
from .workloads import _int_or_percent, _nonnegative, _replica_set_template

Errors = list[FieldError]


def _selector(spec: dict[str, Any], path: FieldPath, what: str) -> tuple[Any, Errors]:
    errors: Errors = []
    selector = spec.get("selector")
    if selector is None:
        errors.append(required((*path, "selector")))
        return None, errors
    errors += validate_label_selector(selector, (*path, "selector"))
    if selector_is_empty(selector):
        errors.append(
            invalid(
                (*path, "selector"),
                go_label_selector(selector),
                f"empty selector is invalid for {what}",
            )
        )
    if not selector_is_valid(selector):
        errors.append(
            invalid((*path, "selector"), go_label_selector(selector), "invalid label selector")
        )
        return None, errors
    return selector, errors


def validate_daemon_set(ds: dict[str, Any]) -> Errors:
    """``ValidateDaemonSet`` on a defaulted DaemonSet."""
    errors = validate_object_meta(
        ds.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(ds.get("spec"))
    path: FieldPath = ("spec",)
    selector, found = _selector(spec, path, "daemonset")
    errors += found
    if selector is not None:
        errors += _replica_set_template(spec.get("template"), selector, (*path, "template"))
    errors += _nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    strategy = d(spec.get("updateStrategy"))
    kind = strategy.get("type")
    spath: FieldPath = (*path, "updateStrategy")
    if kind not in ("RollingUpdate", "OnDelete"):
        errors.append(not_supported((*spath, "type"), kind, ("OnDelete", "RollingUpdate")))
    elif kind == "RollingUpdate":
        rolling = d(strategy.get("rollingUpdate"))
        rpath: FieldPath = (*spath, "rollingUpdate")
        unavailable, e1 = _int_or_percent(rolling.get("maxUnavailable"), (*rpath, "maxUnavailable"))
        surge, e2 = _int_or_percent(rolling.get("maxSurge"), (*rpath, "maxSurge"))
        errors += e1 + e2
        if not e1 and not e2 and unavailable == 0 and surge == 0:
            errors.append(
                invalid(
                    (*rpath, "maxUnavailable"),
                    rolling.get("maxUnavailable"),
                    "may not be 0 when `maxSurge` is 0",
                )
            )
    return errors


def validate_stateful_set(sts: dict[str, Any]) -> Errors:
    """``ValidateStatefulSet`` on a defaulted StatefulSet."""
    errors = validate_object_meta(
        sts.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(sts.get("spec"))
    path: FieldPath = ("spec",)
    policy = spec.get("podManagementPolicy")
    if policy not in ("OrderedReady", "Parallel"):
        errors.append(
            invalid(
                (*path, "podManagementPolicy"),
                policy,
                "must be 'OrderedReady' or 'Parallel'",
            )
        )
    strategy = d(spec.get("updateStrategy"))
    kind = strategy.get("type")
    if kind not in ("RollingUpdate", "OnDelete"):
        errors.append(
            invalid(
                (*path, "updateStrategy"),
                kind,
                "must be 'RollingUpdate' or 'OnDelete'",
            )
        )
    errors += _nonnegative(spec.get("replicas"), (*path, "replicas"))
    errors += _nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    partition = d(strategy.get("rollingUpdate")).get("partition")
    errors += _nonnegative(partition, (*path, "updateStrategy", "rollingUpdate", "partition"))
    selector, found = _selector(spec, path, "statefulset")
    errors += found
    if selector is not None:
        errors += _replica_set_template(
            _with_claim_volumes(spec), selector, (*path, "template"), "StatefulSet"
        )
    return errors


def _with_claim_volumes(spec: dict[str, Any]) -> Any:
    """The template as its Pods get it: a ``persistentVolumeClaim`` volume per claim template.

    Upstream leaves the template's Pod spec to the Pods' own validation (its
    volumes would not know the claims); the playground checks the Pod the
    controller will make, so a mistake shows here rather than as FailedCreate.
    """
    template = spec.get("template")
    claims = [c for c in spec.get("volumeClaimTemplates") or () if isinstance(c, dict)]
    if not isinstance(template, dict) or not claims:
        return template
    template = copy.deepcopy(template)
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        return template
    names = {str(d(c.get("metadata")).get("name")) for c in claims}
    volumes = [v for v in pod_spec.get("volumes") or () if d(v).get("name") not in names]
    volumes += [{"name": n, "persistentVolumeClaim": {"claimName": n}} for n in sorted(names)]
    pod_spec["volumes"] = volumes
    return template
