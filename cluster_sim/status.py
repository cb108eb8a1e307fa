"""Container and Pod status as the kubelet reports it.

The functions here are pure: ``pod_phase`` is the kubelet's ``getPhase``,
``status_column`` is kubectl's ``printPod`` STATUS, and ``pod_conditions``
follows ``pkg/kubelet/status/generate.go``. Each is tested against the
upstream tables in ``tests/reference/kubelet-lifecycle-cases.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import is_
from typing import Any

from .record_types import ContainerStateName, PodPhase


@dataclass(frozen=True, slots=True)
class Waiting:
    reason: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class Running:
    started_at: int  # ms


# A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (its
# own ``__setattr__`` refuses): about 1,200 instructions a field, and a crash loop builds
# a 9-field ContainerStatus and a 6-field Terminated several times per restart. The two
# are built instead as an instance of a plain class with the same slots, filled with
# plain stores, then made the frozen class by ``__class__`` assignment (which CPython
# allows between classes of the same slots): the same frozen dataclass for every reader
# (``==``, ``hash``, ``repr``, ``replace``, ``fields``, pattern matching), a third of
# the cost. Their ``__new__`` lists the fields with their defaults (``init=False``: no
# ``__init__`` to run after it); ``test_status_construction.py`` holds the two lists equal.
_new = object.__new__


def _unfrozen(cls: type) -> Any:
    """A class with the slots of the frozen dataclass ``cls`` and no ``__setattr__``
    of its own: an instance of it is filled, then given ``cls`` as its class."""
    return type(f"_{cls.__name__}Fields", (), {"__slots__": cls.__dict__["__slots__"]})


@dataclass(frozen=True, slots=True, init=False)
class Terminated:
    exit_code: int
    reason: str
    started_at: int | None
    finished_at: int
    message: str = ""
    signal: int = 0

    def __new__(
        cls,
        exit_code: int,
        reason: str,
        started_at: int | None,
        finished_at: int,
        message: str = "",
        signal: int = 0,
    ) -> Terminated:
        t = _new(_TerminatedFields)  # built unfrozen (see above ``_unfrozen``)
        t.exit_code = exit_code
        t.reason = reason
        t.started_at = started_at
        t.finished_at = finished_at
        t.message = message
        t.signal = signal
        t.__class__ = cls
        built: Terminated = t
        return built

    def __getnewargs__(self) -> tuple[Any, ...]:  # copy and pickle: ``__new__``'s arguments
        return (self.exit_code, self.reason, self.started_at, self.finished_at)


_TerminatedFields = _unfrozen(Terminated)


State = Waiting | Running | Terminated


@dataclass(frozen=True, slots=True, init=False)
class ContainerStatus:
    name: str
    state: State
    last_state: Terminated | None = None
    ready: bool = False
    started: bool | None = None
    restart_count: int = 0
    container_id: str = ""
    # The runtime's image (``docker.io/library/nginx:1.27``) and repo digest
    # (``docker.io/library/nginx@sha256:...``) once a container was created; "" before.
    image: str = ""
    image_id: str = ""

    def __new__(
        cls,
        name: str,
        state: State,
        last_state: Terminated | None = None,
        ready: bool = False,
        started: bool | None = None,
        restart_count: int = 0,
        container_id: str = "",
        image: str = "",
        image_id: str = "",
    ) -> ContainerStatus:
        s = _new(_ContainerStatusFields)  # built unfrozen (see above ``_unfrozen``)
        s.name = name
        s.state = state
        s.last_state = last_state
        s.ready = ready
        s.started = started
        s.restart_count = restart_count
        s.container_id = container_id
        s.image = image
        s.image_id = image_id
        s.__class__ = cls
        built: ContainerStatus = s
        return built

    def __getnewargs__(self) -> tuple[Any, ...]:  # copy and pickle: ``__new__``'s arguments
        return (self.name, self.state)


_ContainerStatusFields = _unfrozen(ContainerStatus)


# The records' name of each state class (a lookup: building the StrEnum from the class
# name on every container and pod_status entry showed up in profiles).
STATE_NAMES: dict[type, ContainerStateName] = {
    Waiting: ContainerStateName.WAITING,
    Running: ContainerStateName.RUNNING,
    Terminated: ContainerStateName.TERMINATED,
}


# ``dataclasses.replace`` for the pod worker's hot paths (a start writes three statuses):
# the same new ContainerStatus, built directly rather than through replace's field loop.


def _rebuilt(
    s: ContainerStatus,
    state: State,
    last_state: Terminated | None,
    ready: bool,
    started: bool | None,
) -> ContainerStatus:
    """``s`` with these five fields, every other field as it was: the one place that
    lists them all (``test_status_builders.py`` holds it to ``dataclasses.replace``)."""
    return ContainerStatus(
        s.name,
        state,
        last_state,
        ready,
        started,
        s.restart_count,
        s.container_id,
        s.image,
        s.image_id,
    )


def with_state(s: ContainerStatus, state: State) -> ContainerStatus:
    """``s`` in a new state, the rest as it was."""
    return _rebuilt(s, state, s.last_state, s.ready, s.started)


def with_state_and_probe_results(
    s: ContainerStatus, state: State, started: bool | None, ready: bool
) -> ContainerStatus:
    """``with_probe_results(with_state(s, state), started, ready)``, built once."""
    return _rebuilt(s, state, s.last_state, ready, started)


def with_probe_results(s: ContainerStatus, started: bool | None, ready: bool) -> ContainerStatus:
    """``s`` with new ``started`` and ``ready``, the rest as it was."""
    return _rebuilt(s, s.state, s.last_state, ready, started)


def not_running(s: ContainerStatus, state: State, last_state: Terminated | None) -> ContainerStatus:
    """``s`` in ``state`` after ``last_state``, neither ready nor started."""
    return _rebuilt(s, state, last_state, False, False)


def same_objects(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """Whether ``a`` and ``b`` hold the very same objects, in order.

    For frozen statuses and conditions, which are replaced on every change: the
    same object is the same value, and a new one is almost always a new value,
    so this is the cheap test of "unchanged" (``==`` on a dataclass builds two
    tuples of its fields). An equal but new object reads as changed, which only
    costs a recomputation that writes nothing new. The first objects are compared
    before the rest: most often the first container's status is the new one.
    """
    return len(a) == len(b) and (not a or a[0] is b[0]) and all(map(is_, a, b))


@dataclass(frozen=True, slots=True)
class ContainerRef:
    """Just what phase and STATUS need to know of a container's spec."""

    name: str
    restartable: bool = False  # an init container with restartPolicy Always (a sidecar)


