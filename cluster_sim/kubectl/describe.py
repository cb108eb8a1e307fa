"""``kubectl describe`` for Deployments, ReplicaSets and ReplicationControllers.

Pure functions from the store and the recorder's Event history to the text
kubectl v1.33 prints (``k8s.io/kubectl/pkg/describe``): the same lines,
written with tabs at the same indentation levels and laid out by Go's
tabwriter (padding 2), so fields align exactly as they do in a terminal.
Times are the run's simulated ones: CreationTimestamp counts from the
run's epoch, ages from its now.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..controlplane.store import ApiObject, APIStore
from ..quantity import Quantity, QuantityError
from ..records import EventSeries, Recorder
from .get import EXIT_ERROR, EXIT_OK, Command, Resource, listed, no_resources, not_found
from .text import format_labels, format_selector, human_duration, rfc1123z, tabwrite

HASH_LABEL: Final = "pod-template-hash"
LAST_APPLIED: Final = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN: Final = 140


class Writer:
    """kubectl's ``PrefixWriter``: two spaces per level, the text kept for the tabwriter."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def flush(self) -> None:
        """``Flush``: the lines after it align apart from the ones before."""
        self.parts.append("\f")

    def text(self) -> str:
        return "".join(tabwrite(part, padding=2) for part in "".join(self.parts).split("\f"))


# -- shared pieces -----------------------------------------------------------------------


def _labels(w: Writer, title: str, labels: Mapping[str, Any] | None) -> None:
    """``printLabelsMultiline``."""
    w.write(0, f"{title}:\t")
    keys = sorted(labels or {})
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        w.write(0, f"{key}={(labels or {})[key]}\n")


def _annotations(w: Writer, title: str, annotations: Mapping[str, Any] | None) -> None:
    """``printAnnotationsMultiline`` (the last-applied configuration is never shown)."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != LAST_APPLIED)
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str((annotations or {})[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                short = line if len(line) <= MAX_ANNOTATION_LEN - 2 else line[:135] + "..."
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _events(w: Writer, events: Sequence[EventSeries] | None, now_ms: int) -> None:
    """``DescribeEvents``: one row per Event, repeats as ``AGE (xN over FIRST)``."""
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=lambda e: e.last_ms):
        first = human_duration(now_ms - e.first_ms)
        age = (
            f"{human_duration(now_ms - e.last_ms)} (x{e.count} over {first})"
            if e.count > 1
            else first
        )
        w.write(1, f"{e.type}\t{e.reason}\t{age}\t{e.source}\t{e.message.strip()}\n")


def _conditions(w: Writer, status: Mapping[str, Any]) -> None:
    conditions = [c for c in status.get("conditions") or [] if isinstance(c, Mapping)]
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for c in conditions:
        w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _quantity(value: Any) -> str:
    try:
        return str(Quantity.parse(value))
    except (QuantityError, TypeError, ValueError):
        return str(value)


def _go_list(values: Any) -> str:
    return "[" + " ".join(str(v) for v in values or []) + "]"


def _int_or_string(value: Any) -> str:
    return "" if value is None else str(value)


def describe_probe(probe: Mapping[str, Any]) -> str:
    """``DescribeProbe``: ``http-get http://:8080/healthz delay=0s timeout=1s ...``."""
    attrs = (
        f"delay={_int(probe.get('initialDelaySeconds'))}s "
        f"timeout={_int(probe.get('timeoutSeconds'))}s "
        f"period={_int(probe.get('periodSeconds'))}s "
        f"#success={_int(probe.get('successThreshold'))} "
        f"#failure={_int(probe.get('failureThreshold'))}"
    )
    if isinstance(probe.get("exec"), Mapping):
        return f"exec {_go_list(probe['exec'].get('command'))} {attrs}"
    if isinstance(probe.get("httpGet"), Mapping):
        get = probe["httpGet"]
        scheme = str(get.get("scheme") or "").lower()
        host, port = str(get.get("host") or ""), _int_or_string(get.get("port"))
        where = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
        return f"http-get {scheme}://{where}{get.get('path') or ''} {attrs}"
    if isinstance(probe.get("tcpSocket"), Mapping):
        socket = probe["tcpSocket"]
        return f"tcp-socket {socket.get('host') or ''}:{_int_or_string(socket.get('port'))} {attrs}"
    if isinstance(probe.get("grpc"), Mapping):
        grpc = probe["grpc"]
        return f"grpc <pod>:{_int(grpc.get('port'))} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _ports(ports: Sequence[Mapping[str, Any]], field: str) -> str:
    shown = []
    for port in ports:
        text = f"{_int(port.get(field))}/{port.get('protocol') or 'TCP'}"
        if port.get("name"):
            text += f" ({port['name']})"
        shown.append(text)
    return ", ".join(shown)


