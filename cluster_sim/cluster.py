"""The cluster of a run: its API store, nodes, Pods and their kubelets, and its records."""

from __future__ import annotations

import copy
import random
import uuid
import weakref
from collections.abc import Mapping
from typing import Any

import simpy

from .admission.apply import relabel_namespace
from .backoff import crash_loop_backoff, image_pull_backoff
from .bundle import Bundle, load_bundle
from .controlplane.context import ControlContext
from .controlplane.manager import start_controllers
from .controlplane.node_lifecycle import NodeLifecycleController
from .controlplane.podgc import PodGarbageCollector
from .controlplane.pods import (
    PodAdmission,
    owner_field,
    pod_model,
    register_kinds,
)
from .controlplane.scheduler import Scheduler
from .controlplane.store import ADDED, DELETED, ApiError, ApiObject, APIStore, WatchType
from .errors import BundleError
from .event_reasons import EventReason
from .eviction import EvictionManager
from .faults import Faults
from .kubectl import error_notice
from .kubelet import PodWorker
from .kubelet.container_env import LinkedEnvironments
from .kubelet.host import MeteredContainer
from .kubelet.logs import LogTotals
from .limits import DEFAULT_LIMITS, RunLimits
from .model import Container, Node, Pod, Resources
from .nodestate import NodeState, PodRuntime
from .objects import ObjectStore
from .pod_records import PodRecords
from .quantity import Quantity
from .record_types import TERMINAL_PHASES, EventType, PodPhase
from .records import Recorder, event_objects
from .scenario import Scenario
from .services import ServiceNetwork
from .status import Condition, ContainerStatus
from .userland.filesystem import Volume
from .validation import validate_pod_update

DEFAULT_HORIZON_S = DEFAULT_LIMITS.horizon_s


