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

import contextlib
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from ..model import Container
from ..probes_model import Handler, Probe
from ..userland import Output, Process, Sleep
from .runtime import ContainerInstance

if TYPE_CHECKING:
    from .pod_worker import PodWorker

SUCCESS, FAILURE, UNKNOWN = "Success", "Failure", "Unknown"
INITIAL = {"readiness": FAILURE, "liveness": SUCCESS, "startup": UNKNOWN}
TITLE = {"readiness": "Readiness", "liveness": "Liveness", "startup": "Startup"}

SimGen = Generator[simpy.Event, Any, Any]


class ProbeWorker:
    def __init__(self, worker: PodWorker, container: Container, kind: str, probe: Probe) -> None:
        self.worker = worker
        self.env = worker.env
        self.container = container
        self.kind = kind
        self.probe = probe
        self.initial = INITIAL[kind]
        self.result = self.initial  # what the results manager holds
        self.last_result = UNKNOWN
        self.result_run = 0
        self.on_hold = False
        self.container_id = ""
        self._ticking = False
        self._stopped = False
        self.process = self.env.process(self.run())

    def run(self) -> SimGen:
        period = self.probe.period_seconds * 1000
        while not self._stopped:
            keep_going = yield from self.do_probe()
            if not keep_going:
                return
            self._ticking = True
            # A manual trigger interrupts the wait: probe now; the ticker restarts from here.
            with contextlib.suppress(simpy.Interrupt):
                yield self.env.timeout(period)
            self._ticking = False

    def trigger(self) -> None:
        """``manualTriggerCh``: probe at once instead of waiting for the next tick."""
        if self._ticking and not self._stopped:
            self._ticking = False
            self.process.interrupt()

    def stop(self) -> None:
        self._stopped = True
        self.trigger()

    def set_result(self, result: str) -> None:
        if result != self.result:
            self.result = result
            self.worker.probe_result_changed(self)

    def do_probe(self) -> SimGen:
        """One tick of ``worker.doProbe``; returns whether the worker keeps going."""
        rt = self.worker.rt
        if rt.phase in ("Failed", "Succeeded"):
            return False
        status = rt.statuses.get(self.container.name)
        instance = self.worker.instances.get(self.container.name)
        if status is None or not status.container_id or instance is None:
            return True
        if self.container_id != status.container_id:
            self.container_id = status.container_id
            self.set_result(self.initial)
            self.on_hold = False
        if self.on_hold:
            return True
        if not instance.running or instance.id != status.container_id:
            self.set_result(FAILURE)
            return not (rt.pod.spec.restart_policy == "Never" and not self.container.sidecar)
        if rt.deletion_timestamp is not None and self.kind in ("liveness", "startup"):
            self.set_result(SUCCESS)
            return False
        since_start_s = (self.env.now - instance.started_at) // 1000
        if since_start_s < self.probe.initial_delay_seconds:
            return True
        if status.started:
            if self.kind == "startup":
                return True
        elif self.kind != "startup":
            return True
        result, output = yield from execute(self.probe, instance, self.worker, self.kind)
        if self._stopped or self.worker.instances.get(self.container.name) is not instance:
            return True
        self.worker.probe_ran(self, result, output)
        if self.last_result == result:
            self.result_run += 1
        else:
            self.last_result = result
            self.result_run = 1
        if (result == FAILURE and self.result_run < self.probe.failure_threshold) or (
            result == SUCCESS and self.result_run < self.probe.success_threshold
        ):
            return True
        if (self.kind == "liveness" and result == FAILURE) or self.kind == "startup":
            self.on_hold = True
            self.result_run = 0
        self.set_result(result)
        return True


def execute(
    probe: Probe | Handler, instance: ContainerInstance, worker: PodWorker, kind: str = ""
) -> Generator[simpy.Event, Any, tuple[str, str]]:
    """Run one probe (or hook) handler against ``instance``; return (result, output)."""
    handler = probe.handler if isinstance(probe, Probe) else probe
    timeout_ms = probe.timeout_seconds * 1000 if isinstance(probe, Probe) else None
    if kind and worker.cluster.faults.probe_failing(worker.rt, instance.container, kind):
        return FAILURE, injected_failure(handler, instance, worker)
    if handler.kind == "exec":
        return (yield from run_exec(handler, instance, worker, timeout_ms))
    if handler.kind == "sleep":
        yield worker.env.timeout(handler.seconds * 1000)
        return SUCCESS, ""
    port = resolve_port(handler.port, instance.container)
    host = handler.host or worker.network.ip
    listener = worker.network.listeners.get(port)
    if handler.kind == "httpGet":
        url = f"{handler.scheme.lower()}://{host}:{port}{handler.path}"
        if listener is None or listener.protocol != "http" or listener.respond is None:
            return FAILURE, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
        code, _body = listener.respond(handler.path)
        if 200 <= code < 400:
            return SUCCESS, ""
        return FAILURE, f"HTTP probe failed with statuscode: {code}"
    if handler.kind == "tcpSocket":
        if listener is None:
            return FAILURE, f"dial tcp {host}:{port}: connect: connection refused"
        return SUCCESS, ""
    if handler.kind == "grpc":
        address = f"{host}:{port}"
        if listener is None or listener.protocol != "grpc" or listener.serving is None:
            seconds = probe.timeout_seconds if isinstance(probe, Probe) else 1
            return (
                FAILURE,
                f'timeout: failed to connect service "{address}" within {seconds}s: '
                "context deadline exceeded",
            )
        state = listener.serving()
        if state == "SERVING":
            return SUCCESS, ""
        return FAILURE, f'service unhealthy (responded with "{state}")'
    return UNKNOWN, f"unsupported handler {handler.kind}"


def injected_failure(handler: Handler, instance: ContainerInstance, worker: PodWorker) -> str:
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
    handler: Handler, instance: ContainerInstance, worker: PodWorker, timeout_ms: int | None
) -> Generator[simpy.Event, Any, tuple[str, str]]:
    """``ExecSync`` in the container: same files and environment, bounded by the timeout."""
    process = Process(
        handler.command,
        instance.binaries,
        env=dict(instance.env_vars),
        files=instance.process.files,
    )
    process.container = instance.handle
    program = process.run()
    output: list[str] = []
    elapsed = 0
    try:
        action = next(program)
        while True:
            if isinstance(action, Sleep):
                if timeout_ms is not None and elapsed + action.ms > timeout_ms:
                    yield worker.env.timeout(timeout_ms - elapsed)
                    program.close()
                    return FAILURE, f'command "{" ".join(handler.command)}" timed out'
                elapsed += int(action.ms)
                yield worker.env.timeout(action.ms)
            elif isinstance(action, Output):
                output.append(action.text)
            action = program.send(None)
    except StopIteration as done:
        status = int(done.value or 0)
    text = "".join(output).rstrip("\n")
    return (SUCCESS if status == 0 else FAILURE), text


def resolve_port(port: int | str, container: Container) -> int:
    """A probe port is a number or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    return container.ports.get(port, 0)
