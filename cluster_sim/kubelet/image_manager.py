"""The kubelet's image manager: ``EnsureImageExists`` against the run's registry (issue #16).

The node's image store is keyed by name as containerd keys it (``repo:tag``,
``repo@sha256:...``), each name to the manifest digest it was pulled as. Under
IfNotPresent a name the node has runs the digest it pulled then, even if the
tag has moved since; a pull resolves the reference in the registry at that
moment. The events are the kubelet's (``Pulling``, ``Pulled``, ``Failed``,
``BackOff``, ``ErrImageNeverPull``, ``InspectFailed``) with their exact wording.
"""

from __future__ import annotations

from collections.abc import Generator
from functools import lru_cache
from typing import Any, Protocol

import simpy

from .. import images
from ..backoff import go_duration
from ..event_reasons import EventReason
from ..model import Container
from ..nodestate import NodeState, PodRuntime
from ..record_types import EventType
from ..registry import Resolved
from .host import KubeletHost

# Enum members as module names: on CPython 3.11 reading one as a class attribute
# (``EventType.NORMAL``) costs ~1.1k instructions, and a start reads several.
_TYPE_NORMAL = EventType.NORMAL
_TYPE_WARNING = EventType.WARNING
_REASON_PULLED = EventReason.PULLED
_REASON_PULLING = EventReason.PULLING
_REASON_FAILED = EventReason.FAILED
_REASON_BACK_OFF = EventReason.BACK_OFF

SimGen = Generator[simpy.Event, Any, Any]
SYNC_AFTER_ERROR_MS = 1_000  # the pod worker's next sync after a failed pull


class ImagePuller(Protocol):
    """What the image manager needs of a pod worker."""

    env: simpy.Environment
    host: KubeletHost
    rt: PodRuntime
    node: NodeState

    def event(self, type_: EventType, reason: EventReason, message: str) -> None: ...

    def set_waiting(self, c: Container, reason: str, message: str) -> None: ...

    def request_sync(self, at_ms: int) -> None: ...

    def start_pulled(self, c: Container, resolved: Resolved) -> SimGen | None: ...


