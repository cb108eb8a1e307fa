"""The ``Pipeline`` document: the CI run that conceives an image (issue #16).

A bundle may hold ``Pipeline`` documents (``apiVersion: playground.podlife.dev/v1``,
the Scenario's group) beside its manifests. Each is one commit pushed at the
moment the Pipeline is created (t = 0 for the bundle's, the action's time for
a Scenario's ``apply``), and the steps the talk names, always in this order::

    apiVersion: playground.podlife.dev/v1
    kind: Pipeline
    metadata: {name: web-3f9c2e1}
    spec:
      environment: shop                    # the namespace it deploys to (default: its own)
      commit: {sha: 3f9c2e1d..., message: "Add a /ready endpoint", author: "Ada <ada@x>"}
      signingKey: ci-release               # the key name its attestations are signed with
      steps:
        tests: {result: pass, durationSeconds: 40}       # pass | fail
        build: {image: registry.podlife.dev/shop/web, tag: 3f9c2e1, from: "nginx:1.27",
                durationSeconds: 45}
        push: {durationSeconds: 5}
        scan: {durationSeconds: 10, findings: [{id: CVE-2026-0001, severity: LOW,
               package: zlib}]}
        notify: {channel: deploy-manager}
        canary: {deployment: web-canary, container: web, replicas: 1}
        checks: {readySeconds: 30, timeoutSeconds: 120}
        promote: {deployment: web, container: web}

Every step but ``tests`` and ``build`` may be left out (a pipeline without
``canary`` stops after the push, the notification and the scan). Problems are
``(path, message)`` pairs, as the Scenario's reader reports them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from ..images import InvalidImageName, parse_image, validate_reference
from ..yamlsource import Path

API_VERSION: Final = "playground.podlife.dev/v1"
KIND: Final = "Pipeline"
MAX_SECONDS: Final = 3_600  # a step longer than the longest run would never end in one
MAX_REPLICAS: Final = 100
MAX_FINDINGS: Final = 50
# Pipelines one run takes (the bundle's and those applied later): each polls its canary's
# Pods every second, so their number is bounded like every other per-run cost.
MAX_PIPELINES: Final = 20
SHA: Final = re.compile(r"^[0-9a-f]{7,40}$")
DNS_LABEL: Final = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
TAG: Final = re.compile(r"^[\w][\w.-]{0,127}$")
DEFAULT_SIGNING_KEY: Final = "ci-pipeline"


class Step(StrEnum):
    """The talk's steps, in the order a run takes them."""

    TESTS = "tests"
    BUILD = "build"
    PUSH = "push"
    SCAN = "scan"
    ATTEST = "attest"
    NOTIFY = "notify"
    CANARY = "canary"
    CHECKS = "checks"
    PROMOTE = "promote"
    ROLLBACK = "rollback"


class Severity(StrEnum):
    """Grafeas' ``Severity`` (vulnerability.proto), without SEVERITY_UNSPECIFIED."""

    MINIMAL = "MINIMAL"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


# Default durations (seconds) of the steps a document may leave unsaid.
DEFAULT_SECONDS: Final[dict[Step, int]] = {
    Step.TESTS: 30,
    Step.BUILD: 45,
    Step.PUSH: 5,
    Step.SCAN: 10,
    Step.ATTEST: 1,
    Step.NOTIFY: 1,
}
STEP_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "tests": ("result", "durationSeconds"),
    "build": ("image", "tag", "from", "durationSeconds"),
    "push": ("durationSeconds",),
    "scan": ("durationSeconds", "findings"),
    "notify": ("channel", "durationSeconds"),
    "canary": ("deployment", "container", "replicas"),
    "checks": ("readySeconds", "timeoutSeconds"),
    "promote": ("deployment", "container"),
}
SPEC_FIELDS: Final = ("environment", "commit", "signingKey", "steps")


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    message: str = ""
    author: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One vulnerability the scan finds: a CVE note's id, its severity, the package."""

    id: str
    severity: Severity
    package: str = ""
    fixed_in: str = ""


