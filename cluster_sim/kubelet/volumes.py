"""A Pod's volumes and what its containers' filesystems look like.

Each volume is built once per Pod (an emptyDir is shared by all containers:
one writes, another reads). ConfigMap, Secret, downward API and projected
volumes are written the way ``AtomicWriter`` writes them: the files live in a
timestamped directory ``..2026_01_01_00_01_05.123456789``, ``..data`` points
at it, and each visible name is a symlink into ``..data``, so an update swaps
``..data`` in one step. The projected service-account token volume is mounted
at ``/var/run/secrets/kubernetes.io/serviceaccount`` unless
``automountServiceAccountToken`` is false. The kubelet also writes
``/etc/hosts``, ``/etc/resolv.conf`` and ``/etc/hostname``. Secret, downward
API and projected volumes are memory-backed (tmpfs), as is ``emptyDir`` with
``medium: Memory``; ``/dev/shm`` is one tmpfs per Pod, shared by its containers.
"""

from __future__ import annotations

import base64
import contextlib
import random
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Protocol

from ..environment.downward import (
    DownwardAPIError,
    container_resource_runtime_value,
    default_limits_for_downward_api,
    extract_field_path_as_string,
    format_map,
)
from ..model import Container
from ..objects import ROOT_CA
from ..security.context import EffectiveSecurityContext
from ..security.credentials import ROOT, Credentials
from ..security.fsgroup import changed_mode, skip_permission_change
from ..userland.filesystem import EPOCH, Directory, Filesystem, FsError, Symlink, Volume
from ..userland.fs_deferred import DeferredFilesystem
from ..userland.layers import Layer
from .pod_files import PodFiles
from .start_plan import RootMount, StartPlan, bind_files, secure
from .start_plan import mount as _mount

if TYPE_CHECKING:
    import simpy

    from ..images import Image
    from ..nodestate import NodeState, PodRuntime
    from .host import KubeletHost

SA_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_CHARS = "bcdfghjklmnpqrstvwxz2456789"
SIGNATURE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-"
DIGITS = "0123456789"
SOURCE_KINDS = ("configMap", "secret", "downwardAPI", "projected")
# The plugins whose wrapped emptyDir is memory-backed (their wrappedVolumeSpec): a tmpfs.
# A configMap volume wraps a plain emptyDir and lives on the node's disk.
TMPFS_KINDS = ("secret", "downwardAPI", "projected")
SHM_SIZE = 64 << 20  # the sandbox's /dev/shm: 64 MiB, as containerd mounts it
TMPFS_ROOT_MODE = 0o1777  # a tmpfs mounted without mode=: drwxrwxrwt


# The kube-api-access volume's projection (the ServiceAccount admission plugin's). Shared by
# every Pod's PodVolume and only ever read (``payload``): built once, not for every Pod.
TOKEN_PROJECTION: Final[dict[str, Any]] = {
    "defaultMode": 0o644,
    "sources": [
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {
            "downwardAPI": {
                "items": [
                    {
                        "path": "namespace",
                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                    }
                ]
            }
        },
    ],
}


class VolumeHost(Protocol):
    """What a Pod's volumes need from its pod worker (``PodWorker``)."""

    host: KubeletHost
    env: simpy.Environment
    rt: PodRuntime
    node: NodeState

    def pod_view(self) -> dict[str, Any]: ...

    def node_allocatable(self) -> dict[str, str]: ...


class VolumeSetupError(Exception):
    """A volume cannot be set up yet (``FailedMount``)."""


@dataclass
class PodVolume:
    name: str
    volume: Volume
    kind: str  # emptyDir, configMap, secret, downwardAPI, projected, hostPath, ...
    spec: dict[str, Any]
    payload: dict[str, tuple[str, int]] = field(default_factory=dict)  # path -> (content, mode)
    objects: tuple[tuple[str, str], ...] = ()  # (kind, name) the payload reads


