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

from bisect import bisect_left, insort
from collections.abc import Mapping
from dataclasses import dataclass, field
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


def _column(address: Address) -> str:
    """Which list of the ``endpoints`` record shows ``address``."""
    return "ready" if address.ready else "terminating" if address.terminating else "not_ready"


@dataclass(slots=True)
class _Endpoints:
    """One selecting Service's addresses, kept up to date Pod by Pod.

    The IP lists and the ``pods`` map are what its ``endpoints`` record shows; a change
    replaces them with new ones (never mutates them: earlier records hold them).
    """

    service: StoredObject  # the object they were computed for: re-applied, recomputed
    members: dict[str, Address]  # Pod uid -> its address
    ips: list[str] = field(default_factory=list)  # every member's IP, in IP order
    ready: list[str] = field(default_factory=list)
    not_ready: list[str] = field(default_factory=list)
    terminating: list[str] = field(default_factory=list)
    pods: dict[str, str] = field(default_factory=dict)  # IP -> Pod key, in IP order
    dirty: bool = True  # changed since its record was last written
    ready_addresses: list[Address] | None = None  # kube-proxy's targets, None after a change


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
        self._endpoints_by_service: dict[str, _Endpoints] = {}
        self._ip_keys: dict[str, tuple[int, ...]] = {}  # IP -> its sort key, parsed once
        self._by_cluster_ip: dict[str, StoredObject] = {}  # found by ``connect``, checked on use
        self._by_pod_ip: dict[str, PodRuntime] = {}  # found by ``_pod_port``, checked on use

    # -- Endpoints --------------------------------------------------------------
    #
    # Each selecting Service keeps its addresses by Pod uid (``_Endpoints``), updated from
    # the one Pod that changed (``publish_pod``) or left (``forget_pod``); the sorted list
    # and the ready list are rebuilt only after a change. A full scan of the Pods happens
    # once per Service object (new, or re-applied: ``publish``).

    def _address(self, rt: PodRuntime, service: StoredObject) -> Address | None:
        """``rt`` as an address of ``service``, or None when it is not one."""
        if rt.removed or rt.pod.namespace != service.namespace or not rt.pod_ip:
            return None
        if not selects(service, rt.pod.labels) or rt.phase in ("Succeeded", "Failed"):
            return None
        ready_condition = rt.conditions.get("Ready")
        ready = ready_condition is not None and ready_condition.status == "True"
        terminating = rt.deletion_timestamp is not None
        return Address(rt.pod_ip, rt.key, ready and not terminating, ready, terminating)

    def _endpoints(self, service: StoredObject, rebuild: bool = False) -> _Endpoints:
        entry = self._endpoints_by_service.get(service.key)
        if entry is None or entry.service is not service or rebuild:
            members: dict[str, Address] = {}
            for rt in self.cluster.pods:
                address = self._address(rt, service)
                if address is not None:
                    members[rt.uid] = address
            entry = _Endpoints(service, members)
            ordered = sorted(members.values(), key=lambda a: self._ip_key(a.ip))
            entry.ips = [a.ip for a in ordered]
            entry.ready = [a.ip for a in ordered if a.ready]
            entry.not_ready = [a.ip for a in ordered if not a.ready and not a.terminating]
            entry.terminating = [a.ip for a in ordered if a.terminating]
            entry.pods = {a.ip: a.pod for a in ordered}
            self._endpoints_by_service[service.key] = entry
        return entry

    def _ip_key(self, ip: str) -> tuple[int, ...]:
        key = self._ip_keys.get(ip)
        if key is None:
            key = self._ip_keys[ip] = tuple(int(x) for x in ip.split("."))
        return key

    def _without(self, ips: list[str], ip: str) -> list[str]:
        i = bisect_left(ips, self._ip_key(ip), key=self._ip_key)
        return ips[:i] + ips[i + 1 :] if i < len(ips) and ips[i] == ip else ips

    def _with(self, ips: list[str], ip: str) -> list[str]:
        out = ips.copy()
        insort(out, ip, key=self._ip_key)
        return out

    def _update(self, entry: _Endpoints, uid: str, new: Address | None) -> None:
        """Pod ``uid``'s address in ``entry`` is now ``new`` (None: not one any more)."""
        old = entry.members.get(uid)
        if old == new:
            return
        entry.dirty, entry.ready_addresses = True, None
        if new is None:
            del entry.members[uid]
        else:
            entry.members[uid] = new
        if old is not None and new is not None and (old.ip, old.pod) == (new.ip, new.pod):
            before, after = _column(old), _column(new)
            if before != after:  # the same Pod, ready <-> not ready <-> terminating
                setattr(entry, before, self._without(getattr(entry, before), old.ip))
                setattr(entry, after, self._with(getattr(entry, after), new.ip))
            return
        if (old is not None and entry.pods.get(old.ip) != old.pod) or (
            new is not None and new.ip in entry.pods
        ):  # two Pods with one IP: ordered by the Pods' order, as a scan finds them
            self._endpoints(entry.service, rebuild=True)
            return
        pod_of = dict(entry.pods)
        if old is not None:
            entry.ips = self._without(entry.ips, old.ip)
            column = _column(old)
            setattr(entry, column, self._without(getattr(entry, column), old.ip))
            del pod_of[old.ip]
        if new is not None:
            entry.ips = self._with(entry.ips, new.ip)
            column = _column(new)
            setattr(entry, column, self._with(getattr(entry, column), new.ip))
            pod_of[new.ip] = new.pod
        entry.pods = {ip: pod_of[ip] for ip in entry.ips}

    def addresses(self, service: StoredObject) -> list[Address]:
        """The Service's addresses in IP order."""
        entry = self._endpoints(service)
        return sorted(entry.members.values(), key=lambda a: self._ip_key(a.ip))

    def ready_addresses(self, service: StoredObject) -> list[Address]:
        """The ready addresses in IP order (a shared list: read it, do not change it)."""
        entry = self._endpoints(service)
        if entry.ready_addresses is None:
            by_ip = {a.ip: a for a in entry.members.values()}
            entry.ready_addresses = [by_ip[ip] for ip in entry.ready]
        return entry.ready_addresses

    def publish(self, namespace: str) -> None:
        """Write an ``endpoints`` record for each Service of ``namespace`` that changed."""
        for service in self.cluster.objects.all("Service", namespace):
            if service.spec.get("type") == "ExternalName" or not service.spec.get("selector"):
                continue
            self._endpoints(service, rebuild=True)
            self._write(service)

    def publish_pod(self, rt: PodRuntime) -> None:
        """``rt`` changed: update the Services that select it (or did), write what changed."""
        for service in self.cluster.objects.all("Service", rt.pod.namespace):
            if service.spec.get("type") == "ExternalName" or not service.spec.get("selector"):
                continue
            entry = self._endpoints(service)
            self._update(entry, rt.uid, self._address(rt, service))
            if self._endpoints_by_service[service.key].dirty:
                self._write(service)

    def forget_pod(self, rt: PodRuntime) -> None:
        """``rt`` is gone: out of every address list now, in its record at the next publish."""
        for entry in list(self._endpoints_by_service.values()):
            if rt.uid in entry.members:
                self._update(entry, rt.uid, None)

    def _write(self, service: StoredObject) -> None:
        entry = self._endpoints(service)
        entry.dirty = False
        self.cluster.recorder.changed(  # the lists are shared with the entry: never mutated
            ("endpoints", service.key),
            "endpoints",
            {
                "service": service.key,
                "ready": entry.ready,
                "notReady": entry.not_ready,
                "terminating": entry.terminating,
                "pods": entry.pods,
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
                return list(self._endpoints(service).ready)
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
            for candidate in self._services_at(ip):
                p = next(
                    (p for p in candidate.spec.get("ports") or [] if p.get("port") == port), None
                )
                if p is None:
                    return None, "Connection refused"
                ready = self.ready_addresses(candidate)
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

    def _services_at(self, ip: str) -> list[StoredObject]:
        """The Service whose ClusterIP is ``ip`` (as a list of at most one), or []."""
        known = self._by_cluster_ip.get(ip)
        if (
            known is not None
            and self.cluster.objects.get("Service", known.namespace, known.name) is known
            and known.spec.get("clusterIP") == ip
        ):
            return [known]
        for candidate in self.cluster.objects.all("Service"):
            if candidate.spec.get("clusterIP") == ip:
                self._by_cluster_ip[ip] = candidate
                return [candidate]
        return []

    def _pod_port(self, ip: str, port: int) -> tuple[Listener | None, str]:
        rt = self._by_pod_ip.get(ip)
        if rt is None or rt.removed or rt.pod_ip != ip:
            rt = next((r for r in self.cluster.pods if r.pod_ip == ip and not r.removed), None)
            if rt is None:
                return None, "No route to host"
            self._by_pod_ip[ip] = rt
        listener = rt.network.listeners.get(port)
        return (listener, "") if listener else (None, "Connection refused")


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
