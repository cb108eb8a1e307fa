"""The securityContext checks of the kubelet's ``generateContainerConfig``.

After the environment is resolved, the kubelet reads the image's USER
(``getImageUser``: an image without USER counts as uid 0) and runs
``verifyRunAsNonRoot``; a refusal is a
``CreateContainerConfigError`` with a ``Failed`` event ``Error: <message>``,
retried with the pod worker's back-off like a missing ConfigMap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..environment.resolve import ContainerConfigError
from .context import determine_effective
from .identity import split_image_user
from .nonroot import verify_run_as_non_root

if TYPE_CHECKING:
    from ..images import Image


def verify_container_user(
    pod_manifest: Mapping[str, Any],
    container: Mapping[str, Any],
    image: Image,
    format_pod: str,
) -> None:
    """Raise :class:`ContainerConfigError` when runAsNonRoot forbids this start."""
    spec = pod_manifest.get("spec")
    sc = determine_effective(spec if isinstance(spec, Mapping) else {}, container)
    uid, username = split_image_user(image.user)
    if uid is None and not username:
        # getImageUser: "If non of them is set, treat it as root." (verifyRunAsNonRoot's
        # own nil-uid pass is unreachable from generateContainerConfig.)
        uid = 0
    message = verify_run_as_non_root(format_pod, str(container.get("name", "")), sc, uid, username)
    if message is not None:
        raise ContainerConfigError(message)
