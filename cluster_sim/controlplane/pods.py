"""Pods at the API server: the kinds a run's store knows, Pod admission, Pod status.

``register_kinds`` registers the core kinds (Pod, ConfigMap, Secret, Service,
ServiceAccount, Node, Namespace). A Pod's admission is what the API server
does with a Pod a controller creates from its template: defaulting
(``SetDefaults_PodSpec``), ``ValidatePodCreate`` with its messages, the
PodSecurity admission plugin's enforce level (its 403 ``pods "x" is forbidden:
violates PodSecurity ...`` becomes the controller's FailedCreate event), and the
playground's Pod-count limit, refused with the playground's plain message.

``pod_model`` turns a stored Pod into the simulator's ``model.Pod`` (what the
scheduler and the kubelet run); ``pod_status`` is the Pod's ``status`` as the
kubelet writes it to the API server (``update_status``), the part controllers
read: phase, conditions with their lastTransitionTime, containerStatuses,
podIP, reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..admission.apply import CLUSTER_POD_SECURITY
from ..bundle import _container
from ..model import Pod, PodSpec
from ..nodestate import PodRuntime
from ..status import STATE_NAMES, ContainerRef, ContainerStatus, Terminated
from ..validation import validate_pod_create
from ..validation.defaults import pod_spec as default_pod_spec
from .store import ApiError, ApiObject, APIStore, KindInfo

CORE_KINDS: tuple[tuple[str, str, bool], ...] = (
    # kind, resource, namespaced
    ("Namespace", "namespaces", False),
    ("Node", "nodes", False),
    ("ConfigMap", "configmaps", True),
    ("Secret", "secrets", True),
    ("Service", "services", True),
    ("ServiceAccount", "serviceaccounts", True),
)


class PodAdmission:
    """Defaulting, validation and the Pod-count limit for Pods created through the store.

    ``trusted`` is set while the run creates the bundle's own Pods: the bundle
    has validated and counted them already (with line numbers), so admission
    does not repeat it.
    """

    def __init__(self, live_pods: Callable[[], int], max_pods: Callable[[], int]) -> None:
        self.live_pods = live_pods
        self.max_pods = max_pods
        self.trusted = False
        self.store: APIStore | None = None  # set by register_kinds: Namespaces' labels

    def default(self, body: dict[str, Any]) -> None:
        if self.trusted:
            return
        spec = body.get("spec")
        if spec is None:
            spec = body["spec"] = {}
        if isinstance(spec, dict):
            default_pod_spec(spec, is_pod=True)

    def validate(self, manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
        if self.trusted or old is not None:
            return []
        causes = [str(e) for e in validate_pod_create(manifest)]
        if causes:
            return causes
        self.pod_security(manifest)
        live, limit = self.live_pods(), self.max_pods()
        if live + 1 > limit:
            raise ApiError(
                f"the playground runs at most {limit:,} Pods at once; this would make {live + 1:,}"
            )
        return []

    def pod_security(self, manifest: dict[str, Any]) -> None:
        """PodSecurity's enforce level for a new Pod (a controller's: its warnings go unread)."""
        meta = manifest.get("metadata")
        namespace = str(meta.get("namespace") or "default") if isinstance(meta, dict) else "default"
        ns = self.store.get("Namespace", "", namespace) if self.store is not None else None
        decision = CLUSTER_POD_SECURITY.validate_pod(
            namespace, ns.labels if ns is not None else {}, manifest
        )
        if not decision.allowed:
            raise ApiError(decision.message)


def register_kinds(store: APIStore, admission: PodAdmission) -> None:
    admission.store = store
    store.register(
        KindInfo(
            "Pod",
            "pods",
            "v1",
            default=admission.default,
            validate=admission.validate,
            graceful=True,
        )
    )
    for kind, resource, namespaced in CORE_KINDS:
        store.register(KindInfo(kind, resource, "v1", namespaced=namespaced))


def pod_model(obj: ApiObject) -> Pod:
    """The simulator's ``model.Pod`` of a stored (admitted, defaulted) Pod."""
    manifest = {"apiVersion": "v1", "kind": "Pod", **obj.body, "metadata": obj.metadata()}
    spec = obj.spec
    return Pod(
        namespace=obj.namespace,
        name=obj.name,
        labels=dict(obj.labels),
        annotations=dict(obj.annotations),
        spec=PodSpec(
            containers=tuple(_container(c) for c in spec.get("containers") or []),
            init_containers=tuple(
                _container(c, init=True) for c in spec.get("initContainers") or []
            ),
            restart_policy=spec.get("restartPolicy") or "Always",
            node_name=spec.get("nodeName"),
            node_selector=dict(spec.get("nodeSelector") or {}),
            termination_grace_period_seconds=int(spec.get("terminationGracePeriodSeconds", 30)),
        ),
        manifest=manifest,
    )