class PodVolumes:
    """The volumes of one Pod, and the filesystems of its containers."""

    def __init__(self, worker: VolumeHost) -> None:
        # Weakly: the worker holds this object, and a gone Pod's worker must be freed by
        # reference counting, not left to the cyclic collector (test_freed_pod_workers).
        self._worker = weakref.ref(worker)
        rt = worker.rt
        spec = rt.pod.manifest.get("spec") or {}
        self.volumes: dict[str, PodVolume] = {}
        self._cached_token = ""
        self._owned: set[str] = set()  # volumes whose fsGroup ownership is set
        # per container name: what its starts re-create their filesystems from (``start_files``)
        self._plans: dict[str, StartPlan] = {}
        # what its containers' root filesystems start from, kept across restarts
        self.files = PodFiles(worker)
        # /dev/shm belongs to the Pod's sandbox: every container mounts the same tmpfs.
        self.shm = Volume("shm", medium="Memory", capacity=SHM_SIZE)
        self.shm.root.mode = TMPFS_ROOT_MODE
        for item in spec.get("volumes") or []:
            self.volumes[str(item.get("name"))] = self._make(item)
        self.token_volume: str | None = None
        if spec.get("automountServiceAccountToken") is not False:
            suffix = random_chars(worker.host.rng, TOKEN_CHARS, 5)
            name = f"kube-api-access-{suffix}"
            self.token_volume = name
            self.volumes[name] = _projected_token(name)

    # -- building volumes -------------------------------------------------------

    @property
    def worker(self) -> VolumeHost:
        worker = self._worker()
        assert worker is not None, "a Pod's volumes outlived its worker"
        return worker

    def _make(self, item: Mapping[str, Any]) -> PodVolume:
        name = str(item.get("name"))
        for kind in (
            "emptyDir",
            "configMap",
            "secret",
            "downwardAPI",
            "projected",
            "hostPath",
            "persistentVolumeClaim",
        ):
            if kind in item:
                spec = dict(item.get(kind) or {})
                if kind == "hostPath":
                    volume = self.worker.node.host_path(str(spec.get("path", "/")))
                elif kind == "persistentVolumeClaim":
                    volume = self.worker.host.claim(
                        self.worker.rt.pod.namespace, str(spec.get("claimName"))
                    )
                else:
                    volume = _kubelet_tree(name, kind, spec)
                return PodVolume(name, volume, kind, spec)
        return PodVolume(name, Volume(name), "emptyDir", {})

    def set_up(self) -> None:
        """Write every source volume's payload (``MountVolume.SetUp``); raise if one cannot be."""
        for pv in self.volumes.values():
            if pv.kind in SOURCE_KINDS and not pv.payload:
                payload, objects = self.payload(pv)
                pv.objects = objects
                self.write(pv, payload)

    def refresh(self) -> list[str]:
        """Rewrite volumes whose ConfigMaps or Secrets changed; return their names."""
        changed = []
        for pv in self.volumes.values():
            if pv.kind not in SOURCE_KINDS or not pv.payload:
                continue
            try:
                payload, objects = self.payload(pv)
            except VolumeSetupError:
                continue
            if payload != pv.payload:
                pv.objects = objects
                self.write(pv, payload)
                changed.append(pv.name)
        return changed

    def payload(
        self, pv: PodVolume
    ) -> tuple[dict[str, tuple[str, int]], tuple[tuple[str, str], ...]]:
        spec = pv.spec
        default_mode = int(spec.get("defaultMode", 0o644))
        files: dict[str, tuple[str, int]] = {}
        objects: list[tuple[str, str]] = []
        if pv.kind == "projected":
            for source in spec.get("sources") or []:
                for kind, body in source.items():
                    part, used = self._source(pv.name, kind, dict(body or {}), default_mode)
                    files.update(part)
                    objects.extend(used)
        else:
            files, used = self._source(pv.name, pv.kind, spec, default_mode)
            objects.extend(used)
        return files, tuple(objects)

    def _source(
        self, volume: str, kind: str, spec: dict[str, Any], default_mode: int
    ) -> tuple[dict[str, tuple[str, int]], list[tuple[str, str]]]:
        rt = self.worker.rt
        store = self.worker.host.objects
        ns = rt.pod.namespace
        if kind in ("configMap", "secret"):
            name = str(spec.get("name") or spec.get("secretName") or "")
            obj = store.get("ConfigMap" if kind == "configMap" else "Secret", ns, name)
            if obj is None:
                if spec.get("optional"):
                    return {}, []
                what = "configmap" if kind == "configMap" else "secret"
                raise VolumeSetupError(
                    f'MountVolume.SetUp failed for volume "{volume}" : {what} "{name}" not found'
                )
            data = obj.data
            mode = int(spec.get("defaultMode", default_mode))
            files = {}
            items = spec.get("items")
            if items:
                for item in items:
                    key = str(item.get("key"))
                    if key not in data:
                        if spec.get("optional"):
                            continue
                        what = "configmap" if kind == "configMap" else "secret"
                        raise VolumeSetupError(
                            f'MountVolume.SetUp failed for volume "{volume}" : {what} '
                            f"references non-existent config key: {key}"
                        )
                    files[str(item.get("path", key))] = (data[key], int(item.get("mode", mode)))
            else:
                files = {key: (value, mode) for key, value in data.items()}
            return files, [("ConfigMap" if kind == "configMap" else "Secret", name)]
        if kind == "downwardAPI":
            files = {}
            mode = int(spec.get("defaultMode", default_mode))
            pod_view = self.worker.pod_view()
            for item in spec.get("items") or []:
                path = str(item.get("path"))
                try:
                    if "fieldRef" in item:
                        field_path = str(item["fieldRef"].get("fieldPath"))
                        if field_path in ("metadata.labels", "metadata.annotations"):
                            values = (pod_view.get("metadata") or {}).get(field_path.split(".")[1])
                            content = format_map(values or {})
                        else:
                            content = extract_field_path_as_string(pod_view, field_path)
                    else:
                        ref = dict(item.get("resourceFieldRef") or {})
                        allocatable = self.worker.node_allocatable()
                        pod_d, _ = default_limits_for_downward_api(pod_view, None, allocatable)
                        content = container_resource_runtime_value(ref, pod_d, {})
                except DownwardAPIError as exc:
                    raise VolumeSetupError(
                        f'MountVolume.SetUp failed for volume "{volume}" : {exc}'
                    ) from None
                files[path] = (content, int(item.get("mode", mode)))
            return files, []
        if kind == "serviceAccountToken":
            token = self._token()
            return {str(spec.get("path", "token")): (token, default_mode)}, []
        return {}, []

    def _token(self) -> str:
        """A JWT-shaped token: header.claims.signature, deterministic for the run.

        The kubelet rotates it at 80% of its 3607 s lifetime; within the
        playground's horizons one token per Pod is what a user sees.
        """
        if self._cached_token:
            return self._cached_token
        rt = self.worker.rt
        header = TOKEN_HEADER
        sa = (rt.pod.manifest.get("spec") or {}).get("serviceAccountName") or "default"
        claims = _b64url(
            '{"aud":["https://kubernetes.default.svc.cluster.local"],'
            f'"kubernetes.io":{{"namespace":"{rt.pod.namespace}","pod":{{"name":"{rt.pod.name}",'
            f'"uid":"{rt.uid}"}},"serviceaccount":{{"name":"{sa}"}}}},'
            f'"sub":"system:serviceaccount:{rt.pod.namespace}:{sa}"}}'
        )
        signature = random_chars(self.worker.host.rng, SIGNATURE_CHARS, 86)
        self._cached_token = f"{header}.{claims}.{signature}"
        return self._cached_token

    def write(self, pv: PodVolume, payload: dict[str, tuple[str, int]]) -> None:
        """``AtomicWriter.Write``: a new timestamped directory, then swap ``..data``."""
        volume = pv.volume
        worker = self.worker
        now = int(worker.env.now)
        stamp = _stamp_prefix(now)
        # nanoseconds: choice draws what randrange(10) draws (one _randbelow(10) each)
        stamp += random_chars(worker.host.rng, DIGITS, 9)
        old = None
        link = volume.root.entries.get("..data")
        if link is not None:
            old = getattr(link, "target", None)
        volume.add_dir(stamp, mode=0o755, mtime=now)
        for path, (content, mode) in payload.items():
            volume.add_file(f"{stamp}/{path}", content, mode=mode, mtime=now)
        volume.remove("..data")
        volume.add_symlink("..data", stamp, mtime=now)
        tops = {path.split("/", 1)[0] for path in payload}
        for top in sorted(tops):
            if top not in volume.root.entries:
                volume.add_symlink(top, f"..data/{top}", mtime=now)
        for stale in [n for n in volume.root.entries if not n.startswith("..") and n not in tops]:
            volume.remove(stale)
        if old:
            volume.remove(old)
        pv.payload = payload
        self.set_ownership(pv)

    def set_ownership(self, pv: PodVolume) -> None:
        """``SetVolumeOwnership``: every node of the volume gets group fsGroup, group
        read/write (read on a read-only volume) and, for directories, setgid and x;
        ``OnRootMismatch`` skips the walk when the root already looks done. hostPath
        volumes are left alone (their plugin does not support ownership management)."""
        spec = self.worker.rt.pod.manifest.get("spec") or {}
        sc = spec.get("securityContext") if isinstance(spec, Mapping) else None
        fs_group = sc.get("fsGroup") if isinstance(sc, Mapping) else None
        if not isinstance(fs_group, int) or isinstance(fs_group, bool) or pv.kind == "hostPath":
            return
        policy = sc.get("fsGroupChangePolicy") if isinstance(sc, Mapping) else None
        read_only = pv.volume.read_only
        root = pv.volume.root
        if skip_permission_change(
            policy if isinstance(policy, str) else None, root.gid, root.mode, fs_group, read_only
        ):
            return
        pending: list[Any] = [root]
        while pending:
            node = pending.pop()
            node.gid = fs_group
            if isinstance(node, Directory):
                pending.extend(node.entries.values())
            if not isinstance(node, Symlink):
                node.mode = changed_mode(node.mode, isinstance(node, Directory), read_only)

    # -- container filesystems ----------------------------------------------------

    def start_files(
        self,
        c: Container,
        binaries: frozenset[str],
        clock: Callable[[], int],
        image: Image | None = None,
    ) -> tuple[str, Filesystem]:
        """A start's hostname (``hostname()[0]``) and the container's filesystem: its
        image, the kubelet's files, its mounts; with ``image``, the image's /etc/passwd
        and /etc/group and the credentials the securityContext gives the container's
        processes. Both are functions of the Pod's inputs, checked once."""
        files = self.files
        inputs, hostname = files.start_inputs()
        plan = self._plans.get(c.name)
        if (
            plan is None
            or plan.manifest is not c.manifest
            or plan.inputs is not inputs
            or plan.binaries is not binaries
            or plan.image is not image
        ):
            layer = files.root_layer(binaries, image)
            if not self._replayable(c):  # a start that writes into volumes: built every time
                fs = Filesystem(clock, layout=False, root=layer.volume())
                self._build(fs, c, files.context(c), image)
                return hostname, fs
            plan = self._plan(c, inputs, binaries, image, layer)
            self._plans[c.name] = plan
        # the plan's tree re-created at this start's time, when the container first uses it
        return hostname, DeferredFilesystem(clock, plan, int(clock()))

    def _plan(
        self,
        c: Container,
        inputs: tuple[Any, ...],
        binaries: frozenset[str],
        image: Image | None,
        layer: Layer,
    ) -> StartPlan:
        """A replayable container's plan: its mounts in ``_build``'s order, its volumes'
        ownership set now (as ``_build`` does), the tree laid out when first needed."""
        mounts = [RootMount("/dev/shm", self.shm, False, kubelet=False, optional=False)]
        for pv, path, read_only, _ in self._mounted(c):  # a replayable start has no subPath
            mounts.append(RootMount(path, pv.volume, read_only, kubelet=True, optional=True))
        if self.token_volume is not None:
            # A read-only volume mounted over / or /var leaves no mount point for it.
            token = self.volumes[self.token_volume].volume
            mounts.append(RootMount(SA_TOKEN_PATH, token, True, kubelet=True, optional=True))
        # the sandbox's sysctls (kubelet/sysctl.py)
        sysctls = self.files.sysctls()
        mounts.append(RootMount("/proc/sys", sysctls, True, kubelet=False, optional=True))
        sc = self.files.context(c)
        message = _message_path(c)
        return StartPlan(
            c.manifest,
            inputs,
            binaries,
            image,
            layer,
            tuple(mounts),
            message,
            sc.read_only_root_filesystem,
            self._credentials(sc, image),
            bind_files(message, sc.read_only_root_filesystem),
        )

    def _mounted(self, c: Container) -> Iterator[tuple[PodVolume, str, bool, str]]:
        """The container's volumeMounts of volumes the Pod has, in order, as (volume,
        mountPath, readOnly, subPath), each volume's ownership set up as it is reached."""
        for mount in c.manifest.get("volumeMounts") or []:
            pv = self.volumes.get(str(mount.get("name")))
            if pv is None:
                continue
            self._own(pv)
            yield (
                pv,
                str(mount.get("mountPath")),
                bool(mount.get("readOnly")),
                str(mount.get("subPath") or ""),
            )

    def _own(self, pv: PodVolume) -> None:
        """The kubelet sets a mounted volume's ownership up once per Pod."""
        if pv.kind not in SOURCE_KINDS and pv.name not in self._owned:
            self._owned.add(pv.name)
            self.set_ownership(pv)

    def _credentials(self, sc: EffectiveSecurityContext, image: Image | None) -> Credentials:
        return ROOT if image is None else self.files.credentials(sc, image)

    def _replayable(self, c: Container) -> bool:
        """Whether a start only adds to the container's own root volume: no subPath, and
        no mount point or termination-log file inside another mount (whose volume a start
        would write to). Then the same spec gives the same tree at every start."""
        paths = ["/dev/shm", "/proc/sys"]
        if self.token_volume is not None:
            paths.append(SA_TOKEN_PATH)
        for mount in c.manifest.get("volumeMounts") or []:
            if str(mount.get("name")) not in self.volumes:
                continue
            if mount.get("subPath"):
                return False
            paths.append(str(mount.get("mountPath")))
        message = str(c.manifest.get("terminationMessagePath") or "/dev/termination-log")
        for path in [*paths, message] if message.startswith("/") else paths:
            parts = path.split("/")
            if parts[0] or any(p in ("", ".", "..") for p in parts[1:]) or len(parts) < 2:
                return False
        inside = [p + "/" for p in paths]
        return not any(path.startswith(prefix) for path in paths for prefix in inside) and not (
            message in paths or any(message.startswith(prefix) for prefix in inside)
        )

    def _build(
        self, fs: Filesystem, c: Container, sc: EffectiveSecurityContext, image: Image | None
    ) -> None:
        """The runtime's work at a start that is not replayed (``start_plan.lay_out`` for
        one that is): mount points, mounts (subPaths too), the termination-log file."""
        fs.mount("/dev/shm", self.shm)
        for pv, path, read_only, sub_path in self._mounted(c):
            try:
                if sub_path:
                    self._mount_sub_path(fs, pv, path, sub_path, read_only)
                else:
                    _mount(fs, path, pv.volume, read_only)
            except FsError:
                continue
        if self.token_volume is not None:
            # A read-only volume mounted over / or /var leaves no mount point for it.
            with contextlib.suppress(FsError):
                _mount(fs, SA_TOKEN_PATH, self.volumes[self.token_volume].volume, True)
        with contextlib.suppress(FsError):  # the sandbox's sysctls (kubelet/sysctl.py)
            fs.mount("/proc/sys", self.files.sysctls(), read_only=True)
        secure(fs, _message_path(c), sc.read_only_root_filesystem, self._credentials(sc, image))

    def _mount_sub_path(
        self, fs: Filesystem, pv: PodVolume, path: str, sub_path: str, read_only: bool
    ) -> None:
        """A subPath is bound at start: later updates of the source never reach it."""
        node = _lookup(pv.volume, sub_path)
        if node is not None and hasattr(node, "content"):
            fs.root.add_file(path, node.content, mode=getattr(node, "mode", 0o644))
            return
        sub = Volume(f"{pv.name}/{sub_path}", read_only=pv.volume.read_only)
        if node is not None and hasattr(node, "entries"):
            sub.root = node
        else:
            pv.volume.add_dir(sub_path)  # kubelet creates a missing subPath directory
            sub.root = _lookup(pv.volume, sub_path)
        _mount(fs, path, sub, read_only)

    def hostname(self) -> tuple[str, str]:
        """The Pod's hostname and domain (``GeneratePodHostNameAndDomain``)."""
        return self.files.hostname()


