"""Image manifests addressed by the digest of their content.

A manifest here is what the playground needs to know about an image's bytes:
the catalogue image it behaves like (``base``: a pipeline-built
``registry.example.com/shop/web:v2`` built ``FROM nginx:1.27`` runs as nginx),
its labels, the source commit it was built from, the upstream version a
catalogue image stands for, and optionally a USER and a size of its own.

Its digest is ``sha256:`` and the hex SHA-256 of a canonical JSON of that
content (keys sorted, no spaces, UTF-8): the same content has the same digest
in every run and on every machine, and any change of content gives another.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from ..images import parse_image

# The media type of the manifests the playground "stores" (an OCI image manifest).
MEDIA_TYPE: Final = "application/vnd.oci.image.manifest.v1+json"
DIGEST: Final = re.compile(r"^sha256:[a-f0-9]{64}$")


def canonical_json(content: Any) -> bytes:
    """The bytes a digest is taken of: sorted keys, no whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest_of(content: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(content)).hexdigest()


@dataclass(frozen=True, slots=True)
class ImageManifest:
    """What an image is, as far as a pull and a running container can tell.

    ``base``: the reference of the catalogue image (or an image already in the
    registry) whose behaviour this one has, e.g. ``nginx:1.27``; it is
    normalised as containerd does (``docker.io/library/nginx:1.27``).
    ``labels``: the image config's labels (``org.opencontainers.image.*`` and
    any others). ``source_commit``: the commit it was built from. ``version``:
    for a catalogue image, the upstream tag whose bytes it stands for.
    ``user``: the config's USER if the build set one (None: the base's).
    ``size_bytes``: 0 for the base image's size.
    """

    base: str
    labels: Mapping[str, str] = field(default_factory=dict)
    source_commit: str = ""
    version: str = ""
    user: str | None = None
    size_bytes: int = 0
    digest: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        labels = MappingProxyType({str(k): str(v) for k, v in sorted(dict(self.labels).items())})
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "base", parse_image(self.base).canonical)
        object.__setattr__(self, "digest", digest_of(self.content()))

    def __hash__(self) -> int:
        return hash(self.digest)

    @property
    def config_digest(self) -> str:
        """The image ID a node knows it by (containerd's ``sha256:`` of the image config)."""
        return digest_of(self.content()["config"])

    def content(self) -> dict[str, Any]:
        """The manifest as the registry would serve it (what the digest is taken of)."""
        config: dict[str, Any] = {"base": self.base, "labels": dict(self.labels)}
        if self.source_commit:
            config["sourceCommit"] = self.source_commit
        if self.version:
            config["version"] = self.version
        if self.user is not None:
            config["user"] = self.user
        if self.size_bytes:
            config["size"] = self.size_bytes
        return {"schemaVersion": 2, "mediaType": MEDIA_TYPE, "config": config}


@lru_cache(maxsize=1024)
def catalogue_manifest(repository: str, tag: str) -> ImageManifest:
    """The manifest of a catalogue image at one of its upstream tags (the same in every run:
    kept once per process, as it is immutable)."""
    return ImageManifest(base=f"{repository}:{tag}", version=tag)