# --------------------------------------------------------------------------
# Phase


def pod_phase(
    restart_policy: str,
    init_containers: Sequence[ContainerRef],
    containers: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus],
    pod_is_terminal: bool = False,
) -> PodPhase:
    """The kubelet's ``getPhase`` (pkg/kubelet/kubelet_pods.go)."""
    pending_regular_init = pending_sidecars = failed_init = 0
    unknown = running = waiting = stopped = succeeded = 0
    for c in init_containers:
        s = statuses.get(c.name)
        if c.restartable:
            if s is None:
                unknown += 1
            elif isinstance(s.state, Running):
                running += 1
                if s.started is not True:
                    pending_sidecars += 1
            elif isinstance(s.state, Terminated) or (
                isinstance(s.state, Waiting) and s.last_state is not None
            ):
                pass
            elif isinstance(s.state, Waiting):
                pending_sidecars += 1
                waiting += 1
            else:
                pending_sidecars += 1
                unknown += 1
            continue
        if s is None or isinstance(s.state, Running):
            pending_regular_init += 1
        elif isinstance(s.state, Terminated):
            if s.state.exit_code != 0:
                failed_init += 1
        elif s.last_state is not None:
            if s.last_state.exit_code != 0:
                failed_init += 1
        else:
            pending_regular_init += 1
    for c in containers:
        s = statuses.get(c.name)
        if s is None:
            unknown += 1
        elif isinstance(s.state, Running):
            running += 1
        elif isinstance(s.state, Terminated):
            stopped += 1
            if s.state.exit_code == 0:
                succeeded += 1
        elif s.last_state is not None:
            stopped += 1
        else:
            waiting += 1

    if failed_init > 0 and restart_policy == "Never":
        return PodPhase.FAILED
    if pending_regular_init > 0 or (
        pending_sidecars > 0 and not _any_regular_container_started(containers, statuses)
    ):
        return PodPhase.PENDING
    if waiting > 0:
        return PodPhase.PENDING
    if running > 0 and unknown == 0:
        return PodPhase.RUNNING
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:
            return PodPhase.SUCCEEDED if stopped == succeeded else PodPhase.FAILED
        if restart_policy == "Always":
            return PodPhase.RUNNING
        if stopped == succeeded:
            return PodPhase.SUCCEEDED
        if restart_policy == "Never":
            return PodPhase.FAILED
        return PodPhase.RUNNING
    return PodPhase.PENDING


