"""API objects besides Pods and Nodes: ConfigMaps, Secrets, Services, ServiceAccounts.

``ObjectStore`` is the API server's view of them: what exists, since when,
and the built-ins every cluster has (the ``kubernetes`` Service in
``default``, ``kube-dns`` in ``kube-system``, a ``default`` ServiceAccount and
a ``kube-root-ca.crt`` ConfigMap in every namespace). Services get their
ClusterIP here, from the service CIDR ``10.96.0.0/12``: the built-ins have the
well-known addresses, the others are drawn by the run's seeded generator, as
the real allocator draws at random.
"""

from __future__ import annotations

import base64
import binascii
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("ConfigMap", "Secret", "Service", "ServiceAccount")
KUBERNETES_SERVICE_IP = "10.96.0.1"
KUBE_DNS_IP = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
ROOT_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDBTCCAe2gAwIBAgIIPodPlaygroundMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNV\n"
    "BAMTCmt1YmVybmV0ZXMwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAwWjAV\n"
    "-----END CERTIFICATE-----\n"
)


@dataclass
class StoredObject:
    """One object as the API server holds it."""

    kind: str
    namespace: str
    name: str
    manifest: dict[str, Any]
    created_ms: int
    resource_version: int = 1
    builtin: bool = False

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def data(self) -> dict[str, str]:
        """ConfigMap ``data``, or a Secret's decoded ``data`` merged with ``stringData``."""
        if self.kind == "Secret":
            return secret_data(self.manifest)
        return {str(k): str(v) for k, v in (self.manifest.get("data") or {}).items()}

    @property
    def spec(self) -> dict[str, Any]:
        return self.manifest.get("spec") or {}


def secret_data(manifest: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (manifest.get("data") or {}).items():
        try:
            out[str(key)] = base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            out[str(key)] = ""
    for key, value in (manifest.get("stringData") or {}).items():
        out[str(key)] = str(value)
    return out


@dataclass
class ObjectStore:
    rng: random.Random
    objects: dict[tuple[str, str, str], StoredObject] = field(default_factory=dict)
    _used_ips: set[str] = field(default_factory=set)
    _by_namespace: dict[tuple[str, str], dict[str, StoredObject]] = field(default_factory=dict)
    generation: int = 0  # bumped by every write: what was read from the objects may be stale

    def get(self, kind: str, namespace: str, name: str) -> StoredObject | None:
        return self.objects.get((kind, namespace, name))

    def all(self, kind: str, namespace: str | None = None) -> list[StoredObject]:
        if namespace is not None:
            return list(self._by_namespace.get((kind, namespace), {}).values())
        return [o for (k, _, _), o in self.objects.items() if k == kind]

    def put(
        self, kind: str, manifest: dict[str, Any], now_ms: int, builtin: bool = False
    ) -> StoredObject:
        meta = manifest.get("metadata") or {}
        namespace = meta.get("namespace") or "default"
        name = str(meta.get("name"))
        existing = self.get(kind, namespace, name)
        self.generation += 1
        if kind == "Service":
            manifest = self._allocate_cluster_ip(manifest, existing)
        if existing is not None:
            existing.manifest = manifest
            existing.resource_version += 1
            return existing
        stored = StoredObject(kind, namespace, name, manifest, now_ms, builtin=builtin)
        self.objects[(kind, namespace, name)] = stored
        self._by_namespace.setdefault((kind, namespace), {})[name] = stored
        return stored

    def delete(self, kind: str, namespace: str, name: str) -> StoredObject | None:
        self.generation += 1
        self._by_namespace.get((kind, namespace), {}).pop(name, None)
        return self.objects.pop((kind, namespace, name), None)

    def _allocate_cluster_ip(
        self, manifest: dict[str, Any], existing: StoredObject | None
    ) -> dict[str, Any]:
        spec = dict(manifest.get("spec") or {})
        if spec.get("type") == "ExternalName":
            return {**manifest, "spec": spec}
        ip = spec.get("clusterIP")
        if existing is not None and not ip:
            ip = existing.spec.get("clusterIP")
        if not ip:
            while True:
                candidate = f"10.96.{self.rng.randrange(1, 255)}.{self.rng.randrange(1, 255)}"
                if candidate not in self._used_ips and candidate not in (
                    KUBERNETES_SERVICE_IP,
                    KUBE_DNS_IP,
                ):
                    ip = candidate
                    break
        if ip != "None":
            self._used_ips.add(str(ip))
        spec["clusterIP"] = ip
        spec.setdefault("type", "ClusterIP")
        spec["ports"] = [
            {**p, "protocol": p.get("protocol") or "TCP"} for p in spec.get("ports") or []
        ]
        return {**manifest, "spec": spec}

    def add_builtins(self, namespaces: Iterable[str]) -> None:
        self.put(
            "Service",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "kubernetes", "namespace": "default"},
                "spec": {
                    "clusterIP": KUBERNETES_SERVICE_IP,
                    "ports": [
                        {"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}
                    ],
                },
            },
            0,
            builtin=True,
        )
        self.put(
            "Service",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "kube-dns", "namespace": "kube-system"},
                "spec": {
                    "clusterIP": KUBE_DNS_IP,
                    "ports": [
                        {"name": "dns", "port": 53, "protocol": "UDP"},
                        {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
                        {"name": "metrics", "port": 9153, "protocol": "TCP"},
                    ],
                },
            },
            0,
            builtin=True,
        )
        for ns in namespaces:
            self.add_namespace_builtins(ns, 0)

    def add_namespace_builtins(self, namespace: str, now_ms: int) -> None:
        if self.get("ServiceAccount", namespace, "default") is None:
            self.put(
                "ServiceAccount",
                {"metadata": {"name": "default", "namespace": namespace}},
                now_ms,
                builtin=True,
            )
        if self.get("ConfigMap", namespace, "kube-root-ca.crt") is None:
            self.put(
                "ConfigMap",
                {
                    "metadata": {"name": "kube-root-ca.crt", "namespace": namespace},
                    "data": {"ca.crt": ROOT_CA},
                },
                now_ms,
                builtin=True,
            )
