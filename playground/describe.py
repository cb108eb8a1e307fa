"""What the Pods of a bundle ask for, in ``kubectl describe pod``'s words.

The record stream says what happened; the inspector also shows what was asked
for: images, commands, probes, hooks, env sources, mounts, volumes. These
summaries are built once per Pod from the bundle (and from every ``apply``
action's manifest) and sent to the page in a ``specs`` frame. The ConfigMaps
go along, so the page can offer to edit one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cluster_sim import Bundle, BundleError, load_bundle
from cluster_sim.model import Container, Pod
from cluster_sim.probes_model import Handler, Probe

PodSpecs = dict[str, dict[str, Any]]


def bundle_specs(bundle: Bundle) -> tuple[PodSpecs, list[dict[str, Any]]]:
    """(Pod key -> summary, ConfigMaps) for a loaded bundle."""
    pods = {pod.key: pod_summary(pod) for pod in bundle.pods}
    return pods, config_maps(bundle.objects)


def applied_specs(records: Iterable[Mapping[str, Any]]) -> tuple[PodSpecs, list[dict[str, Any]]]:
    """The summaries of whatever the ``apply`` action records among ``records`` applied."""
    pods: PodSpecs = {}
    maps: list[dict[str, Any]] = []
    for record in records:
        if record.get("kind") != "action" or record.get("action") != "apply":
            continue
        manifest = (record.get("args") or {}).get("manifest")
        if not isinstance(manifest, str):
            continue
        try:
            bundle = load_bundle([("apply.yaml", manifest)])
        except BundleError:
            continue  # the run says why, in a notice
        more_pods, more_maps = bundle_specs(bundle)
        pods.update(more_pods)
        maps.extend(more_maps)
    return pods, maps


def config_maps(objects: Iterable[tuple[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    maps = []
    for kind, manifest in objects:
        if kind != "ConfigMap":
            continue
        meta = manifest.get("metadata") or {}
        maps.append(
            {
                "namespace": str(meta.get("namespace") or "default"),
                "name": str(meta.get("name") or ""),
                "data": {str(k): str(v) for k, v in (manifest.get("data") or {}).items()},
            }
        )
    return maps


def pod_summary(pod: Pod) -> dict[str, Any]:
    spec = pod.manifest.get("spec") or {}
    containers = [container_summary(c) for c in (*pod.spec.init_containers, *pod.spec.containers)]
    return {
        "namespace": pod.namespace,
        "name": pod.name,
        "labels": dict(pod.labels),
        "annotations": dict(pod.annotations),
        "restartPolicy": pod.spec.restart_policy,
        "terminationGracePeriodSeconds": pod.spec.termination_grace_period_seconds,
        "nodeSelector": dict(pod.spec.node_selector),
        "serviceAccountName": str(spec.get("serviceAccountName") or "default"),
        "containers": containers,
        "volumes": [volume_summary(v) for v in spec.get("volumes") or [] if isinstance(v, dict)],
        "seccompProfile": seccomp_summary(spec.get("securityContext")),
    }


def container_summary(c: Container) -> dict[str, Any]:
    m = c.manifest
    resources = m.get("resources") or {}
    probes = {kind.value: describe_probe(probe) for kind, probe in c.probes()}  # str keys
    handlers = (("postStart", c.lifecycle.post_start), ("preStop", c.lifecycle.pre_stop))
    hooks = {name: describe_handler(h) for name, h in handlers if h is not None}
    return {
        "name": c.name,
        "init": c.init,
        "sidecar": c.sidecar,
        "image": c.image,
        "imagePullPolicy": c.image_pull_policy,
        "command": list(c.command) if c.command is not None else None,
        "args": list(c.args) if c.args is not None else None,
        "ports": [_port(p) for p in m.get("ports") or [] if isinstance(p, dict)],
        "limits": {str(k): str(v) for k, v in (resources.get("limits") or {}).items()},
        "requests": {str(k): str(v) for k, v in (resources.get("requests") or {}).items()},
        "probes": probes,
        "hooks": hooks,
        "env": [describe_env(e) for e in m.get("env") or [] if isinstance(e, dict)],
        "envFrom": [describe_env_from(e) for e in m.get("envFrom") or [] if isinstance(e, dict)],
        "mounts": [
            f"{v.get('mountPath')} from {v.get('name')} ({'ro' if v.get('readOnly') else 'rw'})"
            + (f" subPath {v['subPath']}" if v.get("subPath") else "")
            for v in m.get("volumeMounts") or []
            if isinstance(v, dict)
        ],
        "seccompProfile": seccomp_summary(m.get("securityContext")),
    }


def seccomp_summary(context: Any) -> dict[str, str] | None:
    """The one securityContext field kubectl describe prints (describe.go, v0.33)."""
    profile = context.get("seccompProfile") if isinstance(context, dict) else None
    if not isinstance(profile, dict):
        return None
    return {
        "type": str(profile.get("type") or ""),
        "localhostProfile": str(profile.get("localhostProfile") or ""),
    }


def describe_probe(probe: Probe) -> str:
    """kubectl's ``DescribeProbe``: ``http-get http://:8080/healthz delay=3s timeout=1s ...``."""
    attrs = (
        f"delay={probe.initial_delay_seconds}s timeout={probe.timeout_seconds}s "
        f"period={probe.period_seconds}s #success={probe.success_threshold} "
        f"#failure={probe.failure_threshold}"
    )
    return f"{describe_handler(probe.handler)} {attrs}"


