"""Starting and killing one container: the pod worker's share of kuberuntime_container.go.

``startContainer``: the image (``EnsureImageExists``, ``image_manager``), the
container's config (environment, command), ``Created``, the runtime's start
(a ``StartError`` when the executable is not in the image), ``Started``, then
the postStart hook, which the kubelet waits for. ``killContainer``: the
``Killing`` event, preStop within the grace period, the container's turn among
sidecars, the stop signal, SIGKILL. And the runtime's report of an exit (PLEG).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from .. import images
from ..environment.resolve import ContainerConfigError
from ..event_reasons import EventReason
from ..model import Container
from ..record_types import EventType, ProbeKind
from ..registry import Resolved
from ..status import (
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    with_state_and_probe_results,
)
from . import image_manager, prober
from .container_resources import ContainerResources
from .pod_worker_base import SimGen
from .prober_manager import ProberManager
from .restart import SYNC_RETRY_MS
from .runtime import EXIT_START_ERROR, ContainerInstance
from .termination_order import TerminationOrdering

# Enum members as module names: on CPython 3.11 reading one as a class attribute
# (``EventType.NORMAL``) costs ~1.1k instructions, and a start reads several.
_TYPE_NORMAL = EventType.NORMAL
_TYPE_WARNING = EventType.WARNING
_REASON_CREATED = EventReason.CREATED
_REASON_STARTED = EventReason.STARTED
_REASON_KILLING = EventReason.KILLING

MINIMUM_GRACE_PERIOD_S = 2  # minimumGracePeriodInSeconds
BASE_MEMORY = 1 << 20  # what an idle process charges to its cgroup


class KubeRuntimeContainers(ProberManager, ContainerResources):
    """A mixin of ``PodWorker``: one container's start, hooks, kill and exit."""

    def start(self, c: Container) -> SimGen:
        """``startContainer``'s program: ``EnsureImageExists``, which goes on with
        ``start_pulled`` once the image is there. Not a generator itself, so the pull's
        steps (its turn, its end) resume through one generator frame fewer; every caller
        drives the program at once."""
        return image_manager.ensure_image(self, c, images.parse_image(c.image))

    def start_pulled(self, c: Container, resolved: Resolved) -> SimGen | None:
        """The start once its image is there: create, start; the postStart hook's program."""
        rt = self.rt
        if rt.deletion_timestamp is not None:
            return None
        image = resolved.image
        try:
            env = self.environments.container_config(c, image, self.pod_view, self.node_allocatable)
        except ContainerConfigError as problem:
            # generateContainerConfig failed: Warning Failed, CreateContainerConfigError.
            # SyncPod returns the error and the pod worker retries after its back-off period
            # (nothing syncs the Pod when the ConfigMap or Secret appears).
            self.event(_TYPE_WARNING, EventReason.FAILED, f"Error: {problem}")
            self.set_waiting(c, "CreateContainerConfigError", str(problem))
            self.request_sync(int(self.env.now) + SYNC_RETRY_MS)
            return None
        argv = images.resolve_command(
            image,
            None if c.command is None else env.command,
            None if c.args is None else env.args,
        )
        # ``emit("env", ...)``'s record, built here: no keyword packing at every start
        self.rec.append(
            {
                "t": self.env._now / 1000,
                "kind": "env",
                "pod": rt.key,
                "container": c.name,
                "env": env.records(),
            }
        )
        self.event(_TYPE_NORMAL, _REASON_CREATED, f"Created container: {c.name}")
        previous = rt.statuses[c.name]
        last = previous.state if isinstance(previous.state, Terminated) else previous.last_state
        restart_count = previous.restart_count + (1 if previous.container_id else 0)
        container_id = "containerd://" + self.host.new_container_id()
        self.logs.started(c.name, container_id)
        status_image = image_manager.status_image(self.node, resolved)
        exe = argv[0].rsplit("/", 1)[-1] if argv else ""
        if exe not in image.binaries:
            message = (
                "failed to create containerd task: failed to create shim task: OCI runtime "
                "create failed: runc create failed: unable to start container process: error "
                f'during container init: exec: "{argv[0] if argv else ""}": executable file not '
                "found in $PATH: unknown"
            )
            self.event(_TYPE_WARNING, EventReason.FAILED, f"Error: {message}")
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
                    image=status_image,
                    image_id=resolved.image_id,
                ),
            )
            self.sync_at_next_relist()
            return None
        self.event(_TYPE_NORMAL, _REASON_STARTED, f"Started container {c.name}")
        hostname, fs = self.volumes.start_files(c, image.binaries, self.clock, image)
        process_env = env.process_env(hostname)
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
        # ``with_probe_status`` of the new status (ready False), built once with its results
        state = Running(int(self.env._now))  # the clock without the property's call
        started, ready = self.probe_status(c, state, False)
        status = ContainerStatus(
            c.name,
            state,
            last,
            ready,
            started,
            restart_count,
            container_id,
            status_image,
            resolved.image_id,
        )
        self.set_status(c, status)
        self.sync_at_next_relist()
        if c.lifecycle.post_start is not None:
            return self.run_post_start(c, instance)
        return None

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
            self.event(_TYPE_WARNING, EventReason.FAILED_POST_START_HOOK, "PostStartHook failed")
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

    def container_exited(self, instance: ContainerInstance) -> None:
        """PLEG: the runtime reports a container exit; sync at the next relist."""
        c = instance.container
        if self.instances.get(c.name) is not instance:
            return
        s = self.rt.statuses[c.name]
        exit_code = instance.exit_code if instance.exit_code is not None else 0
        terminated = Terminated(
            exit_code, instance.reason, instance.started_at, int(self.env._now), instance.message
        )
        if instance.reason == "OOMKilled":
            self.rec.emit(
                "oom",
                pod=self.rt.key,
                container=c.name,
                memory=instance.memory,
                limit=c.limits.memory,
            )
        # ``with_probe_status(c, with_state(s, terminated))``, with one new status, not two
        started, ready = self.probe_status(c, terminated, s.ready)
        self.set_status(c, with_state_and_probe_results(s, terminated, started, ready))
        self.sync_at_next_relist()

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
        self.event(_TYPE_NORMAL, _REASON_KILLING, message or f"Stopping container {c.name}")
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
                self.event(_TYPE_WARNING, EventReason.FAILED_PRE_STOP_HOOK, "PreStopHook failed")
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
