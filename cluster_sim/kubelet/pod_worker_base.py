"""What every part of the pod worker shares: its state, events, status writes, syncs.

``PodWorker`` (``pod_worker``) is one class made of mixins, one concept each:
``prober_manager`` (probe results into the status), ``kuberuntime_container``
(starting, hooks, killing, exits), ``container_resources`` (the ``resources``
records). They all build on this base, which declares the attributes
``PodWorker.__init__`` sets and the few steps every one of them takes: record an
event, write a container's status and publish the Pod's, ask for a sync.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from ..event_reasons import EventReason
from ..model import Container
from ..record_types import EventType, ProbeKind
from ..records import Recorder
from ..status import ContainerStatus, Running, Waiting, not_running

if TYPE_CHECKING:
    from ..nodestate import NodeState, PodNetwork, PodRuntime
    from . import prober
    from .container_env import EnvironmentCache
    from .host import KubeletHost
    from .logs import PodLogs
    from .runtime import ContainerInstance
    from .status_manager import PodStatusManager
    from .volumes import PodVolumes

SOURCE = "kubelet"
PLEG_RELIST_MS = 1_000  # GenericPLEG relists containers every second

SimGen = Generator[simpy.Event, Any, Any]


class PodWorkerBase:
    """The pod worker's attributes (set by ``PodWorker.__init__``) and shared steps."""

    host: KubeletHost
    env: simpy.Environment
    rec: Recorder
    rt: PodRuntime
    node: NodeState
    network: PodNetwork
    instances: dict[str, ContainerInstance]
    probe_workers: list[prober.ProbeWorker]
    logs: PodLogs
    volumes: PodVolumes
    environments: EnvironmentCache
    status_manager: PodStatusManager
    node_down: bool
    _wakeup: simpy.Event
    _woken: bool  # ``_wakeup.triggered``: only ``_poke`` triggers it, and it is set anew
    _kills: dict[str, tuple[str, ProbeKind | None]]  # container -> (message, probe)
    _restart_anyway: set[str]  # spec changes restart whatever the policy
    _object_ref: str
    process: simpy.Process  # the worker's own (``PodWorker.run``)
    # The step of the worker's process (``_step``) in which ``set_status`` last published
    _published_in: simpy.Event | None

    # -- wakeups -----------------------------------------------------------
    # The clock is read as ``env._now``: SimPy's ``Environment.now`` is a property returning
    # it (a call each; ``test_records_read_simpys_clock``), and a crash loop reads it ~6
    # times per start here.

    def request_sync(self, at_ms: int) -> None:
        env = self.env
        delay = at_ms - env._now
        timeout = env.timeout(delay if delay > 0 else 0)  # ``max(0, delay)``
        timeout.callbacks.append(self._poke)

    def sync_at_next_relist(self) -> None:
        """``request_sync(self.next_relist())`` in one call: every start and exit asks it."""
        env = self.env
        now = env._now
        timeout = env.timeout((int(now) // PLEG_RELIST_MS + 1) * PLEG_RELIST_MS - now)
        timeout.callbacks.append(self._poke)

    def _poke(self, _: simpy.Event | None = None) -> None:
        if self.node_down:
            return
        if not self._woken:  # ``self._wakeup.triggered``, without the property's call
            self._woken = True
            self._wakeup.succeed()

    def next_relist(self) -> int:
        return (int(self.env._now) // PLEG_RELIST_MS + 1) * PLEG_RELIST_MS

    def clock(self) -> int:
        return int(self.env._now)

    # -- containers ----------------------------------------------------------

    def container(self, name: str) -> Container:
        """The container's current spec (``kubectl apply`` may have changed its image)."""
        spec = self.rt.pod.spec
        return next(c for c in (*spec.init_containers, *spec.containers) if c.name == name)

    def is_running(self, c: Container) -> bool:
        instance = self.instances.get(c.name)
        return instance is not None and instance.running

    # -- logs --------------------------------------------------------------

    def log_text(self, c: Container) -> str:
        """The current run's log, as ``kubectl logs`` reads it (a termination message's tail)."""
        logs = self.logs.get(c.name)
        latest = logs.latest if logs is not None else None
        return latest.read(int(self.env.now)) if latest is not None else ""

    # -- status --------------------------------------------------------------

    def event(self, type_: EventType, reason: EventReason, message: str) -> None:
        self.rec.event(type_, reason, self._object_ref, message, SOURCE)

    def set_waiting(self, c: Container, reason: str, message: str) -> None:
        s = self.rt.statuses[c.name]
        self.set_status(c, not_running(s, Waiting(reason, message), s.last_state))

    def set_status(self, c: Container, status: ContainerStatus) -> None:
        self.rt.statuses[c.name] = status
        self.status_manager.publish()  # ``publish``, one call fewer: every status write
        # ``self._step()`` written out (every status write takes it)
        process = self.process
        self._published_in = process._target if self.env._active_proc is process else None
        workers = self.probe_workers
        if workers:  # their steady ticks read the status (``nodestate.ProbeInputs``)
            self.rt.probe_inputs.version += 1
            for w in workers:
                if w.name == c.name:
                    w.wake()

    def _step(self) -> simpy.Event | None:
        """The step the worker's process is in: the event it resumed from, while it runs;
        None from another process's step or a callback. A step is named by its event: a
        process waits on a new one at every yield but the wakeup, which the worker rearms
        and waits on again (``_rearm_wakeup``); a rearm forgets a publish noted under the
        wakeup, an earlier step's, so two calls return the same object and find a publish
        only within one step, where nothing but the worker's own code has run between."""
        process = self.process
        # ``env.active_process`` and ``process.target`` without their properties' calls
        # (a status write asks at each one): SimPy's properties return these fields
        return process._target if self.env._active_proc is process else None

    def published_this_step(self) -> bool:
        """Whether the worker's own ``set_status`` has published in this step, with no write
        of the Pod's status since (every later write in the step is a ``set_status`` too,
        or publishes itself): a publish now would compare and write nothing."""
        step = self._step()
        return step is not None and self._published_in is step

    def publish(self) -> None:
        """Recompute phase and conditions; write the records that changed."""
        self.status_manager.publish()

    def has_started(self, c: Container) -> bool:
        s = self.rt.statuses[c.name]
        return isinstance(s.state, Running) and bool(s.started)

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