def owner_field(obj: ApiObject) -> str:
    """``Kind/ns/name`` of the Pod's controller, for the ``pod`` record ("" if none)."""
    ref = obj.controller_ref()
    return f"{ref.kind}/{obj.namespace}/{ref.name}" if ref is not None else ""


def _terminated(state: Terminated) -> dict[str, Any]:
    """``state.terminated`` of a finished container (what the Job controller reads)."""
    terminated: dict[str, Any] = {
        "exitCode": state.exit_code,
        "reason": state.reason,
        "finishedAt": state.finished_at,
    }
    if state.message:
        terminated["message"] = state.message  # the termination message (issue #13, item 7)
    return terminated


def pod_status(rt: PodRuntime, regular: Sequence[ContainerRef], now_ms: int) -> dict[str, Any]:
    """The Pod's ``status`` as the kubelet writes it to the API server (times in ms).

    ``status.containerStatuses`` has one entry per regular container with a status.
    An entry is a function of the container's ``ContainerStatus`` (frozen, replaced on
    every change) and, before the runtime reports an image, of the spec (replaced by
    an apply, never mutated): ``rt.published.container_entries`` keeps the entry per
    container with the pair it was built from, so an unchanged container's entry is the
    same object, which the store's compare of old and new status passes by identity
    (the loop written here, not in a function of its own: every publish runs it).
    """
    statuses = rt.statuses
    conditions = _conditions(rt, now_ms)
    entries = rt.published.container_entries
    pod = rt.pod
    container_statuses = []
    for ref in regular:
        name = ref.name
        s = statuses.get(name)
        if s is None:
            continue
        cached = entries.get(name)
        if cached is not None and cached[0] is s and cached[1] is pod:
            container_statuses.append(cached[2])
            continue
        entry = _container_status(rt, name, s)
        entries[name] = (s, pod, entry)
        container_statuses.append(entry)
    status: dict[str, Any] = {
        "phase": rt.phase,
        "conditions": conditions,
        "containerStatuses": container_statuses,
        "podIP": rt.network.ip or None,
        "reason": rt.reason,
        "qosClass": rt.qos_class,
    }
    if rt.message:
        status["message"] = rt.message
    if rt.node is not None:
        status["hostIP"] = rt.node.node_ip
    return status


def _conditions(rt: PodRuntime, now_ms: int) -> list[dict[str, Any]]:
    """``status.conditions``, each with the time its status last changed.

    ``rt.condition_entries`` keeps, per condition type, the ``Condition`` last
    written, its lastTransitionTime and its entry: the same Condition (frozen, and
    the status manager hands out the same ones while nothing changes) or an equal
    status and reason is the same entry; a new status starts a new time. Most
    publishes change one condition or none. Stored statuses are replaced, never
    edited in place, so sharing entries between them is safe.
    """
    conditions = []
    entries = rt.published.condition_entries
    for name, c in rt.conditions.items():
        cached = entries.get(name)
        if cached is not None:
            was = cached[0]
            if was is c:
                conditions.append(cached[2])
                continue
            status = c.status
            if was.status == status:
                if was.reason == c.reason:
                    entries[name] = (c, cached[1], cached[2])
                    conditions.append(cached[2])
                    continue
                since = cached[1]
            else:
                since = now_ms
        else:
            status = c.status
            since = now_ms
        condition = {"type": name, "status": status, "lastTransitionTime": since}
        if c.reason:
            condition["reason"] = c.reason
        entries[name] = (c, since, condition)
        conditions.append(condition)
    return conditions


def _container_status(rt: PodRuntime, name: str, s: ContainerStatus) -> dict[str, Any]:
    """One ``status.containerStatuses`` entry."""
    state = s.state
    entry = {
        "name": name,
        "ready": s.ready,
        "restartCount": s.restart_count,
        "state": STATE_NAMES[type(state)],
        "started": bool(s.started),
        # the runtime's image and repo digest once created (issue #16)
        "image": s.image or _spec_image(rt, name),
        "imageID": s.image_id,
    }
    if isinstance(state, Terminated):
        entry["terminated"] = _terminated(state)
    return entry


def _spec_image(rt: PodRuntime, name: str) -> str:
    """The spec's image of regular container ``name`` (before the runtime reports one)."""
    return next((c.image for c in rt.pod.spec.containers if c.name == name), "")
