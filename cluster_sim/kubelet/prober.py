"""Probes: the kubelet's prober workers, one per (container, probe type).

``ProbeWorker`` follows ``pkg/kubelet/prober/worker.go``: cached initial
results (readiness Failure, liveness Success, startup Unknown), a ticker
anchored at the worker's start, initial delay in truncated seconds since the
container started, startup gating liveness and readiness, run-length
thresholds, and "on hold" after a liveness failure or any startup result
until a new container ID appears. ``execute`` runs one probe and returns the
result with the output the kubelet would put in its ``Unhealthy`` event.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Protocol

import simpy

from ..gofmt import go_quote
from ..model import Container
from ..probes_model import Handler, Probe
from ..record_types import TERMINAL_PHASES, ProbeKind, ProbeResult
from ..userland import Output, Process, Sleep
from ..userland.actions import Action
from ..userland.driver import Stop, drive
from ..userland.servers import StaticSite
from .runtime import ContainerInstance

if TYPE_CHECKING:
    from ..nodestate import PodNetwork, PodRuntime
    from ..records import Recorder
    from .host import KubeletHost

# The vocabulary's members as module names: every probe tick compares with them, and on
# Python 3.11 reading a member through its enum class costs several times a global's.
SUCCESS, FAILURE, UNKNOWN = ProbeResult.SUCCESS, ProbeResult.FAILURE, ProbeResult.UNKNOWN
# A probe record's "result": the member's value (``.value`` is a property's call per record)
RESULT_VALUES = {result: result.value for result in ProbeResult}
STARTUP, READINESS, LIVENESS = ProbeKind.STARTUP, ProbeKind.READINESS, ProbeKind.LIVENESS
INITIAL = {READINESS: FAILURE, LIVENESS: SUCCESS, STARTUP: UNKNOWN}
TITLE = {READINESS: "Readiness", LIVENESS: "Liveness", STARTUP: "Startup"}

SimGen = Generator[simpy.Event, Any, Any]


# What ``do_probe`` tells the worker loop.
KEEP, IDLE, STOP, EXEC = "keep", "idle", "stop", "exec"


class ProbeHost(Protocol):
    """What a probe worker needs from its pod worker (``PodWorker``)."""

    host: KubeletHost
    env: simpy.Environment
    rec: Recorder
    rt: PodRuntime
    network: PodNetwork
    instances: dict[str, ContainerInstance]

    def probe_failed(self, worker: ProbeWorker, output: str) -> None: ...

    def probe_result_changed(self, worker: ProbeWorker) -> None: ...


class ProbeWorker:
    """One probe of one container, ticking every ``periodSeconds``.

    While a probe cannot run (no container yet, on hold, startup done, not
    started) the kubelet's worker keeps ticking and returns early at each
    tick. This worker instead sleeps until the container's status changes,
    then resumes on the same ticker phase: the probes that run, and when,
    are the same, without thousands of empty ticks.
    """

    # Slots, not a ``__dict__``: a worker has more attributes than CPython 3.11 keeps in
    # its class's shared keys (30), past which every instance carries a dict of its own
    # (about 1.6 KB, three workers per probed Pod); slots hold them in about 300 bytes.
    # Slots lie in memory in the order written: the steady healthy tick's (``_on_timer``,
    # ``_record``, ``_set_timer``, ``_next_tick_at``) first, in the order it reads them, so
    # that a tick touches the first three cache lines of the worker rather than all six
    # (at 5,000 probed Pods a tick's cost is the memory it touches).
    __slots__ = (  # noqa: RUF023 (in the order above, not sorted)
        "_timer",
        "_steady_version",
        "_inputs",
        "last_result",
        "result",
        "_faults",
        "result_run",
        "_records",
        "env",
        "_pod_key",
        "name",
        "_kind_value",
        "_success_threshold",
        "_ticks",
        "_tick_at",
        "_callback",
        "anchor",
        "period",
        # the rest
        "_checked_status",
        "_failure_threshold",
        "_handler",
        "_healthy",
        "_http",
        "_instance",
        "_listeners",
        "_path",
        "_port",
        "_ready_to_probe",
        "_rt",
        "_state",
        "_tcp",
        "_timeout_s",
        "container",
        "container_id",
        "failure_windows",
        "initial",
        "kind",
        "on_hold",
        "probe",
        "worker",
    )

    def __init__(
        self, worker: ProbeHost, container: Container, kind: ProbeKind, probe: Probe
    ) -> None:
        self.worker = worker
        self.env = worker.env
        self.container = container
        self.name = container.name
        self.kind = kind
        self.probe = probe
        self.period = probe.period_seconds * 1000
        self.initial = INITIAL[kind]
        self.result = self.initial  # what the results manager holds
        self.last_result: ProbeResult = UNKNOWN
        self.result_run = 0
        self.on_hold = False
        self.container_id = ""
        self.anchor = int(self.env.now)  # the ticker's phase: ticks at anchor + k * period
        self.failure_windows = tuple(
            (w.start_ms, w.end_ms)
            for f in worker.host.faults.for_container(worker.rt.key, container.name)
            for w in f.probe_failures
            if w.probe == kind
        )
        # The steady state: the instance and status that passed every check last tick.
        self._ready_to_probe: ContainerInstance | None = None
        self._checked_status: object = None
        self._timer: simpy.Event | None = None
        self._records = worker.rec
        self._pod_key = worker.rt.key
        self._rt = worker.rt
        # ``rt.probe_inputs.version`` when the last tick ended steady (``_steady_at_end``);
        # -1 when it did not: the steady tick's test, without reading the Pod
        self._inputs = worker.rt.probe_inputs
        self._steady_version = -1
        self._faults = worker.host.faults
        self._handler = probe.handler
        self._timeout_s = probe.timeout_seconds
        self._tick_at = worker.host.tick_at
        self._ticks = worker.host.ticks
        # The fixed parts of an httpGet or tcpSocket check (``_check``).
        self._listeners = worker.network.listeners
        handler = probe.handler
        self._port = (
            handler.port if type(handler.port) is int else resolve_port(handler.port, container)
        )
        self._tcp = handler.kind == "tcpSocket"
        self._http = handler.kind == "httpGet"
        self._path = handler.path
        # The listener whose healthy answer the last tick's check found, when another tick
        # asking it must get the same answer (``_healthy_listener``); else None.
        self._healthy: object = _UNHEALTHY
        # The probe record's fields that are the worker's own (``_record``): a record is
        # built from them and the module's constant strings, not copied from a template
        # of the worker's, so a tick reads no per-worker dict (a probed tick at 5,000
        # Pods is bound by the memory it touches, not by its instructions).
        self._kind_value = kind.value
        self._success_threshold = probe.success_threshold
        self._failure_threshold = probe.failure_threshold
        # one bound method, not one per tick
        self._callback: Callable[[simpy.Event], None] = self._on_timer
        self._state = "ticking"  # ticking | idle | exec | stopped
        self._set_timer(self.anchor)  # the worker's first doProbe runs as it starts

    # The worker is a small state machine driven by timer callbacks rather than
    # a SimPy process: a probe tick costs one Timeout and no generator resume.
    # Its step is ``do_probe`` (one tick of ``worker.doProbe``); each tick is built from
    # one steady-state predicate (``_steady``), one record builder (``_record``, in
    # ``observe``) and one next-tick function (``_next_tick_at``); the steady healthy
    # tick in ``_on_timer`` calls the same record builder and next-tick function, and
    # trusts the predicate as the last tick's end found it while the Pod's
    # ``probe_inputs`` did not change (``_steady_at_end``; ``test_prober_steady_tick``
    # holds its records to ``do_probe``'s).

    def _set_timer(self, at: int) -> None:
        """Call ``_on_timer`` at ``at`` (ms), on the timer every worker ticking then shares."""
        timer = self._ticks.get(at)
        if timer is None or timer.callbacks is None:  # none yet, or it fired: a new one
            timer = self._tick_at(at)
        timer.callbacks.append(self._callback)
        self._timer = timer

    def _next_tick_at(self) -> int:
        """The next tick of the ticker anchored at ``anchor`` after now.

        A probe that ran past a tick drops it, as Go's ticker does.
        """
        now = int(self.env._now)
        period = self.period
        return self.anchor + ((now - self.anchor) // period + 1) * period

    def _on_timer(self, event: simpy.Event) -> None:
        if event is not self._timer:
            return  # superseded by a manual trigger, or the worker stopped
        if (
            self._steady_version == self._inputs.version
            and self.last_result is SUCCESS
            and self.result is SUCCESS
            and not self._faults.any_unhealthy
        ):
            # The steady healthy tick: the last tick ended steady and nothing it read of
            # the Pod changed since (``_steady_at_end``), so ``do_probe``'s check answers
            # Success as the last tick's did, below every threshold's edge, and ``observe``
            # only counts the run.
            self.result_run += 1
            self._record(SUCCESS, "", self._success_threshold)
            self._set_timer(self._next_tick_at())
            return
        self._timer = None
        self._steady_version = -1
        outcome = self.do_probe()
        if outcome is EXEC:
            self._state = "exec"
            self.env.process(self._exec())
            return
        self._after(outcome)
        self._steady_at_end()

    def _steady_at_end(self) -> None:
        """Note the Pod's ``probe_inputs.version`` if the next tick, were nothing to change,
        could take the short path: the listener that answered would answer the same, and
        every check of ``do_probe`` would pass (``_steady``). Those are read only here, once
        per tick that went through ``do_probe``; any change of them counts a version."""
        if self._listeners.get(self._port) is self._healthy and self._steady() is not None:
            self._steady_version = self._inputs.version

    def _exec(self) -> SimGen:
        outcome = yield from self.run_exec_probe()
        self._after(outcome)

    def _after(self, outcome: str) -> None:
        if outcome == STOP or self._state == "stopped":
            self.stop()
        elif outcome == IDLE:
            self._state = "idle"
        else:
            self._state = "ticking"
            self._set_timer(self._next_tick_at())

    def wake(self) -> None:
        """The container's status changed: an idle worker looks again at its next tick."""
        if self._state == "idle":
            self._state = "ticking"
            self._set_timer(self._next_tick_at())

    def trigger(self) -> None:
        """``manualTriggerCh``: probe at once; the ticker restarts from now."""
        if self._state in ("ticking", "idle"):
            self._state = "ticking"
            self.anchor = int(self.env.now)
            self._set_timer(self.anchor)

    def stop(self) -> None:
        self._state = "stopped"
        self._timer = None
        # The bound method kept for ``_set_timer`` refers to this worker: let it go, so a
        # stopped worker is freed by reference counting once the timers holding it fire.
        self._callback = _ignore

    @property
    def stopped(self) -> bool:
        return self._state == "stopped"

    def set_result(self, result: ProbeResult) -> None:
        if result is not self.result:
            self.result = result
            self.worker.probe_result_changed(self)

    def _steady(self) -> ContainerInstance | None:
        """The instance the last tick probed after every check of ``do_probe`` passed, when
        nothing those checks read changed since (statuses are immutable: a new phase or
        container means a new object); else None."""
        instance = self._ready_to_probe
        if (
            instance is not None
            and not self.on_hold
            and self._rt.statuses.get(self.name) is self._checked_status
            and instance.exit_code is None
            and self._rt.deletion_timestamp is None
            and not self._faults.any_unhealthy
        ):
            return instance
        return None

    def _check(self, instance: ContainerInstance) -> tuple[ProbeResult, str]:
        """An httpGet, tcpSocket or grpc check of ``instance``: answered at once.

        A healthy answer is found here from the check's fixed parts (a probe tick's
        common case); anything else is ``check_network``'s, with its message."""
        listener = self._listeners.get(self._port)
        if listener is not None and (
            self._tcp
            or (
                self._http
                and listener.protocol == "http"
                and listener.respond is not None
                and 200 <= listener.respond(self._path)[0] < 400
            )
        ):
            return SUCCESS, ""
        return check_network(self._handler, instance, self.worker, self._timeout_s)

    def _healthy_listener(self, result: ProbeResult) -> object:
        """The listener that just answered ``result``, if every later check of it gets the
        same healthy answer: a tcpSocket check of any listener, an httpGet one of a static
        site (``StaticSite``); else a marker no listener is."""
        listener = self._listeners.get(self._port)
        if (
            result is SUCCESS
            and self.kind is not STARTUP
            and listener is not None
            and (self._tcp or type(listener.respond) is StaticSite)
        ):
            return listener
        return _UNHEALTHY

    def do_probe(self) -> str:
        """One tick of ``worker.doProbe``: KEEP ticking, go IDLE until a change, or STOP.

        Checks that answer at once (httpGet, tcpSocket, grpc) run here; an exec
        probe takes simulated time, so it returns EXEC for the loop to run it.
        """
        instance = self._steady()
        if instance is not None:
            return self.observe(*self._check(instance))
        worker = self.worker
        rt = worker.rt
        name = self.name
        status = rt.statuses.get(name)
        self._ready_to_probe = None
        if rt.phase in TERMINAL_PHASES:
            return STOP
        instance = worker.instances.get(name)
        if status is None or instance is None or not status.container_id:
            return IDLE
        if self.container_id != status.container_id:
            self.container_id = status.container_id
            self.set_result(self.initial)
            self.on_hold = False
        if self.on_hold:
            return IDLE
        if instance.exit_code is not None or instance.id != status.container_id:
            self.set_result(FAILURE)
            if rt.pod.spec.restart_policy == "Never" and not self.container.sidecar:
                return STOP
            return IDLE
        if rt.deletion_timestamp is not None and self.kind is not READINESS:
            self.set_result(SUCCESS)
            return STOP
        if (self.env.now - instance.started_at) // 1000 < self.probe.initial_delay_seconds:
            return KEEP
        if status.started:
            if self.kind is STARTUP:
                return IDLE
        elif self.kind is not STARTUP:
            return IDLE
        handler = self.probe.handler
        if handler.kind == "exec" or handler.kind == "sleep":
            self._instance = instance
            return EXEC
        if (self.failure_windows and self.failing_now()) or worker.host.faults.unhealthy(
            rt.key, name
        ):
            result, output = FAILURE, injected_failure(handler, instance, worker)
        else:
            result, output = self._check(instance)
            self._healthy = self._healthy_listener(result)
            if not self.failure_windows:
                self._ready_to_probe = instance
                self._checked_status = status
        return self.observe(result, output)

    def run_exec_probe(self) -> Generator[simpy.Event, Any, str]:
        instance = self._instance
        if self.worker.host.faults.unhealthy(self.worker.rt.key, self.name):
            return self.observe(
                FAILURE, injected_failure(self.probe.handler, instance, self.worker)
            )
        result, output = yield from execute(self.probe, instance, self.worker, self.failure_windows)
        if self.stopped or self.worker.instances.get(self.name) is not instance:
            return KEEP
        return self.observe(result, output)

    def failing_now(self) -> bool:
        now = self.env.now
        return any(start <= now < end for start, end in self.failure_windows)

    def _record(self, result: ProbeResult, output: str, threshold: int) -> None:
        """The ``probe`` record of one execution.

        Its values are plain strings and numbers (the enums' values, the same JSON): such
        a dict is not tracked by the cyclic collector, which otherwise walks every probe
        record a slice keeps (a probed hour writes one per Pod and second or so).
        """
        self._records.append(
            {
                "t": self.env._now / 1000,  # SimPy's clock without the property's call
                "kind": "probe",
                "pod": self._pod_key,
                "container": self.name,
                "probe": self._kind_value,
                "result": RESULT_VALUES[result],
                "message": output,
                "run": self.result_run,  # consecutive results like this one
                "threshold": threshold,
            }
        )

    def observe(self, result: ProbeResult, output: str) -> str:
        """Record one execution and apply the run-length thresholds."""
        if self.last_result is result:
            self.result_run += 1
        else:
            self.last_result = result
            self.result_run = 1
        self._record(
            result,
            output,
            self._success_threshold
            if result is SUCCESS
            else self._failure_threshold
            if result is FAILURE
            else 1,
        )
        if result is FAILURE:
            self.worker.probe_failed(self, output)
            if self.result_run < self.probe.failure_threshold:
                return KEEP
        elif self.result_run < self.probe.success_threshold:
            return KEEP
        if (self.kind is LIVENESS and result is FAILURE) or self.kind is STARTUP:
            self.on_hold = True
            self.result_run = 0
        if result is not self.result:
            self.set_result(result)
        return KEEP


