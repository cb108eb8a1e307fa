"""The run's registry: repositories of manifests by digest, and tags that move.

One ``Registry`` per run (``ControlContext.registry``, also ``Cluster.registry``
and the kubelet's ``KubeletHost.registry``). Every catalogue image
(``cluster_sim.images``) is in it at each of its tags, with a digest that
depends only on its repository and tag; ``push`` adds a manifest and points a
tag at it, writing a ``registry`` record. ``resolve`` answers what a pull asks
at that moment: a tag or a ``@sha256:`` reference, to a digest and the
behaviour (``Image``) of the bytes behind it. Manifests are never deleted, so a
digest once seen resolves for the rest of the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from .. import images
from ..images import Image, ImageRef, parse_image
from .manifest import DIGEST, ImageManifest, catalogue_manifest

if TYPE_CHECKING:
    from ..records import Recorder

# Tags of each catalogue repository whose digests a run knows from its start, so that
# ``image: nginx@sha256:...`` copied from an earlier run's imageID pins at once. Any
# other tag the catalogue accepts (images.KNOWN_TAG) resolves too, and its digest joins
# the index the first time something resolves it.
PUBLISHED_TAGS: Final[Mapping[str, tuple[str, ...]]] = {
    "docker.io/library/busybox": ("latest", "1.28", "1.35", "1.36", "1.37", "stable"),
    "docker.io/library/nginx": (
        "latest",
        "stable",
        "mainline",
        "1.14.2",
        "1.16.1",
        "1.25",
        "1.26",
        "1.27",
        "1.28",
        "alpine",
    ),
    "docker.io/library/redis": ("latest", "7", "7.2", "7.4"),
    "docker.io/library/alpine": ("latest", "3.19", "3.20", "3.21"),
    "docker.io/library/httpd": ("latest", "2.4"),
    "docker.io/library/perl": ("latest", "5.34.0"),
    "registry.k8s.io/busybox": ("latest", "1.27.2"),
    "registry.k8s.io/e2e-test-images/agnhost": ("2.40", "2.45", "2.52"),
    "registry.k8s.io/pause": ("3.9", "3.10"),
    "gcr.io/google-samples/hello-app": ("1.0", "2.0"),
    "gcr.io/distroless/static-debian12": ("latest", "nonroot"),
}


RESOLUTIONS_KEPT = 512  # references are user input: a bound on what ``resolve`` keeps


class RegistryError(ValueError):
    """A push the registry refuses (an unknown base image, a malformed name)."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """A reference resolved at one moment: the repository, the digest, the bytes' behaviour.

    ``tag`` is empty for a ``@sha256:`` reference. ``image`` is the catalogue
    behaviour the bytes have (with the manifest's own USER and size, if any).
    """

    reference: ImageRef
    repository: str
    tag: str
    digest: str
    manifest: ImageManifest
    image: Image
    # the container status's ``imageID``: the repo digest, ``repo@sha256:...``; read at
    # every container start (``resolve`` keeps its answers), so spelled out once
    image_id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "image_id", f"{self.repository}@{self.digest}")

    @property
    def name(self) -> str:
        """The normalised reference: ``docker.io/library/nginx:1.27`` or ``repo@sha256:...``."""
        return self.reference.canonical


@dataclass(frozen=True, slots=True)
class Push:
    """One push: a tag moved (or created) to a digest; ``previous`` is "" for a new tag."""

    at_ms: int
    repository: str
    tag: str
    digest: str
    previous: str
    manifest: ImageManifest


class Registry:
    """Repositories: manifests by digest, tags pointing at digests (see the module doc)."""

    def __init__(self, recorder: Recorder | None = None) -> None:
        self.recorder = recorder
        self._manifests: dict[tuple[str, str], ImageManifest] = {}  # (repo, digest)
        self._behaviour: dict[str, Image] = {}  # digest -> what its bytes run as
        self._tags: dict[tuple[str, str], str] = {}  # pushed (repo, tag) -> digest
        self.pushes: list[Push] = []
        # reference -> what ``resolve`` answered: every pull of a crash-looping
        # ``:latest`` container resolves again. Only ``push`` changes an answer (a tag
        # moves, a digest's manifest is stored), so it empties this; failures are not kept
        # (a later push or catalogue lookup may make them resolve).
        self._resolutions: dict[str, Resolved] = {}
        for repository, tags in PUBLISHED_TAGS.items():
            for tag in tags:
                self._catalogue(parse_image(f"{repository}:{tag}"))

    # -- reading -------------------------------------------------------------

    def resolve(self, reference: str) -> Resolved | None:
        """What a pull of ``reference`` gets now, or None if the registry has no such image.

        A tag resolves to the digest it points at now (a pushed tag first, else
        the catalogue's); a digest resolves only if that repository has it.
        Malformed references resolve to None (``images.validate_reference`` says why).
        """
        resolved = self._resolutions.get(reference)
        if resolved is None:
            resolved = self._resolve(reference)
            if resolved is not None and len(self._resolutions) < RESOLUTIONS_KEPT:
                self._resolutions[reference] = resolved
        return resolved

    def _resolve(self, reference: str) -> Resolved | None:
        """``resolve`` without the cache."""
        if not images.is_valid_reference(reference):
            return None
        ref = parse_image(reference)
        if ref.digest:
            manifest = self._manifests.get((ref.repository, ref.digest))
            if manifest is None:
                return None
            return self._resolved(ref, "", manifest)
        digest = self._tags.get((ref.repository, ref.tag))
        if digest is not None:
            return self._resolved(ref, ref.tag, self._manifests[(ref.repository, digest)])
        manifest = self._catalogue(ref)
        if manifest is None:
            return None
        return self._resolved(ref, ref.tag, manifest)

    def resolve_held(self, ref: ImageRef, digest: str) -> Resolved:
        """What a node runs for ``ref`` when it holds ``digest`` under that name (no pull)."""
        manifest = self._manifests[(ref.repository, digest)]
        return self._resolved(ref, "" if ref.digest else ref.tag, manifest)

    def pull_error(self, ref: ImageRef) -> str:
        """containerd's text for a reference that does not resolve (``images.pull_error``);
        a repository or host something was pushed to answers NotFound like a known one."""
        known = self.knows_repository(ref.repository) or self.knows_host(
            ref.repository.split("/", 1)[0]
        )
        if known and ref.repository not in images.CATALOGUE:
            full = ref.canonical
            return (
                f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
                f'failed to resolve reference "{full}": {full}: not found'
            )
        return images.pull_error(ref)

    def manifest(self, repository: str, digest: str) -> ImageManifest | None:
        return self._manifests.get((parse_image(repository).repository, digest))

    def tags(self, repository: str) -> dict[str, str]:
        """The pushed tags of a repository and their digests now (catalogue tags left out)."""
        repo = parse_image(repository).repository
        return {tag: digest for (r, tag), digest in sorted(self._tags.items()) if r == repo}

    def knows_host(self, host: str) -> bool:
        """Whether anything was pushed to a repository on ``host`` (so a node can reach it)."""
        return any(repo.split("/", 1)[0] == host for repo, _ in self._tags)

    def knows_repository(self, repository: str) -> bool:
        return repository in images.CATALOGUE or any(r == repository for r, _ in self._tags)

    # -- writing -------------------------------------------------------------

    def push(self, repository: str, tag: str, manifest: ImageManifest) -> str:
        """Store ``manifest``, point ``repository:tag`` at it, record it; return its digest.

        The base image resolves now (FROM is fixed when the image is built); an
        unknown base raises ``RegistryError``. Pushing the same content again
        leaves the tag where it was (same digest) but is still recorded.
        """
        ref = parse_image(f"{repository}:{tag}")
        if ref.digest or not images.REFERENCE.match(f"{repository}:{tag}"):
            raise RegistryError(f'invalid reference format: "{repository}:{tag}"')
        behaviour = self._behaviour.get(manifest.digest) or self._build(manifest)
        key = (ref.repository, ref.tag)
        previous = self._tags.get(key)
        if previous is None and (catalogued := self._catalogue(ref)) is not None:
            previous = catalogued.digest
        self._manifests[(ref.repository, manifest.digest)] = manifest
        self._behaviour[manifest.digest] = behaviour
        self._tags[key] = manifest.digest
        self._resolutions.clear()  # the tag resolves elsewhere now
        now = int(self.recorder.env.now) if self.recorder is not None else 0
        self.pushes.append(
            Push(now, ref.repository, ref.tag, manifest.digest, previous or "", manifest)
        )
        if self.recorder is not None:
            self.recorder.emit(
                "registry",
                action="push",
                repository=ref.repository,
                tag=ref.tag,
                digest=manifest.digest,
                previous=previous or "",
                base=manifest.base,
                sourceCommit=manifest.source_commit,
                labels=dict(manifest.labels),
            )
        return manifest.digest

    # -- inside ----------------------------------------------------------------

    def _resolved(self, ref: ImageRef, tag: str, manifest: ImageManifest) -> Resolved:
        return Resolved(
            ref, ref.repository, tag, manifest.digest, manifest, self._behaviour[manifest.digest]
        )

    def _catalogue(self, ref: ImageRef) -> ImageManifest | None:
        """The catalogue's manifest for a tag it has (indexed by digest from then on)."""
        image = images.lookup(ImageRef(ref.name, ref.repository, ref.tag))
        if image is None:
            return None
        manifest = catalogue_manifest(ref.repository, ref.tag)
        self._manifests.setdefault((ref.repository, manifest.digest), manifest)
        self._behaviour.setdefault(manifest.digest, image)
        return manifest

    def _build(self, manifest: ImageManifest) -> Image:
        """The behaviour of a new image: its base's, resolved now, with its own USER and size."""
        base = self.resolve(manifest.base)
        if base is None:
            raise RegistryError(f"{manifest.base}: not found")
        image = base.image
        if manifest.user is not None:
            image = replace(image, user=manifest.user)
        if manifest.size_bytes:
            image = replace(image, size_bytes=manifest.size_bytes)
        return image


def is_digest(text: str) -> bool:
    return bool(DIGEST.match(text))
