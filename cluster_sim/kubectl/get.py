"""``kubectl get`` for a run: tables of Deployments, ReplicaSets, ReplicationControllers, Pods.

Pure functions from the store (and the run's simulated now) to the text
kubectl prints: the columns of the API server's table printers
(``pkg/printers/internalversion/printers.go``), laid out by Go's tabwriter
as kubectl does (minimum width 6, padding 3), and the resource names and
aliases kubectl knows them by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..controlplane.store import ApiObject, APIStore
from ..records import Recorder
from .get_batch import CRONJOB_HEADERS, JOB_HEADERS, WIDE, batch_row
from .get_netpol import NETPOL_HEADERS, netpol_row
from .get_policy import POLICY_HEADERS, policy_row
from .get_sets import SET_HEADERS, SET_KINDS, sets_row
from .text import format_labels, format_selector, human_duration, tabwrite


@dataclass(frozen=True, slots=True)
class Resource:
    """A kind as kubectl names it."""

    kind: str
    plural: str  # "deployments.apps": how NotFound names it
    singular: str  # "deployment.apps": the prefix of names when several kinds are listed
    aliases: tuple[str, ...]


RESOURCES: Final = (
    Resource(
        "Deployment",
        "deployments.apps",
        "deployment.apps",
        ("deploy", "deployment", "deployments", "deployment.apps", "deployments.apps"),
    ),
    Resource(
        "ReplicaSet",
        "replicasets.apps",
        "replicaset.apps",
        ("rs", "replicaset", "replicasets", "replicaset.apps", "replicasets.apps"),
    ),
    Resource(
        "ReplicationController",
        "replicationcontrollers",
        "replicationcontroller",
        ("rc", "replicationcontroller", "replicationcontrollers"),
    ),
    Resource("Pod", "pods", "pod", ("po", "pod", "pods")),
    Resource("Job", "jobs.batch", "job.batch", ("job", "jobs", "job.batch", "jobs.batch")),
    Resource(
        "CronJob",
        "cronjobs.batch",
        "cronjob.batch",
        ("cj", "cronjob", "cronjobs", "cronjob.batch", "cronjobs.batch"),
    ),
    Resource(
        "DaemonSet",
        "daemonsets.apps",
        "daemonset.apps",
        ("ds", "daemonset", "daemonsets", "daemonset.apps", "daemonsets.apps"),
    ),
    Resource(
        "StatefulSet",
        "statefulsets.apps",
        "statefulset.apps",
        ("sts", "statefulset", "statefulsets", "statefulset.apps", "statefulsets.apps"),
    ),
    Resource(
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        ("pvc", "persistentvolumeclaim", "persistentvolumeclaims"),
    ),
    Resource(
        "PodDisruptionBudget",
        "poddisruptionbudgets.policy",
        "poddisruptionbudget.policy",
        (
            "pdb",
            "poddisruptionbudget",
            "poddisruptionbudgets",
            "poddisruptionbudget.policy",
            "poddisruptionbudgets.policy",
        ),
    ),
    Resource(
        "NetworkPolicy",
        "networkpolicies.networking.k8s.io",
        "networkpolicy.networking.k8s.io",
        (
            "netpol",
            "networkpolicy",
            "networkpolicies",
            "networkpolicy.networking.k8s.io",
            "networkpolicies.networking.k8s.io",
        ),
    ),
)
_BY_ALIAS: Final = {alias: r for r in RESOURCES for alias in r.aliases}
EXIT_OK: Final = 0
EXIT_ERROR: Final = 1


class KubectlError(Exception):
    """What kubectl prints on stderr before exiting with status 1."""


def resource(name: str) -> Resource:
    """The resource kubectl means by ``name``; raise ``KubectlError`` as kubectl says it."""
    found = _BY_ALIAS.get(name.lower())
    if found is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')
    return found


def listed(store: APIStore, kind: str, namespace: str) -> list[ApiObject]:
    """A list as the API server answers it: in key order (by name within a namespace)."""
    return sorted(store.list(kind, namespace), key=lambda o: o.name)


def not_found(res: Resource, name: str) -> str:
    return f'Error from server (NotFound): {res.plural} "{name}" not found'


def no_resources(namespace: str) -> str:
    return f"No resources found in {namespace} namespace."


# -- rows ------------------------------------------------------------------------------


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _replicas(obj: ApiObject) -> int:
    value = obj.spec.get("replicas")
    return value if isinstance(value, int) else 1


def _containers(obj: ApiObject) -> list[dict[str, Any]]:
    template = obj.spec.get("template")
    spec = template.get("spec") if isinstance(template, dict) else None
    containers = spec.get("containers") if isinstance(spec, dict) else None
    return [c for c in containers or [] if isinstance(c, dict)]


def _wide(obj: ApiObject) -> list[str]:
    containers = _containers(obj)
    selector = obj.spec.get("selector")
    if obj.kind == "ReplicationController":
        shown = format_labels(selector if isinstance(selector, dict) else None)
    else:
        shown = format_selector(selector if isinstance(selector, dict) else None)
    return [
        ",".join(str(c.get("name", "")) for c in containers),
        ",".join(str(c.get("image", "")) for c in containers),
        shown,
    ]


def _age(obj: ApiObject, now_ms: int) -> str:
    return human_duration(now_ms - obj.created_ms)


def pod_status_column(obj: ApiObject) -> str:
    """kubectl's ``printPod`` STATUS of a stored Pod, from what its status holds.

    Waiting and terminated reasons count when ``containerStatuses`` carry
    Kubernetes' ``state`` objects; a state given only by name leaves the
    phase (or the Pod's reason) as the column.
    """
    status = obj.status
    shown = str(status.get("reason") or status.get("phase") or "Pending")
    for c in reversed(status.get("containerStatuses") or []):
        state = c.get("state") if isinstance(c, dict) else None
        if not isinstance(state, dict):
            continue
        waiting, terminated = state.get("waiting"), state.get("terminated")
        if isinstance(waiting, dict) and waiting.get("reason"):
            shown = str(waiting["reason"])
        elif isinstance(terminated, dict):
            if terminated.get("reason"):
                shown = str(terminated["reason"])
            elif terminated.get("signal"):
                shown = f"Signal:{terminated['signal']}"
            else:
                shown = f"ExitCode:{_int(terminated.get('exitCode'))}"
    if obj.deletion_timestamp is not None:
        shown = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return shown


def _pod_row(obj: ApiObject, now_ms: int, wide: bool, recorder: Recorder | None) -> list[str]:
    shown = recorder.last_state(("pod", obj.key)) if recorder is not None else None
    if shown is not None:
        # The kubelet's own READY, STATUS and RESTARTS (printPod's rules, sidecars included).
        ready, status, restarts = str(shown["ready"]), str(shown["status"]), shown["restarts"]
    else:
        statuses = [c for c in obj.status.get("containerStatuses") or [] if isinstance(c, dict)]
        total = len(obj.spec.get("containers") or [])
        ready = f"{sum(1 for c in statuses if c.get('ready'))}/{total}"
        status = pod_status_column(obj)
        restarts = sum(_int(c.get("restartCount")) for c in statuses)
    row = [obj.name, ready, status, str(restarts), _age(obj, now_ms)]
    if wide:
        gates = obj.spec.get("readinessGates") or []
        row += [
            str(obj.status.get("podIP") or "<none>"),
            str(obj.spec.get("nodeName") or "<none>"),
            str(obj.status.get("nominatedNodeName") or "<none>"),
            f"{sum(1 for _ in gates)}/{len(gates)}" if gates else "<none>",
        ]
    return row


_WIDE: Final = ["CONTAINERS", "IMAGES", "SELECTOR"]
_HEADERS: Final = {
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], _WIDE),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], _WIDE),
    "ReplicationController": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], _WIDE),
    "Pod": (
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    ),
    "Job": (JOB_HEADERS, WIDE),
    "CronJob": (CRONJOB_HEADERS, WIDE),
    **SET_HEADERS,
    **POLICY_HEADERS,
    **NETPOL_HEADERS,
}


def row(
    obj: ApiObject, now_ms: int, *, wide: bool = False, recorder: Recorder | None = None
) -> list[str]:
    """One object's cells under ``_HEADERS[obj.kind]`` (without LABELS).

    A Pod's READY, STATUS and RESTARTS are the kubelet's last ``pod`` record
    when the recorder is given, else what its stored status says.
    """
    status = obj.status
    if obj.kind == "Pod":
        return _pod_row(obj, now_ms, wide, recorder)
    if obj.kind in ("Job", "CronJob"):
        return batch_row(obj, now_ms, wide)
    if obj.kind in SET_KINDS:
        return sets_row(obj, now_ms, wide)
    if obj.kind in POLICY_HEADERS:
        return policy_row(obj, now_ms, wide)
    if obj.kind in NETPOL_HEADERS:
        return netpol_row(obj, now_ms, wide)
    if obj.kind == "Deployment":
        cells = [
            obj.name,
            f"{_int(status.get('readyReplicas'))}/{_replicas(obj)}",
            str(_int(status.get("updatedReplicas"))),
            str(_int(status.get("availableReplicas"))),
            _age(obj, now_ms),
        ]
    else:
        cells = [
            obj.name,
            str(_replicas(obj)),
            str(_int(status.get("replicas"))),
            str(_int(status.get("readyReplicas"))),
            _age(obj, now_ms),
        ]
    return cells + (_wide(obj) if wide else [])


def table(
    objects: Sequence[ApiObject],
    now_ms: int,
    *,
    wide: bool = False,
    show_labels: bool = False,
    prefix: str = "",
    recorder: Recorder | None = None,
) -> str:
    """The table ``kubectl get`` prints for ``objects`` of one kind (header first)."""
    if not objects:
        return ""
    base, extra = _HEADERS[objects[0].kind]
    header = base + (extra if wide else []) + (["LABELS"] if show_labels else [])
    lines = ["\t".join(header)]
    for obj in objects:
        cells = row(obj, now_ms, wide=wide, recorder=recorder)
        cells[0] = prefix + cells[0]
        if show_labels:
            cells.append(format_labels(obj.labels))
        lines.append("\t".join(cells))
    return tabwrite("\n".join(lines) + "\n", minwidth=6, padding=3)


# -- a parsed command ------------------------------------------------------------------


@dataclass
class Command:
    verb: str
    targets: list[tuple[Resource, str | None]]
    namespace: str = "default"
    wide: bool = False
    show_labels: bool = False


def get_text(
    store: APIStore, now_ms: int, command: Command, recorder: Recorder | None = None
) -> tuple[int, str]:
    """What ``kubectl get`` prints: tables, then errors; exit 1 if any object was missing."""
    groups: dict[str, list[ApiObject]] = {}
    order: list[Resource] = []
    errors: list[str] = []
    for res, name in command.targets:
        if res not in order:
            order.append(res)
        objs = groups.setdefault(res.kind, [])
        if name is None:
            objs += listed(store, res.kind, command.namespace)
            continue
        obj = store.get(res.kind, command.namespace, name)
        if obj is None:
            errors.append(not_found(res, name))
        elif obj not in objs:
            objs.append(obj)
    several = len(order) > 1
    tables = [
        table(
            groups[res.kind],
            now_ms,
            wide=command.wide,
            show_labels=command.show_labels,
            prefix=f"{res.singular}/" if several else "",
            recorder=recorder,
        )
        for res in order
        if groups[res.kind]
    ]
    text = "\n".join(tables)
    if not tables and not errors:
        return EXIT_OK, no_resources(command.namespace) + "\n"
    text += "".join(f"{e}\n" for e in errors)
    return (EXIT_ERROR if errors else EXIT_OK), text
