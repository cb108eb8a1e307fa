"""The pod worker: the kubelet's ``SyncPod`` loop for one Pod.

Each sync computes what the Pod needs, as ``computePodActions`` does: start
the next init container (or sidecar), start or restart regular containers
per ``restartPolicy`` with CrashLoopBackOff, kill containers whose liveness
or startup probe failed. When the Pod is deleted the worker terminates it:
``Killing`` events, preStop hooks, the stop signal, the grace period, SIGKILL,
main containers first and sidecars after them in reverse order.
"""

from __future__ import annotations

import weakref
from collections.abc import Generator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import simpy

from .. import images
from ..backoff import go_duration
from ..environment.resolve import ContainerConfigError
from ..event_reasons import EventReason
from ..model import Container
from ..nodestate import PodRuntime, defaulted_resources  # noqa: F401  (re-exported)
from ..record_types import TERMINAL_PHASES, EventType, PodPhase, ProbeKind
from ..records import Recorder
from ..status import (
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    not_running,
    pod_phase,
    with_probe_results,
    with_state,
)
from . import image_manager, prober, sysctl
from .container_env import EnvironmentCache
from .logs import PodLogs
from .restart import (  # noqa: F401  (re-exported)
    BACKOFF_RESYNC_MS,
    SYNC_RETRY_MS,
    previous_exit,
    should_container_be_restarted,
    should_restart,
    succeeded,
)
from .runtime import EXIT_START_ERROR, ContainerInstance
from .status_manager import PodStatusManager
from .termination_order import TerminationOrdering, needs_ordering
from .volumes import PodVolumes, VolumeSetupError

if TYPE_CHECKING:
    from ..nodestate import NodeState
    from .host import KubeletHost

SOURCE = "kubelet"
SANDBOX_MS = 1_000  # creating the pod sandbox (pause container, network)
PLEG_RELIST_MS = 1_000  # GenericPLEG relists containers every second
SYNC_AFTER_ERROR_MS = 1_000  # the pod worker's next sync after a failed start
MINIMUM_GRACE_PERIOD_S = 2  # minimumGracePeriodInSeconds
RESYNC_MS = 60_000  # syncFrequency: projected volumes are rewritten on the periodic sync
TERMINAL = TERMINAL_PHASES
BASE_MEMORY = 1 << 20  # what an idle process charges to its cgroup

SimGen = Generator[simpy.Event, Any, Any]
ResourceValues = tuple[int, int | None, int, int | None, bool, int, int]
_RESOURCES_SENT: weakref.WeakKeyDictionary[Recorder, dict[tuple[str, ...], ResourceValues]] = (
    weakref.WeakKeyDictionary()
)


def resources_record(pod: str, container: str, values: ResourceValues) -> dict[str, Any]:
    """A container's ``resources`` record from ``PodWorker.resources_changed``'s values."""
    memory, memory_limit, cpu, cpu_limit, throttled, periods, throttled_periods = values
    return {
        "pod": pod,
        "container": container,
        "memory": memory,
        "memoryLimit": memory_limit,
        "cpu": cpu,
        "cpuLimit": cpu_limit,
        "throttled": throttled,
        "cpuPeriods": periods,
        "cpuThrottledPeriods": throttled_periods,
    }


