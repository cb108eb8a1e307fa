"""API defaulting (``SetDefaults_*``) that runs before validation.

The API server fills in defaults before it validates, so some ``Required
value`` errors can never happen through it (an empty ``restartPolicy``
becomes ``Always``, a port's protocol ``TCP``). Validation runs on a defaulted
deep copy made here; the user's manifest is left as written. Only the
defaults that change what validation says are applied.
"""

from __future__ import annotations

import copy
from typing import Any

from ..defaults import image_pull_policy
from .values import d, lst, s

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_DEFAULTS = (
    ("timeoutSeconds", 1),
    ("periodSeconds", 10),
    ("successThreshold", 1),
    ("failureThreshold", 3),
)


def _zero(value: Any) -> bool:
    return value is None or value == "" or (value == 0 and not isinstance(value, bool))


def _set(obj: dict[str, Any], key: str, value: Any) -> None:
    if _zero(obj.get(key)):
        obj[key] = value


def _http_get(handler: Any) -> None:
    get = handler.get("httpGet") if isinstance(handler, dict) else None
    if isinstance(get, dict):
        _set(get, "path", "/")
        _set(get, "scheme", "HTTP")


def _container(c: dict[str, Any]) -> None:
    _set(c, "terminationMessagePath", "/dev/termination-log")
    _set(c, "terminationMessagePolicy", "File")
    image = s(c.get("image"))
    if _zero(c.get("imagePullPolicy")):
        c["imagePullPolicy"] = image_pull_policy(image) if image else "IfNotPresent"
    for port in lst(c.get("ports")):
        if isinstance(port, dict):
            _set(port, "protocol", "TCP")
    for name in PROBES:
        probe = c.get(name)
        if isinstance(probe, dict):
            for key, value in _PROBE_DEFAULTS:
                _set(probe, key, value)
            _http_get(probe)
    lifecycle = d(c.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        _http_get(lifecycle.get(hook))
    for env in lst(c.get("env")):
        field_ref = d(d(env).get("valueFrom")).get("fieldRef") if isinstance(env, dict) else None
        if isinstance(field_ref, dict):
            _set(field_ref, "apiVersion", "v1")
    resources = c.get("resources")
    if isinstance(resources, dict):
        limits = resources.get("limits")
        if isinstance(limits, dict) and limits:
            requests = resources.get("requests")
            if not isinstance(requests, dict):
                requests = resources["requests"] = {}
            for name, value in limits.items():
                requests.setdefault(name, value)


def _volumes(spec: dict[str, Any]) -> None:
    for volume in lst(spec.get("volumes")):
        if not isinstance(volume, dict):
            continue
        for source in ("configMap", "secret", "downwardAPI", "projected"):
            entry = volume.get(source)
            if isinstance(entry, dict) and entry.get("defaultMode") is None:
                entry["defaultMode"] = 0o644
        for item in lst(d(volume.get("downwardAPI")).get("items")):
            if isinstance(item, dict) and isinstance(item.get("fieldRef"), dict):
                _set(item["fieldRef"], "apiVersion", "v1")


def pod_spec(spec: dict[str, Any], *, is_pod: bool) -> None:
    """``SetDefaults_PodSpec`` (and ``SetDefaults_Pod`` when ``is_pod``), in place."""
    _set(spec, "dnsPolicy", "ClusterFirst")
    _set(spec, "restartPolicy", "Always")
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    _set(spec, "schedulerName", "default-scheduler")
    for key in ("containers", "initContainers"):
        for c in lst(spec.get(key)):
            if isinstance(c, dict):
                _container(c)
                if is_pod and spec.get("hostNetwork") is True:
                    for port in lst(c.get("ports")):
                        if isinstance(port, dict) and _zero(port.get("hostPort")):
                            port["hostPort"] = port.get("containerPort")
    _volumes(spec)


def pod(manifest: dict[str, Any]) -> dict[str, Any]:
    """A defaulted deep copy of a Pod manifest."""
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}  # a Go struct, never nil: defaulting fills it all the same
    spec = out.get("spec")
    if isinstance(spec, dict):
        pod_spec(spec, is_pod=True)
    return out


def _template(spec: dict[str, Any]) -> None:
    if spec.get("template") is None:
        spec["template"] = {}
    template = spec.get("template")
    if isinstance(template, dict):
        if template.get("spec") is None:
            template["spec"] = {}
        if isinstance(template["spec"], dict):
            pod_spec(template["spec"], is_pod=False)


def deployment(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_Deployment`` (apps/v1) on a deep copy."""
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}  # a Go struct, never nil
    spec = out.get("spec")
    if isinstance(spec, dict):
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        strategy = spec.get("strategy")
        if not isinstance(strategy, dict):
            strategy = spec["strategy"] = {}
        _set(strategy, "type", "RollingUpdate")
        if strategy.get("type") == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                rolling = strategy["rollingUpdate"] = {}
            if rolling.get("maxUnavailable") is None:
                rolling["maxUnavailable"] = "25%"
            if rolling.get("maxSurge") is None:
                rolling["maxSurge"] = "25%"
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        if spec.get("progressDeadlineSeconds") is None:
            spec["progressDeadlineSeconds"] = 600
        _template(spec)
    return out


def replica_set(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_ReplicaSet`` (apps/v1) on a deep copy: one replica."""
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}  # a Go struct, never nil
    spec = out.get("spec")
    if isinstance(spec, dict):
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        _template(spec)
    return out


