"""A small catalogue of container images: sizes, pull times, what they run.

A real registry is out of reach, so each known image says how big it is, how
long a first pull takes on the simulated network, which executables it ships
and what it runs by default. An image the catalogue does not know (or a tag
listed as missing) fails to pull the way containerd reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BUSYBOX_BINARIES = frozenset(
    """sh ash [[ echo sleep true false cat ls date hostname env printenv touch rm rmdir mkdir
    test [ wget nslookup yes seq wc head tail grep expr tee cp mv ln basename dirname printf
    kill killall id whoami uname ps df du find sort uniq tr cut sed awk top free nc timeout
    mount nproc stat which xargs pkill pgrep ip ifconfig netstat ping
    """.split()
)
# coreutils and friends; slim Debian images lack ps, killall, wget, nslookup...
DEBIAN_BINARIES = frozenset(
    """sh bash dash echo sleep true false cat ls date hostname env printenv touch rm rmdir
    mkdir test [ wc head tail grep expr tee cp mv ln basename dirname printf kill id whoami
    uname df du find sort uniq tr cut sed seq yes timeout
    """.split()
)


# Resolving a reference the registry does not have fails after a round trip or two.
FAILED_PULL_MS = 820


@dataclass(frozen=True, slots=True)
class Image:
    repository: str  # normalised, e.g. docker.io/library/busybox
    size_bytes: int
    pull_ms: int  # a first pull on an empty node
    repull_ms: int  # a pull of an image already on the node (manifest check only)
    binaries: frozenset[str]
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    missing_tags: frozenset[str] = frozenset()
    stop_signal: str = "TERM"  # the image's STOPSIGNAL, sent by StopContainer


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference; ``name`` is what the user wrote."""

    name: str
    repository: str
    tag: str
    digest: str = ""

    @property
    def canonical(self) -> str:
        return (
            f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"
        )


def parse_image(name: str) -> ImageRef:
    """Normalise like containerd: ``busybox`` is ``docker.io/library/busybox:latest``."""
    rest, _, digest = name.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        repo, tag = rest[:colon], rest[colon + 1 :]
    else:
        repo, tag = rest, "latest"
    first = repo.split("/", 1)[0]
    if "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif not ("." in first or ":" in first or first == "localhost"):
        repo = f"docker.io/{repo}"
    return ImageRef(name=name, repository=repo, tag=tag, digest=digest)


def _busybox(repository: str, size: int) -> Image:
    return Image(
        repository,
        size,
        pull_ms=1_180,
        repull_ms=410,
        binaries=BUSYBOX_BINARIES,
        cmd=("sh",),
        missing_tags=frozenset({"notexist", "does-not-exist"}),
    )


def _hello_app(repository: str) -> Image:
    """The docs' hello-app 1.0/2.0: ``FROM alpine:latest``, ``COPY hello-app .``,
    ``CMD ["./hello-app"]`` (kubernetes-engine-samples' original Dockerfile), so the
    image has Alpine's busybox: ``kubectl exec ... printenv`` works in it."""
    return Image(
        repository,
        11_136_430,
        pull_ms=2_700,
        repull_ms=430,
        binaries=BUSYBOX_BINARIES | {"hello-app"},
        cmd=("./hello-app",),
    )


CATALOGUE: dict[str, Image] = {
    image.repository: image
    for image in (
        _busybox("docker.io/library/busybox", 2_167_176),
        _busybox("registry.k8s.io/busybox", 1_144_547),
        _busybox("gcr.io/google-containers/busybox", 1_144_547),
        Image(
            "docker.io/library/alpine",
            3_653_068,
            pull_ms=1_540,
            repull_ms=420,
            binaries=BUSYBOX_BINARIES,
            cmd=("/bin/sh",),
        ),
        Image(
            "docker.io/library/ubuntu",
            29_754_290,
            pull_ms=4_310,
            repull_ms=450,
            binaries=DEBIAN_BINARIES,
            cmd=("/bin/bash",),
        ),
        Image(
            "docker.io/library/debian",
            48_480_208,
            pull_ms=5_870,
            repull_ms=460,
            binaries=DEBIAN_BINARIES,
            cmd=("bash",),
        ),
        Image(
            "docker.io/library/nginx",
            72_099_410,
            pull_ms=7_240,
            repull_ms=520,
            # The Dockerfile installs "$nginxPackages gettext-base curl".
            binaries=DEBIAN_BINARIES | {"nginx", "docker-entrypoint.sh", "curl"},
            entrypoint=("/docker-entrypoint.sh",),
            cmd=("nginx", "-g", "daemon off;"),
            stop_signal="QUIT",  # the official image's STOPSIGNAL SIGQUIT: a graceful shutdown
            missing_tags=frozenset({"notexist", "does-not-exist", "1.99"}),
        ),
        Image(
            "registry.k8s.io/nginx-slim",
            54_230_112,
            pull_ms=6_480,
            repull_ms=500,
            binaries=DEBIAN_BINARIES | {"nginx"},
            cmd=("nginx", "-g", "daemon off;"),
            stop_signal="QUIT",
        ),
        Image(
            "quay.io/fluentd_elasticsearch/fluentd",
            141_870_336,
            pull_ms=11_900,
            repull_ms=560,
            binaries=DEBIAN_BINARIES | {"fluentd", "ruby"},
            cmd=("fluentd", "--no-supervisor"),
        ),
        Image(
            "docker.io/library/redis",
            45_016_221,
            pull_ms=5_460,
            repull_ms=500,
            binaries=DEBIAN_BINARIES | {"redis-server", "redis-cli", "docker-entrypoint.sh"},
            entrypoint=("docker-entrypoint.sh",),
            cmd=("redis-server",),
        ),
        Image(
            "docker.io/library/httpd",
            58_327_016,
            pull_ms=6_350,
            repull_ms=510,
            binaries=DEBIAN_BINARIES | {"httpd-foreground"},
            cmd=("httpd-foreground",),
        ),
        Image(
            "registry.k8s.io/e2e-test-images/agnhost",
            51_524_614,
            pull_ms=6_100,
            repull_ms=480,
            binaries=BUSYBOX_BINARIES | {"agnhost"},
            entrypoint=("/agnhost",),
            cmd=("pause",),
        ),
        Image(
            "registry.k8s.io/goproxy",
            2_617_088,
            pull_ms=1_390,
            repull_ms=400,
            binaries=frozenset({"goproxy"}),
            entrypoint=("/goproxy",),
        ),
        Image(
            "registry.k8s.io/etcd",
            102_523_440,
            pull_ms=9_800,
            repull_ms=560,
            binaries=frozenset({"etcd", "etcdctl", "sh"}),
            cmd=("/usr/local/bin/etcd",),
        ),
        Image(
            "registry.k8s.io/pause",
            321_520,
            pull_ms=620,
            repull_ms=380,
            binaries=frozenset({"pause"}),
            entrypoint=("/pause",),
        ),
        Image(
            "docker.io/polinux/stress",
            4_041_495,
            pull_ms=1_720,
            repull_ms=420,
            binaries=BUSYBOX_BINARIES | {"stress"},
            cmd=("stress", "--help"),
        ),
        Image(
            "docker.io/vish/stress",
            3_193_245,
            pull_ms=1_610,
            repull_ms=410,
            binaries=frozenset({"stress"}),
            entrypoint=("/stress",),
            cmd=("-logtostderr",),
        ),
        Image(
            "docker.io/library/perl",
            336_468_993,
            pull_ms=24_600,
            repull_ms=640,
            binaries=DEBIAN_BINARIES | {"perl"},
            cmd=("perl", "-de0"),
        ),
        _hello_app("us-docker.pkg.dev/google-samples/containers/gke/hello-app"),
        _hello_app("gcr.io/google-samples/hello-app"),
    )
}

# Tags every catalogue image has: "latest", version numbers (1.27, 1.27.2, 3.5.1-0, v2.40)
# and the usual flavours. Anything else (nginx:bad) does not exist in the registry.
KNOWN_TAG = re.compile(
    r"^(latest|stable|mainline|alpine|slim|bookworm|bullseye|musl|glibc|uclibc)$"
    r"|^v?\d+(\.\d+)*([-.](\d+|alpine|slim|bookworm|bullseye|musl|glibc|uclibc))*$"
)
# A simplified distribution/reference grammar: lowercase path, optional tag and digest.
REFERENCE = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


class InvalidImageName(ValueError):
    """``InvalidImageName``: the reference cannot be parsed."""


def validate_reference(name: str) -> None:
    if not REFERENCE.match(name):
        raise InvalidImageName(
            f'Failed to apply default image tag "{name}": couldn\'t parse image name '
            f'"{name}": invalid reference format'
        )


def lookup(ref: ImageRef) -> Image | None:
    image = CATALOGUE.get(ref.repository)
    if image is None or ref.tag in image.missing_tags:
        return None
    if not ref.digest and not KNOWN_TAG.match(ref.tag):
        return None
    return image


# Registries a node can reach: the hosts of the catalogue's images and the public ones.
# Any other host does not resolve on the node (a typo, a private name).
PUBLIC_REGISTRIES = frozenset(
    {
        "docker.io",
        "registry.k8s.io",
        "k8s.gcr.io",
        "gcr.io",
        "quay.io",
        "ghcr.io",
        "mcr.microsoft.com",
        "public.ecr.aws",
        "registry.gitlab.com",
        "nvcr.io",
    }
)
PUBLIC_REGISTRY_SUFFIXES = (".gcr.io", ".pkg.dev", ".amazonaws.com", ".azurecr.io", ".docker.io")
NODE_RESOLVER = "172.18.0.1:53"  # the node's DNS server (a kind node's Docker network gateway)


def registry_host(ref: ImageRef) -> str:
    return ref.repository.split("/", 1)[0]


def registry_resolves(host: str) -> bool:
    """Whether the node can look up the registry's host name (an IP needs no lookup)."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost" or re.fullmatch(r"[\d.]+|\[[0-9a-fA-F:]+\]", name):
        return True
    known = PUBLIC_REGISTRIES | {repository.split("/", 1)[0] for repository in CATALOGUE}
    return name in known or name.endswith(PUBLIC_REGISTRY_SUFFIXES)


def pull_error(ref: ImageRef) -> str:
    """containerd's text for an image reference that does not resolve.

    A registry host the node cannot look up fails in the resolver's HEAD request
    (gRPC code Unknown, Go's ``dial tcp: lookup HOST on DNS:53: no such host``);
    a known registry without the image answers NotFound.
    """
    full = ref.canonical
    host = registry_host(ref)
    if not registry_resolves(host):
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        path = ref.repository.split("/", 1)[1]
        reference = ref.digest or ref.tag
        return (
            f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": '
            f'failed to resolve reference "{full}": failed to do request: Head '
            f'"https://{host}/v2/{path}/manifests/{reference}": dial tcp: lookup {name} '
            f"on {NODE_RESOLVER}: no such host"
        )
    if ref.repository.startswith("docker.io/") and ref.repository in CATALOGUE:
        reason = f"{full}: not found"
    elif ref.repository.startswith("docker.io/"):
        reason = (
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope: authorization failed"
        )
    else:
        reason = f"{full}: not found"
    return (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
        f'failed to resolve reference "{full}": {reason}'
    )


def resolve_command(
    image: Image, command: tuple[str, ...] | None, args: tuple[str, ...] | None
) -> tuple[str, ...]:
    """Docker's rules: command replaces ENTRYPOINT, args replace CMD."""
    if command is not None:
        return command + (args or ())
    return image.entrypoint + (args if args is not None else image.cmd)
