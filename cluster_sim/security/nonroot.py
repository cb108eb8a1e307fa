"""The kubelet's ``verifyRunAsNonRoot`` (pkg/kubelet/kuberuntime/security_context_others.go).

The 1.33 kubelet: no check of an out-of-range image uid (that came with
kubernetes/kubernetes PR #130871, after 1.33). An image with no USER at all
passes, and containerd then runs the process as root: upstream's gap, kept.
"""

from __future__ import annotations

from .context import EffectiveSecurityContext


def pod_desc(name: str, namespace: str, uid: str) -> str:
    """``format.PodDesc``: ``name_namespace(uid)``."""
    return f"{name}_{namespace}({uid})"


def verify_run_as_non_root(
    pod: str,
    container: str,
    sc: EffectiveSecurityContext,
    image_uid: int | None,
    image_username: str,
) -> str | None:
    """The error message, or None when the container may start.

    ``pod`` is :func:`pod_desc`'s text; ``image_uid`` the image's numeric USER
    (None when USER is a name or absent); ``image_username`` a non-numeric USER.
    """
    if not sc.run_as_non_root:
        return None
    where = f'(pod: "{pod}", container: {container})'
    if sc.run_as_user is not None:
        if sc.run_as_user == 0:
            return f"container's runAsUser breaks non-root policy {where}"
        return None
    if image_uid is not None and image_uid == 0:
        return f"container has runAsNonRoot and image will run as root {where}"
    if image_uid is None and image_username:
        return (
            f"container has runAsNonRoot and image has non-numeric user ({image_username}), "
            f"cannot verify user is non-root {where}"
        )
    return None
