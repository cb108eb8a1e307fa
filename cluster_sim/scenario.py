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
      - {at: 60, drain: node-2}
      - {at: 70, unhealthy: {pod: web, container: app}}   # its probes fail until "healthy"
      - {at: 80, fillMemory: {pod: web, container: app, mib: 300}}
      - {at: 85, failNode: node-3}
      - {at: 90, apply: {manifest: "apiVersion: v1\\nkind: Pod ..."}}

Times in ``actions`` and ``probeFailures`` are seconds since the run
started; ``crash.after`` and ``startupSeconds`` count from each container
start. Every field is optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
)
PROBE_KINDS = ("liveness", "readiness", "startup")


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    probe: str
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


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str = ""
    seed: int | None = None
    horizon: float | None = None
    nodes: tuple[NodeSpec, ...] = ()
    faults: tuple[Fault, ...] = ()
    actions: tuple[Action, ...] = ()


def pod_key(value: Any) -> str:
    text = str(value)
    return text if "/" in text else f"default/{text}"


class ScenarioReader:
    """Read a Scenario document, collecting errors with their positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors: list[tuple[Path, str]] = []

    def fail(self, path: Path, message: str) -> None:
        self.errors.append((path, message))

    def number(self, value: Any, path: Path, *, minimum: float = 0) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number of seconds, not {value!r}")
            return None
        if value < minimum:
            self.fail(path, f"must be at least {minimum:g}")
            return None
        return float(value)

    def read(self) -> Scenario:
        data = self.doc.data
        meta = data.get("metadata") or {}
        spec = data.get("spec") or {}
        if not isinstance(spec, dict):
            self.fail(("spec",), "must be a mapping")
            return Scenario()
        known = {"seed", "horizon", "nodes", "faults", "actions"}
        for key in spec:
            if key not in known:
                self.fail(
                    ("spec", key),
                    f'unknown field "spec.{key}"; a Scenario has {", ".join(sorted(known))}',
                )
        seed = spec.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            self.fail(("spec", "seed"), "must be an integer")
            seed = None
        horizon = spec.get("horizon")
        if horizon is not None:
            horizon = self.number(horizon, ("spec", "horizon"), minimum=1)
        return Scenario(
            name=str(meta.get("name") or "") if isinstance(meta, dict) else "",
            seed=seed,
            horizon=horizon,
            nodes=self.nodes(spec.get("nodes")),
            faults=self.faults(spec.get("faults") or []),
            actions=self.actions(spec.get("actions") or []),
        )

    def nodes(self, value: Any) -> tuple[NodeSpec, ...]:
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= 100:
                self.fail(("spec", "nodes"), "must be between 1 and 100")
                return ()
            return tuple(NodeSpec(f"node-{i}") for i in range(1, value + 1))
        if not isinstance(value, list):
            self.fail(("spec", "nodes"), "must be a node count or a list of nodes")
            return ()
        nodes = []
        for i, item in enumerate(value):
            if not isinstance(item, dict) or not item.get("name"):
                self.fail(("spec", "nodes", i), "a node needs a name")
                continue
            nodes.append(
                NodeSpec(
                    name=str(item["name"]),
                    cpu=str(item.get("cpu", "4")),
                    memory=str(item.get("memory", "8Gi")),
                    pods=str(item.get("pods", "110")),
                    labels={str(k): str(v) for k, v in (item.get("labels") or {}).items()},
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
            failures = []
            for j, window in enumerate(item.get("probeFailures") or []):
                wpath = (*path, "probeFailures", j)
                if not isinstance(window, dict) or window.get("probe") not in PROBE_KINDS:
                    self.fail(wpath, f"probe must be one of {', '.join(PROBE_KINDS)}")
                    continue
                start = self.number(window.get("from", 0), (*wpath, "from"))
                end = self.number(window.get("to", 10**9), (*wpath, "to"))
                if start is not None and end is not None:
                    failures.append(
                        ProbeFailure(window["probe"], int(start * 1000), int(end * 1000))
                    )
            after = crash.get("after")
            faults.append(
                Fault(
                    pod=pod_key(item["pod"]),
                    container=str(item.get("container") or ""),
                    startup_ms=int(
                        (self.number(item.get("startupSeconds", 0), (*path, "startupSeconds")) or 0)
                        * 1000
                    ),
                    crash_after_ms=None
                    if after is None
                    else int((self.number(after, (*path, "crash", "after")) or 0) * 1000),
                    crash_exit_code=int(crash.get("exitCode", 1)),
                    memory_start=int(float(memory.get("startMiB", 0)) * 1024 * 1024),
                    memory_growth_per_s=int(float(memory.get("growMiBPerSecond", 0)) * 1024 * 1024),
                    probe_failures=tuple(failures),
                    image_pull_failures=int(item.get("imagePullFailures", 0)),
                )
            )
        return tuple(faults)

    def actions(self, value: Any) -> tuple[Action, ...]:
        if not isinstance(value, list):
            self.fail(("spec", "actions"), "must be a list")
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
            if kind in ("cordon", "uncordon", "drain", "failNode"):
                args = {"node": str(args)}
            elif not isinstance(args, dict):
                self.fail((*path, kind), "must be a mapping")
                continue
            if kind in ("delete", "kill") and not args.get("pod"):
                self.fail((*path, kind, "pod"), "Required value")
                continue
            if kind == "kill" and not args.get("container"):
                self.fail((*path, kind, "container"), "Required value")
                continue
            if kind == "apply" and not isinstance(args.get("manifest"), str):
                self.fail((*path, kind, "manifest"), "Required value: the YAML to apply")
                continue
            if at is None:
                continue
            line = self.doc.position((*path, kind))[0]
            actions.append(Action(int(at * 1000), kind, dict(args), line))
        actions.sort(key=lambda a: a.at_ms)
        return tuple(actions)
