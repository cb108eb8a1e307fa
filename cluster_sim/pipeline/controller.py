"""The pipeline controller: runs each Pipeline's steps on the run's clock (issue #16).

A Pipeline is created (by the bundle at t = 0, or a Scenario's or the page's
``apply``) and its run starts at that instant. Each step writes a ``pipeline``
record when it starts and when it ends (``phase`` Running, then Succeeded, Failed
or Skipped), which the page draws as one lane per step, and the steps that matter
to a cluster operator write a Kubernetes-style event on the Pipeline (source
``pipeline-controller``). The image is pushed to the run's registry
(``ctx.registry``), its birth certificate written to the run's Grafeas ledger
(``ctx.ledger``), and the canary and the promotion go through kubectl's own
``set image``, ``scale`` and ``rollout undo`` (``cluster_sim.kubectl.workloads``).

Timings are whole seconds: each step lasts its ``durationSeconds`` (defaults in
``spec.DEFAULT_SECONDS``); the checks look at the canary's Pods once a second and
pass once ``replicas`` Pods running the new digest have been Ready for
``readySeconds`` without a break, and fail at ``timeoutSeconds`` otherwise.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Final

import simpy

from ..controlplane.context import ControlContext
from ..controlplane.store import ApiObject, KindInfo, WatchType
from ..event_reasons import EventReason
from ..kubectl import workloads
from ..record_types import EventType
from ..registry import ImageManifest, RegistryError
from ..yamlsource import format_path
from .spec import (
    API_VERSION,
    KIND,
    MAX_PIPELINES,
    PipelineSpec,
    Severity,
    Step,
    read_pipeline,
    too_many_pipelines,
)

SOURCE: Final = "pipeline-controller"
CHECK_INTERVAL_MS: Final = 1_000
# OCI annotation keys the build stamps on the image (image-spec annotations.md).
LABEL_REVISION: Final = "org.opencontainers.image.revision"
LABEL_SOURCE: Final = "org.opencontainers.image.source"
LABEL_BASE: Final = "org.opencontainers.image.base.name"


def validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    """The API server's answer to a Pipeline: the reader's problems, one cause each."""
    _, errors = read_pipeline(manifest)
    return [f"{format_path(path)}: {message}" for path, message in errors]


class PipelineRun:
    """One Pipeline's run: its steps as a SimPy process."""

    def __init__(self, ctx: ControlContext, obj: ApiObject, spec: PipelineSpec) -> None:
        self.ctx = ctx
        self.obj = obj
        self.spec = spec
        self.run = f"{spec.name}-{spec.commit.sha[:7]}"
        self.digest = ""
        self.outcome = ""

    # -- records -----------------------------------------------------------------

    def step(self, step: Step, phase: str, message: str = "", **extra: Any) -> None:
        self.ctx.recorder.emit(
            "pipeline",
            pipeline=self.spec.key,
            run=self.run,
            step=step.value,
            phase=phase,
            message=message,
            commit=self.spec.commit.sha,
            **extra,
        )

    def event(self, type_: EventType, reason: EventReason, message: str) -> None:
        self.ctx.recorder.event(type_, reason, self.obj.ref, message, SOURCE)

    def skip(self, *steps: Step) -> None:
        for step in steps:
            self.step(step, "Skipped", "an earlier step failed")

    def wait(self, seconds: int) -> simpy.Timeout:
        return self.ctx.env.timeout(seconds * 1000)

    # -- the steps ---------------------------------------------------------------

    def steps(self) -> Generator[simpy.Event, Any, None]:
        spec = self.spec
        later = [Step.BUILD, Step.PUSH, Step.SCAN, Step.ATTEST, Step.NOTIFY]
        if spec.canary is not None:
            later += [Step.CANARY, Step.CHECKS]
        if spec.promote is not None:
            later.append(Step.PROMOTE)
        self.step(Step.TESTS, "Running", f"commit {spec.commit.sha[:7]}: {spec.commit.message}")
        yield self.wait(spec.tests_seconds)
        if not spec.tests_pass:
            self.step(Step.TESTS, "Failed", f"tests failed after {spec.tests_seconds}s")
            self.event(
                EventType.WARNING,
                EventReason.TESTS_FAILED,
                f"Tests failed for commit {spec.commit.sha[:7]}: no image is built",
            )
            self.skip(*later)
            return self.finish("Failed")
        self.step(Step.TESTS, "Succeeded", f"tests passed in {spec.tests_seconds}s")
        later.remove(Step.BUILD)
        start = self.ctx.now_ms
        self.step(Step.BUILD, "Running", f"docker build -t {spec.tagged} (FROM {spec.build.base})")
        yield self.wait(spec.build.seconds)
        manifest = ImageManifest(
            base=spec.build.base,
            labels={
                LABEL_REVISION: spec.commit.sha,
                LABEL_SOURCE: f"https://git.podlife.dev/{spec.key}.git",
                LABEL_BASE: spec.build.base,
            },
            source_commit=spec.commit.sha,
        )
        if self.ctx.registry.resolve(spec.build.base) is None:
            self.step(Step.BUILD, "Failed", f"FROM {spec.build.base}: not found")
            self.event(
                EventType.WARNING, EventReason.BUILD_FAILED, f"FROM {spec.build.base}: not found"
            )
            self.skip(*later)
            return self.finish("Failed")
        self.step(Step.BUILD, "Succeeded", f"built {spec.tagged}", digest=manifest.digest)
        later.remove(Step.PUSH)
        self.step(Step.PUSH, "Running", f"docker push {spec.tagged}")
        yield self.wait(spec.push_seconds)
        try:
            self.digest = self.ctx.registry.push(spec.build.image, spec.build.tag, manifest)
        except RegistryError as err:
            self.step(Step.PUSH, "Failed", str(err))
            self.skip(*later)
            return self.finish("Failed")
        end = self.ctx.now_ms
        self.step(
            Step.PUSH, "Succeeded", f"{spec.build.tag}: digest: {self.digest}", digest=self.digest
        )
        self.event(EventType.NORMAL, EventReason.PUSHED, f"Pushed {spec.tagged} ({self.digest})")
        self.ctx.ledger.build(
            pipeline=spec.key,
            run=self.run,
            repository=spec.build.image,
            tag=spec.build.tag,
            digest=self.digest,
            commit=(spec.commit.sha, spec.commit.message, spec.commit.author),
            base=spec.build.base,
            start_ms=start,
            end_ms=end,
        )
        later.remove(Step.SCAN)
        self.step(Step.SCAN, "Running", f"scanning {spec.build.image}@{self.digest}")
        yield self.wait(spec.scan_seconds)
        self.ctx.ledger.scan(
            repository=spec.build.image,
            digest=self.digest,
            findings=tuple((f.id, f.severity.value, f.package, f.fixed_in) for f in spec.findings),
            t_ms=self.ctx.now_ms,
        )
        self.step(Step.SCAN, "Succeeded", scan_summary(spec), digest=self.digest)
        later.remove(Step.ATTEST)
        self.step(Step.ATTEST, "Running", f"signing {self.digest} with {spec.signing_key}")
        yield self.wait(1)
        critical = [f.id for f in spec.findings if f.severity is Severity.CRITICAL]
        if critical:
            message = f"not signed: CRITICAL vulnerabilities {', '.join(critical)}"
            self.step(Step.ATTEST, "Failed", message, digest=self.digest)
            self.event(
                EventType.WARNING,
                EventReason.ATTESTATION_REFUSED,
                f"{spec.build.image}@{self.digest} {message}",
            )
            self.skip(*later)
            return self.finish("Failed")
        self.ctx.ledger.attest(
            repository=spec.build.image,
            digest=self.digest,
            key=spec.signing_key,
            t_ms=self.ctx.now_ms,
        )
        self.step(Step.ATTEST, "Succeeded", f"attested by {spec.signing_key}", digest=self.digest)
        later.remove(Step.NOTIFY)
        self.step(Step.NOTIFY, "Running", f"notifying {spec.notify_channel}")
        yield self.wait(spec.notify_seconds)
        self.step(
            Step.NOTIFY,
            "Succeeded",
            f"{spec.notify_channel}: {spec.build.image}@{self.digest} is ready for "
            f"{spec.environment}",
            digest=self.digest,
        )
        if spec.canary is None:
            return self.finish("Succeeded")
        yield from self.canary(later)

    def canary(self, later: list[Step]) -> Generator[simpy.Event, Any, None]:
        spec = self.spec
        canary = spec.canary
        assert canary is not None
        key = f"{spec.environment}/{canary.deployment}"
        reference = f"{spec.build.image}@{self.digest}"
        deployment = self.ctx.store.get("Deployment", spec.environment, canary.deployment)
        if deployment is None:
            self.step(
                Step.CANARY,
                "Failed",
                f'Error from server (NotFound): deployments.apps "{canary.deployment}" not found',
            )
            self.skip(*[s for s in later if s is not Step.CANARY])
            return self.finish("Failed")
        replicas_before = deployment.spec.get("replicas")
        self.step(
            Step.CANARY,
            "Running",
            f"kubectl set image deployment/{canary.deployment} {canary.container}={reference}",
            digest=self.digest,
        )
        said = workloads.set_image(self.ctx, "deployment", key, canary.container, reference)
        if said.startswith(("error", "Error")):
            self.step(Step.CANARY, "Failed", said)
            self.skip(Step.CHECKS, *([Step.PROMOTE] if spec.promote else []))
            return self.finish("Failed")
        workloads.scale(self.ctx, "deployment", key, canary.replicas)
        self.step(
            Step.CANARY,
            "Succeeded",
            f"deployment/{canary.deployment}: {canary.replicas} replica(s) of {reference}",
            digest=self.digest,
        )
        checks = spec.checks
        self.step(
            Step.CHECKS,
            "Running",
            f"waiting for {canary.replicas} Ready Pod(s) for {checks.ready_seconds}s "
            f"(at most {checks.timeout_seconds}s)",
        )
        deadline = self.ctx.now_ms + checks.timeout_seconds * 1000
        ready_since: int | None = None
        passed = False
        while True:
            now = self.ctx.now_ms
            if self.ready_pods(spec.environment, canary.deployment, reference) >= canary.replicas:
                ready_since = now if ready_since is None else ready_since
                if now - ready_since >= checks.ready_seconds * 1000:
                    passed = True
                    break
            else:
                ready_since = None
            if now >= deadline:
                break
            yield self.ctx.env.timeout(min(CHECK_INTERVAL_MS, deadline - now))
        restore = int(replicas_before) if isinstance(replicas_before, int) else 1
        if not passed:
            ready = self.ready_pods(spec.environment, canary.deployment, reference)
            message = (
                f"{ready}/{canary.replicas} canary Pod(s) Ready for {checks.ready_seconds}s "
                f"within {checks.timeout_seconds}s"
            )
            self.step(Step.CHECKS, "Failed", message, digest=self.digest)
            self.event(
                EventType.WARNING,
                EventReason.CANARY_FAILED,
                f"Canary {canary.deployment} failed its checks: {message}",
            )
            self.step(
                Step.ROLLBACK,
                "Running",
                f"kubectl rollout undo deployment/{canary.deployment}",
                digest=self.digest,
            )
            workloads.rollout_undo(self.ctx, key)
            workloads.scale(self.ctx, "deployment", key, restore)
            self.step(
                Step.ROLLBACK,
                "Succeeded",
                f"deployment/{canary.deployment} rolled back",
                digest=self.digest,
            )
            if spec.promote is not None:
                self.step(Step.PROMOTE, "Skipped", "the canary failed its checks")
            return self.finish("RolledBack")
        self.step(
            Step.CHECKS,
            "Succeeded",
            f"{canary.replicas} canary Pod(s) Ready for {checks.ready_seconds}s",
            digest=self.digest,
        )
        if spec.promote is None:
            return self.finish("Succeeded")
        promote = spec.promote
        self.step(
            Step.PROMOTE,
            "Running",
            f"kubectl set image deployment/{promote.deployment} {promote.container}={reference}",
            digest=self.digest,
        )
        said = workloads.set_image(
            self.ctx,
            "deployment",
            f"{spec.environment}/{promote.deployment}",
            promote.container,
            reference,
        )
        if said.startswith(("error", "Error")):
            self.step(Step.PROMOTE, "Failed", said, digest=self.digest)
            return self.finish("Failed")
        workloads.scale(self.ctx, "deployment", key, restore)
        self.step(
            Step.PROMOTE,
            "Succeeded",
            f"deployment/{promote.deployment} runs {reference}",
            digest=self.digest,
        )
        self.event(
            EventType.NORMAL,
            EventReason.PROMOTED,
            f"Promoted {spec.build.image}@{self.digest} to "
            f"deployment/{promote.deployment} in {spec.environment}",
        )
        return self.finish("Promoted")

    def finish(self, outcome: str) -> None:
        self.outcome = outcome
        self.ctx.recorder.emit(
            "pipeline",
            pipeline=self.spec.key,
            run=self.run,
            step="run",
            phase=outcome,
            message=f"run {self.run}: {outcome}",
            commit=self.spec.commit.sha,
            digest=self.digest,
        )

    def ready_pods(self, namespace: str, deployment: str, reference: str) -> int:
        """Pods of the Deployment's ReplicaSets that run ``reference`` and are Ready now."""
        store = self.ctx.store
        owner = store.get("Deployment", namespace, deployment)
        if owner is None:
            return 0
        sets = {
            rs.uid
            for rs in store.list("ReplicaSet", namespace)
            if (ref := rs.controller_ref()) is not None and ref.uid == owner.uid
        }
        count = 0
        for pod in store.list("Pod", namespace):
            ref = pod.controller_ref()
            if ref is None or ref.uid not in sets or pod.deletion_timestamp is not None:
                continue
            images = [c.get("image") for c in pod.spec.get("containers") or []]
            if reference not in images:
                continue
            conditions = pod.status.get("conditions") or []
            if any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
                count += 1
        return count


