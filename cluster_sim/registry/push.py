"""The ``pushImage`` action: a new image pushed to a tag mid-run (a build the learner did).

``{at: 60, pushImage: {image: "nginx:1.27", from: "nginx:1.28", commit: 9f1c2e0}}``
builds an image ``FROM`` the ``from`` reference as it resolves at that moment
(default: what the tag points at now), with the commit, labels and USER given,
and pushes it to ``image``'s tag. The tag moves only if the content differs from
what it points at (the same content has the same digest).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..images import parse_image
from .manifest import ImageManifest
from .store import Registry, RegistryError


def push_image(registry: Registry, args: Mapping[str, Any]) -> str:
    """Take a pushImage; return the digest. ``RegistryError`` says why it cannot be pushed."""
    target = parse_image(str(args["image"]))
    source = str(args.get("from") or args["image"])
    base = registry.resolve(source)
    if base is None:
        # BuildKit's words for a FROM it cannot resolve [unverified: the exact wording].
        raise RegistryError(
            f"failed to resolve source metadata for {parse_image(source).canonical}: "
            f"{parse_image(source).canonical}: not found"
        )
    labels = args.get("labels") or {}
    user = args.get("user")
    manifest = ImageManifest(
        base=base.image_id,  # FROM pinned to the digest it resolved to
        labels={str(k): str(v) for k, v in labels.items()},
        source_commit=str(args.get("commit") or ""),
        user=None if user is None else str(user),
    )
    return registry.push(target.repository, target.tag, manifest)