def _container(w: Writer, c: Mapping[str, Any]) -> None:
    """``describeContainers`` for a template container (no status)."""
    w.write(1, f" {c.get('name', '')}:\n")
    w.write(2, f"Image:\t{c.get('image', '')}\n")
    ports = [p for p in c.get("ports") or [] if isinstance(p, Mapping)]
    for label, field in (("Port", "containerPort"), ("Host Port", "hostPort")):
        text = _ports(ports, field)
        if "," in text:
            w.write(2, f"{label}s:\t{text}\n")
        else:
            w.write(2, f"{label}:\t{text or '<none>'}\n")
    _seccomp(w, c.get("securityContext"), 2)
    for label, key in (("Command", "command"), ("Args", "args")):
        values = c.get(key) or []
        if values:
            w.write(2, f"{label}:\n")
            for value in values:
                for line in str(value).split("\n"):
                    w.write(3, f"{line}\n")
    resources = _v if isinstance(_v := c.get("resources"), Mapping) else {}
    for label, key in (("Limits", "limits"), ("Requests", "requests")):
        amounts = _v if isinstance(_v := resources.get(key), Mapping) else {}
        if amounts:
            w.write(2, f"{label}:\n")
        for name in sorted(amounts):
            w.write(3, f"{name}:\t{_quantity(amounts[name])}\n")
    for label, key in (
        ("Liveness", "livenessProbe"),
        ("Readiness", "readinessProbe"),
        ("Startup", "startupProbe"),
    ):
        if isinstance(c.get(key), Mapping):
            w.write(2, f"{label}:\t{describe_probe(c[key])}\n")
    env_from = [e for e in c.get("envFrom") or [] if isinstance(e, Mapping)]
    if env_from:
        w.write(2, "Environment Variables from:\n")
        for e in env_from:
            source, kind = (
                (e["configMapRef"], "ConfigMap")
                if isinstance(e.get("configMapRef"), Mapping)
                else (e.get("secretRef") or {}, "Secret")
            )
            optional = str(bool(source.get("optional"))).lower()
            name = source.get("name", "")
            if e.get("prefix"):
                w.write(3, f"{name}\t{kind} with prefix '{e['prefix']}'\tOptional: {optional}\n")
            else:
                w.write(3, f"{name}\t{kind}\tOptional: {optional}\n")
    _environment(w, c)
    mounts = sorted(
        (m for m in c.get("volumeMounts") or [] if isinstance(m, Mapping)),
        key=lambda m: str(m.get("mountPath", "")),
    )
    w.write(2, "Mounts:\n" if mounts else "Mounts:\t<none>\n")
    for m in mounts:
        flags = ["ro" if m.get("readOnly") else "rw"]
        if m.get("subPath"):
            flags.append(f"path={json.dumps(str(m['subPath']))}")
        w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")


def _seccomp(w: Writer, context: Any, level: int) -> None:
    """The one securityContext field kubectl v1.33 describes for a container
    (``describeContainerBasicInfo``: after Host Port, LocalhostProfile a level in).
    runAsUser, capabilities, sysctls and the rest are not printed by describe."""
    if not isinstance(context, Mapping) or not isinstance(context.get("seccompProfile"), Mapping):
        return
    profile = context["seccompProfile"]
    w.write(level, f"SeccompProfile:\t{profile.get('type') or ''}\n")
    if profile.get("type") == "Localhost":
        w.write(level + 1, f"LocalhostProfile:\t{profile.get('localhostProfile') or ''}\n")


