"""A small catalogue of container images: sizes, pull times, what they run.

A real registry is out of reach, so each known image says how big it is, how
long a first pull takes on the simulated network, which executables it ships
and what it runs by default. An image the catalogue does not know (or a tag
listed as missing) fails to pull the way containerd reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

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


# The images' /etc/passwd and /etc/group (what ``id``, ``whoami`` and ``ls -l`` resolve
# names with, and what containerd reads for a USER's gid and groups). Written from the
# images' base layers as remembered (busybox's skeleton, Debian's base-passwd), not
# read from the registry: [unverified image content].
BUSYBOX_PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
"""
BUSYBOX_GROUP = """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
"""
DEBIAN_PASSWD = """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""
DEBIAN_GROUP = """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
fax:x:21:
voice:x:22:
cdrom:x:24:
floppy:x:25:
tape:x:26:
sudo:x:27:
audio:x:29:
dip:x:30:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
"""
# The official nginx image's Dockerfile adds nginx:101 (the master runs as root, the
# workers as "user nginx;"); redis's adds redis:999 (the entrypoint's gosu drops to it).
NGINX_PASSWD = DEBIAN_PASSWD + "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"
NGINX_GROUP = DEBIAN_GROUP + "nginx:x:101:\n"
REDIS_PASSWD = DEBIAN_PASSWD + "redis:x:999:999::/home/redis:/bin/sh\n"
REDIS_GROUP = DEBIAN_GROUP + "redis:x:999:\n"
# agnhost (2.45+) carries the user and group the docs' supplementalGroups examples show.
AGNHOST_PASSWD = (
    BUSYBOX_PASSWD + "user-defined-in-image:x:1000:1000::/home/user-defined-in-image:/bin/sh\n"
)
AGNHOST_GROUP = (
    BUSYBOX_GROUP
    + "user-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\n"
)
# distroless (GoogleContainerTools/distroless): root, nobody and nonroot (65532), no shell.
DISTROLESS_PASSWD = """root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
"""
DISTROLESS_GROUP = """root:x:0:
tty:x:5:
staff:x:50:
nobody:x:65534:
nonroot:x:65532:
"""
ROOT_PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
ROOT_GROUP = "root:x:0:\n"


DISTROLESS_STATIC = "gcr.io/distroless/static-debian12"

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
    user: str = ""  # the image config's USER ("" = none: containerd runs it as root)
    etc_passwd: str = ROOT_PASSWD
    etc_group: str = ROOT_GROUP


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference; ``name`` is what the user wrote."""

    name: str
    repository: str
    tag: str
    digest: str = ""
    # ``repo:tag`` or ``repo@digest``, as containerd names it: the image manager reads it
    # twice per pull of a crash-looping container, so it is spelled out once per reference
    canonical: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        canonical = (
            f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"
        )
        object.__setattr__(self, "canonical", canonical)


# A handful of distinct references per run (the manifests'), each parsed at every
# container start and pull: cached, bounded because the names are user input.
REFERENCE_CACHE = 512