def describe_handler(handler: Handler) -> str:
    kind = handler.kind
    if kind == "exec":
        return f"exec [{' '.join(handler.command)}]"
    if kind == "httpGet":
        return f"http-get {handler.scheme.lower()}://{handler.host}:{handler.port}{handler.path}"
    if kind == "tcpSocket":
        return f"tcp-socket {handler.host}:{handler.port}"
    if kind == "grpc":
        return f"grpc <pod>:{handler.port} {handler.service}".rstrip()
    if kind == "sleep":
        return f"sleep {handler.seconds}s"
    return kind


def describe_env(item: Mapping[str, Any]) -> dict[str, str]:
    """One ``Environment:`` line of kubectl describe: the name and what it is set to."""
    name = str(item.get("name"))
    value_from = item.get("valueFrom")
    if not isinstance(value_from, dict):
        return {"name": name, "value": str(item.get("value") or "")}
    if "configMapKeyRef" in value_from:
        ref = value_from["configMapKeyRef"] or {}
        text = f"<set to the key '{ref.get('key')}' of config map '{ref.get('name')}'>"
        return {"name": name, "value": f"{text}  Optional: {_optional(ref)}"}
    if "secretKeyRef" in value_from:
        ref = value_from["secretKeyRef"] or {}
        text = f"<set to the key '{ref.get('key')}' in secret '{ref.get('name')}'>"
        return {"name": name, "value": f"{text}  Optional: {_optional(ref)}"}
    if "fieldRef" in value_from:
        ref = value_from["fieldRef"] or {}
        return {"name": name, "value": f" ({ref.get('apiVersion') or 'v1'}:{ref.get('fieldPath')})"}
    if "resourceFieldRef" in value_from:
        ref = value_from["resourceFieldRef"] or {}
        return {"name": name, "value": f"({ref.get('resource')})"}
    return {"name": name, "value": ""}


def describe_env_from(item: Mapping[str, Any]) -> str:
    prefix = f" with prefix '{item['prefix']}'" if item.get("prefix") else ""
    for key, label in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
        ref = item.get(key)
        if isinstance(ref, dict):
            return f"{ref.get('name')}  {label}{prefix}  Optional: {_optional(ref)}"
    return ""


def volume_summary(volume: Mapping[str, Any]) -> dict[str, str]:
    name = str(volume.get("name"))
    for key, label, detail in (
        ("configMap", "ConfigMap", "name"),
        ("secret", "Secret", "secretName"),
        ("persistentVolumeClaim", "PersistentVolumeClaim", "claimName"),
        ("hostPath", "HostPath", "path"),
    ):
        body = volume.get(key)
        if isinstance(body, dict):
            return {"name": name, "type": label, "detail": str(body.get(detail) or "")}
    for key, label in (
        ("emptyDir", "EmptyDir"),
        ("downwardAPI", "DownwardAPI"),
        ("projected", "Projected"),
    ):
        if key in volume:
            return {"name": name, "type": label, "detail": ""}
    return {"name": name, "type": "", "detail": ""}


def _port(port: Mapping[str, Any]) -> str:
    text = f"{port.get('containerPort')}/{port.get('protocol') or 'TCP'}"
    return f"{text} ({port['name']})" if port.get("name") else text


def _optional(ref: Mapping[str, Any]) -> str:
    return "true" if ref.get("optional") else "false"
