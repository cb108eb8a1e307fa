"""Deployment, ReplicaSet (apps/v1), ReplicationController (v1) and Job (batch/v1) validation.

Pure functions on manifests defaulted by :mod:`.defaults`, ported from
pkg/apis/apps/validation (``ValidateDeployment``, ``ValidateReplicaSet``),
pkg/apis/core/validation (``ValidateReplicationController``) and
pkg/apis/batch/validation (``ValidateJob``). The simulator runs the first
three; Jobs are only linted until their controller comes.
"""

from __future__ import annotations

from typing import Any, Final

from . import rules
from .field import FieldError, FieldPath, GoMap, forbidden, invalid, not_supported, required
from .meta import (
    go_label_selector,
    selector_is_empty,
    selector_is_valid,
    selector_matches,
    validate_label_selector,
    validate_object_meta,
)
from .pod import validate_pod_template
from .pod_options import PodOptions
from .values import d, i, i0, int_or_string, present, s

Errors = list[FieldError]
JOB_NAME_LABEL: Final = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME_LABEL: Final = "job-name"
CONTROLLER_UID_LABEL: Final = "batch.kubernetes.io/controller-uid"
MAX_PARALLELISM_INDEXED: Final = 100_000


def _nonnegative(value: Any, path: FieldPath) -> Errors:
    number = i(value)
    if number is not None and number < 0:
        return [invalid(path, number, rules.NEGATIVE_ERROR)]
    return []


def _template_labels(template: Any) -> dict[str, Any]:
    return d(d(d(template).get("metadata")).get("labels"))


def _template_labels_value(template: Any) -> GoMap:
    labels = d(d(template).get("metadata")).get("labels")
    return GoMap(labels if isinstance(labels, dict) else None)


