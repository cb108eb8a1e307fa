"""A registry of content-addressed images and tags that move (issue #16).

``Registry`` (one per run: ``ControlContext.registry``) holds manifests by
digest and tags that point at digests; ``ImageManifest`` is an image's content
(the catalogue image it behaves like, labels, source commit); ``Resolved`` is
what a pull of a reference gets at one moment. See ``cluster_sim/DESIGN.md``,
"Registry, digests and tags (issue #16)".
"""

from .manifest import ImageManifest, canonical_json, catalogue_manifest, digest_of
from .store import PUBLISHED_TAGS, Push, Registry, RegistryError, Resolved, is_digest

__all__ = [
    "PUBLISHED_TAGS",
    "ImageManifest",
    "Push",
    "Registry",
    "RegistryError",
    "Resolved",
    "canonical_json",
    "catalogue_manifest",
    "digest_of",
    "is_digest",
]
