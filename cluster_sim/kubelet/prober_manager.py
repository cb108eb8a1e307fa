"""The prober manager's side of the pod worker: probe results into the Pod's status.

``UpdatePodStatus`` (prober_manager.go) sets each container's ``started`` and
``ready`` from its probe workers' results; a failed liveness or startup probe
queues the container's kill for the next sync (``kill_failed_probes``), and each
failed execution records an ``Unhealthy`` event. The probe workers themselves
are ``prober``'s.
"""

from __future__ import annotations

from ..event_reasons import EventReason
from ..model import Container
from ..record_types import EventType, ProbeKind
from ..status import ContainerStatus, Running, State, Terminated, with_probe_results
from . import prober
from .pod_worker_base import PodWorkerBase


class ProberManager(PodWorkerBase):
    """A mixin of ``PodWorker``: what probe results change in the Pod."""

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
        started, ready = self.probe_status(c, s.state, s.ready)
        return with_probe_results(s, started, ready)

    def probe_status(self, c: Container, state: State, ready_before: bool) -> tuple[bool, bool]:
        """``with_probe_status``'s started and ready for a status in ``state`` whose ready
        was ``ready_before``: a start or an exit builds its status once, with them."""
        if c.init and not c.sidecar:
            done = isinstance(state, Terminated) and state.exit_code == 0
            return isinstance(state, Running), done
        if not isinstance(state, Running):
            return False, False
        if not self.probe_workers:  # the common container: no probe, started and ready
            started = ready = True
            readiness = None
        else:
            results = {w.kind: w for w in self.probe_workers if w.container.name == c.name}
            startup = results.get(ProbeKind.STARTUP)
            started = startup is None or startup.result == prober.SUCCESS
            readiness = results.get(ProbeKind.READINESS)
            ready = started and (readiness is None or readiness.result == prober.SUCCESS)
        if readiness is None and self.rt.deletion_timestamp is not None:
            ready = ready_before
        return started, ready

    def trigger_readiness(self) -> None:
        for w in self.probe_workers:
            if w.kind is not ProbeKind.READINESS or w.result == prober.SUCCESS:
                continue
            s = self.rt.statuses.get(w.container.name)
            if s is not None and isinstance(s.state, Running) and s.started:
                w.trigger()

    def stop_probes(self) -> None:
        for w in self.probe_workers:
            w.stop()