@lru_cache(maxsize=REFERENCE_CACHE)
def parse_image(name: str) -> ImageRef:
    """Normalise like containerd: ``busybox`` is ``docker.io/library/busybox:latest``.

    Cached: the result is a frozen value that depends on ``name`` only.
    """
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
        etc_passwd=BUSYBOX_PASSWD,
        etc_group=BUSYBOX_GROUP,
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
        etc_passwd=BUSYBOX_PASSWD,
        etc_group=BUSYBOX_GROUP,
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
            etc_passwd=BUSYBOX_PASSWD,
            etc_group=BUSYBOX_GROUP,
        ),
        Image(
            "docker.io/library/ubuntu",
            29_754_290,
            pull_ms=4_310,
            repull_ms=450,
            binaries=DEBIAN_BINARIES,
            cmd=("/bin/bash",),
            etc_passwd=DEBIAN_PASSWD,
            etc_group=DEBIAN_GROUP,
        ),
        Image(
            "docker.io/library/debian",
            48_480_208,
            pull_ms=5_870,
            repull_ms=460,
            binaries=DEBIAN_BINARIES,
            cmd=("bash",),
            etc_passwd=DEBIAN_PASSWD,
            etc_group=DEBIAN_GROUP,
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
            etc_passwd=NGINX_PASSWD,
            etc_group=NGINX_GROUP,
        ),
        Image(
            "registry.k8s.io/nginx-slim",
            54_230_112,
            pull_ms=6_480,
            repull_ms=500,
            binaries=DEBIAN_BINARIES | {"nginx"},
            cmd=("nginx", "-g", "daemon off;"),
            stop_signal="QUIT",
            etc_passwd=NGINX_PASSWD,
            etc_group=NGINX_GROUP,
        ),
        Image(
            "quay.io/fluentd_elasticsearch/fluentd",
            141_870_336,
            pull_ms=11_900,
            repull_ms=560,
            binaries=DEBIAN_BINARIES | {"fluentd", "ruby"},
            cmd=("fluentd", "--no-supervisor"),
            etc_passwd=DEBIAN_PASSWD,
            etc_group=DEBIAN_GROUP,
        ),
        Image(
            "docker.io/library/redis",
            45_016_221,
            pull_ms=5_460,
            repull_ms=500,
            binaries=DEBIAN_BINARIES | {"redis-server", "redis-cli", "docker-entrypoint.sh"},
            entrypoint=("docker-entrypoint.sh",),
            cmd=("redis-server",),
            etc_passwd=REDIS_PASSWD,
            etc_group=REDIS_GROUP,
        ),
        Image(
            "docker.io/library/httpd",
            58_327_016,
            pull_ms=6_350,
            repull_ms=510,
            binaries=DEBIAN_BINARIES | {"httpd-foreground"},
            cmd=("httpd-foreground",),
            etc_passwd=DEBIAN_PASSWD,
            etc_group=DEBIAN_GROUP,
        ),
        Image(
            "registry.k8s.io/e2e-test-images/agnhost",
            51_524_614,
            pull_ms=6_100,
            repull_ms=480,
            binaries=BUSYBOX_BINARIES | {"agnhost"},
            entrypoint=("/agnhost",),
            cmd=("pause",),
            etc_passwd=AGNHOST_PASSWD,
            etc_group=AGNHOST_GROUP,
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
            user="65535:65535",  # build/pause/Dockerfile: USER 65535:65535
        ),
        Image(
            "docker.io/polinux/stress",
            4_041_495,
            pull_ms=1_720,
            repull_ms=420,
            binaries=BUSYBOX_BINARIES | {"stress"},
            cmd=("stress", "--help"),
            etc_passwd=BUSYBOX_PASSWD,
            etc_group=BUSYBOX_GROUP,
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
            etc_passwd=DEBIAN_PASSWD,
            etc_group=DEBIAN_GROUP,
        ),
        _hello_app("us-docker.pkg.dev/google-samples/containers/gke/hello-app"),
        _hello_app("gcr.io/google-samples/hello-app"),
    )
}


def _distroless_static(user: str) -> Image:
    """``gcr.io/distroless/static-debian12``: no shell, no programs, only /etc files, CA
    certificates and tzdata for a static binary. base/base.bzl builds ``:latest`` with
    ``user = "0"`` and ``:nonroot`` with ``user = "65532"`` (NONROOT), workdir
    /home/nonroot; no ENTRYPOINT or CMD. Size and pull times: [unverified]."""
    return Image(
        "gcr.io/distroless/static-debian12",
        1_034_506,
        pull_ms=960,
        repull_ms=390,
        binaries=frozenset(),
        user=user,
        etc_passwd=DISTROLESS_PASSWD,
        etc_group=DISTROLESS_GROUP,
    )


CATALOGUE[DISTROLESS_STATIC] = _distroless_static("0")
# Tags whose image differs from the repository's (another USER): looked up first.
TAG_VARIANTS: dict[tuple[str, str], Image] = {
    (DISTROLESS_STATIC, "nonroot"): _distroless_static("65532"),
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
    if not is_valid_reference(name):
        raise InvalidImageName(
            f'Failed to apply default image tag "{name}": couldn\'t parse image name '
            f'"{name}": invalid reference format'
        )


@lru_cache(maxsize=REFERENCE_CACHE)
def is_valid_reference(name: str) -> bool:
    """Whether ``name`` parses as a reference (``REFERENCE``): cached, as ``parse_image``."""
    return REFERENCE.match(name) is not None


def lookup(ref: ImageRef) -> Image | None:
    variant = TAG_VARIANTS.get((ref.repository, ref.tag))
    if variant is not None:
        return variant
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
