"""The kubelet's status manager for one Pod: phase and conditions, then the records.

``generateAPIPodStatus`` derives the Pod's phase from its container statuses and
its conditions from the phase; the status manager writes what changed. Here both
are one step, ``publish``, run by the pod worker after each change of a
container's status, the sandbox or the phase.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..record_types import TERMINAL_PHASES, PodPhase
from ..status import (
    Condition,
    Conditions,
    ContainerRef,
    ContainerStatus,
    Terminated,
    containers_ready_condition,
    initialized_condition,
    pod_phase,
    ready_condition,
)

if TYPE_CHECKING:
    from ..model import Container, Pod
    from ..nodestate import ContainerRefs, PodRuntime
    from .host import KubeletHost

# The conditions that take one of two values (frozen: shared by every Pod)
SANDBOX_READY = Condition("PodReadyToStartContainers", "True")
SANDBOX_NOT_READY = Condition("PodReadyToStartContainers", "False")
SCHEDULED = Condition("PodScheduled", "True")


class PodStatusManager:
    """Derives one Pod's phase and conditions and publishes its records."""

    __slots__ = ("_containers", "_memo", "_memo_pod", "_refs", "_shape", "_single", "host", "rt")

    def __init__(self, host: KubeletHost, runtime: PodRuntime) -> None:
        self.host = host
        self.rt = runtime
        # (phase, the sandbox's state, ``signature``) -> the phase ``derive`` gives and the
        # conditions, for the spec ``_memo_pod``: a crash loop derives the same few results
        # from new statuses over and over, and hands out the same ``Conditions`` each time.
        self._memo: dict[tuple[Any, ...], tuple[PodPhase, Conditions]] = {}
        self._memo_pod: Pod | None = None
        # ``rt.refs()`` of the spec ``_memo_pod``, read once per spec
        self._refs: tuple[ContainerRefs, ContainerRefs] = ((), ())
        # ``rt.containers()`` of the spec ``_memo_pod``, read once per spec
        self._containers: tuple[Container, ...] = ()
        # The name of the spec's one container when it has no other and no init container
        # (most Pods): its part of the memo's key is gathered inline
        self._single: str | None = None
        # ``shape_of`` the spec ``_memo_pod``: its part of the ``SHARED`` memo's keys
        self._shape = 0

    def publish(self) -> None:
        """Recompute phase and conditions; write the records that changed."""
        rt = self.rt
        # Phase and conditions are derived at every publish: the pod worker publishes
        # after a change (a new container status, the sandbox, the phase), and ``derive``
        # is memoised, so an unchanged Pod derives the same phase and the very same
        # Condition objects again (see ``_derive_status``).
        self._derive_status()
        # A container's record is a function of its spec and status (both replaced, never
        # mutated): the pair last published (``rt.published.containers``) writes nothing,
        # so skip the call. The spec's containers are the ones ``_derive_status`` read for
        # ``rt.pod`` (its spec is new or the one it last saw).
        published = rt.published.containers
        for c in self._containers:
            s = rt.statuses[c.name]
            last = published.get(c.name)
            if last is None or last[0] is not c or last[1] is not s:
                self.host.publish_container(rt, c, s)
        self.host.publish_pod(rt)

    def _derive_status(self) -> None:
        """The kubelet's ``generateAPIPodStatus``: phase, then the Pod's conditions."""
        rt = self.rt
        if rt.pod is not self._memo_pod:  # a new spec (an apply): other refs, restartPolicy
            self._memo.clear()
            self._memo_pod = rt.pod
            self._refs = rt.refs()
            self._containers = rt.containers()
            self._single = (
                self._refs[1][0].name if not self._refs[0] and len(self._refs[1]) == 1 else None
            )
            self._shape = shape_of(rt.pod.spec.restart_policy, *self._refs)
        init, regular = self._refs
        sandbox_ready = rt.sandbox_ready
        single = self._single
        if single is not None:  # one container and no init container: ``signature`` inline
            s = rt.statuses.get(single)
            if s is None:
                key: tuple[Any, ...] = (rt.phase, sandbox_ready, None)
            else:
                state = s.state
                last = s.last_state
                key = (
                    rt.phase,
                    sandbox_ready,
                    type(state),
                    state.exit_code if isinstance(state, Terminated) else None,
                    None if last is None else last.exit_code,
                    s.ready,
                    s.started,
                )
        else:
            key = (rt.phase, sandbox_ready, *signature(init, regular, rt.statuses))
        memo = self._memo
        known = memo.get(key)
        # An entry whose conditions were changed in place since (``Conditions``) is derived
        # again
        if known is None or known[1].statuses is None:
            # ``derive`` is a function of the spec's shape and the key: Pods of one
            # template share its results (frozen), each with its own ``Conditions``
            shared_key = (self._shape, *key)
            derived = SHARED.get(shared_key)
            if derived is None:
                derived = SHARED[shared_key] = derive(
                    rt.pod.spec.restart_policy, rt.phase, init, regular, rt.statuses
                )
                if len(SHARED) > SHARED_SIZE:
                    SHARED.clear()  # (one step under the GIL: runs in threads share it)
            phase, initialized, containers_ready, ready = derived
            conditions = Conditions(
                {
                    "PodReadyToStartContainers": SANDBOX_READY
                    if sandbox_ready
                    else SANDBOX_NOT_READY,
                    "Initialized": initialized,
                    "Ready": ready,
                    "ContainersReady": containers_ready,
                    "PodScheduled": SCHEDULED,
                }
            )
            known = memo[key] = (phase, conditions)
            if len(memo) > MEMO_SIZE:
                del memo[next(iter(memo))]
        phase, conditions = known
        if rt.phase not in TERMINAL_PHASES:
            rt.phase = phase
            if phase in TERMINAL_PHASES:
                self.host.pod_finished(rt)
        rt.conditions = conditions