def scan_summary(spec: PipelineSpec) -> str:
    """``0 vulnerabilities`` or ``2 vulnerabilities: 1 HIGH, 1 LOW``, most severe first."""
    if not spec.findings:
        return "0 vulnerabilities"
    if len(spec.findings) == 1:
        return f"1 vulnerability: 1 {spec.findings[0].severity.value}"
    counts = {s: sum(1 for f in spec.findings if f.severity is s) for s in reversed(Severity)}
    parts = [f"{n} {s.value}" for s, n in counts.items() if n]
    return f"{len(spec.findings)} vulnerabilities: {', '.join(parts)}"


class PipelineController:
    """Registers the Pipeline kind, runs each new Pipeline, records DEPLOYMENT occurrences."""

    def __init__(self, ctx: ControlContext) -> None:
        self.ctx = ctx
        self.runs: dict[str, PipelineRun] = {}

    def start(self) -> None:
        store = self.ctx.store
        store.register(KindInfo(KIND, "pipelines", API_VERSION, validate=validate))
        store.watch(KIND, self._pipeline)

    def _pipeline(self, type_: WatchType, obj: ApiObject) -> None:
        if type_ is not WatchType.ADDED or obj.uid in self.runs:
            return
        spec, _ = read_pipeline({"metadata": obj.metadata(), **obj.body})
        if spec is None:
            return
        if len(self.runs) >= MAX_PIPELINES:
            self.ctx.notice(f"pipeline {obj.key} not run: {too_many_pipelines(len(self.runs) + 1)}")
            return
        if not self.runs:
            # Pods are watched from the first run on (as the workload controllers watch them
            # once they have an object): a run without Pipelines has no watch dispatch more.
            self.ctx.store.watch("Pod", self._pod)
        run = self.runs[obj.uid] = PipelineRun(self.ctx, obj, spec)
        self.ctx.env.process(run.steps())

    def _pod(self, type_: WatchType, obj: ApiObject) -> None:
        """A DEPLOYMENT occurrence when a Pod's container runs a digest a pipeline built."""
        ledger = self.ctx.ledger
        if type_ is WatchType.DELETED or not ledger.by_digest:
            return
        running = {
            s.get("name"): s
            for s in obj.status.get("containerStatuses") or []
            if isinstance(s, dict) and s.get("state") == "running"
        }
        if not running:
            return
        for c in obj.spec.get("containers") or []:
            status = running.get(c.get("name"))
            if status is None:
                continue
            image_id = str(status.get("imageID") or "")
            repository, _, digest = image_id.partition("@")
            if not digest:
                resolved = self.ctx.registry.resolve(str(c.get("image") or ""))
                if resolved is None:
                    continue
                repository, digest = resolved.repository, resolved.digest
            ledger.deploy(
                repository=repository,
                digest=digest,
                pod=obj.key,
                uid=obj.uid,
                node=str(obj.spec.get("nodeName") or ""),
                t_ms=self.ctx.now_ms,
            )
