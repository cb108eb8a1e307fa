"""The kubelet: one pod worker per Pod bound to a node.

A pod worker syncs its Pod the way ``SyncPod`` does: create the sandbox once,
then for each container that should run, ensure its image, create and start
it. Containers run as simulation processes (see ``shell``); when one exits,
the kubelet notices at its next PLEG relist and syncs again, restarting the
container per ``restartPolicy`` with CrashLoopBackOff.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import simpy

from . import images
from .backoff import go_duration
from .model import Container, Pod
from .userland import Output, Process, Sleep
from .status import (
    Condition,
    ContainerRef,
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    containers_ready_condition,
    initialized_condition,
    pod_phase,
    ready_condition,
)

if TYPE_CHECKING:
    from .simulation import Cluster, NodeState

SOURCE = "kubelet"
SANDBOX_MS = 1_000  # creating the pod sandbox (pause container, network)
PLEG_RELIST_MS = 1_000  # GenericPLEG relists containers every second
SYNC_AFTER_ERROR_MS = 1_000  # the pod worker's next sync after a failed start
TERMINAL = ("Succeeded", "Failed")

SimGen = Generator[simpy.Event, Any, Any]


@dataclass
class PodRuntime:
    """A Pod as the API server and the kubelet see it while it lives."""

    pod: Pod
    uid: str
    node: NodeState | None = None
    pod_ip: str = ""
    phase: str = "Pending"
    reason: str = ""
    statuses: dict[str, ContainerStatus] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    sandbox_ready: bool = False
    initialized: bool = False

    @property
    def key(self) -> str:
        return self.pod.key

    @property
    def object_ref(self) -> str:
        return f"Pod/{self.pod.namespace}/{self.pod.name}"

    @property
    def format_pod(self) -> str:
        """The kubelet's ``format.Pod``: ``name_namespace(uid)``."""
        return f"{self.pod.name}_{self.pod.namespace}({self.uid})"

    def refs(self) -> tuple[list[ContainerRef], list[ContainerRef]]:
        init = [
            ContainerRef(c.name, c.restart_policy == "Always")
            for c in self.pod.spec.init_containers
        ]
        return init, [ContainerRef(c.name) for c in self.pod.spec.containers]