def _environment(w: Writer, c: Mapping[str, Any]) -> None:
    env = [e for e in c.get("env") or [] if isinstance(e, Mapping)]
    w.write(2, "Environment:\n" if env else "Environment:\t<none>\n")
    for e in env:
        name = e.get("name", "")
        source = e.get("valueFrom")
        if not isinstance(source, Mapping):
            for i, line in enumerate(str(e.get("value") or "").split("\n")):
                w.write(3, f"{name}:\t{line}\n" if i == 0 else f"\t{line}\n")
            continue
        if isinstance(source.get("fieldRef"), Mapping):
            ref = source["fieldRef"]
            w.write(3, f"{name}:\t ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif isinstance(source.get("resourceFieldRef"), Mapping):
            resource = str(source["resourceFieldRef"].get("resource", ""))
            kind, _, what = resource.partition(".")
            amounts = (c.get("resources") or {}).get(kind) or {}
            value = _quantity(amounts[what]) if what in amounts else "0"
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({resource})\n")
        elif isinstance(source.get("secretKeyRef"), Mapping):
            ref = source["secretKeyRef"]
            optional = str(bool(ref.get("optional"))).lower()
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret "
                f"'{ref.get('name', '')}'>\tOptional: {optional}\n",
            )
        elif isinstance(source.get("configMapKeyRef"), Mapping):
            ref = source["configMapKeyRef"]
            optional = str(bool(ref.get("optional"))).lower()
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                f"'{ref.get('name', '')}'>\tOptional: {optional}\n",
            )


def _volumes(w: Writer, volumes: Sequence[Mapping[str, Any]]) -> None:
    """``describeVolumes`` for the volume sources the playground runs."""
    if not volumes:
        w.write(0, "  Volumes:\t<none>\n")
        return
    w.write(0, "  Volumes:\n")
    for v in volumes:
        w.write(1, f" {v.get('name', '')}:\n")
        if isinstance(v.get("emptyDir"), Mapping):
            source = v["emptyDir"]
            limit = source.get("sizeLimit")
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
            w.write(2, f"Medium:\t{source.get('medium') or ''}\n")
            w.write(2, f"SizeLimit:\t{_quantity(limit) if limit is not None else '<unset>'}\n")
        elif isinstance(v.get("configMap"), Mapping):
            source = v["configMap"]
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n")
            w.write(2, f"Name:\t{source.get('name', '')}\n")
            w.write(2, f"Optional:\t{str(bool(source.get('optional'))).lower()}\n")
        elif isinstance(v.get("secret"), Mapping):
            source = v["secret"]
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n")
            w.write(2, f"SecretName:\t{source.get('secretName', '')}\n")
            w.write(2, f"Optional:\t{str(bool(source.get('optional'))).lower()}\n")
        elif isinstance(v.get("downwardAPI"), Mapping):
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n")
            w.write(2, "Items:\n")
            for item in v["downwardAPI"].get("items") or []:
                ref = item.get("fieldRef") or item.get("resourceFieldRef") or {}
                what = ref.get("fieldPath") or ref.get("resource") or ""
                w.write(3, f"{what} -> {item.get('path', '')}\n")
        elif isinstance(v.get("projected"), Mapping):
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            )
        else:
            w.write(2, "<unknown>\n")


