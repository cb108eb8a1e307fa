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


def ensure_image(worker: ImagePuller, c: Container, ref: images.ImageRef) -> SimGen:
    """The image manager's ``EnsureImageExists``; return what runs (``Resolved``) or None.

    The node's image store is keyed by name as containerd keys it (``repo:tag``,
    ``repo@digest``): under IfNotPresent a name the node has runs the digest it
    pulled then, even if the tag has moved since; a pull resolves the tag in
    the registry at that moment (issue #16).
    """
    rt = worker.rt
    registry = worker.host.registry
    try:
        images.validate_reference(c.image)
    except images.InvalidImageName as invalid:
        worker.event(EventType.WARNING, EventReason.INSPECT_FAILED, str(invalid))
        worker.event(EventType.WARNING, EventReason.FAILED, "Error: InvalidImageName")
        worker.set_waiting(c, "InvalidImageName", str(invalid))
        return None
    held = worker.node.images.get(ref.canonical)
    present = held is not None
    name = c.image
    if c.image_pull_policy == "Never" and not present:
        message = f'Container image "{name}" is not present with pull policy of Never'
        worker.event(EventType.WARNING, EventReason.ERR_IMAGE_NEVER_PULL, message)
        worker.event(EventType.WARNING, EventReason.FAILED, "Error: ErrImageNeverPull")
        worker.set_waiting(c, "ErrImageNeverPull", message)
        return None
    if c.image_pull_policy in ("IfNotPresent", "Never") and held is not None:
        worker.event(
            EventType.NORMAL,
            EventReason.PULLED,
            f'Container image "{name}" already present on machine',
        )
        return registry.resolve_held(ref, held)
    key = f"{rt.uid}_{name}"
    backoff = worker.host.image_backoff
    if backoff.is_in_backoff_since_update(key):
        message = f'Back-off pulling image "{name}"'
        worker.event(EventType.NORMAL, EventReason.BACK_OFF, message)
        worker.event(EventType.WARNING, EventReason.FAILED, "Error: ImagePullBackOff")
        worker.set_waiting(c, "ImagePullBackOff", message)
        worker.request_sync(backoff.retry_at(key))
        return None
    worker.event(EventType.NORMAL, EventReason.PULLING, f'Pulling image "{name}"')
    queued_at = worker.env.now
    layers = set(worker.node.images.values())  # what the node held when the pull was asked
    with worker.node.pull_lock.request() as turn:  # serializeImagePulls: true
        yield turn
        started_at = worker.env.now
        resolved = registry.resolve(name)  # the tag as the registry has it now
        failing = resolved is None or worker.host.faults.fail_pull(rt, c)
        if resolved is None or failing:
            duration = images.FAILED_PULL_MS
        elif resolved.digest in layers:
            duration = resolved.image.repull_ms  # the layers are there: manifest only
        else:
            duration = resolved.image.pull_ms
        yield worker.env.timeout(duration)
    if resolved is None or failing:
        error = registry.pull_error(ref)
        backoff.next(key, int(worker.env.now))
        worker.event(
            EventType.WARNING, EventReason.FAILED, f'Failed to pull image "{name}": {error}'
        )
        worker.event(EventType.WARNING, EventReason.FAILED, "Error: ErrImagePull")
        worker.set_waiting(c, "ErrImagePull", error)
        worker.request_sync(int(worker.env.now) + SYNC_AFTER_ERROR_MS)
        return None
    worker.node.images[ref.canonical] = resolved.digest
    worker.node.images[resolved.image_id] = resolved.digest
    pulled = go_duration(worker.env.now - started_at)
    total = go_duration(worker.env.now - queued_at)
    worker.event(
        EventType.NORMAL,
        EventReason.PULLED,
        f'Successfully pulled image "{name}" in {pulled} ({total} including waiting). '
        f"Image size: {resolved.image.size_bytes} bytes.",
    )
    return resolved


def status_image(node: NodeState, resolved: Resolved) -> str:
    """The status's ``image``: containerd's first repo tag of that image on the node,
    else (an image the node knows by digest only) the image ID, ``sha256:...``."""
    tags = sorted(
        name
        for name, digest in node.images.items()
        if digest == resolved.digest and "@" not in name
    )
    return tags[0] if tags else resolved.manifest.config_digest