_UNHEALTHY = object()  # no listener is this: ``_healthy`` when the next check must run


def _ignore(_event: simpy.Event) -> None:
    """A stopped worker's timer callback."""


def execute(
    probe: Probe | Handler,
    instance: ContainerInstance,
    worker: ProbeHost,
    failure_windows: tuple[tuple[int, int], ...] = (),
) -> Generator[simpy.Event, Any, tuple[ProbeResult, str]]:
    """Run one probe (or hook) handler against ``instance``; return (result, output).

    ``failure_windows`` are a Scenario's ``probeFailures`` for this probe: inside
    one, the check fails the way a broken application makes it fail.
    """
    handler = probe.handler if isinstance(probe, Probe) else probe
    timeout_ms = probe.timeout_seconds * 1000 if isinstance(probe, Probe) else None
    if failure_windows:
        now = worker.env.now
        if any(start <= now < end for start, end in failure_windows):
            return FAILURE, injected_failure(handler, instance, worker)
    if handler.kind == "exec":
        return (yield from run_exec(handler, instance, worker, timeout_ms))
    if handler.kind == "sleep":
        yield worker.env.timeout(handler.seconds * 1000)
        return SUCCESS, ""
    return check_network(
        handler, instance, worker, probe.timeout_seconds if isinstance(probe, Probe) else 1
    )