def validate_deployment(deployment: dict[str, Any]) -> Errors:
    """``ValidateDeployment`` on a defaulted Deployment."""
    errors = validate_object_meta(
        deployment.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(deployment.get("spec"))
    path: FieldPath = ("spec",)
    errors += _nonnegative(spec.get("replicas"), (*path, "replicas"))
    selector = spec.get("selector")
    if selector is None:
        errors.append(required((*path, "selector")))
    else:
        errors += validate_label_selector(selector, (*path, "selector"))
        if selector_is_empty(selector):
            errors.append(
                invalid(
                    (*path, "selector"),
                    go_label_selector(selector),
                    "empty selector is invalid for deployment",
                )
            )
    if not selector_is_valid(selector):
        errors.append(
            invalid((*path, "selector"), go_label_selector(selector), "invalid label selector")
        )
    else:
        errors += _replica_set_template(spec.get("template"), selector, (*path, "template"))
    errors += _strategy(d(spec.get("strategy")), (*path, "strategy"))
    errors += _nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    errors += _nonnegative(spec.get("revisionHistoryLimit"), (*path, "revisionHistoryLimit"))
    deadline = i(spec.get("progressDeadlineSeconds"))
    if deadline is not None:
        errors += _nonnegative(deadline, (*path, "progressDeadlineSeconds"))
        if deadline <= i0(spec.get("minReadySeconds")):
            errors.append(
                invalid(
                    (*path, "progressDeadlineSeconds"),
                    deadline,
                    "must be greater than minReadySeconds",
                )
            )
    return errors


def validate_replica_set(replica_set: dict[str, Any]) -> Errors:
    """``ValidateReplicaSet`` on a defaulted ReplicaSet (apps/v1)."""
    errors = validate_object_meta(
        replica_set.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(replica_set.get("spec"))
    path: FieldPath = ("spec",)
    errors += _nonnegative(spec.get("replicas"), (*path, "replicas"))
    errors += _nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    selector = spec.get("selector")
    if selector is None:
        errors.append(required((*path, "selector")))
    else:
        errors += validate_label_selector(selector, (*path, "selector"))
        if selector_is_empty(selector):
            # Upstream's ValidateReplicaSetSpec says "deployment" here too.
            errors.append(
                invalid(
                    (*path, "selector"),
                    go_label_selector(selector),
                    "empty selector is invalid for deployment",
                )
            )
    if not selector_is_valid(selector):
        errors.append(
            invalid((*path, "selector"), go_label_selector(selector), "invalid label selector")
        )
    else:
        errors += _replica_set_template(spec.get("template"), selector, (*path, "template"))
    return errors


def validate_replication_controller(controller: dict[str, Any]) -> Errors:
    """``ValidateReplicationController`` on a defaulted ReplicationController (v1).

    Its selector is a plain map that defaulting fills from the template's
    labels; an empty one is ``Required value``. The template is a pointer
    upstream: a missing one is ``Required value`` too.
    """
    errors = validate_object_meta(
        controller.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    spec = d(controller.get("spec"))
    path: FieldPath = ("spec",)
    errors += _nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    selector = d(spec.get("selector"))
    if not selector:
        errors.append(required((*path, "selector")))
    errors += _nonnegative(spec.get("replicas"), (*path, "replicas"))
    template = spec.get("template")
    if not isinstance(template, dict):
        errors.append(required((*path, "template")))
        return errors
    errors += _replica_set_template(
        template, {"matchLabels": selector}, (*path, "template"), "ReplicationController"
    )
    return errors


def _replica_set_template(
    template: Any, selector: Any, path: FieldPath, owner: str = "ReplicaSet"
) -> Errors:
    """``ValidatePodTemplateSpecForReplicaSet`` (``...ForRC`` with ``owner``)."""
    if not isinstance(template, dict):
        template = {}
    errors: Errors = []
    # A missing selector is labels.Nothing() upstream: not empty, and it matches nothing.
    if selector is None or (
        not selector_is_empty(selector)
        and not selector_matches(selector, _template_labels(template))
    ):
        errors.append(
            invalid(
                (*path, "metadata", "labels"),
                _template_labels_value(template),
                "`selector` does not match template `labels`",
            )
        )
    errors += validate_pod_template(template, path, PodOptions(resource_is_pod=False))
    pod_spec = d(template.get("spec"))
    policy = s(pod_spec.get("restartPolicy"))
    if policy != "Always":
        errors.append(not_supported((*path, "spec", "restartPolicy"), policy, ("Always",)))
    if present(pod_spec, "activeDeadlineSeconds"):
        errors.append(
            forbidden(
                (*path, "spec", "activeDeadlineSeconds"),
                f"activeDeadlineSeconds in {owner} is not Supported",
            )
        )
    return errors


def _int_or_percent(value: Any, path: FieldPath) -> tuple[int, Errors]:
    """``ValidatePositiveIntOrPercent``; also the value as ``getIntOrPercentValue`` sees it."""
    parsed = int_or_string(value)
    if isinstance(parsed, str):
        messages = rules.is_valid_percent(parsed)
        if messages:
            return 0, [invalid(path, parsed, msg) for msg in messages]
        return int(parsed[:-1]), []
    number = parsed or 0
    return number, _nonnegative(number, path)


def _strategy(strategy: dict[str, Any], path: FieldPath) -> Errors:
    kind = s(strategy.get("type"))
    if kind == "Recreate":
        if present(strategy, "rollingUpdate"):
            return [
                forbidden(
                    (*path, "rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            ]
        return []
    if kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            return [required((*path, "rollingUpdate"), "this should be defaulted and never be nil")]
        r_path = (*path, "rollingUpdate")
        unavailable, errors = _int_or_percent(
            rolling.get("maxUnavailable"), (*r_path, "maxUnavailable")
        )
        surge, surge_errors = _int_or_percent(rolling.get("maxSurge"), (*r_path, "maxSurge"))
        errors += surge_errors
        if unavailable == 0 and surge == 0:
            errors.append(
                invalid(
                    (*r_path, "maxUnavailable"),
                    rolling.get("maxUnavailable"),
                    "may not be 0 when `maxSurge` is 0",
                )
            )
        raw = rolling.get("maxUnavailable")
        if isinstance(raw, str) and not rules.is_valid_percent(raw) and int(raw[:-1]) > 100:
            errors.append(
                invalid((*r_path, "maxUnavailable"), raw, "must not be greater than 100%")
            )
        return errors
    return [not_supported(path, kind, ("Recreate", "RollingUpdate"))]


def validate_job(job: dict[str, Any]) -> Errors:
    """``ValidateJob`` on a defaulted Job, after the API server's selector generation.

    Without ``manualSelector: true`` the API server generates the selector and the
    template's ``job-name``/``controller-uid`` labels; a selector the user wrote
    is then rejected (``selector`` not auto-generated). The generated
    ``controller-uid`` value is random and is left out of that message.
    """
    meta = d(job.get("metadata"))
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    spec = d(job.get("spec"))
    path: FieldPath = ("spec",)
    manual = spec.get("manualSelector") is True
    selector = spec.get("selector")
    template = d(spec.get("template"))
    if not manual:
        name = s(meta.get("name"))
        labels = dict(_template_labels(template))
        labels.setdefault(JOB_NAME_LABEL, name)
        labels.setdefault(LEGACY_JOB_NAME_LABEL, name)
        template = {**template, "metadata": {**d(template.get("metadata")), "labels": labels}}
        if selector is not None:
            errors.append(
                invalid(
                    (*path, "selector"),
                    go_label_selector(selector),
                    "`selector` not auto-generated",
                )
            )
    errors += _job_spec(spec, template, path)
    if manual:
        if selector is None:
            errors.append(required((*path, "selector")))
        else:
            errors += validate_label_selector(selector, (*path, "selector"))
        if (
            selector is not None
            and selector_is_valid(selector)
            and not selector_matches(selector, _template_labels(template))
        ):
            errors.append(
                invalid(
                    (*path, "template", "metadata", "labels"),
                    _template_labels_value(template),
                    "`selector` does not match template `labels`",
                )
            )
    return errors


def _job_spec(spec: dict[str, Any], template: dict[str, Any], path: FieldPath) -> Errors:
    """``validateJobSpec``."""
    errors: Errors = []
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit"):
        errors += _nonnegative(spec.get(key), (*path, key))
    errors += _nonnegative(spec.get("ttlSecondsAfterFinished"), (*path, "ttlSecondsAfterFinished"))
    mode = spec.get("completionMode")
    if isinstance(mode, str):
        if mode not in ("NonIndexed", "Indexed"):
            errors.append(not_supported((*path, "completionMode"), mode, ("NonIndexed", "Indexed")))
        if mode == "Indexed":
            if spec.get("completions") is None:
                errors.append(required((*path, "completions"), "when completion mode is Indexed"))
            parallelism = i(spec.get("parallelism"))
            if parallelism is not None and parallelism > MAX_PARALLELISM_INDEXED:
                errors.append(
                    invalid(
                        (*path, "parallelism"),
                        parallelism,
                        f"must be less than or equal to {MAX_PARALLELISM_INDEXED} when "
                        "completion mode is Indexed",
                    )
                )
    errors += validate_pod_template(
        template, (*path, "template"), PodOptions(resource_is_pod=False)
    )
    policy = s(d(template.get("spec")).get("restartPolicy"))
    policy_path = (*path, "template", "spec", "restartPolicy")
    if policy in ("Always", ""):
        errors.append(required(policy_path, 'valid values: "OnFailure", "Never"'))
    elif policy not in ("OnFailure", "Never"):
        errors.append(not_supported(policy_path, policy, ("OnFailure", "Never")))
    elif present(spec, "podFailurePolicy") and policy != "Never":
        errors.append(
            invalid(
                policy_path, policy, 'only "Never" is supported when podFailurePolicy is specified'
            )
        )
    return errors
