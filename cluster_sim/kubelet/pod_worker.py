"""The pod worker: the kubelet's ``SyncPod`` loop for one Pod.

Each sync computes what the Pod needs, as ``computePodActions`` does: start
the next init container (or sidecar), start or restart regular containers
per ``restartPolicy`` with CrashLoopBackOff, kill containers whose liveness
or startup probe failed. When the Pod is deleted the worker terminates it:
``Killing`` events, preStop hooks, the stop signal, the grace period, SIGKILL,
main containers first and sidecars after them in reverse order.

The sync loop, back-off, probe kills and termination are here; one
container's start, hooks, kill and exit are ``kuberuntime_container``'s,
probe results ``prober_manager``'s, ``resources`` records
``container_resources``'s: mixins of ``PodWorker`` over ``pod_worker_base``,
so the per-start path calls methods as before, with no extra layer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import simpy
from simpy.events import PENDING

from ..backoff import go_duration
from ..event_reasons import EventReason
from ..model import Container
from ..nodestate import PodRuntime, defaulted_resources  # noqa: F401  (re-exported)
from ..record_types import TERMINAL_PHASES, EventType, PodPhase, ProbeKind
from ..status import ContainerStatus, Running, Terminated, Waiting, not_running, pod_phase
from . import prober, sysctl
from .container_env import EnvironmentCache, LinkedEnvironments
from .kuberuntime_container import KubeRuntimeContainers
from .logs import PodLogs
from .pod_worker_base import SimGen
from .restart import (  # noqa: F401  (re-exported)
    BACKOFF_RESYNC_MS,
    SYNC_RETRY_MS,
    previous_exit,
    should_container_be_restarted,
    should_restart,
    succeeded,
)
from .runtime import ContainerInstance
from .status_manager import PodStatusManager
from .termination_order import TerminationOrdering, needs_ordering
from .volumes import PodVolumes, VolumeSetupError

if TYPE_CHECKING:
    from ..nodestate import NodeState
    from .host import KubeletHost

# Enum members as module names: on CPython 3.11 reading one as a class attribute
# (``EventType.NORMAL``) costs ~1.1k instructions, and a start reads several.
_TYPE_WARNING = EventType.WARNING
_REASON_BACK_OFF = EventReason.BACK_OFF

SANDBOX_MS = 1_000  # creating the pod sandbox (pause container, network)
RESYNC_MS = 60_000  # syncFrequency: projected volumes are rewritten on the periodic sync
TERMINAL = TERMINAL_PHASES


class PodWorker(KubeRuntimeContainers):
    """One Pod's worker; its parts are mixins, one concept each (``pod_worker_base``)."""

    def __init__(
        self,
        host: KubeletHost,
        runtime: PodRuntime,
        node: NodeState,
        linked: LinkedEnvironments | None = None,
    ) -> None:
        self.host = host
        self.env = host.env
        self.rec = host.recorder
        self.rt = runtime
        self.node = node
        self.network = runtime.network
        self.instances: dict[str, ContainerInstance] = {}
        self.probe_workers: list[prober.ProbeWorker] = []
        self._wakeup = self.env.event()
        self._woken = False
        self.logs = PodLogs(self.env, self.rec, runtime.key, host)
        self._kills: dict[str, tuple[str, ProbeKind | None]] = {}  # container -> (message, probe)
        self._terminating = False
        self._restart_anyway: set[str] = set()  # spec changes restart whatever the policy
        self.waiting_for_objects = False
        self.node_down = False
        self._evicting = False
        self.volumes = PodVolumes(self)
        # ``linked``: the run's environments of containers that read nothing of their Pod
        self.environments = EnvironmentCache(runtime, node, host.objects, linked)
        self.volumes_ready = False
        self.volume_anchor_ms = 0
        self._refresh_pending = False
        self.status_manager = PodStatusManager(host, runtime)
        # An apply replaces rt.pod only with a Pod of the same key (Cluster.apply_pod): the
        # strings the worker's events name it by are the same for the worker's life.
        self._object_ref = runtime.object_ref
        self._backoff_names: dict[tuple[str, str], _BackoffNames] = {}  # (container, image)
        self._published_in = None
        self.process = self.env.process(self.run())

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
        rt.probe_inputs.version += 1
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
                self._rearm_wakeup()
                continue
            # Status is generated at the start of SyncPod (UpdatePodStatus), which
            # triggers readiness probes of started containers that are not ready yet.
            if self.probe_workers:
                self.trigger_readiness()
            yield from self.sync()
            # Every sync publishes (``publish``, one call fewer), unless the sync's last step
            # was a status write that published already: a crash loop's start and back-off.
            if not self.published_this_step():
                self.status_manager.publish()
            if rt.phase in TERMINAL:
                yield from self.stop_sidecars()
                self.stop_probes()
                return
            yield self._wakeup
            self._rearm_wakeup()

    def _rearm_wakeup(self) -> None:
        """The worker resumed from its wakeup: the same event object waits for the next one.

        A new ``simpy.Event`` is its env, an empty callback list and the class's PENDING
        value; those two fields set again make the processed wakeup that (SimPy 4's
        ``Event.__init__`` sets no ``_value``: re-running it would leave the old one),
        without a new object per wakeup. Only ``_poke`` triggers it and only this process
        waits on it, which has just resumed from it (SimPy has run its callbacks and let
        go of it). ``_step`` names steps by the event resumed from, and a wakeup's steps
        now share one: a publish noted as a wakeup's step's (``_published_in``) is always
        an earlier step's here (nothing has run in this one yet), and is forgotten. (A
        wakeup already processed when the worker yields it resumes nothing: the step goes
        on, named by its own event, and what it published stays noted.) Tests:
        ``test_start_loop_shortcuts`` (a rearmed wakeup is a new event's fields; a crash
        loop's records with a new event per wakeup are the same).
        """
        wakeup = self._wakeup
        wakeup.callbacks = []
        wakeup._value = PENDING
        self._woken = False
        if self._published_in is wakeup:
            self._published_in = None

    def sync(self) -> SimGen | tuple[()]:
        """``SyncPod``'s actions: return the program that does them (as ``restart_if_due``).

        A Pod of one container, no init containers and no probe kill pending (a crash
        loop's) needs one decision, that container's: its program is returned itself,
        without ``sync_all``'s generator around it (built at every sync, and a frame each
        of the start's steps would resume through). ``sync_all`` decides the same.
        """
        rt = self.rt
        spec = rt.pod.spec
        containers = spec.containers
        if self._kills or spec.init_containers or len(containers) != 1:
            return self.sync_all()
        rt.initialized = True  # no init containers: ``sync_all`` sets it at its first sync
        c = containers[0]
        s = rt.statuses[c.name]
        state = s.state
        if isinstance(state, Running):
            return NOTHING
        if not s.container_id and not isinstance(state, Terminated):
            return self.start(c)
        return self.restart_if_due(c)

    def sync_all(self) -> SimGen:
        """``sync`` of any Pod: probe kills, init containers and sidecars, every container."""
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
        if spec.init_containers and self.main_containers_done():  # no sidecar without them
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
                self.event(_TYPE_WARNING, EventReason.FAILED_MOUNT, str(problem))
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

    # ``restart_if_due`` and ``start_unless_backing_off`` decide, then return the program
    # that does it (``start``'s, or nothing): not generators themselves, so each start's
    # steps (its image check...) resume through two generator frames fewer. Every caller
    # drives what they return at once, so they decide just when their first step would.

    def restart_if_due(self, c: Container, *, always: bool = False) -> SimGen | tuple[()]:
        """Restart a stopped container now, or wait out its CrashLoopBackOff."""
        rt = self.rt
        last = previous_exit(rt.statuses[c.name])
        if last is None:
            return self.start(c)
        anyway = c.name in self._restart_anyway
        if (
            not always
            and not anyway
            and not should_restart(rt.pod.spec.restart_policy, last.exit_code)
        ):
            return NOTHING
        return self.start_unless_backing_off(c, last)

    def start_unless_backing_off(
        self, c: Container, since: Terminated | None
    ) -> SimGen | tuple[()]:
        """``doBackOff``, then start: the back-off is judged from ``since``.

        ``since`` is the newest exit the sync's runtime status lists; None when the
        container never exited there, which is never in back-off and leaves the
        back-off entry alone.
        """
        rt = self.rt
        self._restart_anyway.discard(c.name)
        # The kubelet keys back-off by the container's spec hash: a new spec starts afresh.
        names = self._backoff_names.get((c.name, c.image))
        if names is None:
            names = self._backoff_names[(c.name, c.image)] = _BackoffNames(rt, c.name, c.image)
        key = names.key
        backoff = self.host.crash_loop_backoff
        if since is not None:
            now = int(self.env._now)  # the back-off's clock (``Cluster``'s), read once
            if backoff.is_in_backoff_since(key, since.finished_at, now):
                s = rt.statuses[c.name]
                last = previous_exit(s) or since  # what the Pod shows: its newest exit
                delay_ms = backoff.get(key)
                waiting = names.waiting(delay_ms)
                state = s.state
                if type(state) is not Waiting or state != waiting:  # ``s.state != waiting``
                    self.set_status(c, not_running(s, waiting, last))
                    self.event(_TYPE_WARNING, _REASON_BACK_OFF, names.event)
                    self.request_sync(last.finished_at + delay_ms + BACKOFF_RESYNC_MS)
                return NOTHING
            backoff.next(key, since.finished_at, now)
        return self.start(c)

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

    def objects_changed(self) -> None:
        """A ConfigMap, Secret or Service changed: retry what was waiting for one."""
        self.schedule_volume_refresh()
        if self.waiting_for_objects:
            self.waiting_for_objects = False
            self._poke()

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

    def kill(self, name: str, exit_code: int) -> bool:
        """A Scenario action: the container's main process dies with ``exit_code``."""
        instance = self.instances.get(name)
        if instance is None or not instance.running:
            return False
        instance.exit_with(exit_code)
        return True