class PodWorker:
    def __init__(self, cluster: Cluster, runtime: PodRuntime, node: NodeState) -> None:
        self.cluster = cluster
        self.env = cluster.env
        self.rec = cluster.recorder
        self.rt = runtime
        self.node = node
        self._wakeup = self.env.event()
        self._partial: dict[str, str] = {}
        self._generation: dict[str, int] = {}
        self.process = self.env.process(self.run())

    # -- wakeups -----------------------------------------------------------

    def request_sync(self, at_ms: int) -> None:
        timeout = self.env.timeout(max(0, at_ms - self.env.now))
        timeout.callbacks.append(self._poke)

    def _poke(self, _: simpy.Event | None = None) -> None:
        if not self._wakeup.triggered:
            self._wakeup.succeed()

    # -- the worker ----------------------------------------------------------

    def run(self) -> SimGen:
        rt = self.rt
        waiting_reason = "PodInitializing" if rt.pod.spec.init_containers else "ContainerCreating"
        for c in (*rt.pod.spec.init_containers, *rt.pod.spec.containers):
            rt.statuses[c.name] = ContainerStatus(c.name, Waiting(waiting_reason))
        self.publish()
        yield self.env.timeout(SANDBOX_MS)
        rt.sandbox_ready = True
        rt.pod_ip = self.node.allocate_pod_ip()
        self.publish()
        while True:
            yield from self.sync()
            self.publish()
            if rt.phase in TERMINAL:
                return
            yield self._wakeup
            self._wakeup = self.env.event()

    def sync(self) -> SimGen:
        rt = self.rt
        spec = rt.pod.spec
        if not rt.initialized:
            for c in spec.init_containers:
                s = rt.statuses[c.name]
                sidecar = c.restart_policy == "Always"
                if not sidecar and _succeeded(s):
                    continue
                if isinstance(s.state, Running):
                    if sidecar:
                        continue
                    return
                if not s.container_id and not isinstance(s.state, Terminated):
                    yield from self.start(c)
                    if sidecar and isinstance(rt.statuses[c.name].state, Running):
                        continue
                    return
                if not sidecar and spec.restart_policy == "Never":
                    return  # the init container failed: the Pod fails (getPhase)
                yield from self.restart_if_due(c, always=sidecar)
                if not (sidecar and isinstance(rt.statuses[c.name].state, Running)):
                    return
            rt.initialized = True
        for c in spec.init_containers:
            if c.restart_policy == "Always" and not isinstance(rt.statuses[c.name].state, Running):
                yield from self.restart_if_due(c, always=True)
        for c in spec.containers:
            s = rt.statuses[c.name]
            if isinstance(s.state, Running):
                continue
            if not s.container_id and not isinstance(s.state, Terminated):
                yield from self.start(c)
            else:
                yield from self.restart_if_due(c)

    def restart_if_due(self, c: Container, *, always: bool = False) -> SimGen:
        """Restart a stopped container now, or wait out its CrashLoopBackOff."""
        rt = self.rt
        s = rt.statuses[c.name]
        last = s.state if isinstance(s.state, Terminated) else s.last_state
        if last is None:
            yield from self.start(c)
            return
        if not always and not should_restart(rt.pod.spec.restart_policy, last.exit_code):
            return
        key = f"{rt.pod.name}_{rt.pod.namespace}_{rt.uid}_{c.name}"
        backoff = self.cluster.crash_loop_backoff
        if backoff.is_in_backoff_since(key, last.finished_at):
            delay = go_duration(backoff.get(key))
            waiting = Waiting(
                "CrashLoopBackOff",
                f"back-off {delay} restarting failed container={c.name} pod={rt.format_pod}",
            )
            if s.state != waiting:
                self.set_status(
                    c, replace(s, state=waiting, last_state=last, ready=False, started=False)
                )
                self.event(
                    "Warning",
                    "BackOff",
                    f"Back-off restarting failed container {c.name} in pod {rt.format_pod}",
                )
                self.request_sync(last.finished_at + backoff.get(key))
            return
        backoff.next(key, last.finished_at)
        yield from self.start(c)

    # -- starting a container ------------------------------------------------

    def start(self, c: Container) -> SimGen:
        rt = self.rt
        ref = images.parse_image(c.image)
        image = yield from self.ensure_image(c, ref)
        if image is None:
            return
        argv = images.resolve_command(image, c.command, c.args)
        self.event("Normal", "Created", f"Created container: {c.name}")
        previous = rt.statuses[c.name]
        last = previous.state if isinstance(previous.state, Terminated) else previous.last_state
        restart_count = previous.restart_count + (1 if previous.container_id else 0)
        generation = self._generation.get(c.name, 0) + 1
        self._generation[c.name] = generation
        container_id = f"containerd://{self.cluster.new_container_id()}"
        exe = argv[0].rsplit("/", 1)[-1] if argv else ""
        if exe not in image.binaries:
            message = (
                "failed to create containerd task: failed to create shim task: OCI runtime "
                "create failed: runc create failed: unable to start container process: error "
                f'during container init: exec: "{argv[0] if argv else ""}": executable file not '
                "found in $PATH: unknown"
            )
            self.event("Warning", "Failed", f"Error: {message}")
            now = self.env.now
            self.set_status(
                c,
                ContainerStatus(
                    c.name,
                    Terminated(128, "StartError", None, now, message),
                    last_state=last,
                    restart_count=restart_count,
                    container_id=container_id,
                    started=False,
                ),
            )
            self.request_sync(self.next_relist(now))
            return
        self.event("Normal", "Started", f"Started container {c.name}")
        self.set_status(
            c,
            ContainerStatus(
                c.name,
                Running(self.env.now),
                last_state=last,
                ready=True,
                started=True,
                restart_count=restart_count,
                container_id=container_id,
            ),
        )
        process = Process(tuple(argv), image.binaries, env=self.container_env(c))
        self.env.process(self.run_container(c, process, generation))

    def ensure_image(self, c: Container, ref: images.ImageRef) -> SimGen:
        """The image manager's ``EnsureImageExists``; return the image or None."""
        rt = self.rt
        image = images.lookup(ref)
        present = image is not None and ref.canonical in self.node.images
        name = c.image
        if c.image_pull_policy == "Never" and not present:
            message = f'Container image "{name}" is not present with pull policy of Never'
            self.event("Warning", "ErrImageNeverPull", message)
            self.event("Warning", "Failed", "Error: ErrImageNeverPull")
            self.set_waiting(c, "ErrImageNeverPull", message)
            return None
        if c.image_pull_policy == "IfNotPresent" and present:
            self.event("Normal", "Pulled", f'Container image "{name}" already present on machine')
            return image
        key = f"{rt.uid}_{name}"
        backoff = self.cluster.image_backoff
        if backoff.is_in_backoff_since_update(key):
            message = f'Back-off pulling image "{name}"'
            self.event("Normal", "BackOff", message)
            self.event("Warning", "Failed", "Error: ImagePullBackOff")
            self.set_waiting(c, "ImagePullBackOff", message)
            self.request_sync(backoff.retry_at(key))
            return None
        self.event("Normal", "Pulling", f'Pulling image "{name}"')
        queued_at = self.env.now
        with self.node.pull_lock.request() as turn:  # serializeImagePulls: true
            yield turn
            started_at = self.env.now
            if image is None:
                duration = images.FAILED_PULL_MS
            else:
                duration = image.repull_ms if present else image.pull_ms
            yield self.env.timeout(duration)
        if image is None:
            error = images.pull_error(ref)
            backoff.next(key, self.env.now)
            self.event("Warning", "Failed", f'Failed to pull image "{name}": {error}')
            self.event("Warning", "Failed", "Error: ErrImagePull")
            self.set_waiting(c, "ErrImagePull", error)
            self.request_sync(self.env.now + SYNC_AFTER_ERROR_MS)
            return None
        self.node.images.add(ref.canonical)
        pulled = go_duration(self.env.now - started_at)
        total = go_duration(self.env.now - queued_at)
        self.event(
            "Normal",
            "Pulled",
            f'Successfully pulled image "{name}" in {pulled} ({total} including waiting). '
            f"Image size: {image.size_bytes} bytes.",
        )
        return image

    def container_env(self, c: Container) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME": self.rt.pod.name,
        }
        for item in c.manifest.get("env") or []:
            if isinstance(item, dict) and "value" in item:
                env[str(item["name"])] = str(item["value"])
        return env

    # -- running a container -------------------------------------------------

    def run_container(self, c: Container, process: Process, generation: int) -> SimGen:
        program = process.run()
        exit_code = 0
        try:
            action = next(program)
            while True:
                if isinstance(action, Sleep):
                    if math.isinf(action.ms):
                        yield self.env.event()  # never triggered: runs until killed
                    else:
                        yield self.env.timeout(action.ms)
                elif isinstance(action, Output):
                    self.write_log(c, action.text)
                action = program.send(None)
        except StopIteration as done:
            exit_code = int(done.value or 0)
        self.flush_log(c)
        if self._generation.get(c.name) != generation:
            return
        s = self.rt.statuses[c.name]
        started_at = s.state.started_at if isinstance(s.state, Running) else None
        reason = "Completed" if exit_code == 0 else "Error"
        now = self.env.now
        self.set_status(
            c,
            replace(
                s, state=Terminated(exit_code, reason, started_at, now), ready=False, started=False
            ),
        )
        self.request_sync(self.next_relist(now))

    def next_relist(self, now: int) -> int:
        return (now // PLEG_RELIST_MS + 1) * PLEG_RELIST_MS

    def write_log(self, c: Container, text: str) -> None:
        buffered = self._partial.get(c.name, "") + text
        *lines, rest = buffered.split("\n")
        self._partial[c.name] = rest
        for line in lines:
            self.rec.emit("log", pod=self.rt.key, container=c.name, line=line)

    def flush_log(self, c: Container) -> None:
        rest = self._partial.pop(c.name, "")
        if rest:
            self.rec.emit("log", pod=self.rt.key, container=c.name, line=rest)

    # -- status --------------------------------------------------------------

    def event(self, type_: str, reason: str, message: str) -> None:
        self.rec.event(type_, reason, self.rt.object_ref, message, SOURCE)

    def set_waiting(self, c: Container, reason: str, message: str) -> None:
        s = self.rt.statuses[c.name]
        self.set_status(c, replace(s, state=Waiting(reason, message), ready=False, started=False))

    def set_status(self, c: Container, status: ContainerStatus) -> None:
        self.rt.statuses[c.name] = status
        self.publish()

    def publish(self) -> None:
        """Recompute phase and conditions; write the records that changed."""
        rt = self.rt
        init, regular = rt.refs()
        if rt.phase not in TERMINAL:
            rt.phase = pod_phase(rt.pod.spec.restart_policy, init, regular, rt.statuses)
            if rt.phase in TERMINAL:
                self.cluster.pod_finished(rt)
        containers_ready = containers_ready_condition(rt.phase, init, regular, rt.statuses)
        rt.conditions = {
            "PodReadyToStartContainers": Condition(
                "PodReadyToStartContainers", "True" if rt.sandbox_ready else "False"
            ),
            "Initialized": initialized_condition(rt.phase, init, regular, rt.statuses),
            "Ready": ready_condition(containers_ready),
            "ContainersReady": containers_ready,
            "PodScheduled": Condition("PodScheduled", "True"),
        }
        for c in (*rt.pod.spec.init_containers, *rt.pod.spec.containers):
            self.cluster.publish_container(rt, c, rt.statuses[c.name])
        self.cluster.publish_pod(rt)


def should_restart(restart_policy: str, exit_code: int) -> bool:
    """``ShouldContainerBeRestarted`` for a container that has exited."""
    if restart_policy == "Never":
        return False
    return not (restart_policy == "OnFailure" and exit_code == 0)


def _succeeded(s: ContainerStatus) -> bool:
    return (
        isinstance(s.state, Terminated) and s.state.exit_code == 0 and s.state.reason != "OOMKilled"
    )