def check_network(
    handler: Handler, instance: ContainerInstance, worker: ProbeHost, timeout_seconds: int
) -> tuple[ProbeResult, str]:
    """An httpGet, tcpSocket or grpc check: answered at once by the Pod's ports."""
    port = handler.port
    if type(port) is not int:
        port = resolve_port(port, instance.container)
    listener = worker.network.listeners.get(port)
    kind = handler.kind
    if kind == "httpGet":
        if listener is not None and listener.respond is not None and listener.protocol == "http":
            code = listener.respond(handler.path)[0]
            if 200 <= code < 400:
                return SUCCESS, ""
            return FAILURE, f"HTTP probe failed with statuscode: {code}"
        host = handler.host or worker.network.ip
        url = f"{handler.scheme.lower()}://{host}:{port}{handler.path}"
        return FAILURE, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
    if kind == "tcpSocket":
        if listener is None:
            host = handler.host or worker.network.ip
            return FAILURE, f"dial tcp {host}:{port}: connect: connection refused"
        return SUCCESS, ""
    if kind == "grpc":
        address = f"{handler.host or worker.network.ip}:{port}"
        if listener is None or listener.protocol != "grpc" or listener.serving is None:
            return (
                FAILURE,
                f'timeout: failed to connect service "{address}" within {timeout_seconds}s: '
                "context deadline exceeded",
            )
        state = listener.serving()
        if state == "SERVING":
            return SUCCESS, ""
        return FAILURE, f'service unhealthy (responded with "{state}")'
    return UNKNOWN, f"unsupported handler {kind}"


