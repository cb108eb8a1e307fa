"""What a Pod's containers' root filesystems start from, computed once per Pod.

The kubelet writes ``/etc/hosts``, ``/etc/resolv.conf`` and ``/etc/hostname``
for every container it starts; they are functions of the Pod (its hostname,
subdomain, DNS policy and config) and its IP. Here they are stacked on the
image's shared layer (``userland.layers``) once per image and frozen, so a
restart starts from the same shared tree. The ``/proc/sys`` volume and each
container's effective securityContext are kept the same way. All of it is
forgotten when an input changes: the Pod object or its manifest (compared by
identity) or its IP. The credentials a securityContext gives with an image
are a function of the two frozen values, kept for the whole run
(``credentials_of``).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Protocol

from ..environment.hosts import (
    HostnameError,
    generate_pod_hostname_and_domain,
    managed_hosts_file_content,
    pod_dns_config,
    resolv_conf_content,
)
from ..model import Container
from ..objects import CLUSTER_DOMAIN, KUBE_DNS_IP
from ..security.context import EffectiveSecurityContext
from ..security.credentials import Credentials
from ..security.process_credentials import credentials_for, effective_for
from ..userland.filesystem import Volume
from ..userland.layers import Layer, image_layer, stack
from .sysctl import proc_sys

if TYPE_CHECKING:
    from ..images import Image
    from ..nodestate import PodRuntime

# What a container's processes run as is a function of two frozen values (its effective
# securityContext and its image): computed once per pair for the whole run, not per Pod
# (the replicas of a Deployment, the bench's thousand crash loops), and bounded.
CREDENTIALS_KEPT = 64
credentials_of = lru_cache(maxsize=CREDENTIALS_KEPT)(credentials_for)


class PodFilesHost(Protocol):
    """What the Pod's files are computed from (``PodWorker``)."""

    rt: PodRuntime

    def pod_view(self) -> dict[str, Any]: ...


class PodFiles:
    """The per-Pod inputs of container starts, kept across restarts."""

    def __init__(self, worker: PodFilesHost) -> None:
        # Weakly: the worker holds this object, and a gone Pod's worker must be freed by
        # reference counting, not left to the cyclic collector (test_freed_pod_workers).
        self._worker = weakref.ref(worker)
        self._inputs: tuple[Any, Any, str] | None = None  # (Pod, manifest, pod IP)
        self._hostname: tuple[str, str] = ("", "")
        self._layers: dict[tuple[frozenset[str], str | None, str | None], Layer] = {}
        self._sysctls: Volume | None = None  # /proc/sys: read-only, one per sandbox
        # per container name: (its manifest, its effective securityContext)
        self._contexts: dict[str, tuple[Any, EffectiveSecurityContext]] = {}

    @property
    def worker(self) -> PodFilesHost:
        worker = self._worker()
        assert worker is not None, "a Pod's files outlived its worker"
        return worker

    def _check_inputs(self) -> None:
        """Forget everything kept when what it was computed from changed."""
        worker = self._worker()  # twice per start: without the ``worker`` property's call
        assert worker is not None, "a Pod's files outlived its worker"
        rt = worker.rt
        inputs = self._inputs
        pod = rt.pod
        manifest = pod.manifest
        pod_ip = rt.network.ip  # ``rt.pod_ip`` without the property's call
        if (
            inputs is not None
            and inputs[0] is pod
            and inputs[1] is manifest
            and inputs[2] == pod_ip
        ):
            return
        self._inputs = (pod, manifest, pod_ip)
        self._layers.clear()
        self._sysctls = None
        self._contexts.clear()
        try:
            self._hostname = generate_pod_hostname_and_domain(
                self.worker.pod_view(), CLUSTER_DOMAIN
            )
        except HostnameError:  # an invalid hostname/subdomain: the Pod's name, as before
            self._hostname = rt.pod.name[:63], ""

    def inputs(self) -> tuple[Any, Any, str]:
        """What everything kept here is computed from (the Pod, its manifest, its IP), checked
        now: the same tuple until one of them changed, then a new one."""
        self._check_inputs()
        assert self._inputs is not None
        return self._inputs

    def start_inputs(self) -> tuple[tuple[Any, Any, str], str]:
        """``inputs()`` and the hostname (``hostname()[0]``), checked once: a container
        start asks for both."""
        self._check_inputs()
        assert self._inputs is not None
        return self._inputs, self._hostname[0]

    def hostname(self) -> tuple[str, str]:
        """The Pod's hostname and domain (``GeneratePodHostNameAndDomain``)."""
        self._check_inputs()
        return self._hostname

    def root_layer(self, binaries: frozenset[str], image: Image | None) -> Layer:
        """The image's shared tree with the kubelet's files for this Pod on top:
        ``/etc/hosts``, ``/etc/resolv.conf``, ``/etc/hostname`` (and the image's
        ``/etc/passwd`` and ``/etc/group``), written in the order the kubelet
        wrote them at each start (the root volume counts every write)."""
        self._check_inputs()
        key = (
            (binaries, None, None)
            if image is None
            else (binaries, image.etc_passwd, image.etc_group)
        )
        layer = self._layers.get(key)
        if layer is None:
            rt = self.worker.rt
            hostname, domain = self._hostname
            files: list[tuple[str, str]] = []
            if hostname:  # the image layout writes it first; the kubelet's write replaces it
                files.append(("/etc/hostname", hostname + "\n"))
            if image is not None:
                files += [("/etc/passwd", image.etc_passwd), ("/etc/group", image.etc_group)]
            pod_ips = [rt.pod_ip] if rt.pod_ip else []
            dns = pod_dns_config(
                self.worker.pod_view(), cluster_dns=(KUBE_DNS_IP,), cluster_domain=CLUSTER_DOMAIN
            )
            files += [
                ("/etc/hosts", managed_hosts_file_content(pod_ips, hostname, domain)),
                ("/etc/resolv.conf", resolv_conf_content(dns) + "\n"),
                ("/etc/hostname", hostname + "\n"),
            ]
            layer = self._layers[key] = stack(image_layer(binaries), tuple(files))
        return layer

    def sysctls(self) -> Volume:
        """``/proc/sys`` (``kubelet/sysctl.py``): one read-only volume for the sandbox."""
        self._check_inputs()
        if self._sysctls is None:
            self._sysctls = proc_sys(self.worker.rt.pod.manifest.get("spec") or {})
        return self._sysctls

    def context(self, c: Container) -> EffectiveSecurityContext:
        """The container's effective securityContext, computed once per manifest."""
        self._check_inputs()
        known = self._contexts.get(c.name)
        if known is None or known[0] is not c.manifest:
            known = self._contexts[c.name] = (
                c.manifest,
                _effective(self.worker.rt.pod.manifest, c.manifest),
            )
        return known[1]

    def credentials(self, sc: EffectiveSecurityContext, image: Image) -> Credentials:
        """What the container's processes run as, once per (securityContext, image)."""
        return credentials_of(sc, image)


# What ``effective_for`` gives a Pod and a container that set no securityContext (most
# Pods; the bench's thousand): a frozen value, shared instead of merged again per Pod.
NO_CONTEXT: Final = effective_for({}, {})


def _effective(
    pod_manifest: Mapping[str, Any], container: Mapping[str, Any]
) -> EffectiveSecurityContext:
    """``effective_for``, with ``NO_CONTEXT`` when neither sets a securityContext."""
    spec = pod_manifest.get("spec")
    if (
        container.get("securityContext") is None
        and isinstance(spec, dict)
        and spec.get("securityContext") is None
    ):
        return NO_CONTEXT
    return effective_for(pod_manifest, container)
