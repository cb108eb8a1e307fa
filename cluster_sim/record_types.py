"""The record stream's vocabulary as types: a ``TypedDict`` per record kind, and the
Kubernetes words records carry as ``StrEnum`` s.

This matches ``DESIGN.md`` "The record stream" (and the NetworkPolicy and workload
sections for ``connection``, ``reachability`` and ``workload``). A ``StrEnum`` member
*is* its string (``PodPhase.RUNNING == "Running"``, ``json.dumps`` and orjson write
``"Running"``), so records built from them are byte-identical to records built from
the literals. ``tests/cluster_sim/test_record_types.py`` checks every record of every
gallery run against these types.
"""

# No ``from __future__ import annotations`` here: TypedDict must see NotRequired at runtime
# (its ``__required_keys__``, which the record test reads).
from enum import StrEnum
from typing import Any, Final, Literal, NotRequired, TypedDict


class PodPhase(StrEnum):
    """``v1.PodPhase`` (``k8s.io/api/core/v1/types.go``)."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


# The phases a Pod never leaves (``podutil.IsPodPhaseTerminal``). A tuple of the members,
# for the hot checks: on Python 3.11 reading a member through its class is several times
# slower than a global.
TERMINAL_PHASES: Final = (PodPhase.SUCCEEDED, PodPhase.FAILED)


class ContainerStateName(StrEnum):
    """Which of ``v1.ContainerState``'s three members is set (as the records name it)."""

    WAITING = "waiting"
    RUNNING = "running"
    TERMINATED = "terminated"


class ProbeResult(StrEnum):
    """``results.Result`` of the kubelet's prober (``pkg/kubelet/prober/results``), and the
    ``probe.Result`` a check returns (``pkg/probe``): how a ``probe`` record names it."""

    SUCCESS = "Success"
    FAILURE = "Failure"
    UNKNOWN = "Unknown"


class ProbeKind(StrEnum):
    """``probeType`` of the kubelet's prober (lower case, as its events and records say)."""

    STARTUP = "startup"
    READINESS = "readiness"
    LIVENESS = "liveness"


class EventType(StrEnum):
    """``v1.EventTypeNormal`` / ``v1.EventTypeWarning``."""

    NORMAL = "Normal"
    WARNING = "Warning"


# -- one TypedDict per record kind -------------------------------------------------------
# ``t`` is simulated seconds (a float); ``kind`` names the record.


class EventRecord(TypedDict):
    t: float
    kind: Literal["event"]
    type: str  # an EventType's string (a plain str: see ``Recorder.event``)
    reason: str  # an EventReason's (``event_reasons``), likewise
    object: str  # Pod/default/web, Node/node-1
    message: str
    source: str  # default-scheduler, kubelet


class PodRecord(TypedDict):
    t: float
    kind: Literal["pod"]
    pod: str  # namespace/name
    phase: str  # a PodPhase
    status: str  # kubectl's STATUS column
    ready: str  # "1/2"
    restarts: int
    node: str | None
    podIP: str | None
    conditions: dict[str, str]  # type -> "True"/"False"
    qosClass: str
    deletionTimestamp: float | None
    deletionGracePeriodSeconds: int | None
    reason: str
    owner: NotRequired[str]  # Kind/namespace/name of its controller
    message: NotRequired[str]  # why the Pod failed (the kubelet's status message)


class LastState(TypedDict):
    reason: str
    message: str
    exitCode: int
    startedAt: float | None
    finishedAt: float | None


class ContainerRecord(TypedDict):
    t: float
    kind: Literal["container"]
    pod: str
    container: str
    init: bool
    sidecar: bool
    state: str  # a ContainerStateName
    reason: str
    message: str
    exitCode: int | None
    restartCount: int
    ready: bool
    started: bool
    startedAt: float | None
    finishedAt: float | None
    lastState: LastState | None
    image: str  # containerd's first repo tag, or the image ID for a digest-only image
    imageID: str  # repo@sha256:...


class LogRecord(TypedDict):
    t: float
    kind: Literal["log"]
    pod: str
    container: str
    line: str
    partial: NotRequired[Literal[True]]