# ``uuid.UUID(int=n, version=4)``'s bits: the variant (10xx) and the version (0100)
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building the UUID object.

    A thousand-Pod run draws a thousand uids in its first instant; the UUID's
    constructor checks and ``__str__`` cost more than the text itself.
    """
    h = f"{(bits & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Cluster:
    """The API objects and controllers of one run, on one SimPy clock."""

    def __init__(
        self, env: simpy.Environment, bundle: Bundle, seed: int, limits: RunLimits = DEFAULT_LIMITS
    ) -> None:
        self.env = env
        self.rng = random.Random(seed)
        self.log_totals = LogTotals()  # bytes of container log files held (kubelet.logs)
        self.log_rate: int | None = DEFAULT_LIMITS.log_lines_per_container_second
        self.recorder = Recorder(env, event_objects(limits))
        self.store = APIStore(env, self.rng, self.new_uid)
        self.records = PodRecords(env, self.recorder, self.store)
        self.admission = PodAdmission(lambda: len(self.runtimes), lambda: self._limits.pods)
        register_kinds(self.store, self.admission)
        self.store.hook("Pod", self._pod_written)
        self.runtimes: dict[str, PodRuntime] = {}  # live Pods by uid
        self._live: dict[str, PodRuntime] = {}  # live Pods by ns/name
        self._incoming: Pod | None = None  # the bundle's Pod being created
        self._side_uids = 0
        self._limits = limits
        self.ctx = ControlContext(
            env, self.store, self.recorder, self.rng, self._limits, self.notice
        )
        self.registry = self.ctx.registry  # the run's image registry (issue #16)
        self.nodes = [NodeState(n, i, env) for i, n in enumerate(bundle.nodes)]
        for ns in self.nodes:
            ns.eviction = EvictionManager(self, ns)
        # ``env._now``, SimPy's ``now`` without its property call: read on every restart
        self.crash_loop_backoff = crash_loop_backoff(lambda: int(self.env._now))
        self.image_backoff = image_pull_backoff(lambda: int(self.env._now))
        scenario = bundle.scenario or Scenario()
        if scenario.start_ms is not None:
            self.ctx.epoch_ms = scenario.start_ms
        self.faults = Faults(env, scenario.faults)
        self.pods: list[PodRuntime] = []
        self.workers: dict[str, PodWorker] = {}
        self._dying: dict[str, PodWorker] = {}  # force-deleted Pods their kubelet still kills
        # containers holding data since the last count -> (Pod key, name) (``program_data_bytes``)
        self._metered: dict[MeteredContainer, tuple[str, str]] = {}
        self.objects = ObjectStore(self.rng)
        self.objects.add_builtins(ns.name for ns in bundle.namespaces)
        # the environments of containers without env and envFrom, shared by the Pods
        self.linked_environments = LinkedEnvironments(self.objects)
        self.claims: dict[str, Volume] = {}
        self.services = ServiceNetwork(self)
        self.ticks: dict[int, simpy.Event] = {}  # shared probe timers by instant (ms)
        self.scheduler = Scheduler(
            self.store,
            self.recorder,
            self.rng,
            self.nodes,
            self.runtimes.get,
            self.publish_pod,
            self.bind,
        )
        self.scheduler.start()
        self.node_lifecycle = NodeLifecycleController(
            env, self.store, self.recorder, self.nodes, lambda: self.pods, self.publish_pod
        )
        self.node_lifecycle.start()
        self.store.hook("Node", self._node_written)
        self.pod_gc = PodGarbageCollector(self.ctx)
        self.pod_gc.start()
        for namespace in bundle.namespaces:
            labels = dict(namespace.labels)
            self.mirror("Namespace", {"metadata": {"name": namespace.name, "labels": labels}})
        for kind, manifest in bundle.objects:
            self.objects.put(kind, manifest, 0)
            self.mirror(kind, manifest)
        for message in bundle.notices:
            self.recorder.emit("notice", message=message)
        for ns in self.nodes:
            ns.api = self.mirror("Node", node_manifest(ns))
            self.publish_node(ns)
        for pod in bundle.pods:
            self.create_pod(pod)
        self.controllers = start_controllers(self.ctx)
        for kind, manifest in getattr(bundle, "workloads", ()):
            self.apply_object(kind, manifest)
        for namespace in bundle.namespaces:
            self.services.publish(namespace.name)

    @property
    def limits(self) -> RunLimits:
        """The Simulation's limits, for what actions and controllers add."""
        return self._limits

    def new_uid(self) -> str:
        return uuid4_text(self.rng.getrandbits(128))

    def side_uid(self, name: str) -> str:
        """A uid for an object the run mirrors into the store: no draw from ``rng``.

        Pods' uids come from ``rng`` in creation order, as before the store
        existed; Nodes, Namespaces, ConfigMaps... get a deterministic uid of
        their own so that mirroring them changes no Pod's uid (DESIGN.md).
        """
        self._side_uids += 1
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self._side_uids}/{name}"))

    def mirror(self, kind: str, manifest: Mapping[str, Any]) -> ApiObject | None:
        """Create or update ``kind`` in the store as the bundle or an apply gave it."""
        meta = manifest.get("metadata") or {}
        info = self.store.kinds[kind]
        namespace = str(meta.get("namespace") or "default") if info.namespaced else ""
        existing = self.store.get(kind, namespace, str(meta.get("name") or ""))
        try:
            if existing is not None:
                return self.store.update(existing, manifest)
            return self.store.create(kind, manifest, uid=self.side_uid(f"{kind}/{namespace}"))
        except ApiError as error:
            self.notice(error_notice(error))
            return None

    def apply_object(self, kind: str, manifest: Mapping[str, Any]) -> ApiObject | None:
        """``kubectl apply`` of a kind only the store handles (Deployment, ReplicaSet...)."""
        if kind not in self.store.kinds:
            self.notice(f'error: the server doesn\'t have a resource type "{kind.lower()}"')
            return None
        return self.mirror(kind, manifest)

    def new_container_id(self) -> str:
        # printf-style: ~0.9k instructions fewer than the f-string's format spec per start
        return "%064x" % self.rng.getrandbits(256)  # noqa: UP031

    def tick_at(self, at_ms: int) -> simpy.Event:
        """A timer event at ``at_ms``, shared by every probe worker ticking then.

        Workers created together tick together (every Pod's ticker is anchored
        at its worker's start): one SimPy event per instant instead of one per
        probe, with the callbacks in the order the workers asked, which is the
        order separate timers would have fired in.
        """
        timer = self.ticks.get(at_ms)
        if timer is None or timer.callbacks is None:
            timer = self.env.timeout(at_ms - int(self.env.now))

            def forget(_event: simpy.Event) -> None:
                self.ticks.pop(at_ms, None)

            timer.callbacks.append(forget)
            self.ticks[at_ms] = timer
        return timer

    def claim(self, namespace: str, name: str) -> Volume:
        """A PersistentVolumeClaim's volume: it outlives the Pods that mount it."""
        key = f"{namespace}/{name}"
        if key not in self.claims:
            self.claims[key] = Volume(f"pvc:{key}")
        return self.claims[key]

    def put_object(self, kind: str, manifest: dict[str, Any]) -> None:
        """Create or update a ConfigMap, Secret, Service or ServiceAccount."""
        meta = manifest.get("metadata") or {}
        namespace = meta.get("namespace") or "default"
        existing = self.objects.get(kind, namespace, str(meta.get("name")))
        immutable = (
            existing is not None
            and kind in ("ConfigMap", "Secret")
            and existing.manifest.get("immutable") is True
        )
        if (
            immutable
            and existing is not None
            and (
                existing.manifest.get("data") != manifest.get("data")
                or existing.manifest.get("stringData") != manifest.get("stringData")
            )
        ):
            self.notice(
                f'{kind} "{existing.name}" is invalid: data: Forbidden: field is immutable '
                "when `immutable` is set"
            )
            return
        self.objects.put(kind, manifest, int(self.env.now))
        self.mirror(kind, manifest)
        self.objects.add_namespace_builtins(namespace, int(self.env.now))
        if kind == "Service":
            self.services.publish(namespace)
        for worker in list(self.workers.values()):
            worker.objects_changed()

    def container_started(self, key: str, name: str, instance: MeteredContainer) -> None:
        """Pod ``key``'s container ``name`` began to run: its programs' data counts.

        It joins the count (``program_data_bytes``) when its meter first holds data,
        now or later (``Memory.on_data``): a container whose programs hold none (a
        server behaviour, ``echo; exit``) adds 0 to the sum and is never walked.
        """
        meter = instance.meter
        if meter is None:
            return
        # Weak: the instance holds the meter (its process's filesystem's); a strong
        # reference back would add a reference cycle through every container.
        started = weakref.ref(instance)

        def holds_data() -> None:
            live = started()
            if live is not None:  # a container let go of is not counted anyway
                self._metered[live] = (key, name)

        meter.on_data = holds_data
        if meter.stored:  # data charged while the instance was being built
            holds_data()

    def program_data_bytes(self) -> int:
        """Bytes of data the running containers' programs hold that the simulator keeps.

        Their variables, strings, pipes and memory-backed files, as the
        userland's memory meter stores them (``userland.memory``: at most its
        cap per container). Memory a program is only charged for (a stress
        worker's pages, a Scenario's growth) costs the simulator nothing.

        Only containers whose meter has held data since the last count are
        looked at (``container_started``), not every Pod: the others add 0. A
        container counts while it runs as its Pod worker's current instance; one
        that exited, was replaced or whose Pod is gone never counts again and is
        let go (should its meter hold data again, the next count lets it go again).
        """
        total = 0
        gone = []
        for instance, (key, name) in self._metered.items():
            worker = self.workers.get(key)
            if (
                instance.exit_code is None
                and instance.meter is not None
                and worker is not None
                and worker.instances.get(name) is instance
            ):
                total += instance.meter.stored
            else:
                gone.append(instance)
        for instance in gone:
            del self._metered[instance]
        return total

    def notice(self, message: str) -> None:
        self.recorder.emit("notice", message=message)

    def find_pod(self, key: str) -> PodRuntime | None:
        return self._live.get(key)

    def find_node(self, name: str) -> NodeState | None:
        return next((n for n in self.nodes if n.node.name == name), None)

    # -- API server and scheduler ----------------------------------------------

    def create_pod(self, pod: Pod) -> None:
        """A bare Pod from the bundle or an apply: created in the store, run as itself."""
        if self.find_pod(pod.key) is not None:
            self.notice(f'pods "{pod.name}" already exists in namespace "{pod.namespace}"')
            return
        self._incoming = pod
        self.admission.trusted = True  # load_bundle validated and counted it
        try:
            self.store.create("Pod", pod.manifest)
        except ApiError as error:
            self.notice(error_notice(error))
        finally:
            self._incoming = None
            self.admission.trusted = False

    def _pod_written(self, kind: WatchType, obj: ApiObject) -> None:
        """The node side's view of a Pod write (a store hook, inside the write)."""
        if kind is ADDED:
            # A status the kubelet wrote itself changes nothing it reads (pod config's
            # RECONCILE): of the Pod's writes it takes the others (a deletion, an owner,
            # the Pod GC's status write), so the kubelet's own ones skip this hook.
            self.store.ignore_kubelet_status(obj, self._pod_written)
            pod = self._incoming
            if pod is None or pod.key != obj.key:
                pod = pod_model(obj)
            self._start_pod(obj, pod)
            return
        rt = self.runtimes.get(obj.uid)
        if rt is None or rt.removed:
            return
        if kind is DELETED:
            self._pod_gone(rt, obj)
            return
        if obj.owner_references is not rt.owner_refs:  # adopted or released
            rt.owner_refs = obj.owner_references
            owner = owner_field(obj)
            if owner != rt.owner:
                rt.owner = owner
                self.publish_pod(rt)
        if rt.node is not None and rt.node.removed and rt.phase != PodPhase.FAILED:
            self._node_gone(rt, obj)
        if obj.deletion_timestamp is not None and rt.deletion_timestamp is None:
            _keep_disruption_target(rt, obj)  # an eviction's DisruptionTarget (issue #12)
            self._pod_deleting(rt, obj)

    def _node_gone(self, rt: PodRuntime, obj: ApiObject) -> None:
        """The Pod garbage collector marked a Pod of a deleted node Failed."""
        if obj.status.get("phase") != PodPhase.FAILED:
            return
        rt.phase = PodPhase.FAILED
        for c in obj.status.get("conditions") or []:
            if c.get("type") == "DisruptionTarget":
                rt.conditions["DisruptionTarget"] = Condition(
                    "DisruptionTarget", str(c.get("status")), str(c.get("reason") or "")
                )
        self.publish_pod(rt)

    def _start_pod(self, obj: ApiObject, pod: Pod) -> None:
        rt = PodRuntime(pod, obj.uid)
        rt.api = obj
        rt.owner = owner_field(obj)
        rt.owner_refs = obj.owner_references
        self.runtimes[obj.uid] = rt
        self._live[rt.key] = rt
        self.pods.append(rt)
        self.publish_pod(rt)
        if pod.spec.node_name:
            node = next((n for n in self.nodes if n.node.name == pod.spec.node_name), None)
            if node is None:
                self.recorder.emit(
                    "notice",
                    message=f'Pod {pod.key} names node "{pod.spec.node_name}", which '
                    "does not exist: no kubelet will ever run it, so it stays Pending",
                )
                return
            self.bind(rt, node)

    def bind(self, rt: PodRuntime, node: NodeState) -> None:
        """The Pod is assigned to ``node``: its kubelet starts a pod worker."""
        rt.node = node
        if rt.api is not None:
            spec = rt.api.body.get("spec")
            if isinstance(spec, dict):
                spec["nodeName"] = node.node.name
        node.usage.add(rt.pod)
        rt.conditions = {"PodScheduled": Condition("PodScheduled", "True")}
        self.workers[rt.key] = PodWorker(self, rt, node, self.linked_environments)

    def pod_finished(self, rt: PodRuntime) -> None:
        """A terminal Pod no longer holds resources; retry the Pods waiting for room."""
        if rt.node is not None and not rt.released:
            rt.released = True
            rt.node.usage.remove(rt.pod)
        self.retry_unschedulable()

    def retry_unschedulable(self) -> None:
        self.scheduler.retry_unschedulable()

    def _pod_deleting(self, rt: PodRuntime, obj: ApiObject) -> None:
        """A graceful delete (the store applied ``CheckGracefulDelete``); the kubelet's part."""
        rt.mark_deleting(obj.deletion_timestamp, obj.deletion_grace_seconds)
        if rt.node is not None and rt.node.failed:
            # No kubelet to confirm (the taint manager's eviction): it stays Terminating.
            self.publish_pod(rt)
            return
        worker = self.workers.get(rt.key)
        if worker is None or rt.phase in TERMINAL_PHASES:
            self.scheduler.forget(rt)
            self.publish_pod(rt)
            self.pod_removed(rt)
            return
        self.publish_pod(rt)
        worker.delete()

    def _pod_gone(self, rt: PodRuntime, obj: ApiObject) -> None:
        """The API object is gone. Deleted without grace (a force delete) while its
        containers run, the Pod is still its kubelet's to kill: the kubelet learns
        of it from the watch and stops the containers with the grace period
        ``calculateEffectiveGracePeriod`` gives (the Pod's own, at least 1 s), but
        the Pod has no status to write any more (DESIGN.md "Force deletion")."""
        worker = self.workers.get(rt.key)
        alive = (
            worker is not None
            and rt.phase not in TERMINAL_PHASES
            and not (rt.node is not None and rt.node.failed)
        )
        kill = alive and rt.deletion_timestamp is None  # else its termination is under way
        if kill:
            rt.mark_deleting(obj.deletion_timestamp, obj.deletion_grace_seconds)
            self.publish_pod(rt)  # its last state: Terminating, grace 0
        self._forget_pod(rt, keep_logs=alive)
        if kill and worker is not None:
            rt.deletion_grace_seconds = max(rt.pod.spec.termination_grace_period_seconds, 1)
            worker.delete()

    def pod_removed(self, rt: PodRuntime) -> None:
        """The kubelet confirmed the Pod is gone; the API object is deleted."""
        if rt.removed:  # force-deleted: the object went first; the kubelet is done now
            dying = self._dying.pop(rt.uid, None)
            if dying is not None:
                dying.release()
            return
        if rt.api is not None and self.store.by_uid(rt.uid) is rt.api:
            self.store.remove(rt.api)  # DELETED: ``_forget_pod``
        else:
            self._forget_pod(rt)

    def _forget_pod(self, rt: PodRuntime, *, keep_logs: bool = False) -> None:
        self.pod_finished(rt)
        rt.removed = True
        self.services.forget_pod(rt)  # its endpoints record follows at the next publish
        worker = self.workers.pop(rt.key, None)
        if worker is not None and keep_logs:
            self._dying[rt.uid] = worker  # still killing its containers
        elif worker is not None:
            worker.release()
        self.recorder.emit("deleted", pod=rt.key)
        self.runtimes.pop(rt.uid, None)
        if self._live.get(rt.key) is rt:
            del self._live[rt.key]
        self.pods.remove(rt)  # live Pods only, in creation order

    def kill_container(self, key: str, container: str, exit_code: int) -> None:
        worker = self.workers.get(key)
        if worker is None or not worker.kill(container, exit_code):
            self.notice(f"kill: container {container} of Pod {key} is not running")

    def _node_written(self, kind: WatchType, obj: ApiObject) -> None:
        """The node side of a Node write: a kubelet joins, is cordoned, or its machine goes."""
        ns = next((n for n in self.nodes if n.api is obj), None)
        if kind is WatchType.ADDED and ns is None and self.find_node(obj.name) is None:
            self._node_joined(obj)
        elif ns is None or ns.removed:
            return
        elif kind is WatchType.DELETED:
            self._node_deleted(ns)
        elif bool(obj.spec.get("unschedulable")) != ns.cordoned:
            ns.cordoned = not ns.cordoned
            self.set_unschedulable(ns, ns.cordoned)

    def _node_joined(self, obj: ApiObject) -> None:
        allocatable = obj.status.get("allocatable") or {}
        node = Node(
            name=obj.name,
            labels=dict(obj.labels),
            allocatable=Resources(
                Quantity.parse(str(allocatable.get("cpu", "4"))).milli_value(),
                Quantity.parse(str(allocatable.get("memory", "8Gi"))).value(),
            ),
            max_pods=int(Quantity.parse(str(allocatable.get("pods", "110"))).value()),
            unschedulable=bool(obj.spec.get("unschedulable")),
            manifest=obj.manifest(),
        )
        ns = NodeState(node, len(self.nodes), self.env)
        ns.api = obj
        ns.eviction = EvictionManager(self, ns)
        self.nodes.append(ns)
        self.recorder.event(
            EventType.NORMAL,
            EventReason.REGISTERED_NODE,
            f"Node/{obj.name}",
            f"Node {obj.name} event: Registered Node {obj.name} in Controller",
            "node-controller",
        )
        self.publish_node(ns)
        self.retry_unschedulable()

    def _node_deleted(self, ns: NodeState) -> None:
        """``kubectl delete node``: the machine and its kubelet are gone with it."""
        ns.removed = True
        ns.failed = True
        ns.usage.unschedulable = True
        for rt in self.pods:
            worker = self.workers.get(rt.key)
            if rt.node is ns and worker is not None and not rt.removed:
                worker.node_failed()
        self._dying_node_gone(ns)
        self.publish_node(ns)

    def set_unschedulable(self, ns: NodeState, unschedulable: bool) -> None:
        """The node's ``spec.unschedulable`` changed (``kubectl cordon``/``uncordon``)."""
        name = ns.node.name
        if ns.usage.unschedulable == unschedulable:
            return
        ns.usage.unschedulable = unschedulable
        condition = (
            EventReason.NODE_NOT_SCHEDULABLE if unschedulable else EventReason.NODE_SCHEDULABLE
        )
        self.recorder.event(
            EventType.NORMAL,
            condition,
            f"Node/{name}",
            f"Node {name} status is now: {condition}",
            "kubelet",
        )
        self.publish_node(ns)
        if not unschedulable:
            self.retry_unschedulable()

    def fill_memory(self, key: str, container: str, mib: float) -> None:
        worker = self.workers.get(key)
        instance = worker.instances.get(container) if worker is not None else None
        if instance is None or not instance.running:
            self.notice(f"fillMemory: container {container} of Pod {key} is not running")
            return
        instance.charge(instance.memory + int(mib * 1024 * 1024))

    def fail_node(self, name: str) -> None:
        """The node stops: its containers die with it and its kubelet goes silent.

        The node controller marks the node's Pods not ready after the 40 s
        node-monitor grace period, and the taint manager evicts them after the
        default 300 s toleration for ``node.kubernetes.io/unreachable``; with
        no kubelet to confirm, they stay Terminating.
        """
        ns = self.find_node(name)
        if ns is None:
            self.notice(f'nodes "{name}" not found')
            return
        if ns.failed:
            return
        ns.failed = True
        ns.usage.unschedulable = True
        for rt in self.pods:
            worker = self.workers.get(rt.key)
            if rt.node is ns and worker is not None and not rt.removed:
                worker.node_failed()
        self._dying_node_gone(ns)
        self.publish_node(ns)  # its heartbeat stops: the node lifecycle controller takes over

    def _dying_node_gone(self, ns: NodeState) -> None:
        """Force-deleted Pods still being killed there vanish with the node."""
        for uid, dying in list(self._dying.items()):
            if dying.node is ns:
                dying.node_failed()
                dying.release()
                del self._dying[uid]

    def apply(self, text: str, line: int) -> None:
        """``kubectl apply`` of Pods: create new ones, update images of existing ones."""
        try:
            # A live apply (line 0) is the page's editor; a Scenario's names its line.
            source = f"apply (scenario line {line})" if line else "editor.yaml"
            bundle = load_bundle([(source, text)], self.limits)
        except BundleError as exc:
            for error in exc.errors:
                self.notice(f"apply: {error}")
            return
        for warning in bundle.warnings:  # skipped kinds; PodSecurity's refusals and warnings
            self.notice(f"apply: {warning.message}")
        live = len(self.runtimes)
        new = sum(1 for pod in bundle.pods if self.find_pod(pod.key) is None)
        if live + new > self.limits.pods:
            self.notice(
                f"apply: the playground runs at most {self.limits.pods:,} Pods at once; "
                f"this would make {live + new:,}"
            )
            return
        for ns in bundle.namespaces:
            if not ns.implicit:
                self.apply_namespace(ns.name, ns.labels)
        for kind, manifest in bundle.objects:
            self.put_object(kind, manifest)
        for pod in bundle.pods:
            self.apply_pod(pod)
        for kind, manifest in getattr(bundle, "workloads", ()):
            self.apply_object(kind, manifest)

    def apply_namespace(self, name: str, labels: dict[str, str]) -> None:
        """A Namespace in a live apply: created, or relabelled after PodSecurity's dry run."""
        old = self.store.get("Namespace", "", name)
        if old is not None and old.labels != labels:
            pods = [(p.name, p.manifest()) for p in self.store.list("Pod", name)]
            ok, lines = relabel_namespace(name, old.labels, labels, pods)
            for line in lines:
                self.notice(f"apply: {line}")
            if not ok:
                return
        self.mirror("Namespace", {"metadata": {"name": name, "labels": dict(labels)}})

    def apply_pod(self, pod: Pod) -> None:
        """Create a new Pod; on an existing one, only the images may change."""
        rt = self.find_pod(pod.key)
        if rt is None:
            self.create_pod(pod)
            return
        problems = validate_pod_update(rt.pod.manifest, pod.manifest)
        if problems:
            for problem in problems:
                self.notice(f'The Pod "{pod.name}" is invalid: {problem}')
            return
        changed = [
            c.name
            for old, c in zip(
                (*rt.pod.spec.init_containers, *rt.pod.spec.containers),
                (*pod.spec.init_containers, *pod.spec.containers),
                strict=True,
            )
            if old.image != c.image
        ]
        rt.pod = pod
        if rt.api is not None and changed:
            spec = dict(pod.manifest.get("spec") or {})
            if rt.node is not None:
                spec["nodeName"] = rt.node.node.name
            self.store.update(rt.api, {**pod.manifest, "spec": spec})
        worker = self.workers.get(rt.key)
        if worker is not None and changed:
            worker.spec_changed(changed)

    # -- status records --------------------------------------------------------

    def publish_node(self, ns: NodeState) -> None:
        self.recorder.emit(
            "node",
            node=ns.node.name,
            cpu=f"{ns.node.allocatable.milli_cpu}m",
            memory=str(ns.node.allocatable.memory),
            pods=ns.node.max_pods,
            nodeIP=ns.node_ip,
            labels=ns.node.labels,
            unschedulable=ns.usage.unschedulable,
            memoryPressure=bool(ns.eviction and ns.eviction.pressure),
            ready=not ns.failed,
            **({"removed": True} if ns.removed else {}),
        )
        if ns.api is not None and not ns.removed:
            self.store.update_status(
                ns.api, node_status(ns, ns.node.name in self.node_lifecycle.not_ready)
            )

    def publish_pod(self, rt: PodRuntime) -> None:
        """The Pod's record and stored status (``pod_records``), then its Services' endpoints."""
        if rt.removed:  # a force-deleted Pod has no API object to show any more
            return
        self.records.publish_pod(rt)
        self.services.publish_pod(rt)  # the Services selecting it: incrementally

    def publish_container(self, rt: PodRuntime, c: Container, s: ContainerStatus) -> None:
        self.records.publish_container(rt, c, s)


