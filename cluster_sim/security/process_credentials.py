"""The credentials a container's processes get: the kubelet's CRI security context
(effective user and group, fsGroup then supplementalGroups, the policy) resolved
by containerd against the image's USER and /etc files, plus its capabilities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .capabilities import process_sets, resolve
from .context import EffectiveSecurityContext, determine_effective
from .credentials import Credentials
from .identity import UserError, process_user

if TYPE_CHECKING:
    from ..images import Image


def effective_for(
    pod_manifest: Mapping[str, Any], container: Mapping[str, Any]
) -> EffectiveSecurityContext:
    spec = pod_manifest.get("spec")
    return determine_effective(spec if isinstance(spec, Mapping) else {}, container)


def credentials_for(sc: EffectiveSecurityContext, image: Image) -> Credentials:
    """What the container's processes run as (root when the user cannot be resolved)."""
    cri_groups = ((sc.fs_group,) if sc.fs_group is not None else ()) + sc.supplemental_groups
    try:
        identity = process_user(
            image_user=image.user,
            passwd=image.etc_passwd,
            group=image.etc_group,
            run_as_user=sc.run_as_user,
            run_as_group=sc.run_as_group,
            supplemental_groups=cri_groups,
            policy=sc.supplemental_groups_policy,
        )
    except UserError:
        return Credentials()
    caps = resolve(sc.cap_add, sc.cap_drop, sc.privileged)
    return Credentials(
        uid=identity.uid,
        gid=identity.gid,
        groups=identity.groups,
        caps=process_sets(caps, identity.uid),
        no_new_privs=sc.no_new_privs,
        seccomp=sc.seccomp_profile is not None and sc.seccomp_profile != "Unconfined",
    )
