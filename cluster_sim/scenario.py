"""The ``Scenario`` document: what manifests cannot say.

A bundle may hold one document of kind ``Scenario``
(``apiVersion: playground.podlife.dev/v1``). It sets the run's seed and
horizon, the cluster's nodes, faults to inject into containers, and actions
to take at given times::

    apiVersion: playground.podlife.dev/v1
    kind: Scenario
    metadata: {name: liveness-demo}
    spec:
      seed: 7
      horizon: 600            # simulated seconds
      nodes: 2                # or a list: [{name: big, cpu: "8", memory: 16Gi}]
      faults:
      - pod: web              # namespace/name or name (namespace default)
        container: app
        startupSeconds: 20    # a server image takes this long before it answers
        crash: {after: 45, exitCode: 2}     # every run dies 45 s after starting
        memory: {startMiB: 20, growMiBPerSecond: 5}
        probeFailures: [{probe: liveness, from: 60, to: 120}]
        imagePullFailures: 2  # the first two pulls fail
      actions:
      - {at: 30, delete: {pod: web, gracePeriodSeconds: 10}}
      - {at: 40, kill: {pod: web, container: app, exitCode: 137}}
      - {at: 50, cordon: node-1}
      - {at: 55, uncordon: node-1}
      - {at: 60, drain: node-2}   # kubectl drain node-2: bare Pods refuse, as kubectl's defaults
      - {at: 65, drain: {node: node-2, force: true, ignoreDaemonsets: true,
                         deleteEmptydirData: true, gracePeriod: 5, timeout: 60,
                         disableEviction: false}}
      - {at: 70, unhealthy: {pod: web, container: app}}   # its probes fail until "healthy"
      - {at: 80, fillMemory: {pod: web, container: app, mib: 300}}
      - {at: 85, failNode: node-3}
      - {at: 90, apply: {manifest: "apiVersion: v1\\nkind: Pod ..."}}
      - {at: 100, scale: {name: web, replicas: 5}}       # kind: Deployment (default),
      - {at: 110, setImage: {name: web, container: app, image: "nginx:1.27"}}  # ReplicaSet,
      - {at: 120, rolloutUndo: {name: web, toRevision: 1}}  # ReplicationController
      - {at: 130, rolloutPause: web}
      - {at: 140, rolloutResume: web}
      - {at: 150, delete: {kind: Deployment, name: web, propagationPolicy: Foreground}}
      - {at: 160, addNode: {name: node-4, cpu: "2", memory: 4Gi, pods: 20}}
      - {at: 170, removeNode: node-4}
      - {at: 180, taint: {node: node-1, key: maintenance, value: "true", effect: NoExecute}}
      - {at: 190, taint: {node: node-1, key: maintenance, effect: NoExecute, remove: true}}
      - {at: 200, pushImage: {image: "nginx:1.27", from: "nginx:1.28", commit: 9f1c2e0}}

Times in ``actions`` and ``probeFailures`` are seconds since the run
started; ``crash.after`` and ``startupSeconds`` count from each container
start. Every field is optional. A workload action names its object by
``name`` (``namespace/name`` or ``name``, or ``namespace`` beside it);
``delete`` takes ``pod`` as before, or ``kind`` and ``name``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from . import images
from .limits import DEFAULT_LIMITS, RunLimits
from .podkey import pod_key
from .quantity import Quantity, QuantityError
from .record_types import ProbeKind
from .sysctl_names import allowlist_problem
from .yamlsource import Document, Path

API_VERSION = "playground.podlife.dev/v1"
ACTIONS = (
    "delete",
    "kill",
    "unhealthy",
    "healthy",
    "fillMemory",
    "cordon",
    "uncordon",
    "drain",
    "failNode",
    "apply",
    "scale",
    "setImage",
    "rolloutUndo",
    "rolloutPause",
    "rolloutResume",
    "addNode",
    "removeNode",
    "triggerCronJob",
    "suspendCronJob",
    "resumeCronJob",
    "taint",
    "pushImage",
)
WORKLOAD_KINDS: Final = ("Deployment", "ReplicaSet", "ReplicationController")
DELETE_KINDS: Final = ("Pod", *WORKLOAD_KINDS, "DaemonSet", "StatefulSet", "Job", "CronJob")
PROPAGATION_POLICIES: Final = ("Foreground", "Background", "Orphan")
# Actions whose argument may be a bare name: {at: 5, cordon: node-1}, {at: 5, rolloutPause: web}.
NODE_ACTIONS: Final = ("cordon", "uncordon", "drain", "failNode")
NAMED_ACTIONS: Final = (
    "rolloutPause",
    "rolloutResume",
    "removeNode",
    "triggerCronJob",
    "suspendCronJob",
    "resumeCronJob",
)
INT32_MAX: Final = (1 << 31) - 1
# The largest node an addNode may bring (the same bounds as a Scenario's nodes).
NODE_QUANTITY_MAX: Final = {"cpu": "1k", "memory": "64Ti", "pods": "10k"}
PROBE_KINDS = (ProbeKind.LIVENESS, ProbeKind.READINESS, ProbeKind.STARTUP)
INT64_MAX: Final = (1 << 63) - 1
MAX_SECONDS: Final = 10**9  # about 31 years: any time in a Scenario is below it
MAX_MIB: Final = 1024 * 1024  # 1 TiB: more memory than any node the playground simulates
# The numbers each action takes: (argument, smallest, largest, whole numbers only).
ACTION_NUMBERS: Final[dict[str, tuple[tuple[str, int, int, bool], ...]]] = {
    "delete": (("gracePeriodSeconds", -INT64_MAX - 1, INT64_MAX, True),),
    "kill": (("exitCode", 0, 255, True),),
    "fillMemory": (("mib", 0, MAX_MIB, False),),
    "scale": (("replicas", 0, INT32_MAX, True),),
    "rolloutUndo": (("toRevision", 0, INT64_MAX, True),),
    "drain": (("gracePeriod", -1, INT64_MAX, True), ("timeout", 0, MAX_SECONDS, True)),
}
# The on/off flags an action takes (kubectl drain's --force, --ignore-daemonsets...).
ACTION_FLAGS: Final[dict[str, tuple[str, ...]]] = {
    "delete": ("force",),
    "drain": ("force", "ignoreDaemonsets", "deleteEmptydirData", "disableEviction"),
    "taint": ("remove", "overwrite"),
}
TAINT_EFFECTS: Final = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_ACTION_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "delete": ("pod",),
    "kill": ("pod", "container"),
    "unhealthy": ("pod",),
    "healthy": ("pod",),
    "fillMemory": ("pod", "container"),
    "cordon": ("node",),
    "uncordon": ("node",),
    "drain": ("node",),
    "failNode": ("node",),
    "apply": ("manifest",),
    "scale": ("name",),
    "setImage": ("name", "container", "image"),
    "rolloutUndo": ("name",),
    "rolloutPause": ("name",),
    "rolloutResume": ("name",),
    "addNode": ("name",),
    "removeNode": ("name",),
    "triggerCronJob": ("name",),
    "suspendCronJob": ("name",),
    "resumeCronJob": ("name",),
    "taint": ("node", "key"),
    "pushImage": ("image",),
}
# The kinds each workload action accepts (its ``kind`` argument, Deployment if absent).
ACTION_KINDS_OF: Final[dict[str, tuple[str, ...]]] = {
    "scale": (*WORKLOAD_KINDS, "StatefulSet"),
    "setImage": (*WORKLOAD_KINDS, "DaemonSet", "StatefulSet"),
    "rolloutUndo": ("Deployment",),
    "rolloutPause": ("Deployment",),
    "rolloutResume": ("Deployment",),
    "delete": DELETE_KINDS,
}


def number_problem(value: Any, low: int, high: int, *, whole: bool) -> str | None:
    """Why ``value`` is not a number in ``[low, high]`` (a whole one if ``whole``), or None."""
    what = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be {what}, not {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be {what} from {low} to {high}, not {value}"
    if whole and value != int(value):
        return f"must be {what}, not {value:g}"
    if not low <= value <= high:
        shown = f"{value:g}" if isinstance(value, float) or abs(value) > 10**15 else str(value)
        return f"must be {what} from {low} to {high}, not {shown}"
    return None


def quantity_problem(value: Any, most: str) -> str | None:
    """Why ``value`` is not a resource quantity from 0 to ``most`` (``4``, ``8Gi``), or None."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return f"must be a quantity like 4 or 8Gi, not {value!r}"
    text = str(value) if not isinstance(value, float) else f"{value:g}"
    try:
        amount = Quantity.parse(text)
    except QuantityError as exc:
        return str(exc)
    if amount.sign() < 0:
        return "must be greater than or equal to 0"
    if amount.cmp(Quantity.parse(most)) > 0:
        return f"the playground simulates at most {most}"
    return None