def _any_regular_container_started(
    containers: Sequence[ContainerRef], statuses: Mapping[str, ContainerStatus]
) -> bool:
    for c in containers:
        s = statuses.get(c.name)
        if s is None:
            continue
        if isinstance(s.state, Running | Terminated) or s.last_state is not None:
            return True
    return False


# --------------------------------------------------------------------------
# kubectl STATUS


def status_column(
    phase: str,
    reason: str,
    init_containers: Sequence[ContainerRef],
    containers: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus],
    deleting: bool = False,
    ready_condition: bool = False,
    initialized_condition: bool = False,
) -> str:
    """kubectl's ``printPod`` STATUS column.

    As modern kubectl does, the regular containers decide the column once the
    Pod's ``Initialized`` condition is True, even if a sidecar has stopped. The
    Pod's ``reason`` has no precedence over them: an evicted Pod shows
    ``Evicted`` while its containers still run, then the reason of the way they
    stopped (``Error`` after the SIGKILL), as printers.go has it.
    """
    shown = reason or phase
    initializing = False
    for i, c in enumerate(init_containers) if init_containers else ():
        s = statuses.get(c.name)
        if s is None:
            continue
        state = s.state
        if isinstance(state, Terminated) and state.exit_code == 0:
            continue
        if c.restartable and s.started:
            continue
        if isinstance(state, Terminated):
            if state.reason:
                shown = f"Init:{state.reason}"
            elif state.signal:
                shown = f"Init:Signal:{state.signal}"
            else:
                shown = f"Init:ExitCode:{state.exit_code}"
        elif isinstance(state, Waiting) and state.reason and state.reason != "PodInitializing":
            shown = f"Init:{state.reason}"
        else:
            shown = f"Init:{i}/{len(init_containers)}"
        initializing = True
        break
    if not initializing or initialized_condition:
        has_running = False
        # (most Pods have one container: itself, without a reversed iterator)
        for c in reversed(containers) if len(containers) > 1 else containers:
            s = statuses.get(c.name)
            if s is None:
                continue
            state = s.state
            if (isinstance(state, Waiting) and state.reason) or (
                isinstance(state, Terminated) and state.reason
            ):
                shown = state.reason
            elif isinstance(state, Terminated):
                shown = f"Signal:{state.signal}" if state.signal else f"ExitCode:{state.exit_code}"
            elif isinstance(state, Running) and s.ready:
                has_running = True
        if shown == "Completed" and has_running:
            shown = "Running" if ready_condition else "NotReady"
    if deleting:
        shown = "Unknown" if reason == "NodeLost" else "Terminating"
    return shown