def injected_failure(handler: Handler, instance: ContainerInstance, worker: ProbeHost) -> str:
    """What a failing check looks like for each handler (a Scenario's probeFailures)."""
    port = resolve_port(handler.port, instance.container)
    host = handler.host or worker.network.ip
    if handler.kind == "httpGet":
        return "HTTP probe failed with statuscode: 503"
    if handler.kind == "tcpSocket":
        return f"dial tcp {host}:{port}: connect: connection refused"
    if handler.kind == "grpc":
        return 'service unhealthy (responded with "NOT_SERVING")'
    return ""


def run_exec(
    handler: Handler, instance: ContainerInstance, worker: ProbeHost, timeout_ms: int | None
) -> Generator[simpy.Event, Any, tuple[ProbeResult, str]]:
    """``ExecSync`` in the container: same files and environment, bounded by the timeout."""
    process = Process(
        handler.command,
        instance.binaries,
        env=dict(instance.env_vars),
        fs=instance.process.fs,
        container=instance.handle,
        pid=instance.next_pid(),
    )
    output: list[str] = []
    elapsed = 0

    def step(action: Action) -> Generator[simpy.Event, Any, Stop | None]:
        nonlocal elapsed
        if isinstance(action, Sleep):
            if timeout_ms is not None and elapsed + action.ms > timeout_ms:
                yield worker.env.timeout(timeout_ms - elapsed)
                return Stop.STOP
            elapsed += int(action.ms)
            yield worker.env.timeout(action.ms)
        elif isinstance(action, Output):
            output.append(action.text)
        return None

    ended = yield from drive(process.run(), step)
    if ended.status is None:
        # remote_runtime.go: fmt.Errorf("command %q timed out", strings.Join(cmd, " "))
        return FAILURE, f"command {go_quote(' '.join(handler.command))} timed out"
    text = "".join(output).rstrip("\n")
    return (SUCCESS if ended.status == 0 else FAILURE), text


def resolve_port(port: int | str, container: Container) -> int:
    """A probe port is a number or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    return container.ports.get(port, 0)