class _BackoffNames:
    """A container's CrashLoopBackOff strings, built at its first back-off: its back-off
    key, the ``BackOff`` event's message and its waiting state per delay (frozen, so one
    object serves every back-off of that length). Their inputs are the container's name
    and image (the key they are kept under) and the Pod's name, namespace and UID, which
    are the same for the worker's life (``_object_ref``)."""

    __slots__ = ("_pod", "_states", "event", "key", "name")

    def __init__(self, rt: PodRuntime, name: str, image: str) -> None:
        pod = rt.pod
        self.name = name
        self.key = f"{pod.name}_{pod.namespace}_{rt.uid}_{name}_{image}"
        self._pod = rt.format_pod
        self.event = f"Back-off restarting failed container {name} in pod {self._pod}"
        self._states: dict[int, Waiting] = {}  # delay (ms) -> the waiting state

    def waiting(self, delay_ms: int) -> Waiting:
        state = self._states.get(delay_ms)
        if state is None:
            state = self._states[delay_ms] = Waiting(
                "CrashLoopBackOff",
                f"back-off {go_duration(delay_ms)} restarting failed container={self.name} "
                f"pod={self._pod}",
            )
        return state


# A program with nothing to do (no start due): an empty tuple, which ``yield from`` runs
# through at once, where an empty generator would be built, started and stopped each time.
NOTHING: tuple[()] = ()