@dataclass(frozen=True, slots=True)
class Build:
    image: str  # repository as written: registry.podlife.dev/shop/web
    tag: str
    base: str  # the catalogue image it is built FROM
    seconds: int


@dataclass(frozen=True, slots=True)
class Canary:
    deployment: str
    container: str
    replicas: int = 1


@dataclass(frozen=True, slots=True)
class Checks:
    ready_seconds: int = 30
    timeout_seconds: int = 180


@dataclass(frozen=True, slots=True)
class Promote:
    deployment: str
    container: str


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    name: str
    namespace: str  # the Pipeline's own namespace
    environment: str  # the namespace it deploys to
    commit: Commit
    signing_key: str
    tests_pass: bool
    tests_seconds: int
    build: Build
    push_seconds: int = DEFAULT_SECONDS[Step.PUSH]
    scan_seconds: int = DEFAULT_SECONDS[Step.SCAN]
    findings: tuple[Finding, ...] = ()
    notify_channel: str = ""
    notify_seconds: int = DEFAULT_SECONDS[Step.NOTIFY]
    canary: Canary | None = None
    checks: Checks = field(default_factory=Checks)
    promote: Promote | None = None

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def tagged(self) -> str:
        return f"{self.build.image}:{self.build.tag}"


class PipelineReader:
    """Read a Pipeline manifest, collecting ``(path, message)`` problems."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: list[tuple[Path, str]] = []

    def fail(self, path: Path, message: str) -> None:
        self.errors.append((path, message))

    def seconds(self, value: Any, path: Path, default: int, *, minimum: int = 0) -> int:
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(path, f"must be a whole number of seconds, not {value!r}")
            return default
        if value != int(value):
            self.fail(path, f"must be a whole number of seconds, not {value:g}")
            return default
        if not minimum <= value <= MAX_SECONDS:
            self.fail(path, f"must be from {minimum} to {MAX_SECONDS} seconds, not {value:g}")
            return default
        return int(value)

    def text(self, value: Any, path: Path, *, required: bool = False) -> str:
        if value is None or value == "":
            if required:
                self.fail(path, "Required value")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(path, f"must be a string, not {value!r}")
            return ""
        return str(value)

    def mapping(self, value: Any, path: Path, *, required: bool = False) -> dict[str, Any]:
        if value is None:
            if required:
                self.fail(path, "Required value")
            return {}
        if not isinstance(value, dict):
            self.fail(path, "must be a mapping")
            return {}
        return value

    def known(self, value: Mapping[str, Any], path: Path, names: tuple[str, ...]) -> None:
        for key in value:
            if key not in names:
                where = ".".join(str(p) for p in path)
                self.fail(
                    (*path, key),
                    f'unknown field "{where}.{key}"; {where} has {", ".join(names)}',
                )

    def name(self, value: Any, path: Path) -> str:
        text = self.text(value, path, required=True)
        if text and (len(text) > 63 or not DNS_LABEL.match(text)):
            self.fail(
                path,
                f'Invalid value: "{text}": a lowercase RFC 1123 label must consist of lower case '
                "alphanumeric characters or '-', and must start and end with an alphanumeric "
                "character",
            )
            return ""
        return text

    def read(self) -> PipelineSpec | None:
        data = self.data
        meta = _v if isinstance(_v := data.get("metadata"), dict) else {}
        name = str(meta.get("name") or "")
        namespace = str(meta.get("namespace") or "default")
        if not name:
            self.fail(("metadata", "name"), "Required value: name or generateName is required")
        if not isinstance(data.get("spec"), dict):
            self.mapping(data.get("spec"), ("spec",), required=True)
            return None
        spec = data["spec"]
        self.known(spec, ("spec",), SPEC_FIELDS)
        environment = spec.get("environment")
        environment = self.name(environment, ("spec", "environment")) if environment else namespace
        raw_commit = spec.get("commit")
        commit_map = self.mapping(raw_commit, ("spec", "commit"), required=True)
        commit = self.commit(commit_map) if isinstance(raw_commit, dict) else None
        key = self.text(spec.get("signingKey"), ("spec", "signingKey")) or DEFAULT_SIGNING_KEY
        steps = self.mapping(spec.get("steps"), ("spec", "steps"), required=True)
        self.known(steps, ("spec", "steps"), tuple(STEP_FIELDS))
        for step, value in steps.items():
            if step in STEP_FIELDS and isinstance(value, dict):
                self.known(value, ("spec", "steps", step), STEP_FIELDS[step])
        path: Path = ("spec", "steps")
        tests = self.mapping(steps.get("tests"), (*path, "tests"), required=True)
        result = tests.get("result", "pass")
        if result not in ("pass", "fail"):
            self.fail(
                (*path, "tests", "result"),
                f'Unsupported value: "{result}": supported values: "pass", "fail"',
            )
        tests_seconds = self.seconds(
            tests.get("durationSeconds"), (*path, "tests", "durationSeconds"), 30
        )
        raw_build = steps.get("build")
        build_step = self.mapping(raw_build, (*path, "build"), required=True)
        build = self.build(build_step) if isinstance(raw_build, dict) else None
        push = self.mapping(steps.get("push"), (*path, "push"))
        push_seconds = self.seconds(
            push.get("durationSeconds"), (*path, "push", "durationSeconds"), 5
        )
        scan = self.mapping(steps.get("scan"), (*path, "scan"))
        scan_seconds = self.seconds(
            scan.get("durationSeconds"), (*path, "scan", "durationSeconds"), 10
        )
        findings = self.findings(scan.get("findings"))
        notify = self.mapping(steps.get("notify"), (*path, "notify"))
        channel = self.text(notify.get("channel"), (*path, "notify", "channel")) or "deploy-manager"
        notify_seconds = self.seconds(
            notify.get("durationSeconds"), (*path, "notify", "durationSeconds"), 1
        )
        canary = self.canary(steps.get("canary"))
        checks = self.mapping(steps.get("checks"), (*path, "checks"))
        ready = self.seconds(checks.get("readySeconds"), (*path, "checks", "readySeconds"), 30)
        timeout = self.seconds(
            checks.get("timeoutSeconds"), (*path, "checks", "timeoutSeconds"), 180, minimum=1
        )
        if ready > timeout:
            self.fail(
                (*path, "checks", "readySeconds"),
                f"must be at most timeoutSeconds ({timeout}), not {ready}",
            )
        promote = self.promote(steps.get("promote"), canary)
        if self.errors or commit is None or build is None:
            return None
        return PipelineSpec(
            name=name,
            namespace=namespace,
            environment=environment,
            commit=commit,
            signing_key=key,
            tests_pass=result == "pass",
            tests_seconds=tests_seconds,
            build=build,
            push_seconds=push_seconds,
            scan_seconds=scan_seconds,
            findings=findings,
            notify_channel=channel,
            notify_seconds=notify_seconds,
            canary=canary,
            checks=Checks(ready, timeout),
            promote=promote,
        )

    def commit(self, value: dict[str, Any]) -> Commit | None:
        path: Path = ("spec", "commit")
        self.known(value, path, ("sha", "message", "author"))
        sha = self.text(value.get("sha"), (*path, "sha"), required=True)
        if sha and not SHA.match(sha):
            self.fail(
                (*path, "sha"),
                f'Invalid value: "{sha}": a commit is 7 to 40 lowercase hexadecimal digits',
            )
            return None
        message = self.text(value.get("message"), (*path, "message"))
        author = self.text(value.get("author"), (*path, "author"))
        return Commit(sha, message, author) if sha else None

    def build(self, value: dict[str, Any]) -> Build | None:
        path: Path = ("spec", "steps", "build")
        image = self.text(value.get("image"), (*path, "image"), required=True)
        tag = self.text(value.get("tag"), (*path, "tag"), required=True)
        base = self.text(value.get("from"), (*path, "from"), required=True)
        seconds = self.seconds(value.get("durationSeconds"), (*path, "durationSeconds"), 45)
        if image and (":" in image.rsplit("/", 1)[-1] or "@" in image):
            self.fail((*path, "image"), "the repository only: put the tag in build.tag")
            return None
        if tag and not TAG.match(tag):
            self.fail(
                (*path, "tag"),
                f'Invalid value: "{tag}": a tag is up to 128 letters, '
                "digits, '_', '.' and '-', not starting with '.' or '-'",
            )
            return None
        for what, ref in (("image", f"{image}:{tag or 'latest'}"), ("from", base)):
            if not ref or ref.startswith(":"):
                continue
            try:
                validate_reference(ref)
            except InvalidImageName as exc:
                self.fail((*path, what), str(exc))
                return None
        if not (image and tag and base):
            return None
        return Build(parse_image(image).repository if image else "", tag, base, seconds)

    def canary(self, value: Any) -> Canary | None:
        path: Path = ("spec", "steps", "canary")
        if value is None:
            return None
        value = self.mapping(value, path)
        deployment = self.name(value.get("deployment"), (*path, "deployment"))
        container = self.text(value.get("container"), (*path, "container"), required=True)
        replicas = value.get("replicas", 1)
        if (
            isinstance(replicas, bool)
            or not isinstance(replicas, int)
            or not (1 <= replicas <= MAX_REPLICAS)
        ):
            self.fail(
                (*path, "replicas"),
                f"must be a whole number from 1 to {MAX_REPLICAS}, not {replicas!r}",
            )
            replicas = 1
        if not (deployment and container):
            return None
        return Canary(deployment, container, replicas)

    def promote(self, value: Any, canary: Canary | None) -> Promote | None:
        path: Path = ("spec", "steps", "promote")
        if value is None:
            return None
        value = self.mapping(value, path)
        if canary is None and not self.errors:
            self.fail(path, "a promotion needs a canary step to promote from")
        deployment = self.name(value.get("deployment"), (*path, "deployment"))
        container = self.text(value.get("container"), (*path, "container"), required=True)
        if canary is not None and deployment == canary.deployment:
            self.fail((*path, "deployment"), "must be another Deployment than the canary's")
        return Promote(deployment, container) if deployment and container else None

    def findings(self, value: Any) -> tuple[Finding, ...]:
        path: Path = ("spec", "steps", "scan", "findings")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "must be a list")
            return ()
        if len(value) > MAX_FINDINGS:
            self.fail(path, f"the playground keeps at most {MAX_FINDINGS} findings")
            return ()
        out = []
        severities = ", ".join(f'"{s}"' for s in Severity)
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(
                    (*path, i),
                    "a finding is a mapping like {id: CVE-2026-0001, "
                    "severity: HIGH, package: openssl}",
                )
                continue
            self.known(item, (*path, i), ("id", "severity", "package", "fixedIn"))
            ident = self.text(item.get("id"), (*path, i, "id"), required=True)
            severity = item.get("severity")
            if severity not in tuple(Severity):
                self.fail(
                    (*path, i, "severity"),
                    f'Unsupported value: "{severity}": supported values: {severities}',
                )
                continue
            if ident:
                out.append(
                    Finding(
                        ident,
                        Severity(severity),
                        self.text(item.get("package"), (*path, i, "package")),
                        self.text(item.get("fixedIn"), (*path, i, "fixedIn")),
                    )
                )
        return tuple(out)


def too_many_pipelines(count: int) -> str:
    """The refusal of the Pipeline past ``MAX_PIPELINES`` (the ``count``-th of the run)."""
    return (
        f"the playground runs at most {MAX_PIPELINES} Pipelines in one run; this is number {count}"
    )


def read_pipeline(data: Mapping[str, Any]) -> tuple[PipelineSpec | None, list[tuple[Path, str]]]:
    """A Pipeline manifest's spec, or None and its problems."""
    reader = PipelineReader(data)
    spec = reader.read()
    return spec, reader.errors