class LogHeldRecord(TypedDict):
    t: float
    kind: Literal["log-held"]
    pod: str
    container: str
    lines: int
    since: int


class ProbeRecord(TypedDict):
    t: float
    kind: Literal["probe"]
    pod: str
    container: str
    probe: str  # a ProbeKind
    result: str  # a ProbeResult
    message: str
    run: int
    threshold: int


class TerminationRecord(TypedDict):
    t: float
    kind: Literal["termination"]
    pod: str
    container: str
    step: str  # killing, SIGTERM (or the signal sent), SIGKILL
    grace: NotRequired[int]
    message: NotRequired[str]


class HookRecord(TypedDict):
    t: float
    kind: Literal["hook"]
    pod: str
    container: str
    hook: Literal["postStart", "preStop"]
    phase: Literal["start", "end"]
    result: NotRequired[str]
    message: NotRequired[str]


class ResourcesRecord(TypedDict):
    t: float
    kind: Literal["resources"]
    pod: str
    container: str
    memory: int
    memoryLimit: int | None
    cpu: int
    cpuLimit: int | None
    throttled: bool
    cpuPeriods: int
    cpuThrottledPeriods: int


class OomRecord(TypedDict):
    t: float
    kind: Literal["oom"]
    pod: str
    container: str
    memory: int
    limit: int


class ActionRecord(TypedDict):
    t: float
    kind: Literal["action"]
    action: str
    args: dict[str, Any]


class DeletedRecord(TypedDict):
    t: float
    kind: Literal["deleted"]
    pod: NotRequired[str]
    workload: NotRequired[str]


class EnvRecord(TypedDict):
    t: float
    kind: Literal["env"]
    pod: str
    container: str
    env: list[dict[str, str]]  # {name, value, source}


class EndpointsRecord(TypedDict):
    """A Service's first record (and one after its ports change) is *full*: ``ready`` ...
    ``ports``; later ones carry what changed: ``added``, ``moved``, ``removed``
    (``cluster_sim.endpoints_records`` folds them back)."""

    t: float
    kind: Literal["endpoints"]
    service: str
    ready: NotRequired[list[str]]
    notReady: NotRequired[list[str]]
    terminating: NotRequired[list[str]]
    pods: NotRequired[dict[str, str]]  # IP -> Pod
    ports: NotRequired[list[Any]]
    added: NotRequired[dict[str, dict[str, str]]]  # IP -> {pod, list}
    moved: NotRequired[dict[str, str]]  # IP -> the list it is in now
    removed: NotRequired[dict[str, Any]]  # IP -> what it was


class VolumeRecord(TypedDict):
    t: float
    kind: Literal["volume"]
    pod: str
    volume: str
    action: str


class NodeRecord(TypedDict):
    t: float
    kind: Literal["node"]
    node: str
    cpu: str
    memory: str
    pods: int
    nodeIP: str
    labels: dict[str, str]
    unschedulable: bool
    memoryPressure: bool
    ready: bool
    removed: NotRequired[bool]


class NoticeRecord(TypedDict):
    t: float
    kind: Literal["notice"]
    message: str


class ClaimRecord(TypedDict):
    t: float
    kind: Literal["claim"]
    claim: str
    phase: str
    volume: str
    capacity: str
    accessModes: list[str]
    storageClass: str
    owner: str | None
    deleting: bool
    deleted: bool


class BudgetRecord(TypedDict):
    t: float
    kind: Literal["budget"]
    limit: str
    field: str
    value: int
    message: str


ConnectionRecord = TypedDict(
    "ConnectionRecord",
    {
        "t": float,
        "kind": Literal["connection"],
        "from": str,
        "to": str,
        "ip": str,
        "port": int,
        "protocol": str,
        "service": str,
        "verdict": str,
        "direction": str,
        "policy": str,
        "policies": list[str],
    },
)


class ReachabilityRecord(TypedDict):
    t: float
    kind: Literal["reachability"]
    pod: str
    ingressPolicies: list[str]
    egressPolicies: list[str]
    ingress: list[Any]
    egress: list[Any]