def _kubelet_tree(name: str, kind: str, spec: Mapping[str, Any]) -> Volume:
    """The tree of a volume the kubelet fills or the containers write (not a hostPath or a
    claim): read-only for the API sources, a tmpfs for the memory-backed kinds."""
    medium = str(spec.get("medium") or "") if kind == "emptyDir" else ""
    if kind in TMPFS_KINDS:
        medium = "Memory"
    volume = Volume(name, read_only=kind in SOURCE_KINDS, medium=medium)
    if medium == "Memory":
        volume.root.mode = TMPFS_ROOT_MODE
    return volume


def _projected_token(name: str) -> PodVolume:
    """The service-account token volume, as ``_make`` makes ``{name, projected:
    TOKEN_PROJECTION}`` without building the projection again for every Pod."""
    volume = _kubelet_tree(name, "projected", TOKEN_PROJECTION)
    return PodVolume(name, volume, "projected", TOKEN_PROJECTION)


def _message_path(c: Container) -> str:
    return str(c.manifest.get("terminationMessagePath") or "/dev/termination-log")


def _lookup(volume: Volume, path: str) -> Any:
    """A node of ``volume`` by relative path, following the volume's own symlinks."""
    node: Any = volume.root
    parts = [p for p in path.strip("/").split("/") if p]
    hops = 0
    while parts:
        part = parts.pop(0)
        entries = getattr(node, "entries", None)
        if entries is None:
            return None
        child = entries.get(part)
        if child is not None and hasattr(child, "target"):
            hops += 1
            if hops > 16:
                return None
            parts = [p for p in child.target.split("/") if p] + parts
            node = volume.root
            continue
        node = child
        if node is None:
            return None
    return node


