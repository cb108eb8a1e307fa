"""A run: the cluster, its clock and the record stream."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import simpy

from .actions import ActionError, check, perform, schedule_action
from .budget import RECORD_BYTES, BudgetMeter
from .bundle import Bundle
from .cluster import Cluster
from .controlplane.store import APIStore
from .kubelet.inspector import exec_read_only
from .kubelet.logs import LogRecords, kubectl_logs
from .limits import DEFAULT_LIMITS, BudgetHit, RunLimits
from .podkey import pod_key
from .records import Record
from .scenario import Scenario

DEFAULT_HORIZON_S = DEFAULT_LIMITS.horizon_s


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
        # Building the cluster is a bulk load of long-lived objects (5,000 Pods: about
        # 1.4M tracked ones) with nothing cyclic to free: the collector, left on, makes
        # one full pass after another over a growing heap (1.56 of 1.85 s at 5,000 Pods).
        with _no_cyclic_gc():
            self.env = simpy.Environment()
            self.horizon_ms = round(horizon * 1000)
            self.cluster = Cluster(self.env, bundle, seed, limits)
            for action in scenario.actions:
                schedule_action(self.cluster, action.at_ms, action.kind, action.args, action.line)
            self._now_ms = 0
            self.limits = limits
            self.cluster.log_rate = (
                None if log_records == "all" else limits.log_lines_per_container_second
            )
            self.stopped_by: BudgetHit | None = None
            recorder = self.cluster.recorder
            self._meter = BudgetMeter(limits, lambda: recorder.written, self._footprint)
            self.actions: list[dict[str, Any]] = []  # the action log: what act() was asked
            for logged in actions:
                self._replay(logged)

    @property
    def store(self) -> APIStore:
        """The run's API server: every object, for printers and the page (read it, never write)."""
        return self.cluster.store

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
        worker = self.cluster.workers.get(pod_key(pod))
        instance = worker.instances.get(container) if worker is not None else None
        if instance is None or not instance.running:
            return 1, f'error: container "{container}" of Pod {pod} is not running\n'
        return exec_read_only(instance, argv)

    def inspect(self, pod: str, container: str) -> dict[str, Any]:
        """The view from inside a running container, now: env, mounts, hosts, DNS, Services."""
        key = pod_key(pod)
        worker = self.cluster.workers.get(key)
        if worker is None or container not in worker.instances:
            return {"pod": key, "container": container, "running": False}
        instance = worker.instances[container]
        spec_mounts = instance.container.manifest.get("volumeMounts") or []
        mounts: list[dict[str, Any]] = [
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
        env = self.cluster.recorder.latest("env", key, container)
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
            "env": env["env"] if env is not None else [],
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
        key = pod_key(pod)
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
        # SimPy's schedule, a heap of (time, priority, id, event): ``env.peek()`` is the
        # time of its first entry, read here without a call per step (the list is SimPy's
        # for the run's life; ``test_advance_reads_simpys_schedule`` holds the two equal)
        queue = env._queue
        meter = self._meter
        steps = meter.steps
        next_check = meter.next_check
        next_second = meter.next_second_ms
        last = meter.last_step_ms
        with _no_cyclic_gc():
            while queue and (upcoming := queue[0][0]) <= limit:
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
    """Pause the cyclic garbage collector while a run is built and while its clock runs.

    Not for memory: issue #15 makes what a run lets go of (a dead container, a
    gone Pod's kubelet side) free by reference counting (``test_freed_pod_workers``
    and the container side's cycle test), leaving the collector nothing to free.
    It stays paused because its passes would still re-scan the young records and
    events a slice allocates. Measured with those cycles gone, three runs each (CPU
    seconds, min/median/max; DESIGN.md "Records from what changed..."): the
    1,000-Pod crash-loop hour in 5-minute slices 11.4/15.7/16.7 paused against
    13.7/16.6/18.3 collecting, the probed hour 3.3/5.8/6.2 against 5.4/6.4/7.4,
    the same peak RSS (142 MB) either way. While a cycle is left, the pause holds
    its garbage until ``advance`` returns (406 MB against 168 MB peak RSS for
    the crash-loop hour when every dead container was one). The collector
    resumes when ``advance`` returns.

    Before it resumes, what the slice allocated and left alive is handed to the
    oldest generation as is (``gc.freeze()`` then ``gc.unfreeze()``: two list
    splices). Otherwise the first allocation after the pause would scan all of
    it as one young generation (1,000 Pods, one hour: 0.20-0.27 s of ~3.6 s)
    to find, by the cycle tests above, nothing. Anything still cyclic is found
    by the next full collection, as any long-lived object's cycle is
    (DESIGN.md, "The collector's pause").
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def simulate(
    bundle: Bundle, *, until: float | None = None, seed: int | None = None
) -> list[Record]:
    """Run ``bundle`` from the start to ``until`` seconds (its horizon); return every record."""
    sim = Simulation(bundle, seed=seed, horizon=until)
    return sim.advance(sim.horizon)