def action_object_kind(kind: str, args: Mapping[str, Any]) -> str:
    """The kind of object a workload action or ``delete`` acts on (its default if unsaid)."""
    default = "Pod" if kind == "delete" else "Deployment"
    return str(args.get("kind") or default)


def object_key(args: Mapping[str, Any], field: str = "name") -> tuple[str, str]:
    """``(namespace, name)`` from ``name: ns/web``, or ``name`` with ``namespace`` beside it."""
    text = str(args.get(field) or "")
    if "/" in text:
        namespace, _, name = text.partition("/")
        return namespace, name
    return str(args.get("namespace") or "default"), text


def _needs(kind: str, args: Mapping[str, Any]) -> tuple[str, ...]:
    if kind == "delete" and (args.get("kind") or "Pod") != "Pod":
        return ("name",)
    if kind == "delete" and args.get("name") and not args.get("pod"):
        return ("name",)
    return _ACTION_NEEDS[kind]


def _argument_problems(kind: str, args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(argument, problem)`` for arguments that are not numbers: kinds, policies, sizes."""
    problems: list[tuple[str, str]] = []
    kinds = ACTION_KINDS_OF.get(kind)
    if kinds is not None and args.get("kind") is not None and args["kind"] not in kinds:
        problems.append(("kind", f"must be one of {', '.join(kinds)}, not {args['kind']!r}"))
    if kind == "delete" and args.get("propagationPolicy") is not None:
        policy = args["propagationPolicy"]
        if policy not in PROPAGATION_POLICIES:
            supported = ", ".join(f'"{p}"' for p in PROPAGATION_POLICIES)
            problems.append(
                (
                    "propagationPolicy",
                    f'Unsupported value: "{policy}": supported values: {supported}',
                )
            )
    for flag in ACTION_FLAGS.get(kind, ()):
        if args.get(flag) is not None and not isinstance(args[flag], bool):
            problems.append((flag, f"must be true or false, not {args[flag]!r}"))
    if kind == "taint":
        effect = args.get("effect")
        supported = ", ".join(f'"{e}"' for e in TAINT_EFFECTS)
        if effect is None and not args.get("remove"):
            problems.append(("effect", f"Required value: supported values: {supported}"))
        elif effect is not None and effect not in TAINT_EFFECTS:
            problems.append(
                ("effect", f'Unsupported value: "{effect}": supported values: {supported}')
            )
    if kind == "pushImage":
        problems += push_image_problems(args)
    if kind == "addNode":
        for name, most in NODE_QUANTITY_MAX.items():
            if args.get(name) is not None:
                problem = quantity_problem(args[name], most)
                if problem:
                    problems.append((name, problem))
    return problems


# What a pushImage takes besides its target ``image`` (a repo:tag): the image it is built
# FROM (default: what the tag points at now), the source commit, labels and a USER.
PUSH_IMAGE_FIELDS: Final = ("image", "from", "commit", "labels", "user")


def push_image_problems(args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(argument, problem)`` for a pushImage: references, strings, a label mapping."""
    problems: list[tuple[str, str]] = []
    for name in args:
        if name not in PUSH_IMAGE_FIELDS:
            fields = ", ".join(PUSH_IMAGE_FIELDS)
            problems.append((str(name), f"is not a pushImage field ({fields})"))
    for name in ("image", "from"):
        value = args.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not images.REFERENCE.match(value):
            problems.append((name, f"must be an image reference like nginx:1.27, not {value!r}"))
        elif name == "image" and "@" in value:
            problems.append((name, "must be a tag to push to (repository:tag), not a digest"))
    for name in ("commit", "user"):
        value = args.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            problems.append((name, f"must be a string, not {value!r}"))
    labels = args.get("labels")
    if labels is not None and (
        not isinstance(labels, Mapping)
        or not all(isinstance(k, str) and isinstance(v, str | int) for k, v in labels.items())
    ):
        problems.append(("labels", "must be a mapping of label names to values"))
    return problems


def action_problem(kind: str, args: Mapping[str, Any]) -> str | None:
    """Why ``kind`` with ``args`` is not an action the playground takes, or None."""
    if kind not in ACTIONS:
        return f"unknown action {kind!r}; actions: {', '.join(ACTIONS)}"
    missing = [name for name in _needs(kind, args) if not args.get(name)]
    if kind == "scale" and args.get("replicas") is None:
        missing.append("replicas")
    if missing:
        return f"{kind} needs {', '.join(missing)}"
    for name, problem in (*_argument_problems(kind, args), *action_number_problems(kind, args)):
        return f"{kind}: {name} {problem}"
    return None


def action_number_problems(kind: str, args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(argument, problem)`` for each number of the action out of its range."""
    problems = []
    for name, low, high, whole in ACTION_NUMBERS.get(kind, ()):
        if args.get(name) is not None:
            problem = number_problem(args[name], low, high, whole=whole)
            if problem:
                problems.append((name, problem))
    return problems


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    probe: ProbeKind
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Fault:
    pod: str  # ns/name
    container: str  # "" = every container of the Pod
    startup_ms: int = 0
    crash_after_ms: int | None = None
    crash_exit_code: int = 1
    memory_start: int = 0
    memory_growth_per_s: int = 0
    probe_failures: tuple[ProbeFailure, ...] = ()
    image_pull_failures: int = 0


@dataclass(frozen=True, slots=True)
class Action:
    at_ms: int
    kind: str
    args: dict[str, Any]
    line: int = 0


@dataclass(frozen=True, slots=True)
class NodeSpec:
    name: str
    cpu: str = "4"
    memory: str = "8Gi"
    pods: str = "110"
    labels: dict[str, str] = field(default_factory=dict)
    allowed_unsafe_sysctls: tuple[str, ...] = ()  # the kubelet's --allowed-unsafe-sysctls


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str = ""
    seed: int | None = None
    horizon: float | None = None
    nodes: tuple[NodeSpec, ...] = ()
    faults: tuple[Fault, ...] = ()
    actions: tuple[Action, ...] = ()
    # The wall-clock instant simulated time 0 stands for (ms since the Unix epoch);
    # None: the run's fixed epoch, 2026-01-01T00:00:00Z (CronJob schedules read it).
    start_ms: int | None = None


class ScenarioReader:
    """Read a Scenario document, collecting errors with their positions."""

    def __init__(self, doc: Document, limits: RunLimits = DEFAULT_LIMITS) -> None:
        self.doc = doc
        self.limits = limits
        self.errors: list[tuple[Path, str]] = []

    def fail(self, path: Path, message: str) -> None:
        self.errors.append((path, message))

    def number(
        self, value: Any, path: Path, *, minimum: float = 0, maximum: float = MAX_SECONDS
    ) -> float | None:
        """A finite number of seconds in ``[minimum, maximum]``, else an error and None."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number of seconds, not {value!r}")
            return None
        if not math.isfinite(value):
            self.fail(path, f"must be a finite number of seconds, not {value}")
            return None
        if value < minimum:
            self.fail(path, f"must be at least {minimum:g}")
            return None
        if value > maximum:
            self.fail(path, f"must be at most {maximum:g}")
            return None
        return float(value)

    def whole(self, value: Any, path: Path, low: int, high: int) -> int | None:
        """A whole number in ``[low, high]``, else an error and None."""
        problem = number_problem(value, low, high, whole=True)
        if problem:
            self.fail(path, problem)
            return None
        return int(value)

    def mib(self, value: Any, path: Path) -> int:
        """MiB as bytes (a number from 0 to 1 TiB); 0 after an error."""
        problem = number_problem(value, 0, MAX_MIB, whole=False)
        if problem:
            self.fail(path, problem)
            return 0
        return int(value * 1024 * 1024)

    def quantity(self, value: Any, path: Path, most: str) -> str | None:
        """A resource quantity as the API reads it (``4``, ``8Gi``), else an error and None."""
        problem = quantity_problem(value, most)
        if problem:
            self.fail(path, problem)
            return None
        return str(value) if not isinstance(value, float) else f"{value:g}"

    def read(self) -> Scenario:
        data = self.doc.data
        meta = data.get("metadata") or {}
        spec = data.get("spec") or {}
        if not isinstance(spec, dict):
            self.fail(("spec",), "must be a mapping")
            return Scenario()
        known = {"seed", "horizon", "nodes", "faults", "actions", "startTime"}
        for key in spec:
            if key not in known:
                self.fail(
                    ("spec", key),
                    f'unknown field "spec.{key}"; a Scenario has {", ".join(sorted(known))}',
                )
        seed = spec.get("seed")
        if seed is not None:
            seed = self.whole(seed, ("spec", "seed"), 0, INT64_MAX)
        horizon = spec.get("horizon")
        if horizon is not None:
            horizon = self.number(horizon, ("spec", "horizon"), minimum=1)
        return Scenario(
            name=str(meta.get("name") or "") if isinstance(meta, dict) else "",
            seed=seed,
            horizon=horizon,
            start_ms=self.start_time(spec.get("startTime")),
            nodes=self.nodes(spec.get("nodes")),
            faults=self.faults(spec.get("faults") or []),
            actions=self.actions(spec.get("actions") or []),
        )

    def start_time(self, value: Any) -> int | None:
        """``spec.startTime``: an RFC 3339 instant with its zone (2026-01-01T09:00:00Z)."""
        if value is None:
            return None
        when = value
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                when = None
        if not isinstance(when, datetime) or when.tzinfo is None:
            self.fail(
                ("spec", "startTime"),
                "must be an RFC 3339 time with a zone, such as 2026-01-01T09:00:00Z",
            )
            return None
        return int(when.timestamp() * 1000)

    def nodes(self, value: Any) -> tuple[NodeSpec, ...]:
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= self.limits.nodes:
                self.fail(("spec", "nodes"), f"must be between 1 and {self.limits.nodes}")
                return ()
            return tuple(NodeSpec(f"node-{i}") for i in range(1, value + 1))
        if not isinstance(value, list):
            self.fail(("spec", "nodes"), "must be a node count or a list of nodes")
            return ()
        nodes = []
        for i, item in enumerate(value):
            path: Path = ("spec", "nodes", i)
            if not isinstance(item, dict) or not item.get("name"):
                self.fail(path, "a node needs a name")
                continue
            cpu = self.quantity(item.get("cpu", "4"), (*path, "cpu"), "1k")
            memory = self.quantity(item.get("memory", "8Gi"), (*path, "memory"), "64Ti")
            pods = self.quantity(item.get("pods", "110"), (*path, "pods"), "10k")
            labels = item.get("labels") or {}
            if not isinstance(labels, dict):
                self.fail((*path, "labels"), "must be a mapping of label names to values")
                continue
            unsafe = item.get("allowedUnsafeSysctls") or []
            if not isinstance(unsafe, list):
                unsafe = [unsafe]
            problem = allowlist_problem(str(x) for x in unsafe)
            if problem:  # the kubelet would not start: NewAllowlist's error
                self.fail((*path, "allowedUnsafeSysctls"), problem)
                continue
            if cpu is None or memory is None or pods is None:
                continue
            nodes.append(
                NodeSpec(
                    name=str(item["name"]),
                    cpu=cpu,
                    memory=memory,
                    pods=pods,
                    labels={str(k): str(v) for k, v in labels.items()},
                    allowed_unsafe_sysctls=tuple(str(x) for x in unsafe),
                )
            )
        return tuple(nodes)

    def faults(self, value: Any) -> tuple[Fault, ...]:
        if not isinstance(value, list):
            self.fail(("spec", "faults"), "must be a list")
            return ()
        faults = []
        for i, item in enumerate(value):
            path: Path = ("spec", "faults", i)
            if not isinstance(item, dict) or not item.get("pod"):
                self.fail(path, "a fault needs the pod it applies to")
                continue
            crash = item.get("crash") or {}
            memory = item.get("memory") or {}
            if not isinstance(crash, dict):
                self.fail((*path, "crash"), "must be a mapping like {after: 45, exitCode: 2}")
                continue
            if not isinstance(memory, dict):
                self.fail(
                    (*path, "memory"), "must be a mapping like {startMiB: 20, growMiBPerSecond: 5}"
                )
                continue
            windows = item.get("probeFailures") or []
            if not isinstance(windows, list):
                self.fail((*path, "probeFailures"), "must be a list")
                continue
            failures = []
            for j, window in enumerate(windows):
                wpath = (*path, "probeFailures", j)
                if not isinstance(window, dict) or window.get("probe") not in PROBE_KINDS:
                    self.fail(wpath, f"probe must be one of {', '.join(PROBE_KINDS)}")
                    continue
                start = self.number(window.get("from", 0), (*wpath, "from"))
                end = self.number(window.get("to", MAX_SECONDS), (*wpath, "to"))
                if start is not None and end is not None:
                    failures.append(
                        ProbeFailure(ProbeKind(window["probe"]), int(start * 1000), int(end * 1000))
                    )
            after = crash.get("after")
            startup = self.number(item.get("startupSeconds", 0), (*path, "startupSeconds"))
            crash_after = None if after is None else self.number(after, (*path, "crash", "after"))
            exit_code = self.whole(crash.get("exitCode", 1), (*path, "crash", "exitCode"), 0, 255)
            pulls = self.whole(
                item.get("imagePullFailures", 0), (*path, "imagePullFailures"), 0, 1_000_000
            )
            faults.append(
                Fault(
                    pod=pod_key(item["pod"]),
                    container=str(item.get("container") or ""),
                    startup_ms=int((startup or 0) * 1000),
                    crash_after_ms=None if after is None else int((crash_after or 0) * 1000),
                    crash_exit_code=1 if exit_code is None else exit_code,
                    memory_start=self.mib(memory.get("startMiB", 0), (*path, "memory", "startMiB")),
                    memory_growth_per_s=self.mib(
                        memory.get("growMiBPerSecond", 0), (*path, "memory", "growMiBPerSecond")
                    ),
                    probe_failures=tuple(failures),
                    image_pull_failures=pulls or 0,
                )
            )
        return tuple(faults)

    def actions(self, value: Any) -> tuple[Action, ...]:
        if not isinstance(value, list):
            self.fail(("spec", "actions"), "must be a list")
            return ()
        if len(value) > self.limits.actions:
            self.fail(
                ("spec", "actions"),
                f"the playground runs at most {self.limits.actions:,} actions; "
                f"this Scenario has {len(value):,}",
            )
            return ()
        actions = []
        for i, item in enumerate(value):
            path: Path = ("spec", "actions", i)
            if not isinstance(item, dict):
                self.fail(path, "an action is a mapping like {at: 30, delete: {pod: web}}")
                continue
            at = self.number(item.get("at"), (*path, "at"))
            kinds = [k for k in item if k != "at"]
            if len(kinds) != 1 or kinds[0] not in ACTIONS:
                self.fail(path, f'an action needs "at" and exactly one of {", ".join(ACTIONS)}')
                continue
            kind = kinds[0]
            args = item[kind]
            if kind == "drain" and isinstance(args, dict):  # {node: n1, force: true, ...}
                if not args.get("node"):
                    self.fail((*path, kind, "node"), "Required value")
                    continue
            elif kind in NODE_ACTIONS:
                args = {"node": str(args)}
            elif kind in NAMED_ACTIONS and isinstance(args, str | int) and args != "":
                args = {"name": str(args)}
            elif not isinstance(args, dict):
                self.fail((*path, kind), "must be a mapping")
                continue
            if kind == "kill" and not args.get("pod"):
                self.fail((*path, kind, "pod"), "Required value")
                continue
            if kind == "kill" and not args.get("container"):
                self.fail((*path, kind, "container"), "Required value")
                continue
            if kind == "apply" and not isinstance(args.get("manifest"), str):
                self.fail((*path, kind, "manifest"), "Required value: the YAML to apply")
                continue
            if (
                kind == "delete"
                or kind in ACTION_KINDS_OF
                or kind in ("addNode", "removeNode", "taint")
            ):
                missing = [name for name in _needs(kind, args) if not args.get(name)]
                if kind == "scale" and args.get("replicas") is None:
                    missing.append("replicas")
                for name in missing:
                    self.fail((*path, kind, name), "Required value")
                if missing:
                    continue
            numbers = [*_argument_problems(kind, args), *action_number_problems(kind, args)]
            for name, problem in numbers:
                self.fail((*path, kind, name), problem)
            if numbers:
                continue
            if at is None:
                continue
            line = self.doc.position((*path, kind))[0]
            actions.append(Action(int(at * 1000), kind, dict(args), line))
        actions.sort(key=lambda a: a.at_ms)
        return tuple(actions)