def _tolerations(w: Writer, tolerations: Sequence[Mapping[str, Any]]) -> None:
    w.write(0, "  Tolerations:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for i, t in enumerate(tolerations):
        if i:
            w.write(0, "  \t")
        text = str(t.get("key") or "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if t.get("key") or t.get("effect") else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def pod_template(w: Writer, template: Mapping[str, Any] | None) -> None:
    """``DescribePodTemplate``."""
    w.write(0, "Pod Template:\n")
    if not isinstance(template, Mapping):
        w.write(1, "<unset>")
        return
    meta = _v if isinstance(_v := template.get("metadata"), Mapping) else {}
    spec = _v if isinstance(_v := template.get("spec"), Mapping) else {}
    _labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations(w, "  Annotations", meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    for label, key in (("Init Containers", "initContainers"), ("Containers", "containers")):
        containers = [c for c in spec.get(key) or [] if isinstance(c, Mapping)]
        if key == "initContainers" and not containers:
            continue
        w.write(0, f"  {label}:{'' if containers else ' <none>'}\n")
        for c in containers:
            _container(w, c)
    _volumes(w, [v for v in spec.get("volumes") or [] if isinstance(v, Mapping)])
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, [t for t in spec.get("tolerations") or [] if isinstance(t, Mapping)])


def _controlled_by(obj: ApiObject) -> str:
    ref = obj.controller_ref()
    return f"{ref.kind}/{ref.name}" if ref is not None else ""


def _selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    match_labels = selector.get("matchLabels") or {}
    if any(labels.get(k) != str(v) for k, v in match_labels.items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, values = str(e.get("key", "")), [str(v) for v in e.get("values") or []]
        operator = e.get("operator")
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pods_status(store: APIStore, obj: ApiObject, selector: Mapping[str, Any]) -> str:
    """``getPodStatusForController``: its Pods (selected and controlled by it) by phase."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in store.list("Pod", obj.namespace):
        ref = pod.controller_ref()
        if ref is None or ref.uid != obj.uid or not _selector_matches(selector, pod.labels):
            continue
        phase = str(pod.status.get("phase") or "Pending")
        if phase in counts:
            counts[phase] += 1
    return (
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed"
    )


# -- the kinds -----------------------------------------------------------------------------


def _without_hash(template: Any) -> Any:
    if not isinstance(template, Mapping):
        return template
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != HASH_LABEL}
    meta["labels"] = labels
    return {**template, "metadata": meta}


def replica_sets_of(
    store: APIStore, deployment: ApiObject
) -> tuple[list[ApiObject], ApiObject | None]:
    """kubectl's ``GetAllReplicaSets``: the old ones with replicas, and the new one.

    The new ReplicaSet is the oldest controlled one whose template equals the
    Deployment's ignoring ``pod-template-hash``; old ones scaled to 0 are left out.
    """
    owned = [
        rs
        for rs in store.list("ReplicaSet", deployment.namespace)
        if (ref := rs.controller_ref()) is not None and ref.uid == deployment.uid
    ]
    owned.sort(key=lambda rs: (rs.created_ms, rs.name))
    wanted = _without_hash(deployment.spec.get("template"))
    new = next((rs for rs in owned if _without_hash(rs.spec.get("template")) == wanted), None)
    old = [rs for rs in owned if rs is not new and rs.spec.get("replicas", 1) != 0]
    return old, new


def _replica_sets(sets: Sequence[ApiObject]) -> str:
    """``printReplicaSetsByLabels``."""
    shown = [
        f"{rs.name} ({_int(rs.status.get('replicas'))}/{rs.spec.get('replicas', 1)} "
        "replicas created)"
        for rs in sets
    ]
    return ", ".join(shown) or "<none>"


def describe_deployment(
    store: APIStore, d: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec, status = d.spec, d.status
    w = Writer()
    w.write(0, f"Name:\t{d.name}\n")
    w.write(0, f"Namespace:\t{d.namespace}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(d.created_ms)}\n")
    _labels(w, "Labels", d.labels)
    _annotations(w, "Annotations", d.annotations)
    selector = _v if isinstance(_v := spec.get("selector"), Mapping) else {}
    w.write(0, f"Selector:\t{format_selector(selector)}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 1)} desired | {_int(status.get('updatedReplicas'))} "
        f"updated | {_int(status.get('replicas'))} total | "
        f"{_int(status.get('availableReplicas'))} available | "
        f"{_int(status.get('unavailableReplicas'))} unavailable\n",
    )
    strategy = _v if isinstance(_v := spec.get("strategy"), Mapping) else {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{_int(spec.get('minReadySeconds'))}\n")
    rolling = strategy.get("rollingUpdate")
    if isinstance(rolling, Mapping):
        w.write(
            0,
            f"RollingUpdateStrategy:\t{_int_or_string(rolling.get('maxUnavailable'))} max "
            f"unavailable, {_int_or_string(rolling.get('maxSurge'))} max surge\n",
        )
    pod_template(w, spec.get("template"))
    _conditions(w, status)
    old, new = replica_sets_of(store, d)
    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{_replica_sets(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replica_sets([new] if new is not None else [])}\n")
    _events(w, events, now_ms)
    return w.text()


def describe_replica_set(
    store: APIStore, rs: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec = rs.spec
    selector = _v if isinstance(_v := spec.get("selector"), Mapping) else {}
    w = Writer()
    w.write(0, f"Name:\t{rs.name}\n")
    w.write(0, f"Namespace:\t{rs.namespace}\n")
    w.write(0, f"Selector:\t{format_selector(selector)}\n")
    _labels(w, "Labels", rs.labels)
    _annotations(w, "Annotations", rs.annotations)
    controlled_by = _controlled_by(rs)
    if controlled_by:
        w.write(0, f"Controlled By:\t{controlled_by}\n")
    w.write(
        0,
        f"Replicas:\t{_int(rs.status.get('replicas'))} current / "
        f"{spec.get('replicas', 1)} desired\n",
    )
    w.write(0, f"Pods Status:\t{pods_status(store, rs, selector)}\n")
    pod_template(w, spec.get("template"))
    _conditions(w, rs.status)
    _events(w, events, now_ms)
    return w.text()


def describe_replication_controller(
    store: APIStore, rc: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    spec = rc.spec
    selector = _v if isinstance(_v := spec.get("selector"), Mapping) else {}
    w = Writer()
    w.write(0, f"Name:\t{rc.name}\n")
    w.write(0, f"Namespace:\t{rc.namespace}\n")
    w.write(0, f"Selector:\t{format_labels(selector)}\n")
    _labels(w, "Labels", rc.labels)
    _annotations(w, "Annotations", rc.annotations)
    w.write(
        0,
        f"Replicas:\t{_int(rc.status.get('replicas'))} current / "
        f"{spec.get('replicas', 1)} desired\n",
    )
    w.write(0, f"Pods Status:\t{pods_status(store, rc, {'matchLabels': selector})}\n")
    pod_template(w, spec.get("template"))
    _conditions(w, rc.status)
    _events(w, events, now_ms)
    return w.text()


DESCRIBERS: Final = {
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replica_set,
    "ReplicationController": describe_replication_controller,
}


def describe(store: APIStore, recorder: Recorder | None, now_ms: int, obj: ApiObject) -> str:
    """``kubectl describe`` of one object (with its Events when a recorder is given)."""
    events = recorder.events_for(obj.ref) if recorder is not None else None
    return DESCRIBERS[obj.kind](store, obj, events, now_ms)


def describe_text(
    store: APIStore, recorder: Recorder | None, now_ms: int, command: Command
) -> tuple[int, str]:
    """What ``kubectl describe`` prints for a parsed command; exit 1 if something was missing."""
    found: list[ApiObject] = []
    errors: list[str] = []
    for res, name in command.targets:
        if res.kind not in DESCRIBERS:
            return EXIT_ERROR, _not_described(res)
        if name is None:
            found += [o for o in listed(store, res.kind, command.namespace) if o not in found]
            continue
        obj = store.get(res.kind, command.namespace, name)
        if obj is None:
            errors.append(not_found(res, name))
        elif obj not in found:
            found.append(obj)
    if not found and not errors:
        return EXIT_OK, no_resources(command.namespace) + "\n"
    text = "\n\n".join(describe(store, recorder, now_ms, obj) for obj in found)
    text += "".join(f"{e}\n" for e in errors)
    return (EXIT_ERROR if errors else EXIT_OK), text


def _not_described(res: Resource) -> str:
    return (
        f"error: the playground describes deployments, replicasets and "
        f"replicationcontrollers here; {res.plural} are described in the Pod inspector\n"
    )
