"""Service discovery: Endpoints, cluster DNS and kube-proxy's routing.

``Endpoints`` follow Pod readiness and termination as the EndpointSlice
controller reports them: a Pod matching a Service's selector is a ready
address when its Ready condition is True, a not-ready one otherwise, and a
terminating one (serving per its readiness) once it is being deleted.

``resolve`` answers a DNS query from a Pod the way CoreDNS with the
kubelet's ``resolv.conf`` does: search domains for names with fewer than
5 dots, ``<svc>.<ns>.svc.cluster.local`` for ClusterIP Services, the ready
Pod IPs for headless ones, ``<hostname>.<subdomain>.<ns>.svc.cluster.local``
for Pods with a hostname and subdomain.

``connect`` is kube-proxy's DNAT (a ClusterIP and port to a ready endpoint's
IP and target port), then the NetworkPolicy check on that real Pod IP and
port (``cluster_sim.networkpolicy``): a dropped connection's problem is
``networkpolicy.answers.dropped(policy)``, which clients wait out as a
timeout. DNS is a UDP ``connect`` to the ``kube-dns`` ClusterIP, port 53.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .networkpolicy.answers import dropped
from .networkpolicy.enforcer import COREDNS_IP, NetworkPolicyEnforcer
from .nodestate import Listener
from .objects import CLUSTER_DOMAIN, KUBE_DNS_IP, KUBERNETES_SERVICE_IP, StoredObject
from .rbac.apiserver import APISERVER_IP, APISERVER_PORT, SERVICE_PORT, ApiServer

if TYPE_CHECKING:
    from .controlplane.store import APIStore
    from .nodestate import PodRuntime
    from .objects import ObjectStore
    from .records import Recorder

NDOTS = 5
DNS_PORT = 53
DNS_ANSWERS = Listener("udp", "coredns")  # CoreDNS itself is not simulated as a Pod


@dataclass(frozen=True, slots=True)
class Address:
    ip: str
    pod: str  # ns/name
    ready: bool
    serving: bool
    terminating: bool


def selects(service: StoredObject, labels: Mapping[str, str]) -> bool:
    selector = service.spec.get("selector") or {}
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


class ServiceHost(Protocol):
    """What the Service network reads of its run (the ``Cluster``)."""

    pods: list[PodRuntime]
    objects: ObjectStore
    recorder: Recorder
    store: APIStore

    def find_pod(self, key: str) -> PodRuntime | None: ...

    def notice(self, message: str) -> None: ...


class ServiceNetwork:
    def __init__(self, cluster: ServiceHost) -> None:
        self.cluster = cluster
        self._round_robin: dict[str, int] = {}
        self.policies = NetworkPolicyEnforcer(cluster)
        self.apiserver = ApiServer(cluster).listener()  # kubernetes.default.svc (cluster_sim.rbac)

    # -- Endpoints --------------------------------------------------------------

    def addresses(self, service: StoredObject) -> list[Address]:
        out = []
        for rt in self.cluster.pods:
            if rt.removed or rt.pod.namespace != service.namespace or not rt.pod_ip:
                continue
            if not selects(service, rt.pod.labels) or rt.phase in ("Succeeded", "Failed"):
                continue
            ready_condition = rt.conditions.get("Ready")
            ready = ready_condition is not None and ready_condition.status == "True"
            terminating = rt.deletion_timestamp is not None
            out.append(Address(rt.pod_ip, rt.key, ready and not terminating, ready, terminating))
        return sorted(out, key=lambda a: tuple(int(x) for x in a.ip.split(".")))

    def publish(self, namespace: str) -> None:
        """Write an ``endpoints`` record for each Service of ``namespace`` that changed."""
        for service in self.cluster.objects.all("Service", namespace):
            if service.spec.get("type") == "ExternalName" or not service.spec.get("selector"):
                continue
            addresses = self.addresses(service)
            self.cluster.recorder.changed(
                ("endpoints", service.key),
                "endpoints",
                {
                    "service": service.key,
                    "ready": [a.ip for a in addresses if a.ready],
                    "notReady": [a.ip for a in addresses if not a.ready and not a.terminating],
                    "terminating": [a.ip for a in addresses if a.terminating],
                    "pods": {a.ip: a.pod for a in addresses},
                    "ports": [
                        {
                            "name": p.get("name", ""),
                            "port": p.get("port"),
                            "targetPort": p.get("targetPort", p.get("port")),
                            "protocol": p.get("protocol", "TCP"),
                        }
                        for p in service.spec.get("ports") or []
                    ],
                },
            )

    # -- DNS ----------------------------------------------------------------------

    def resolve(self, name: str, client: PodRuntime) -> tuple[str, list[str]] | None:
        """(the name that answered, its addresses), or None for NXDOMAIN."""
        name = name.rstrip(".")
        candidates = []
        if name.count(".") < NDOTS:
            ns = client.pod.namespace
            for search in (f"{ns}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN):
                candidates.append(f"{name}.{search}")
        candidates.append(name)
        for fqdn in candidates:
            found = self._lookup(fqdn)
            if found:
                return fqdn, found
        return None

    def _lookup(self, fqdn: str) -> list[str]:
        suffix = f".svc.{CLUSTER_DOMAIN}"
        if not fqdn.endswith(suffix):
            return []
        parts = fqdn[: -len(suffix)].split(".")
        if len(parts) == 2:
            svc_name, ns = parts
            service = self.cluster.objects.get("Service", ns, svc_name)
            if service is None:
                return []
            if service.spec.get("type") == "ExternalName":
                return [str(service.spec.get("externalName"))]
            ip = service.spec.get("clusterIP")
            if ip == "None":
                return [a.ip for a in self.addresses(service) if a.ready]
            return [str(ip)]
        if len(parts) == 3:  # hostname.subdomain.ns
            hostname, subdomain, ns = parts
            for rt in self.cluster.pods:
                spec = rt.pod.manifest.get("spec") or {}
                if (
                    not rt.removed
                    and rt.pod.namespace == ns
                    and spec.get("hostname") == hostname
                    and spec.get("subdomain") == subdomain
                    and rt.pod_ip
                ):
                    return [rt.pod_ip]
        return []

    # -- kube-proxy -----------------------------------------------------------------

    def connect(
        self,
        ip: str,
        port: int,
        client: PodRuntime,
        protocol: str = "TCP",
        record: bool = True,
    ) -> tuple[Listener | None, str]:
        """Where a connection to ``ip:port`` from ``client`` lands: (listener, error).

        ``record`` False is a look that changes nothing (the inspector's exec):
        no ``connection`` record, no turn of the round robin taken.
        """
        if ip in ("127.0.0.1", "localhost", "::1") or ip == client.pod_ip:
            listener = client.network.listeners.get(port)  # loopback: no policy applies
            return (listener, "") if listener else (None, "Connection refused")
        service: StoredObject | None = None
        target_ip, target_port = ip, port
        if ip == KUBE_DNS_IP:
            service = self.cluster.objects.get("Service", "kube-system", "kube-dns")
            target_ip = COREDNS_IP
        elif ip == KUBERNETES_SERVICE_IP and port == SERVICE_PORT:  # no selector: its endpoint
            service = self.cluster.objects.get("Service", "default", "kubernetes")
            target_ip, target_port = APISERVER_IP, APISERVER_PORT
        else:
            for candidate in self.cluster.objects.all("Service"):
                if candidate.spec.get("clusterIP") != ip:
                    continue
                p = next(
                    (p for p in candidate.spec.get("ports") or [] if p.get("port") == port), None
                )
                if p is None:
                    return None, "Connection refused"
                ready = [a for a in self.addresses(candidate) if a.ready]
                if not ready:
                    return None, "Connection refused"
                turn = self._round_robin.get(candidate.key, 0)
                if record:
                    self._round_robin[candidate.key] = turn + 1
                target = ready[turn % len(ready)]
                service = candidate
                target_ip = target.ip
                target_port = _target_port(p, target.pod, self.cluster)
                break
        verdict = self.policies.check(
            client, target_ip, target_port, protocol, service.key if service else None, record
        )
        if verdict is not None and not verdict.allowed:
            return None, dropped(verdict.policy or "")
        if target_ip == COREDNS_IP:
            if protocol == "UDP" and port == DNS_PORT:
                return DNS_ANSWERS, ""
            return None, "Connection refused"
        if target_ip == APISERVER_IP:
            return (
                (self.apiserver, "")
                if target_port == APISERVER_PORT
                else (None, "Connection refused")
            )
        return self._pod_port(target_ip, target_port)

    def _pod_port(self, ip: str, port: int) -> tuple[Listener | None, str]:
        for rt in self.cluster.pods:
            if rt.pod_ip == ip and not rt.removed:
                listener = rt.network.listeners.get(port)
                return (listener, "") if listener else (None, "Connection refused")
        return None, "No route to host"


def _target_port(port: Mapping[str, Any], pod_key: str, cluster: ServiceHost) -> int:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    rt = cluster.find_pod(pod_key)
    if rt is None:
        return 0
    for c in rt.pod.spec.containers:
        if target in c.ports:
            return c.ports[target]
    return 0