# --------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True, slots=True)
class Condition:
    type: str
    status: str  # "True" | "False"
    reason: str = ""
    message: str = ""


class Conditions(dict[str, Condition]):
    """A Pod's conditions as its status manager hands them out (``rt.conditions``), with
    the ``pod`` record's ``{type: status}`` dict of them (``statuses``).

    The status manager keeps one per derivation (phase, conditions and the sandbox's
    state) and hands the same object to every publish that derives it: the dict and the
    record's dict are built once per distinct set rather than at every publish, and the
    records share theirs (records are only read). Anything that changes one in place (an
    eviction's DisruptionTarget, the node lifecycle controller's Ready) sets ``statuses``
    to None (every mutating method does, below): the record's dict is then built from the
    conditions as they are, and the status manager builds a new one for the derivation.
    """

    __slots__ = ("statuses",)

    def __init__(self, conditions: dict[str, Condition]) -> None:
        super().__init__(conditions)
        self.statuses: dict[str, str] | None = {k: c.status for k, c in conditions.items()}


def _invalidating(name: str) -> Any:
    """``dict``'s mutating method ``name``, which first forgets ``statuses``."""
    method = getattr(dict, name)

    def mutate(self: Conditions, *args: Any, **kwargs: Any) -> Any:
        self.statuses = None
        return method(self, *args, **kwargs)

    mutate.__name__ = name
    return mutate


CONDITIONS_MUTATORS = (
    "__setitem__",
    "__delitem__",
    "__ior__",
    "clear",
    "pop",
    "popitem",
    "setdefault",
    "update",
)
for _name in CONDITIONS_MUTATORS:
    setattr(Conditions, _name, _invalidating(_name))


# The conditions' True values with no reason: shared (frozen), so a Pod's unchanged
# conditions compare by identity.
CONTAINERS_READY = Condition("ContainersReady", "True")
READY = Condition("Ready", "True")
INITIALIZED = Condition("Initialized", "True")


def _names(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


def containers_ready_condition(
    phase: str,
    init_containers: Sequence[ContainerRef],
    containers: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus] | None,
) -> Condition:
    if statuses is None:
        return Condition("ContainersReady", "False", "UnknownContainerStatuses")
    unknown: list[str] = []
    unready: list[str] = []
    for c in init_containers:
        if not c.restartable:
            continue
        s = statuses.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif not s.ready:
            unready.append(c.name)
    for c in containers:
        s = statuses.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif not s.ready:
            unready.append(c.name)
    if phase == PodPhase.SUCCEEDED and not unknown:
        return Condition("ContainersReady", "False", "PodCompleted")
    if phase == PodPhase.FAILED:
        return Condition("ContainersReady", "False", "PodFailed")
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_names(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {_names(unready)}")
    if messages:
        return Condition("ContainersReady", "False", "ContainersNotReady", ", ".join(messages))
    return CONTAINERS_READY


def ready_condition(containers_ready: Condition) -> Condition:
    if containers_ready.status != "True":
        return Condition(
            "Ready", containers_ready.status, containers_ready.reason, containers_ready.message
        )
    return READY


def initialized_condition(
    phase: str,
    init_containers: Sequence[ContainerRef],
    containers: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus] | None,
) -> Condition:
    if statuses is None:
        if init_containers:
            return Condition("Initialized", "False", "UnknownContainerStatuses")
        statuses = {}
    unknown: list[str] = []
    incomplete: list[str] = []
    for c in init_containers:
        s = statuses.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif (c.restartable and s.started is not True) or (not c.restartable and not s.ready):
            incomplete.append(c.name)
    if phase == PodPhase.SUCCEEDED and not unknown:
        return Condition("Initialized", "True", "PodCompleted")
    if _any_regular_container_started(containers, statuses):
        return INITIALIZED
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_names(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {_names(incomplete)}")
    if messages:
        return Condition("Initialized", "False", "ContainersNotInitialized", ", ".join(messages))
    return INITIALIZED
