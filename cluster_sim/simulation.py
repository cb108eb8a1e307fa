"""A run: the cluster, its clock and the record stream."""

from __future__ import annotations

import contextlib
import gc
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from .actions import ActionError, LateCall, check, perform, schedule_action
from .backoff import crash_loop_backoff, image_pull_backoff
from .budget import RECORD_BYTES, BudgetMeter
from .bundle import Bundle, load_bundle
from .errors import BundleError
from .eviction import EvictionManager
from .faults import Faults
from .kubelet import PodRuntime, PodWorker
from .kubelet.inspector import exec_read_only
from .kubelet.logs import LogRecords, LogTotals, kubectl_logs
from .limits import DEFAULT_LIMITS, BudgetHit, RunLimits
from .model import Container, Node, Pod
from .objects import ObjectStore
from .records import Record, Recorder
from .scenario import Scenario
from .scheduler import NodeUsage, schedule
from .services import ServiceNetwork
from .status import Condition, ContainerStatus, Running, Terminated, status_column
from .userland.filesystem import Volume
from .validation import validate_pod_update

SCHEDULER = "default-scheduler"
NODE_MONITOR_GRACE_MS = 40_000  # node-monitor-grace-period
UNREACHABLE_TOLERATION_MS = 300_000  # default tolerationSeconds for unreachable/not-ready
DEFAULT_HORIZON_S = DEFAULT_LIMITS.horizon_s


@dataclass
class NodeState:
    """A node at run time: its scheduler bookkeeping, images and addresses."""

    node: Node
    index: int
    env: simpy.Environment
    usage: NodeUsage = field(init=False)
    images: set[str] = field(default_factory=set)
    pull_lock: simpy.Resource = field(init=False)
    next_ip: int = 2
    failed: bool = False
    host_paths: dict[str, Volume] = field(default_factory=dict)

    def host_path(self, path: str) -> Volume:
        """A hostPath volume: the node's directory, shared by every Pod that mounts it."""
        if path not in self.host_paths:
            self.host_paths[path] = Volume(f"hostPath:{path}")
        return self.host_paths[path]

    def __post_init__(self) -> None:
        self.usage = NodeUsage(self.node)
        self.pull_lock = simpy.Resource(self.env, capacity=1)
        self.eviction: EvictionManager | None = None

    @property
    def node_ip(self) -> str:
        return f"172.18.0.{self.index + 2}"

    def allocate_pod_ip(self) -> str:
        ip = f"10.244.{self.index + 1}.{self.next_ip}"
        self.next_ip += 1
        return ip