class PodWorker:
    def __init__(self, host: KubeletHost, runtime: PodRuntime, node: NodeState) -> None:
        self.host = host
        self.env = host.env
        self.rec = host.recorder
        self.rt = runtime
        self.node = node
        self.network = runtime.network
        self.instances: dict[str, ContainerInstance] = {}
        self.probe_workers: list[prober.ProbeWorker] = []
        self._wakeup = self.env.event()
        self.logs = PodLogs(self.env, self.rec, runtime.key, host)
        self._kills: dict[str, tuple[str, ProbeKind | None]] = {}  # container -> (message, probe)
        self._terminating = False
        self._restart_anyway: set[str] = set()  # spec changes restart whatever the policy
        self.waiting_for_objects = False
        self.node_down = False
        self._evicting = False
        self.volumes = PodVolumes(self)
        self.environments = EnvironmentCache(runtime, node, host.objects)
        self.volumes_ready = False
        self.volume_anchor_ms = 0
        self._refresh_pending = False
        self.status_manager = PodStatusManager(host, runtime)
        # An apply replaces rt.pod only with a Pod of the same key (Cluster.apply_pod): the
        # strings the worker's events name it by are the same for the worker's life.
        self._object_ref = runtime.object_ref
        self._backoff_keys: dict[tuple[str, str], str] = {}  # (container, image) -> key
        # the fields last given to the recorder per "resources" key, shared by every worker
        # writing to that recorder (a recreated Pod's worker writes its predecessor's keys)
        self._resources_sent = _RESOURCES_SENT.setdefault(self.rec, {})
        self.process = self.env.process(self.run())

    # -- wakeups -----------------------------------------------------------

    def request_sync(self, at_ms: int) -> None:
        timeout = self.env.timeout(max(0, at_ms - self.env.now))
        timeout.callbacks.append(self._poke)

    def _poke(self, _: simpy.Event | None = None) -> None:
        if self.node_down:
            return
        if not self._wakeup.triggered:
            self._wakeup.succeed()

    def next_relist(self) -> int:
        return (int(self.env.now) // PLEG_RELIST_MS + 1) * PLEG_RELIST_MS

    # -- the worker ----------------------------------------------------------

    def run(self) -> SimGen:
        rt = self.rt
        spec = rt.pod.spec
        refused = sysctl.admit(rt, self.node.node)  # canAdmitPod's sysctl handler
        if refused is not None:
            yield self.env.timeout(sysctl.ADMIT_MS)
            if rt.deletion_timestamp is None:
                sysctl.reject(self.host, rt, *refused)
                return
        waiting_reason = "PodInitializing" if spec.init_containers else "ContainerCreating"
        for c in (*spec.init_containers, *spec.containers):
            rt.statuses[c.name] = ContainerStatus(c.name, Waiting(waiting_reason))
        for c in (*spec.init_containers, *spec.containers):
            if c.init and not c.sidecar:
                continue
            for kind, probe in c.probes():
                self.probe_workers.append(prober.ProbeWorker(self, c, kind, probe))
        self.publish()
        yield self.env.timeout(SANDBOX_MS)
        if rt.deletion_timestamp is None:
            rt.sandbox_ready = True
            self.network.ip = self.node.allocate_pod_ip()
            self.publish()
        while True:
            if rt.deletion_timestamp is not None:
                yield from self.terminate()
                return
            if self._evicting:
                yield from self.terminate_evicted()
                return
            if not self.volumes_ready and not self.mount_volumes():
                yield self._wakeup
                self._wakeup = self.env.event()
                continue
            # Status is generated at the start of SyncPod (UpdatePodStatus), which
            # triggers readiness probes of started containers that are not ready yet.
            self.trigger_readiness()
            yield from self.sync()
            self.publish()
            if rt.phase in TERMINAL:
                yield from self.stop_sidecars()
                self.stop_probes()
                return
            yield self._wakeup
            self._wakeup = self.env.event()

    def sync(self) -> SimGen:
        rt = self.rt
        spec = rt.pod.spec
        if self._kills:  # most syncs have none: no generator to build and run
            yield from self.kill_failed_probes()
        if not rt.initialized:
            for c in spec.init_containers:
                s = rt.statuses[c.name]
                if not c.sidecar and succeeded(s):
                    continue
                if isinstance(s.state, Running):
                    if c.sidecar and s.started:
                        continue
                    return  # wait for it to finish, or for the sidecar to start
                if not s.container_id and not isinstance(s.state, Terminated):
                    yield from self.start(c)
                    if c.sidecar and self.has_started(c):
                        continue
                    return
                if not c.sidecar and spec.restart_policy == "Never":
                    return  # the init container failed: the Pod fails (getPhase)
                yield from self.restart_if_due(c, always=c.sidecar)
                if not (c.sidecar and self.has_started(c)):
                    return
            rt.initialized = True
        for c in spec.init_containers:
            if c.sidecar and not isinstance(rt.statuses[c.name].state, Running):
                yield from self.restart_if_due(c, always=True)
        for c in spec.containers:
            s = rt.statuses[c.name]
            if isinstance(s.state, Running):
                continue
            if not s.container_id and not isinstance(s.state, Terminated):
                yield from self.start(c)
            else:
                yield from self.restart_if_due(c)
        if self.main_containers_done():
            # computePodActions: nothing to keep, nothing to start: kill the Pod, which
            # here means its sidecars, last one first.
            yield from self.stop_sidecars()

    def main_containers_done(self) -> bool:
        """Every regular container has exited and will not be restarted."""
        spec = self.rt.pod.spec
        if not spec.init_containers:  # the common Pod: skip building the generator below
            return False
        if not any(c.sidecar for c in spec.init_containers):
            return False
        for c in spec.containers:
            s = self.rt.statuses[c.name]
            last = s.state if isinstance(s.state, Terminated) else None
            if last is None or should_restart(spec.restart_policy, last.exit_code):
                return False
        return True

    def mount_volumes(self) -> bool:
        """``MountVolume.SetUp`` for every volume; FailedMount until the sources exist."""
        try:
            self.volumes.set_up()
        except VolumeSetupError as problem:
            if not self.waiting_for_objects:
                self.event(EventType.WARNING, EventReason.FAILED_MOUNT, str(problem))
            self.waiting_for_objects = True
            return False
        self.volumes_ready = True
        self.volume_anchor_ms = int(self.env.now)
        return True

    def schedule_volume_refresh(self) -> None:
        """Projected files catch up at the kubelet's next periodic sync (every 60 s).

        The periodic sync itself changes nothing when no source changed, so it
        is only scheduled when one did.
        """
        if not self.volumes_ready or self._refresh_pending:
            return
        now = int(self.env.now)
        ticks = (now - self.volume_anchor_ms) // RESYNC_MS + 1
        self._refresh_pending = True
        timeout = self.env.timeout(self.volume_anchor_ms + ticks * RESYNC_MS - now)
        timeout.callbacks.append(self._refresh_volumes)

    def _refresh_volumes(self, _: simpy.Event) -> None:
        self._refresh_pending = False
        if self.rt.phase in TERMINAL or self.rt.removed or self.node_down:
            return
        for name in self.volumes.refresh():
            self.rec.emit("volume", pod=self.rt.key, volume=name, action="updated")

    def has_started(self, c: Container) -> bool:
        s = self.rt.statuses[c.name]
        return isinstance(s.state, Running) and bool(s.started)

    def restart_if_due(self, c: Container, *, always: bool = False) -> SimGen:
        """Restart a stopped container now, or wait out its CrashLoopBackOff."""
        rt = self.rt
        last = previous_exit(rt.statuses[c.name])
        if last is None:
            yield from self.start(c)
            return
        anyway = c.name in self._restart_anyway
        if (
            not always
            and not anyway
            and not should_restart(rt.pod.spec.restart_policy, last.exit_code)
        ):
            return
        yield from self.start_unless_backing_off(c, last)

    def start_unless_backing_off(self, c: Container, since: Terminated | None) -> SimGen:
        """``doBackOff``, then start: the back-off is judged from ``since``.

        ``since`` is the newest exit the sync's runtime status lists; None when the
        container never exited there, which is never in back-off and leaves the
        back-off entry alone.
        """
        rt = self.rt
        self._restart_anyway.discard(c.name)
        # The kubelet keys back-off by the container's spec hash: a new spec starts afresh.
        key = self._backoff_keys.get((c.name, c.image))
        if key is None:
            key = f"{rt.pod.name}_{rt.pod.namespace}_{rt.uid}_{c.name}_{c.image}"
            self._backoff_keys[(c.name, c.image)] = key
        backoff = self.host.crash_loop_backoff
        if since is not None:
            if backoff.is_in_backoff_since(key, since.finished_at):
                s = rt.statuses[c.name]
                last = previous_exit(s) or since  # what the Pod shows: its newest exit
                delay = go_duration(backoff.get(key))
                waiting = Waiting(
                    "CrashLoopBackOff",
                    f"back-off {delay} restarting failed container={c.name} pod={rt.format_pod}",
                )
                if s.state != waiting:
                    self.set_status(c, not_running(s, waiting, last))
                    self.event(
                        EventType.WARNING,
                        EventReason.BACK_OFF,
                        f"Back-off restarting failed container {c.name} in pod {rt.format_pod}",
                    )
                    self.request_sync(last.finished_at + backoff.get(key) + BACKOFF_RESYNC_MS)
                return
            backoff.next(key, since.finished_at)
        yield from self.start(c)

    # -- probes ------------------------------------------------------------------

    def probe_failed(self, worker: prober.ProbeWorker, output: str) -> None:
        """One ``Unhealthy`` event per failed execution, before thresholds apply."""
        self.event(
            EventType.WARNING,
            EventReason.UNHEALTHY,
            f"{prober.TITLE[worker.kind]} probe failed: {output}",
        )

    def probe_result_changed(self, worker: prober.ProbeWorker) -> None:
        c = worker.container
        s = self.rt.statuses.get(c.name)
        if s is None:
            return
        if (
            worker.kind in (ProbeKind.LIVENESS, ProbeKind.STARTUP)
            and worker.result == prober.FAILURE
        ):
            if isinstance(s.state, Running) and c.name not in self._kills:
                what = "Init container" if c.init else "Container"
                self._kills[c.name] = (f"{what} {c.name} failed {worker.kind} probe", worker.kind)
                self._poke()
            return
        self.set_status(c, self.with_probe_status(c, s))
        if worker.kind is ProbeKind.STARTUP and worker.result == prober.SUCCESS:
            self._poke()  # a started sidecar lets the next init container run

    def with_probe_status(self, c: Container, s: ContainerStatus) -> ContainerStatus:
        """``UpdatePodStatus``: started and ready from the probe results.

        A regular init container is ready only once it has exited 0.
        """
        if c.init and not c.sidecar:
            done = isinstance(s.state, Terminated) and s.state.exit_code == 0
            return with_probe_results(s, isinstance(s.state, Running), done)
        if not isinstance(s.state, Running):
            return with_probe_results(s, False, False)
        results = {w.kind: w for w in self.probe_workers if w.container.name == c.name}
        startup = results.get(ProbeKind.STARTUP)
        started = startup is None or startup.result == prober.SUCCESS
        readiness = results.get(ProbeKind.READINESS)
        ready = started and (readiness is None or readiness.result == prober.SUCCESS)
        if self.rt.deletion_timestamp is not None and readiness is None:
            ready = s.ready
        return with_probe_results(s, started, ready)

    def trigger_readiness(self) -> None:
        for w in self.probe_workers:
            if w.kind is not ProbeKind.READINESS or w.result == prober.SUCCESS:
                continue
            s = self.rt.statuses.get(w.container.name)
            if s is not None and isinstance(s.state, Running) and s.started:
                w.trigger()

    def kill_failed_probes(self) -> SimGen:
        for name, (message, kind) in list(self._kills.items()):
            c = self.container(name)
            instance = self.instances.get(name)
            if instance is None or not instance.running:
                del self._kills[name]
                continue
            restart = (
                c.sidecar
                or name in self._restart_anyway
                or should_restart(self.rt.pod.spec.restart_policy, 1)
            )
            text = message + (", will be restarted" if restart else "")
            before = previous_exit(self.rt.statuses[name])  # the run before the killed one
            yield from self.kill_container(c, text, probe_kind=kind)
            del self._kills[name]
            if restart and self.rt.deletion_timestamp is None and not self._evicting:
                # computePodActions kills and restarts in one sync, and doBackOff reads the
                # runtime status from before the kill, where this container still runs.
                yield from self.start_unless_backing_off(c, before)

    def evict(self) -> None:
        """The eviction manager chose this Pod: kill it now (no grace), then it fails."""
        self._evicting = True
        self._poke()

    def terminate_evicted(self) -> SimGen:
        rt = self.rt
        self.stop_probes()
        rt.phase = (
            PodPhase.FAILED
        )  # killPodNow's status (Failed, Evicted) is written before the kill
        self.publish()
        spec = rt.pod.spec
        running = [c for c in (*spec.init_containers, *spec.containers) if self.is_running(c)]
        # Hard evictions pass a grace override of 1 (kubernetes PR #124063, since 1.31).
        kills = [self.env.process(self.kill_container(c, grace_override=1)) for c in running]
        if kills:
            yield simpy.AllOf(self.env, kills)
        self.publish()
        self.host.pod_finished(rt)

    def node_failed(self) -> None:
        """The node went down: its containers are gone and nothing reports any more."""
        self.node_down = True
        self.stop_probes()
        for instance in self.instances.values():
            instance.vanish()

    def spec_changed(self, names: list[str]) -> None:
        """``kubectl apply`` changed these containers' images: restart them."""
        for name in names:
            if self.is_running(self.container(name)):
                what = "Init container" if self.container(name).init else "Container"
                self._kills[name] = (f"{what} {name} definition changed", None)
                self._restart_anyway.add(name)
            else:
                self._restart_anyway.add(name)
        self._poke()

    def stop_probes(self) -> None:
        for w in self.probe_workers:
            w.stop()

    def release(self) -> None:
        """The Pod is gone and its kubelet is done with it: let go of what it held.

        Its log files (their bytes leave the run's totals), and the stopped probe
        workers and exited container instances, which refer back to this worker: with
        those links cut, a gone Pod's worker is freed by reference counting, not left
        to the cyclic collector. (A force-deleted Pod's kubelet may still be killing
        containers: what still runs is kept until it is done.)
        """
        self.logs.release()
        self.probe_workers = [w for w in self.probe_workers if not w.stopped]
        self.instances = {n: i for n, i in self.instances.items() if i.running}

    # -- starting a container ------------------------------------------------

    def container(self, name: str) -> Container:
        """The container's current spec (``kubectl apply`` may have changed its image)."""
        spec = self.rt.pod.spec
        return next(c for c in (*spec.init_containers, *spec.containers) if c.name == name)

    def start(self, c: Container) -> SimGen:
        rt = self.rt
        ref = images.parse_image(c.image)
        resolved = yield from self.ensure_image(c, ref)
        if resolved is None or rt.deletion_timestamp is not None:
            return
        image = resolved.image
        try:
            env = self.environments.container_config(c, image, self.pod_view, self.node_allocatable)
        except ContainerConfigError as problem:
            # generateContainerConfig failed: Warning Failed, CreateContainerConfigError.
            # SyncPod returns the error and the pod worker retries after its back-off period
            # (nothing syncs the Pod when the ConfigMap or Secret appears).
            self.event(EventType.WARNING, EventReason.FAILED, f"Error: {problem}")
            self.set_waiting(c, "CreateContainerConfigError", str(problem))
            self.request_sync(int(self.env.now) + SYNC_RETRY_MS)
            return
        argv = images.resolve_command(
            image,
            None if c.command is None else env.command,
            None if c.args is None else env.args,
        )
        self.rec.emit("env", pod=rt.key, container=c.name, env=env.records())
        self.event(EventType.NORMAL, EventReason.CREATED, f"Created container: {c.name}")
        previous = rt.statuses[c.name]
        last = previous.state if isinstance(previous.state, Terminated) else previous.last_state
        restart_count = previous.restart_count + (1 if previous.container_id else 0)
        container_id = f"containerd://{self.host.new_container_id()}"
        self.logs.started(c.name, container_id)
        created = {
            "image": image_manager.status_image(self.node, resolved),
            "image_id": resolved.image_id,
        }
        exe = argv[0].rsplit("/", 1)[-1] if argv else ""
        if exe not in image.binaries:
            message = (
                "failed to create containerd task: failed to create shim task: OCI runtime "
                "create failed: runc create failed: unable to start container process: error "
                f'during container init: exec: "{argv[0] if argv else ""}": executable file not '
                "found in $PATH: unknown"
            )
            self.event(EventType.WARNING, EventReason.FAILED, f"Error: {message}")
            now = int(self.env.now)
            self.set_status(
                c,
                ContainerStatus(
                    c.name,
                    Terminated(EXIT_START_ERROR, "StartError", None, now, message),
                    last_state=last,
                    restart_count=restart_count,
                    container_id=container_id,
                    started=False,
                    **created,
                ),
            )
            self.request_sync(self.next_relist())
            return
        self.event(EventType.NORMAL, EventReason.STARTED, f"Started container {c.name}")
        process_env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME": self.volumes.hostname()[0],
            **env.values,
        }
        fs = self.volumes.filesystem(c, image.binaries, self.clock, image)
        instance = ContainerInstance(
            self,
            c,
            container_id,
            argv,
            image.binaries,
            process_env,
            BASE_MEMORY,
            fs,
            stop_signal=image.stop_signal,
        )
        self.instances[c.name] = instance
        self.host.container_started(rt.key, c.name, instance)
        self.host.faults.container_started(rt, instance)
        status = ContainerStatus(
            c.name,
            Running(int(self.env.now)),
            last_state=last,
            restart_count=restart_count,
            container_id=container_id,
            **created,
        )
        self.set_status(c, self.with_probe_status(c, status))
        self.request_sync(self.next_relist())
        if c.lifecycle.post_start is not None:
            yield from self.run_post_start(c, instance)

    def run_post_start(self, c: Container, instance: ContainerInstance) -> SimGen:
        """postStart runs right after the start; the kubelet waits for it."""
        handler = c.lifecycle.post_start
        assert handler is not None
        self.rec.emit("hook", pod=self.rt.key, container=c.name, hook="postStart", phase="start")
        result, output = yield from prober.execute(handler, instance, self)
        self.rec.emit(
            "hook",
            pod=self.rt.key,
            container=c.name,
            hook="postStart",
            phase="end",
            result=result,
            message=output,
        )
        if result != prober.SUCCESS and instance.running:
            # The event leaves the hook's output out, so secrets do not leak into events;
            # the detail goes to the container's waiting message (ErrPostStartHook).
            self.event(
                EventType.WARNING, EventReason.FAILED_POST_START_HOOK, "PostStartHook failed"
            )
            yield from self.kill_container(c, "FailedPostStartHook")
            s = self.rt.statuses[c.name]
            last = s.state if isinstance(s.state, Terminated) else s.last_state
            self.set_status(
                c,
                replace(
                    s,
                    state=Waiting("PostStartHookError", self.hook_failure(handler, c, output)),
                    last_state=last,
                    ready=False,
                    started=False,
                ),
            )

    def hook_failure(self, handler: Any, c: Container, output: str) -> str:
        if handler.kind == "exec":
            return (
                f'Exec lifecycle hook ({list(handler.command)}) for Container "{c.name}" in '
                f'Pod "{self.rt.format_pod}" failed - error: command '
                f"'{' '.join(handler.command)}' exited with 1: {output}, message: \"{output}\""
            )
        return f'{handler.kind} lifecycle hook for Container "{c.name}" failed: {output}'

    def ensure_image(self, c: Container, ref: images.ImageRef) -> SimGen:
        """The image manager's ``EnsureImageExists`` (``image_manager``)."""
        return (yield from image_manager.ensure_image(self, c, ref))

    def clock(self) -> int:
        return int(self.env.now)

    def pod_view(self) -> dict[str, Any]:
        """The Pod as the API returns it: what the downward API and DNS read."""
        rt = self.rt
        manifest = rt.pod.manifest
        meta = manifest.get("metadata") or {}
        spec = dict(manifest.get("spec") or {})
        spec.setdefault("serviceAccountName", "default")
        spec["nodeName"] = self.node.node.name
        return {
            "metadata": {
                **meta,
                "name": rt.pod.name,
                "namespace": rt.pod.namespace,
                "uid": rt.uid,
                "labels": dict(rt.pod.labels),
                "annotations": dict(rt.pod.annotations),
            },
            "spec": spec,
            "status": {"podIP": rt.pod_ip, "hostIP": self.node.node_ip},
        }

    def node_allocatable(self) -> dict[str, str]:
        allocatable = self.node.node.allocatable
        return {"cpu": f"{allocatable.milli_cpu}m", "memory": str(allocatable.memory)}

    def objects_changed(self) -> None:
        """A ConfigMap, Secret or Service changed: retry what was waiting for one."""
        self.schedule_volume_refresh()
        if self.waiting_for_objects:
            self.waiting_for_objects = False
            self._poke()

    # -- running and stopping containers ---------------------------------------

    def container_exited(self, instance: ContainerInstance) -> None:
        """PLEG: the runtime reports a container exit; sync at the next relist."""
        c = instance.container
        if self.instances.get(c.name) is not instance:
            return
        s = self.rt.statuses[c.name]
        exit_code = instance.exit_code if instance.exit_code is not None else 0
        terminated = Terminated(
            exit_code, instance.reason, instance.started_at, int(self.env.now), instance.message
        )
        if instance.reason == "OOMKilled":
            self.rec.emit(
                "oom",
                pod=self.rt.key,
                container=c.name,
                memory=instance.memory,
                limit=c.limits.memory,
            )
        self.set_status(c, self.with_probe_status(c, with_state(s, terminated)))
        self.request_sync(self.next_relist())

    def kill_container(
        self,
        c: Container,
        message: str = "",
        *,
        probe_kind: ProbeKind | None = None,
        grace_override: int | None = None,
        ordering: TerminationOrdering | None = None,
    ) -> SimGen:
        """``killContainer``: Killing event, preStop, its turn, stop signal, grace, SIGKILL."""
        instance = self.instances.get(c.name)
        if instance is None or not instance.running:
            return
        grace = self.grace_period(c, probe_kind)
        self.event(EventType.NORMAL, EventReason.KILLING, message or f"Stopping container {c.name}")
        if grace_override is not None:
            grace = grace_override
        self.rec.emit(
            "termination",
            pod=self.rt.key,
            container=c.name,
            step="killing",
            grace=grace,
            message=message or f"Stopping container {c.name}",
        )
        pre_stop = c.lifecycle.pre_stop
        if pre_stop is not None and grace > 0:
            started = self.env.now
            self.rec.emit("hook", pod=self.rt.key, container=c.name, hook="preStop", phase="start")
            hook = self.env.process(prober.execute(pre_stop, instance, self))
            yield hook | self.env.timeout(grace * 1000)
            elapsed_s = int((self.env.now - started) // 1000)
            if hook.triggered and hook.ok:
                # simpy's Process is not generic: its value is execute()'s (result, output)
                result, output = cast(tuple[str, str], hook.value)
            else:
                result, output = prober.FAILURE, "timed out"
            self.rec.emit(
                "hook",
                pod=self.rt.key,
                container=c.name,
                hook="preStop",
                phase="end",
                result=result if hook.triggered else "Timeout",
                message=output,
            )
            if hook.triggered and result != prober.SUCCESS:
                self.event(
                    EventType.WARNING, EventReason.FAILED_PRE_STOP_HOOK, "PreStopHook failed"
                )
            grace -= elapsed_s
        if ordering is not None and grace > 0:
            grace -= yield from ordering.wait_for_turn(c.name, grace)
        if grace < MINIMUM_GRACE_PERIOD_S:
            grace = MINIMUM_GRACE_PERIOD_S
        yield from instance.stop(grace)
        if ordering is not None:
            ordering.container_terminated(c.name)

    def grace_period(self, c: Container, probe_kind: ProbeKind | None = None) -> int:
        """``setTerminationGracePeriod``: deletion grace beats probe grace beats pod grace."""
        rt = self.rt
        if rt.deletion_grace_seconds is not None:
            return rt.deletion_grace_seconds
        probe = (
            c.liveness_probe
            if probe_kind is ProbeKind.LIVENESS
            else c.startup_probe
            if probe_kind is ProbeKind.STARTUP
            else None
        )
        if probe is not None and probe.termination_grace_period_seconds is not None:
            return probe.termination_grace_period_seconds
        return rt.pod.spec.termination_grace_period_seconds

    def signal_sent(self, instance: ContainerInstance, signal: str) -> None:
        self.rec.emit(
            "termination",
            pod=self.rt.key,
            container=instance.container.name,
            step="SIGKILL" if signal == "KILL" else f"SIG{signal}",
        )

    # -- deletion ------------------------------------------------------------

    def delete(self) -> None:
        """The API server set the deletion timestamp; the worker terminates the Pod."""
        self._poke()

    def terminate(self) -> SimGen:
        """Kill every container (main ones first, sidecars after, in reverse order)."""
        self._terminating = True
        rt = self.rt
        self.stop_probes()
        self.publish()
        spec = rt.pod.spec
        yield from self.kill_running(
            [c for c in (*spec.init_containers, *spec.containers) if not c.sidecar]
        )
        yield self.env.timeout(max(0, self.next_relist() - self.env.now))
        for c in (*spec.init_containers, *spec.containers):
            s = rt.statuses[c.name]
            if isinstance(s.state, Waiting):
                self.set_status(c, replace(s, ready=False, started=False))
        init, regular = rt.refs()
        rt.phase = pod_phase(spec.restart_policy, init, regular, rt.statuses, pod_is_terminal=True)
        self.publish()
        self.host.pod_removed(rt)

    def stop_sidecars(self) -> SimGen:
        """The main containers are done: stop the sidecars, last one first."""
        yield from self.kill_running([])

    def kill_running(self, main: list[Container]) -> SimGen:
        """``killContainersWithSyncResult``: every running container at once.

        All ``Killing`` events (main containers, then sidecars last one first) and
        preStop hooks start now; sidecars stop in their turn (``TerminationOrdering``).
        """
        spec = self.rt.pod.spec
        sidecars = [c for c in reversed(spec.init_containers) if c.sidecar]
        running = [c for c in (*main, *sidecars) if self.is_running(c)]
        ordering = (
            TerminationOrdering(self.env, spec, [c.name for c in running])
            if needs_ordering(spec)
            else None
        )
        kills = [self.env.process(self.kill_container(c, ordering=ordering)) for c in running]
        if kills:
            yield simpy.AllOf(self.env, kills)

    def is_running(self, c: Container) -> bool:
        instance = self.instances.get(c.name)
        return instance is not None and instance.running

    def kill(self, name: str, exit_code: int) -> bool:
        """A Scenario action: the container's main process dies with ``exit_code``."""
        instance = self.instances.get(name)
        if instance is None or not instance.running:
            return False
        instance.exit_with(exit_code)
        return True

    # -- logs, resources -------------------------------------------------------

    def write_log(self, c: Container, text: str, stream: str = "stdout") -> None:
        self.logs.write(c.name, text, stream)

    def flush_log(self, c: Container) -> None:
        self.logs.close(c.name)

    def log_text(self, c: Container) -> str:
        """The current run's log, as ``kubectl logs`` reads it (a termination message's tail)."""
        logs = self.logs.get(c.name)
        latest = logs.latest if logs is not None else None
        return latest.read(int(self.env.now)) if latest is not None else ""

    def resources_changed(self, instance: ContainerInstance) -> None:
        charged = instance.memory if instance.running else 0
        if self.node.eviction is not None and charged != instance.charged:
            self.node.eviction.charge(charged - instance.charged)
        instance.charged = charged
        c = instance.container
        limit = c.limits.milli_cpu
        declared = min(instance.cpu, limit) if limit else instance.cpu  # a stress hog's demand
        cfs = instance.cfs
        values = (
            instance.memory,
            c.limits.memory or None,
            max(declared, instance.cpu_used),
            limit or None,
            bool(limit and instance.cpu > limit) or instance.cpu_throttled,
            cfs.periods,
            cfs.throttled_periods,
        )
        key = ("resources", self.rt.key, c.name)
        # Recorder.changed with the fields it was last given for a key writes nothing, and
        # nothing but this method gives it "resources" keys: most calls (a start, an exit)
        # repeat the last fields, so they stop here without building the record.
        if self._resources_sent.get(key) == values:
            return
        self._resources_sent[key] = values
        self.rec.changed(key, "resources", resources_record(self.rt.key, c.name, values))

    # -- status --------------------------------------------------------------

    def event(self, type_: EventType, reason: EventReason, message: str) -> None:
        self.rec.event(type_, reason, self._object_ref, message, SOURCE)

    def set_waiting(self, c: Container, reason: str, message: str) -> None:
        s = self.rt.statuses[c.name]
        self.set_status(c, not_running(s, Waiting(reason, message), s.last_state))

    def set_status(self, c: Container, status: ContainerStatus) -> None:
        self.rt.statuses[c.name] = status
        self.publish()
        for w in self.probe_workers:
            if w.name == c.name:
                w.wake()

    def publish(self) -> None:
        """Recompute phase and conditions; write the records that changed."""
        self.status_manager.publish()