def node_status(ns: NodeState, not_ready: bool) -> dict[str, Any]:
    """The Node's ``status`` as its kubelet reports it (``heartbeat`` stops when it fails)."""
    allocatable = ns.node.allocatable
    pressure = bool(ns.eviction and ns.eviction.pressure)
    return {
        "heartbeat": "stopped" if ns.failed else "running",
        "unschedulable": ns.usage.unschedulable,
        "allocatable": {
            "cpu": f"{allocatable.milli_cpu}m",
            "memory": str(allocatable.memory),
            "pods": str(ns.node.max_pods),
        },
        "addresses": [{"type": "InternalIP", "address": ns.node_ip}],
        "conditions": [
            {"type": "MemoryPressure", "status": "True" if pressure else "False"},
            {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"}
            if not_ready
            else {"type": "Ready", "status": "True", "reason": "KubeletReady"},
        ],
    }


def node_manifest(ns: NodeState) -> dict[str, Any]:
    """A bundle's node as its Node object: name, labels, spec.unschedulable, capacity."""
    node = ns.node
    allocatable = {
        "cpu": f"{node.allocatable.milli_cpu}m",
        "memory": str(node.allocatable.memory),
        "pods": str(node.max_pods),
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": node.name, "labels": dict(node.labels)},
        "spec": _node_spec(node),
        "status": {"capacity": allocatable, "allocatable": dict(allocatable)},
    }


def _node_spec(node: Node) -> dict[str, Any]:
    """The Node's spec: ``unschedulable`` and the manifest's taints (DaemonSets read them)."""
    spec: dict[str, Any] = {"unschedulable": True} if node.unschedulable else {}
    given = node.manifest.get("spec") if isinstance(node.manifest, dict) else None
    taints = given.get("taints") if isinstance(given, dict) else None
    if isinstance(taints, list) and taints:
        spec["taints"] = copy.deepcopy(taints)
    return spec


def _keep_disruption_target(rt: PodRuntime, obj: ApiObject) -> None:
    """The API server's DisruptionTarget condition (the eviction API's) joins the Pod's."""
    for c in obj.status.get("conditions") or []:
        if c.get("type") == "DisruptionTarget":
            rt.conditions["DisruptionTarget"] = Condition(
                "DisruptionTarget",
                str(c.get("status")),
                str(c.get("reason") or ""),
                str(c.get("message") or ""),
            )