class WorkloadRecord(TypedDict):
    t: float
    kind: Literal["workload"]
    workload: str  # Kind/namespace/name
    kindOf: str
    owner: str | None
    desired: int
    current: int
    ready: int
    available: int
    updated: int | None
    revision: str | None
    images: list[str]
    paused: bool
    conditions: dict[str, Any]
    deleting: bool
    # CronJobs
    active: NotRequired[int]
    activeJobs: NotRequired[list[str]]
    lastScheduleTime: NotRequired[int | None]
    lastSuccessfulTime: NotRequired[int | None]
    suspended: NotRequired[bool]
    schedule: NotRequired[str]
    timeZone: NotRequired[str | None]
    # Jobs
    succeeded: NotRequired[int]
    failed: NotRequired[int]
    completions: NotRequired[int | None]
    parallelism: NotRequired[int]
    indexed: NotRequired[bool]
    completedIndexes: NotRequired[str | None]
    startTime: NotRequired[int | None]
    completionTime: NotRequired[int | None]
    # DaemonSets
    misscheduled: NotRequired[int]
    nodeSelector: NotRequired[dict[str, str]]
    # Deployments, DaemonSets, StatefulSets
    strategy: NotRequired[str]
    # StatefulSets
    serviceName: NotRequired[str]
    podManagementPolicy: NotRequired[str]
    partition: NotRequired[int]
    currentRevision: NotRequired[str]
    updateRevision: NotRequired[str]
    claimTemplates: NotRequired[list[Any]]


class RegistryRecord(TypedDict):
    """A push to the run's registry (a Scenario's pushImage, a pipeline's build)."""

    t: float
    kind: Literal["registry"]
    action: Literal["push"]
    repository: str
    tag: str
    digest: str
    previous: str  # the digest the tag pointed at before, or ""
    base: str
    sourceCommit: str
    labels: dict[str, str]


class PipelineRecord(TypedDict):
    t: float
    kind: Literal["pipeline"]
    pipeline: str
    run: str
    step: str
    phase: str
    message: str
    commit: str
    digest: NotRequired[str]


class NoteRecord(TypedDict):
    """A Grafeas ``Note`` the run's provenance ledger wrote."""

    t: float
    kind: Literal["note"]
    note: dict[str, Any]


class OccurrenceRecord(TypedDict):
    """A Grafeas ``Occurrence`` about an image digest."""

    t: float
    kind: Literal["occurrence"]
    digest: str
    occurrence: dict[str, Any]


AnyRecord = (
    EventRecord
    | PodRecord
    | ContainerRecord
    | LogRecord
    | LogHeldRecord
    | ProbeRecord
    | TerminationRecord
    | HookRecord
    | ResourcesRecord
    | OomRecord
    | ActionRecord
    | DeletedRecord
    | EnvRecord
    | EndpointsRecord
    | VolumeRecord
    | NodeRecord
    | NoticeRecord
    | ClaimRecord
    | BudgetRecord
    | ConnectionRecord
    | ReachabilityRecord
    | WorkloadRecord
    | RegistryRecord
    | PipelineRecord
    | NoteRecord
    | OccurrenceRecord
)

RECORD_TYPES: dict[str, type[Any]] = {
    "event": EventRecord,
    "pod": PodRecord,
    "container": ContainerRecord,
    "log": LogRecord,
    "log-held": LogHeldRecord,
    "probe": ProbeRecord,
    "termination": TerminationRecord,
    "hook": HookRecord,
    "resources": ResourcesRecord,
    "oom": OomRecord,
    "action": ActionRecord,
    "deleted": DeletedRecord,
    "env": EnvRecord,
    "endpoints": EndpointsRecord,
    "volume": VolumeRecord,
    "node": NodeRecord,
    "notice": NoticeRecord,
    "claim": ClaimRecord,
    "budget": BudgetRecord,
    "connection": ConnectionRecord,
    "reachability": ReachabilityRecord,
    "workload": WorkloadRecord,
    "registry": RegistryRecord,
    "pipeline": PipelineRecord,
    "note": NoteRecord,
    "occurrence": OccurrenceRecord,
}
"""The TypedDict of each record kind."""