# What ``derive`` returns: phase, then Initialized, ContainersReady and Ready.
Derived = tuple[PodPhase, Condition, Condition, Condition]
# Derivations a status manager keeps (a crash loop cycles through three).
MEMO_SIZE = 8
# ``derive``'s results for every status manager: (shape, phase, sandbox, signature's
# fields) -> result, at most SHARED_SIZE (then emptied). A status manager's own memo
# misses once per derivation and Pod; Pods of one template then derive once. Pure
# results of frozen objects, so runs (and threads) share them.
SHARED: dict[tuple[Any, ...], Derived] = {}
SHARED_SIZE = 4096
# (restartPolicy, init refs, regular refs) -> its number, at most SHAPES_SIZE, then
# emptied: numbers are never given twice, so an entry of SHARED keyed by a forgotten
# number is never read again.
_SHAPES: dict[tuple[Any, ...], int] = {}
SHAPES_SIZE = 1024
_shape_numbers = itertools.count(1)


def shape_of(
    restart_policy: str, init: Sequence[ContainerRef], regular: Sequence[ContainerRef]
) -> int:
    """The number of a spec's shape: what ``derive`` reads of the spec (``signature``
    reads the containers in the same order), equal for equal shapes while kept."""
    shape = (restart_policy, tuple(init), tuple(regular))
    number = _SHAPES.get(shape)
    if number is None:
        if len(_SHAPES) >= SHAPES_SIZE:
            _SHAPES.clear()
        number = _SHAPES[shape] = next(_shape_numbers)
    return number


def derive(
    restart_policy: str,
    phase: PodPhase,
    init: Sequence[ContainerRef],
    regular: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus],
) -> Derived:
    """Phase (kept when terminal) and the three conditions the containers decide."""
    if phase not in TERMINAL_PHASES:
        phase = pod_phase(restart_policy, init, regular, statuses)
    containers_ready = containers_ready_condition(phase, init, regular, statuses)
    return (
        phase,
        initialized_condition(phase, init, regular, statuses),
        containers_ready,
        ready_condition(containers_ready),
    )


def signature(
    init: Sequence[ContainerRef],
    regular: Sequence[ContainerRef],
    statuses: Mapping[str, ContainerStatus],
) -> tuple[Any, ...]:
    """Every part of the container statuses ``derive`` reads, container by container.

    ``pod_phase``, ``initialized_condition`` and ``containers_ready_condition`` read
    of a status only: whether there is one, its state's kind and exit code, whether
    it has a last state and that one's exit code, ``ready`` and ``started``. Equal
    signatures (with the same spec and phase) derive the same phase and conditions;
    restart counts, times, messages and container IDs, which change on every start,
    are not in it. One flat tuple (cheaper to hash and compare than one per container):
    a container without a status is one None, one with a status its five fields, the
    first a type, so the tuple still tells each container's part apart.
    """
    out: list[Any] = []
    for ref in (*init, *regular):
        s = statuses.get(ref.name)
        if s is None:
            out.append(None)
            continue
        state = s.state
        last = s.last_state
        out += (
            type(state),
            state.exit_code if isinstance(state, Terminated) else None,
            None if last is None else last.exit_code,
            s.ready,
            s.started,
        )
    return tuple(out)