def replication_controller(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_ReplicationController`` (v1) on a deep copy.

    An empty selector and empty labels become the template's labels; one
    replica. The template stays absent when it is (a pointer upstream).
    """
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}  # a Go struct, never nil (its template is a pointer)
    spec = out.get("spec")
    if not isinstance(spec, dict):
        return out
    template = spec.get("template")
    if isinstance(template, dict):
        labels = d(template.get("metadata")).get("labels")
        if isinstance(labels, dict) and labels:
            if not spec.get("selector"):
                spec["selector"] = dict(labels)
            meta = out.get("metadata")
            if isinstance(meta, dict) and not meta.get("labels"):
                meta["labels"] = dict(labels)
        if template.get("spec") is None:
            template["spec"] = {}
        if isinstance(template["spec"], dict):
            pod_spec(template["spec"], is_pod=False)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    return out


def workload(kind: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The defaulted copy of a Deployment, ReplicaSet or ReplicationController."""
    if kind == "Deployment":
        return deployment(manifest)
    if kind == "ReplicaSet":
        return replica_set(manifest)
    if kind == "Job":
        return job(manifest)
    if kind == "CronJob":
        return cron_job(manifest)
    if kind in ("DaemonSet", "StatefulSet"):
        return daemon_set(manifest) if kind == "DaemonSet" else stateful_set(manifest)
    if kind in ("PodDisruptionBudget", "Role", "ClusterRole", "RoleBinding", "NetworkPolicy"):
        return copy.deepcopy(manifest)
    if kind == "ClusterRoleBinding":
        return copy.deepcopy(manifest)
    return replication_controller(manifest)


def job(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_Job`` (batch/v1) on a deep copy."""
    out = copy.deepcopy(manifest)
    spec = out.get("spec")
    if isinstance(spec, dict):
        if spec.get("completions") is None and spec.get("parallelism") is None:
            spec["completions"] = 1
            spec["parallelism"] = 1
        if spec.get("parallelism") is None:
            spec["parallelism"] = 1
        if spec.get("backoffLimit") is None:
            spec["backoffLimit"] = 6
        if spec.get("completionMode") is None:
            spec["completionMode"] = "NonIndexed"
        if spec.get("manualSelector") is None:
            spec["manualSelector"] = False
        _template(spec)
    return out


def cron_job(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_CronJob`` (batch/v1) on a deep copy, its jobTemplate's Job spec too."""
    out = copy.deepcopy(manifest)
    spec = out.get("spec")
    if isinstance(spec, dict):
        for key, value in (
            ("concurrencyPolicy", "Allow"),
            ("suspend", False),
            ("successfulJobsHistoryLimit", 3),
            ("failedJobsHistoryLimit", 1),
        ):
            if spec.get(key) is None:
                spec[key] = value
        template = spec.get("jobTemplate")
        if isinstance(template, dict) and isinstance(template.get("spec"), dict):
            template["spec"] = job({"spec": template["spec"]})["spec"]
    return out


def service(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_Service`` on a deep copy."""
    out = copy.deepcopy(manifest)
    spec = out.get("spec")
    if isinstance(spec, dict):
        _set(spec, "sessionAffinity", "None")
        _set(spec, "type", "ClusterIP")
        service_type = spec.get("type")
        for port in lst(spec.get("ports")):
            if isinstance(port, dict):
                _set(port, "protocol", "TCP")
                if _zero(port.get("targetPort")):
                    port["targetPort"] = port.get("port")
        if spec.get("sessionAffinity") == "ClientIP":
            config = spec.get("sessionAffinityConfig")
            if not isinstance(config, dict):
                config = spec["sessionAffinityConfig"] = {}
            client = config.get("clientIP")
            if not isinstance(client, dict):
                client = config["clientIP"] = {}
            if client.get("timeoutSeconds") is None:
                client["timeoutSeconds"] = 10800
        if service_type != "ExternalName" and spec.get("internalTrafficPolicy") is None:
            spec["internalTrafficPolicy"] = "Cluster"
        externally_accessible = service_type in ("LoadBalancer", "NodePort") or bool(
            lst(spec.get("externalIPs"))
        )
        if externally_accessible and _zero(spec.get("externalTrafficPolicy")):
            spec["externalTrafficPolicy"] = "Cluster"
    return out


def secret(manifest: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(manifest)
    _set(out, "type", "Opaque")
    return out


def daemon_set(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_DaemonSet``: RollingUpdate (maxUnavailable 1, maxSurge 0), 10 revisions."""
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}
    spec = out.get("spec")
    if isinstance(spec, dict):
        _template(spec)
        strategy = spec.get("updateStrategy")
        if not isinstance(strategy, dict):
            strategy = spec["updateStrategy"] = {}
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                rolling = strategy["rollingUpdate"] = {}
            rolling.setdefault("maxUnavailable", 1)
            rolling.setdefault("maxSurge", 0)
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
    return out


def stateful_set(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_StatefulSet``: OrderedReady, RollingUpdate partition 0, Retain/Retain."""
    out = copy.deepcopy(manifest)
    if out.get("spec") is None:
        out["spec"] = {}
    spec = out.get("spec")
    if isinstance(spec, dict):
        _template(spec)
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        if not spec.get("podManagementPolicy"):
            spec["podManagementPolicy"] = "OrderedReady"
        strategy = spec.get("updateStrategy")
        if not isinstance(strategy, dict):
            strategy = spec["updateStrategy"] = {}
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                rolling = strategy["rollingUpdate"] = {}
            rolling.setdefault("partition", 0)
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        policy = spec.get("persistentVolumeClaimRetentionPolicy")
        if not isinstance(policy, dict):
            policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
        policy.setdefault("whenDeleted", "Retain")
        policy.setdefault("whenScaled", "Retain")
        for claim in spec.get("volumeClaimTemplates") or ():
            if isinstance(claim, dict):
                claim_spec = claim.setdefault("spec", {})
                if isinstance(claim_spec, dict):
                    claim_spec.setdefault("volumeMode", "Filesystem")
    return out