def random_chars(rng: random.Random, alphabet: str, count: int) -> str:
    """``"".join([rng.choice(alphabet) for _ in range(count)])``: the same characters from
    the same draws, without two Python calls (``choice``, ``_randbelow``) per character.

    CPython's ``choice`` draws ``getrandbits(k)`` (``k``: the alphabet's length in bits)
    until one is below the length (``_randbelow_with_getrandbits``). Each round here draws
    as many words as characters are still missing: each word gives at most one, so the
    rounds consume exactly the words the ``choice`` calls would (test_volume_draws holds
    the two equal). ``getrandbits(k)`` for ``k <= 32`` is the top ``k`` bits of one 32-bit
    word of the generator, and ``getrandbits(32 * n)`` is the next ``n`` words, the first
    lowest: for an ASCII alphabet of at most 255 characters a round is one draw, whose
    words' top bytes (every fourth byte, little-endian) map to characters, or are
    dropped, by one ``bytes.translate`` (``_byte_table``).
    """
    size = len(alphabet)
    getrandbits = rng.getrandbits
    if size < 256 and alphabet.isascii():
        table, rejected = _byte_table(alphabet)
        chars = b""
        while len(chars) < count:
            words = count - len(chars)
            drawn = getrandbits(32 * words).to_bytes(4 * words, "little")
            chars += drawn[3::4].translate(table, rejected)
        return chars.decode("ascii")
    bits = size.bit_length()
    picked: list[int] = []
    while len(picked) < count:
        drawn_bits = [getrandbits(bits) for _ in range(count - len(picked))]
        picked += [r for r in drawn_bits if r < size]
    return "".join([alphabet[r] for r in picked])


@lru_cache(maxsize=16)
def _byte_table(alphabet: str) -> tuple[bytes, bytes]:
    """For a word's top byte: the character its top ``k`` bits pick (``k``: the alphabet's
    length in bits), and the bytes whose pick is past the alphabet (``choice`` draws again)."""
    size = len(alphabet)
    shift = 8 - size.bit_length()
    table = bytes(ord(alphabet[b >> shift]) if b >> shift < size else 0 for b in range(256))
    rejected = bytes(b for b in range(256) if b >> shift >= size)
    return table, rejected


@lru_cache(maxsize=64)
def _stamp_prefix(now_ms: int) -> str:
    """An AtomicWriter directory's name up to its nanoseconds, for a write at ``now_ms``.
    Cached (``strftime`` costs ~25k instructions): the Pods created together mount their
    volumes at the same instant, and a refresh rewrites them all at the next 60 s tick."""
    return (EPOCH + timedelta(milliseconds=now_ms)).strftime("..%Y_%m_%d_%H_%M_%S.")


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


TOKEN_HEADER: Final = _b64url('{"alg":"RS256","kid":"podplayground"}')  # every token's


__all__ = ["ROOT_CA", "SA_TOKEN_PATH", "PodVolumes", "VolumeSetupError"]