def ensure_image(worker: ImagePuller, c: Container, ref: images.ImageRef) -> SimGen:
    """The image manager's ``EnsureImageExists``, then the rest of the container's start.

    With the image there (``Resolved``: what runs), the start goes on with
    ``worker.start_pulled``, and runs the program it returns (the postStart hook)
    if any: this generator *is* the start's (``KubeRuntimeContainers.start``), so
    the pull's steps resume through one generator frame, not two. Without it (an
    error, a back-off), the start ends here.

    The node's image store is keyed by name as containerd keys it (``repo:tag``,
    ``repo@digest``): under IfNotPresent a name the node has runs the digest it
    pulled then, even if the tag has moved since; a pull resolves the tag in
    the registry at that moment (issue #16).
    """
    rt, node, env, host = worker.rt, worker.node, worker.env, worker.host
    registry = host.registry
    name = c.image
    if not images.is_valid_reference(name):  # validate_reference's test (kept per name)
        try:
            images.validate_reference(name)
        except images.InvalidImageName as invalid:
            worker.event(_TYPE_WARNING, EventReason.INSPECT_FAILED, str(invalid))
            worker.event(_TYPE_WARNING, _REASON_FAILED, "Error: InvalidImageName")
            worker.set_waiting(c, "InvalidImageName", str(invalid))
            return None
    held = node.images.get(ref.canonical)
    policy = c.image_pull_policy
    if policy == "Never" and held is None:
        message = f'Container image "{name}" is not present with pull policy of Never'
        worker.event(_TYPE_WARNING, EventReason.ERR_IMAGE_NEVER_PULL, message)
        worker.event(_TYPE_WARNING, _REASON_FAILED, "Error: ErrImageNeverPull")
        worker.set_waiting(c, "ErrImageNeverPull", message)
        return None
    if held is not None and policy in ("IfNotPresent", "Never"):
        worker.event(
            _TYPE_NORMAL,
            _REASON_PULLED,
            f'Container image "{name}" already present on machine',
        )
        after = worker.start_pulled(c, registry.resolve_held(ref, held))
        if after is not None:
            yield from after
        return None
    backoff = host.image_backoff
    # A back-off only after a failed pull: with none on the node's record (most runs),
    # neither the key nor the check (a call at every start of an ``Always`` container)
    if backoff.entries and backoff.is_in_backoff_since_update(key := f"{rt.uid}_{name}"):
        message = f'Back-off pulling image "{name}"'
        worker.event(_TYPE_NORMAL, _REASON_BACK_OFF, message)
        worker.event(_TYPE_WARNING, _REASON_FAILED, "Error: ImagePullBackOff")
        worker.set_waiting(c, "ImagePullBackOff", message)
        worker.request_sync(backoff.retry_at(key))
        return None
    worker.event(_TYPE_NORMAL, _REASON_PULLING, f'Pulling image "{name}"')
    queued_at = env._now  # SimPy's clock without the ``now`` property's call
    pulls = node.pull_lock
    # serializeImagePulls: true. ``with pulls.request() as turn:`` spelled out: the end
    # of a pull releases its turn with one call, not ``__enter__`` then ``__exit__``.
    turn = pulls.request()
    try:
        # What the node held when the pull was asked. A turn granted at once (the node pulls
        # nothing) is the holder from now on: no other pull can end, and add an image, before
        # its own does, so the node's images are read at the turn instead of copied now.
        layers = node.images.values() if pulls.holder is turn else set(node.images.values())
        yield turn
        started_at = env._now
        resolved = registry.resolve(name)  # the tag as the registry has it now
        failing = resolved is None or host.faults.fail_pull(rt, c)
        if resolved is None or failing:
            duration = images.FAILED_PULL_MS
        elif resolved.digest in layers:
            duration = resolved.image.repull_ms  # the layers are there: manifest only
        else:
            duration = resolved.image.pull_ms
        yield env.timeout(duration)
    except BaseException as exc:  # an interrupt, or the generator closed: as ``with``
        turn.__exit__(type(exc), exc, exc.__traceback__)
        raise
    pulls.release(turn)
    if resolved is None or failing:
        error = registry.pull_error(ref)
        backoff.next(f"{rt.uid}_{name}", int(env._now))
        worker.event(_TYPE_WARNING, _REASON_FAILED, f'Failed to pull image "{name}": {error}')
        worker.event(_TYPE_WARNING, _REASON_FAILED, "Error: ErrImagePull")
        worker.set_waiting(c, "ErrImagePull", error)
        worker.request_sync(int(env._now) + SYNC_AFTER_ERROR_MS)
        return None
    digest = resolved.digest
    node.images[ref.canonical] = digest
    node.images[resolved.image_id] = digest
    now = env._now
    message = pulled_message(name, now - started_at, now - queued_at, resolved.image.size_bytes)
    worker.event(_TYPE_NORMAL, _REASON_PULLED, message)
    after = worker.start_pulled(c, resolved)
    if after is not None:
        yield from after
    return None


@lru_cache(maxsize=256)
def pulled_message(name: str, pulled_ms: float, total_ms: float, size_bytes: int) -> str:
    """The ``Pulled`` event of a pull. Cached: a crash loop's every start pulls the same
    image in the same time (an int and a float of equal value share an entry, and
    ``go_duration`` formats them the same)."""
    return (
        f'Successfully pulled image "{name}" in {go_duration(pulled_ms)} '
        f"({go_duration(total_ms)} including waiting). Image size: {size_bytes} bytes."
    )


def status_image(node: NodeState, resolved: Resolved) -> str:
    """The status's ``image``: containerd's first repo tag of that image on the node,
    else (an image the node knows by digest only) the image ID, ``sha256:...``."""
    digest = resolved.digest
    first = ""
    for name, held in node.images.items():  # the least tag: sorted()[0], without the sort
        if held == digest and "@" not in name and (not first or name < first):
            first = name
    return first or resolved.manifest.config_digest