class Cluster:
    """The API objects and controllers of one run, on one SimPy clock."""

    def __init__(self, env: simpy.Environment, bundle: Bundle, seed: int) -> None:
        self.env = env
        self.rng = random.Random(seed)
        self.log_totals = LogTotals()  # bytes of container log files held (kubelet.logs)
        self.log_rate: int | None = DEFAULT_LIMITS.log_lines_per_container_second
        self.recorder = Recorder(env)
        self.nodes = [NodeState(n, i, env) for i, n in enumerate(bundle.nodes)]
        for ns in self.nodes:
            ns.eviction = EvictionManager(self, ns)
        self.crash_loop_backoff = crash_loop_backoff(lambda: int(self.env.now))
        self.image_backoff = image_pull_backoff(lambda: int(self.env.now))
        scenario = bundle.scenario or Scenario()
        self.faults = Faults(env, scenario.faults)
        self.pods: list[PodRuntime] = []
        self.limits = DEFAULT_LIMITS  # the Simulation's, for what actions add
        self.unschedulable: list[PodRuntime] = []
        self.workers: dict[str, PodWorker] = {}
        self.objects = ObjectStore(self.rng)
        self.objects.add_builtins(ns.name for ns in bundle.namespaces)
        self.claims: dict[str, Volume] = {}
        self.services = ServiceNetwork(self)
        self.ticks: dict[int, simpy.Event] = {}  # shared probe timers by instant (ms)
        for kind, manifest in bundle.objects:
            self.objects.put(kind, manifest, 0)
        for message in bundle.notices:
            self.recorder.emit("notice", message=message)
        for ns in self.nodes:
            self.publish_node(ns)
        for pod in bundle.pods:
            self.create_pod(pod)
        for ns in bundle.namespaces:
            self.services.publish(ns.name)
        for action in scenario.actions:
            schedule_action(self, action.at_ms, action.kind, action.args, action.line)

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_container_id(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

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
            timer.callbacks.append(lambda _event, at=at_ms: self.ticks.pop(at, None))
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
        self.objects.add_namespace_builtins(namespace, int(self.env.now))
        if kind == "Service":
            self.services.publish(namespace)
        for worker in list(self.workers.values()):
            worker.objects_changed()

    def program_data_bytes(self) -> int:
        """Bytes of data the running containers' programs hold that the simulator keeps.

        Their variables, strings, pipes and memory-backed files, as the
        userland's memory meter stores them (``userland.memory``: at most its
        cap per container). Memory a program is only charged for (a stress
        worker's pages, a Scenario's growth) costs the simulator nothing.
        """
        total = 0
        for worker in self.workers.values():
            for instance in worker.instances.values():
                if instance.exit_code is None and instance.meter is not None:  # running
                    total += instance.meter.stored
        return total

    def notice(self, message: str) -> None:
        self.recorder.emit("notice", message=message)

    def find_pod(self, key: str) -> PodRuntime | None:
        return next((p for p in self.pods if p.key == key and not p.removed), None)

    def find_node(self, name: str) -> NodeState | None:
        return next((n for n in self.nodes if n.node.name == name), None)

    # -- API server and scheduler ----------------------------------------------

    def create_pod(self, pod: Pod) -> None:
        if self.find_pod(pod.key) is not None:
            self.notice(f'pods "{pod.name}" already exists in namespace "{pod.namespace}"')
            return
        rt = PodRuntime(pod, self.new_uid())
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
            self.bind(rt, node, scheduled_event=False)
            return
        self.try_schedule(rt)

    def try_schedule(self, rt: PodRuntime) -> bool:
        chosen, message = schedule(rt.pod, [n.usage for n in self.nodes], self.rng)
        if chosen is None:
            self.recorder.event("Warning", "FailedScheduling", rt.object_ref, message, SCHEDULER)
            rt.conditions = {
                "PodScheduled": Condition("PodScheduled", "False", "Unschedulable", message)
            }
            rt.reason = ""
            if rt not in self.unschedulable:
                self.unschedulable.append(rt)
            self.publish_pod(rt)
            return False
        node = next(n for n in self.nodes if n.usage is chosen)
        self.recorder.event(
            "Normal",
            "Scheduled",
            rt.object_ref,
            f"Successfully assigned {rt.pod.namespace}/{rt.pod.name} to {node.node.name}",
            SCHEDULER,
        )
        self.bind(rt, node)
        return True

    def bind(self, rt: PodRuntime, node: NodeState, scheduled_event: bool = True) -> None:
        rt.node = node
        node.usage.add(rt.pod)
        rt.conditions = {"PodScheduled": Condition("PodScheduled", "True")}
        self.workers[rt.key] = PodWorker(self, rt, node)

    def pod_finished(self, rt: PodRuntime) -> None:
        """A terminal Pod no longer holds resources; retry the Pods waiting for room."""
        if rt.node is not None and not rt.released:
            rt.released = True
            rt.node.usage.remove(rt.pod)
        self.retry_unschedulable()

    def retry_unschedulable(self) -> None:
        waiting, self.unschedulable = self.unschedulable, []
        for other in waiting:
            if not other.removed:
                self.try_schedule(other)

    def delete_pod(self, key: str, grace_seconds: int | None = None) -> None:
        """The API server's graceful delete (``CheckGracefulDelete``)."""
        rt = self.find_pod(key)
        if rt is None:
            self.notice(f'delete: pods "{key.split("/")[-1]}" not found')
            return
        if rt.deletion_timestamp is not None:
            return
        period = (
            rt.pod.spec.termination_grace_period_seconds
            if grace_seconds is None
            else (grace_seconds)
        )
        if rt.node is None or rt.phase in ("Succeeded", "Failed"):
            period = 0
        if period < 0:
            period = 1
        rt.deletion_timestamp = int(self.env.now)
        rt.deletion_grace_seconds = period
        worker = self.workers.get(rt.key)
        if worker is None or rt.phase in ("Succeeded", "Failed"):
            if rt in self.unschedulable:
                self.unschedulable.remove(rt)
            self.publish_pod(rt)
            self.pod_removed(rt)
            return
        self.publish_pod(rt)
        worker.delete()

    def pod_removed(self, rt: PodRuntime) -> None:
        """The kubelet confirmed the Pod is gone; the API object is deleted."""
        self.pod_finished(rt)
        rt.removed = True
        worker = self.workers.pop(rt.key, None)
        if worker is not None:
            worker.logs.release()
        self.recorder.emit("deleted", pod=rt.key)

    def kill_container(self, key: str, container: str, exit_code: int) -> None:
        worker = self.workers.get(key)
        if worker is None or not worker.kill(container, exit_code):
            self.notice(f"kill: container {container} of Pod {key} is not running")

    def set_unschedulable(self, name: str, unschedulable: bool) -> None:
        ns = self.find_node(name)
        if ns is None:
            self.notice(f'nodes "{name}" not found')
            return
        if ns.usage.unschedulable == unschedulable:
            return
        ns.usage.unschedulable = unschedulable
        condition = "NodeNotSchedulable" if unschedulable else "NodeSchedulable"
        self.recorder.event(
            "Normal",
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
        self.publish_node(ns)
        for rt in self.pods:
            worker = self.workers.get(rt.key)
            if rt.node is ns and worker is not None and not rt.removed:
                worker.node_failed()
        now = int(self.env.now)
        LateCall(self.env, now + NODE_MONITOR_GRACE_MS, lambda: self._node_not_ready(ns))
        LateCall(
            self.env,
            now + NODE_MONITOR_GRACE_MS + UNREACHABLE_TOLERATION_MS,
            lambda: self._evict_lost(ns),
        )

    def _node_not_ready(self, ns: NodeState) -> None:
        self.recorder.event(
            "Normal",
            "NodeNotReady",
            f"Node/{ns.node.name}",
            f"Node {ns.node.name} status is now: NodeNotReady",
            "node-controller",
        )
        for rt in self.pods:
            if rt.node is ns and not rt.removed and rt.phase not in ("Succeeded", "Failed"):
                self.recorder.event(
                    "Warning", "NodeNotReady", rt.object_ref, "Node is not ready", "node-controller"
                )
                for name in ("Ready", "ContainersReady"):
                    if name in rt.conditions:
                        rt.conditions[name] = Condition(name, "False", "NodeNotReady")
                self.publish_pod(rt)

    def _evict_lost(self, ns: NodeState) -> None:
        for rt in self.pods:
            if rt.node is ns and not rt.removed and rt.deletion_timestamp is None:
                self.recorder.event(
                    "Normal",
                    "TaintManagerEviction",
                    rt.object_ref,
                    f"Marking for deletion Pod {rt.key}",
                    "taint-eviction-controller",
                )
                rt.deletion_timestamp = int(self.env.now)
                rt.deletion_grace_seconds = rt.pod.spec.termination_grace_period_seconds
                rt.reason = "NodeLost"
                self.publish_pod(rt)

    def drain(self, name: str) -> None:
        """``kubectl drain --force``: cordon, then delete every Pod on the node."""
        self.set_unschedulable(name, True)
        for rt in list(self.pods):
            if rt.node is not None and rt.node.node.name == name and not rt.removed:
                self.delete_pod(rt.key)

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
        live = sum(1 for rt in self.pods if not rt.removed)
        new = sum(1 for pod in bundle.pods if self.find_pod(pod.key) is None)
        if live + new > self.limits.pods:
            self.notice(
                f"apply: the playground runs at most {self.limits.pods:,} Pods at once; "
                f"this would make {live + new:,}"
            )
            return
        for kind, manifest in bundle.objects:
            self.put_object(kind, manifest)
        for pod in bundle.pods:
            rt = self.find_pod(pod.key)
            if rt is None:
                self.create_pod(pod)
                continue
            problems = validate_pod_update(rt.pod.manifest, pod.manifest)
            if problems:
                for problem in problems:
                    self.notice(f'The Pod "{pod.name}" is invalid: {problem}')
                continue
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
        )

    def publish_pod(self, rt: PodRuntime) -> None:
        init, regular = rt.refs()
        ready_condition = rt.conditions.get("Ready")
        status = status_column(
            rt.phase,
            rt.reason,
            init,
            regular,
            rt.statuses,
            deleting=rt.deletion_timestamp is not None,
            initialized_condition=rt.conditions.get("Initialized") is not None
            and rt.conditions["Initialized"].status == "True",
            ready_condition=ready_condition is not None and ready_condition.status == "True",
        )
        restarts_from = init if status.startswith("Init:") else regular
        # kubectl counts sidecars (restartable init containers) in READY.
        counted = [c for c in init if c.restartable] + regular
        self.recorder.changed(
            ("pod", rt.key),
            "pod",
            {
                "pod": rt.key,
                "phase": rt.phase,
                "status": status,
                "ready": f"{sum(1 for c in counted if _ready(rt.statuses.get(c.name)))}"
                f"/{len(counted)}",
                "restarts": sum(
                    rt.statuses[c.name].restart_count
                    for c in restarts_from
                    if c.name in rt.statuses
                ),
                "node": rt.node.node.name if rt.node else None,
                "podIP": rt.pod_ip or None,
                "conditions": {k: c.status for k, c in rt.conditions.items()},
                "qosClass": rt.qos_class,
                "deletionTimestamp": _seconds(rt.deletion_timestamp),
                "deletionGracePeriodSeconds": rt.deletion_grace_seconds,
                "reason": rt.reason,
            },
        )
        if self.objects.all("Service", rt.pod.namespace):
            self.services.publish(rt.pod.namespace)

    def publish_container(self, rt: PodRuntime, c: Container, s: ContainerStatus) -> None:
        state = s.state
        self.recorder.changed(
            ("container", rt.key, c.name),
            "container",
            {
                "pod": rt.key,
                "container": c.name,
                "init": c.init,
                "state": s.state_name,
                "reason": getattr(state, "reason", "") or "",
                "message": getattr(state, "message", "") or "",
                "exitCode": state.exit_code if isinstance(state, Terminated) else None,
                "restartCount": s.restart_count,
                "ready": s.ready,
                "started": bool(s.started),
                "sidecar": c.sidecar,
                "startedAt": _seconds(getattr(state, "started_at", None)),
                "finishedAt": _seconds(getattr(state, "finished_at", None)),
                "lastState": None
                if s.last_state is None
                else {
                    "reason": s.last_state.reason,
                    "exitCode": s.last_state.exit_code,
                    "startedAt": _seconds(s.last_state.started_at),
                    "finishedAt": _seconds(s.last_state.finished_at),
                },
            },
        )


def pod_key_of(pod: str) -> str:
    return pod if "/" in pod else f"default/{pod}"


def _seconds(ms: int | None) -> float | None:
    return None if ms is None else ms / 1000


def _ready(s: ContainerStatus | None) -> bool:
    return s is not None and s.ready and isinstance(s.state, Running)


class Simulation:
    """One deterministic run of a bundle, advanced in slices of simulated time.

    ``seed`` and ``horizon`` default to the bundle's Scenario, then to 0 and
    ``DEFAULT_HORIZON_S``. ``limits`` are the run's budgets
    (:mod:`cluster_sim.limits`): the first one used up ends the run at that
    simulated instant with a ``budget`` record, and ``stopped_by`` says which.
    """

    def __init__(
        self,
        bundle: Bundle,
        *,
        seed: int | None = None,
        horizon: float | None = None,
        actions: Sequence[Mapping[str, Any]] = (),
        limits: RunLimits = DEFAULT_LIMITS,
        log_records: LogRecords = "limited",
    ) -> None:
        scenario = bundle.scenario or Scenario()
        if seed is None:
            seed = scenario.seed if scenario.seed is not None else 0
        if horizon is None:
            horizon = scenario.horizon if scenario.horizon is not None else DEFAULT_HORIZON_S
        self.seed = seed
        self.horizon = horizon
        self.env = simpy.Environment()
        self.horizon_ms = round(horizon * 1000)
        self.cluster = Cluster(self.env, bundle, seed)
        self._now_ms = 0
        self.limits = limits
        self.cluster.limits = limits
        self.cluster.log_rate = (
            None if log_records == "all" else limits.log_lines_per_container_second
        )
        self.stopped_by: BudgetHit | None = None
        recorder = self.cluster.recorder
        self._meter = BudgetMeter(limits, lambda: recorder.written, self._footprint)
        self.actions: list[dict[str, Any]] = []  # the action log: what act() was asked
        for action in actions:
            self._replay(action)

    @property
    def now(self) -> float:
        return self._now_ms / 1000

    @property
    def finished(self) -> bool:
        return (
            self.stopped_by is not None
            or self._now_ms >= self.horizon_ms
            or self.env.peek() == float("inf")
        )

    def act(self, kind: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """Take an action now (after everything else at this instant); log it for replays.

        Raises ``ActionError`` for an action the playground does not know or
        that lacks what it needs; anything the cluster cannot do (a Pod that
        does not exist...) becomes a ``notice`` record, as kubectl would say it.
        """
        check(kind, args)
        if len(self.actions) >= self.limits.actions:
            raise ActionError(
                f"the playground takes at most {self.limits.actions:,} actions in one run"
            )
        entry = {"t": self._now_ms / 1000, "action": kind, "args": dict(args)}
        self.actions.append(entry)
        perform(self.cluster, kind, args)
        return entry

    def next_time(self) -> float | None:
        """When the next thing happens (seconds), or None if nothing will before the horizon."""
        upcoming = self.env.peek()
        if upcoming == float("inf") or upcoming > self.horizon_ms:
            return None
        return max(upcoming, self._now_ms) / 1000

    def exec(self, pod: str, container: str, argv: Sequence[str]) -> tuple[int, str]:
        """``kubectl exec``: run a command in a running container, now; (status, output).

        The command sees the container's filesystem and environment, read-only:
        it changes nothing in the run (``kubelet.inspector``), so a run replays
        exactly from its action log whatever was exec'd into it. No simulated
        time passes: a command that would sleep is stopped there.
        """
        worker = self.cluster.workers.get(pod_key_of(pod))
        instance = worker.instances.get(container) if worker is not None else None
        if instance is None or not instance.running:
            return 1, f'error: container "{container}" of Pod {pod} is not running\n'
        return exec_read_only(instance, argv)

    def inspect(self, pod: str, container: str) -> dict[str, Any]:
        """The view from inside a running container, now: env, mounts, hosts, DNS, Services."""
        key = pod_key_of(pod)
        worker = self.cluster.workers.get(key)
        if worker is None or container not in worker.instances:
            return {"pod": key, "container": container, "running": False}
        instance = worker.instances[container]
        spec_mounts = instance.container.manifest.get("volumeMounts") or []
        mounts = [
            {
                "path": str(m.get("mountPath")),
                "volume": str(m.get("name")),
                "readOnly": bool(m.get("readOnly")),
                "kind": worker.volumes.volumes[m["name"]].kind
                if m.get("name") in worker.volumes.volumes
                else "",
            }
            for m in spec_mounts
        ]
        if worker.volumes.token_volume is not None:
            mounts.append(
                {
                    "path": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "volume": worker.volumes.token_volume,
                    "readOnly": True,
                    "kind": "projected",
                }
            )
        for mount in mounts:
            mount["listing"] = self.exec(key, container, ["ls", "-al", mount["path"]])[1]
        env = [
            r
            for r in self.cluster.recorder.history("env")
            if r["pod"] == key and r["container"] == container
        ]
        services = []
        for service in self.cluster.objects.all("Service", worker.rt.pod.namespace):
            addresses = self.cluster.services.addresses(service)
            services.append(
                {
                    "service": service.key,
                    "clusterIP": service.spec.get("clusterIP"),
                    "ports": [p.get("port") for p in service.spec.get("ports") or []],
                    "ready": [a.ip for a in addresses if a.ready],
                }
            )
        return {
            "pod": key,
            "container": container,
            "running": instance.running,
            "env": env[-1]["env"] if env else [],
            "mounts": mounts,
            "hosts": self.exec(key, container, ["cat", "/etc/hosts"])[1],
            "resolv": self.exec(key, container, ["cat", "/etc/resolv.conf"])[1],
            "hostname": worker.volumes.hostname()[0],
            "services": services,
        }

    def logs(self, pod: str, container: str, previous: bool = False) -> tuple[int, str]:
        """``kubectl logs POD -c CONTAINER [--previous]``, now: (exit status, what it prints).

        The container's current log file as it survives rotation (see
        ``kubelet.logs``), every line of it, including those the record stream
        held back. Errors are kubectl's (status 1).
        """
        key = pod_key_of(pod)
        name = key.split("/", 1)[1]
        worker = self.cluster.workers.get(key)
        if worker is None:
            rt = self.cluster.find_pod(key)
            if rt is None or rt.removed:
                return 1, f'Error from server (NotFound): pods "{name}" not found\n'
            return 1, f"Error from server (BadRequest): pod {name} does not have a host assigned\n"
        return kubectl_logs(
            name,
            container,
            worker.rt.statuses.get(container),
            worker.logs.get(container),
            previous=previous,
            now_ms=int(self.env.now),
        )

    def _replay(self, entry: Mapping[str, Any]) -> None:
        kind = str(entry.get("action"))
        args = dict(entry.get("args") or {})
        check(kind, args)
        at_ms = round(float(entry.get("t", 0)) * 1000)
        self.actions.append({"t": at_ms / 1000, "action": kind, "args": args})
        schedule_action(self.cluster, at_ms, kind, args)

    def advance(self, until: float) -> list[Record]:
        """Run every event up to ``until`` seconds (and the horizon); return new records.

        A budget used up on the way ends the run there (see ``stopped_by``):
        the records up to that instant and a ``budget`` record are returned,
        and later calls return nothing new.
        """
        recorder = self.cluster.recorder
        if self.stopped_by is not None:
            return recorder.take()
        limit = min(round(until * 1000), self.horizon_ms)
        env = self.env
        step = env.step
        peek = env.peek
        meter = self._meter
        steps = meter.steps
        next_check = meter.next_check
        next_second = meter.next_second_ms
        last = meter.last_step_ms
        with _no_cyclic_gc():
            while (upcoming := peek()) <= limit:
                if steps >= next_check or upcoming >= next_second:
                    meter.steps, meter.last_step_ms = steps, last
                    hit = meter.check(upcoming)
                    next_check = meter.next_check
                    next_second = meter.next_second_ms
                    if hit is not None:
                        return self._stop(hit)
                step()
                steps += 1
                last = upcoming
            meter.steps, meter.last_step_ms = steps, last
            if env.now < limit:
                env.timeout(limit - env.now)  # nothing left before it: move the clock there
                env.step()
        self._now_ms = max(self._now_ms, limit)
        return recorder.take()

    def _footprint(self) -> int:
        """The simulator's memory for this run, estimated from what it counts anyway.

        Records kept for the inspector, the data running programs hold (their
        strings, buffers and memory-backed files) and the container log files
        the kubelet keeps. Records already handed to the caller are the caller's.
        """
        cluster = self.cluster
        return (
            cluster.recorder.kept * RECORD_BYTES
            + cluster.program_data_bytes()
            + cluster.log_totals.bytes
        )

    def _stop(self, hit: BudgetHit) -> list[Record]:
        """End the run now: a budget ran out."""
        self.stopped_by = hit
        self._now_ms = max(self._now_ms, round(hit.t * 1000))
        self.cluster.recorder.append(hit.record())
        return self.cluster.recorder.take()

@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while the clock runs.

    A run allocates hundreds of thousands of small, acyclic records and events;
    the collector's full passes would re-scan all of them again and again
    (a 1,000-Pod probed hour ran 1.6x slower with it on). Reference counting
    still frees everything; the collector resumes when ``advance`` returns.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def simulate(
    bundle: Bundle, *, until: float | None = None, seed: int | None = None
) -> list[Record]:
    """Run ``bundle`` from the start to ``until`` seconds (its horizon); return every record."""
    sim = Simulation(bundle, seed=seed, horizon=until)
    return sim.advance(sim.horizon)
