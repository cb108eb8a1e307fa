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

from .endpoints_records import LISTS, ip_key
from .networkpolicy.answers import dropped
from .networkpolicy.enforcer import COREDNS_IP, NetworkPolicyEnforcer
from .nodestate import Listener
from .objects import CLUSTER_DOMAIN, KUBE_DNS_IP, KUBERNETES_SERVICE_IP, StoredObject
from .rbac.apiserver import APISERVER_IP, APISERVER_PORT, SERVICE_PORT, ApiServer

if TYPE_CHECKING:
    from .controlplane.store import APIStore
    from .model import Pod
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
    # How the ``endpoints`` records show it, (its list, its Pod): ``_shown``, kept with it
    shown: tuple[str, str] = field(compare=False, repr=False)


def selects(service: StoredObject, labels: Mapping[str, str]) -> bool:
    selector = service.spec.get("selector") or {}
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _shown(address: Address | None) -> tuple[str, str] | None:
    """``address`` as the ``endpoints`` records show it: (its list, its Pod), or None."""
    return None if address is None else address.shown


def new_address(ip: str, pod: str, serving: bool, terminating: bool) -> Address:
    """The address of Pod ``pod`` at ``ip``: ready when serving and not terminating."""
    ready = serving and not terminating
    # which list of the ``endpoints`` records shows it
    listed = "ready" if ready else "terminating" if terminating else "notReady"
    return Address(ip, pod, ready, serving, terminating, (listed, pod))


@dataclass(slots=True)
class _Endpoints:
    """One selecting Service's addresses, kept up to date Pod by Pod, and what its
    ``endpoints`` records have shown of them (see ``cluster_sim.endpoints_records``).

    ``before`` and ``since`` hold, for each IP changed since, how the stream showed it
    before: ``before`` from where the last record started (a change record still open at
    this instant is amended from there), ``since`` from the last record on; ``touched`` the
    IPs changed since the last write.
    """

    service: StoredObject  # the object they were computed for: re-applied, recomputed
    key: str  # the Service's ``namespace/name``, as its records name it (a re-apply keeps it)
    members: dict[str, Address] = field(default_factory=dict)  # Pod uid -> its address
    by_ip: dict[str, Address] = field(default_factory=dict)
    # Every address's IP in IP order: changes only when an IP joins or leaves, not when an
    # address moves between the record's lists (a readiness flip).
    ordered: list[str] = field(default_factory=list)
    # record list -> IPs in IP order, built from ``ordered`` when read (``_lists``);
    # None after a change
    lists: dict[str, list[str]] | None = None
    ports: list[dict[str, Any]] = field(default_factory=list)  # as the records show them
    dirty: bool = True  # changed since its record was last written
    ready_addresses: list[Address] | None = None  # kube-proxy's targets, None after a change
    before: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    since: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    touched: dict[str, None] = field(default_factory=dict)
    last: int = -1  # the last record's index (-1: none yet; -2: withdrawn, none open)
    last_at: float = -1.0  # its env.now
    last_record: dict[str, Any] | None = None
    shown_ports: list[dict[str, Any]] | None = None  # the ports of the last full record
    # Pod uid -> (the Pod it was decided for, whether the Service selects it): the Pod's
    # namespace and labels and the Service's selector do not change while both objects
    # stay (an apply replaces them), so not decided again at every publish
    selected: dict[str, tuple[Pod, bool]] = field(default_factory=dict)
    # Pod uid -> the address it had before its current one: a flip back (a crash loop's
    # readiness, True at every start and False at its exit) is that object again
    previous: dict[str, Address] = field(default_factory=dict)

    def touch(self, ip: str, shown: tuple[str, str] | None) -> None:
        self.before.setdefault(ip, shown)
        self.since.setdefault(ip, shown)
        self.touched[ip] = None


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
        # namespace -> (objects.generation, the endpoints of its Services with a selector):
        # ``publish_pod`` runs on every Pod change; the list holds until any object is written.
        self._selecting: dict[str, tuple[int, list[_Endpoints]]] = {}

    # -- Endpoints --------------------------------------------------------------
    #
    # Each selecting Service keeps its addresses by Pod uid (``_Endpoints``), updated from
    # the one Pod that changed (``publish_pod``) or left (``forget_pod``); the sorted list
    # and the ready list are rebuilt only after a change. A full scan of the Pods happens
    # once per Service object (new, or re-applied: ``publish``).

    def _address(self, rt: PodRuntime, entry: _Endpoints) -> Address | None:
        """``rt`` as an address of ``entry``'s Service, or None when it is not one; the
        address it has already when nothing of it changed (most publishes)."""
        ip = rt.network.ip  # ``rt.pod_ip``, without the property's call
        if rt.removed or not ip or rt.phase in ("Succeeded", "Failed"):
            return None
        pod = rt.pod
        decided = entry.selected.get(rt.uid)
        if decided is None or decided[0] is not pod:
            service = entry.service
            selected = pod.namespace == service.namespace and selects(service, pod.labels)
            decided = entry.selected[rt.uid] = (pod, selected)
        if not decided[1]:
            return None
        ready_condition = rt.conditions.get("Ready")
        ready = ready_condition is not None and ready_condition.status == "True"
        terminating = rt.deletion_timestamp is not None
        # The address is a function of these three (its Pod's key is its uid's): the one it
        # has, or else the one it had before, when they match (compared field by field,
        # bools by identity), else a new one
        uid = rt.uid
        for known in (entry.members.get(uid), entry.previous.get(uid)):
            if (
                known is not None
                and known.serving is ready
                and known.terminating is terminating
                and known.ip == ip
            ):
                return known
        return new_address(ip, rt.key, ready, terminating)

    def _endpoints(self, service: StoredObject, rebuild: bool = False) -> _Endpoints:
        entry = self._endpoints_by_service.get(service.key)
        if entry is None:
            entry = self._endpoints_by_service[service.key] = _Endpoints(service, service.key)
            self._scan(entry)
        elif entry.service is not service or rebuild:
            entry.service = service
            self._scan(entry)
        return entry

    def _scan(self, entry: _Endpoints) -> None:
        """Recompute ``entry`` from every Pod; the addresses that differ count as changed."""
        service = entry.service
        members: dict[str, Address] = {}
        entry.selected, entry.previous = {}, {}
        for rt in self.cluster.pods:
            address = self._address(rt, entry)
            if address is not None:
                members[rt.uid] = address
        by_ip = {a.ip: a for a in members.values()}  # IPs are never reused by a node
        for ip in sorted(entry.by_ip.keys() | by_ip.keys(), key=self._ip_key):
            old = _shown(entry.by_ip.get(ip))
            if old != _shown(by_ip.get(ip)):
                entry.touch(ip, old)
        entry.members, entry.by_ip = members, by_ip
        entry.ordered = sorted(by_ip, key=self._ip_key)
        entry.ports = [
            {
                "name": p.get("name", ""),
                "port": p.get("port"),
                "targetPort": p.get("targetPort", p.get("port")),
                "protocol": p.get("protocol", "TCP"),
            }
            for p in service.spec.get("ports") or []
        ]
        entry.dirty, entry.lists, entry.ready_addresses = True, None, None

    def _lists(self, entry: _Endpoints) -> dict[str, list[str]]:
        """The record's lists (IPs in IP order), kept until the next change."""
        lists = entry.lists
        if lists is None:
            lists = entry.lists = {name: [] for name in LISTS}
            by_ip = entry.by_ip
            for ip in entry.ordered:
                lists[by_ip[ip].shown[0]].append(ip)
        return lists

    def _ip_key(self, ip: str) -> tuple[int, ...]:
        key = self._ip_keys.get(ip)
        if key is None:
            key = self._ip_keys[ip] = ip_key(ip)
        return key

    def _remove(self, ips: list[str], ip: str) -> None:
        # The listed IPs' keys are all in ``_ip_keys`` (``_scan`` and ``_insert`` put them
        # there): the dict's own lookup is the comparison key, no Python call per step.
        i = bisect_left(ips, self._ip_key(ip), key=self._ip_keys.__getitem__)
        if i < len(ips) and ips[i] == ip:
            del ips[i]

    def _update(self, entry: _Endpoints, uid: str, new: Address | None) -> None:
        """Pod ``uid``'s address in ``entry`` is now ``new`` (None: not one any more).

        ``new`` is ``_address``'s, which hands back the very address the Pod has when
        nothing of it changed (an equal address is always that object), or None.
        """
        old = entry.members.get(uid)
        if old is new:
            return
        entry.dirty, entry.lists, entry.ready_addresses = True, None, None
        if new is None:
            del entry.members[uid]
            entry.previous.pop(uid, None)
        else:
            entry.members[uid] = new
            if old is not None:
                entry.previous[uid] = old
        if old is not None and (new is None or new.ip != old.ip):  # leaves its IP
            if entry.by_ip.get(old.ip) is not old:  # two Pods with one IP: recompute
                self._scan(entry)
                return
            entry.touch(old.ip, _shown(old))
            del entry.by_ip[old.ip]
            self._remove(entry.ordered, old.ip)
        if new is not None:
            current = entry.by_ip.get(new.ip)
            if current is not None and current is not old:
                self._scan(entry)
                return
            entry.touch(new.ip, None if current is None else current.shown)
            entry.by_ip[new.ip] = new
            if current is None:  # a new IP; a readiness flip keeps its place
                self._insert(entry.ordered, new.ip)

    def _insert(self, ips: list[str], ip: str) -> None:
        """``ip`` into the IP-ordered ``ips`` (its key kept first: see ``_remove``)."""
        self._ip_key(ip)
        insort(ips, ip, key=self._ip_keys.__getitem__)

    def addresses(self, service: StoredObject) -> list[Address]:
        """The Service's addresses in IP order."""
        entry = self._endpoints(service)
        return [entry.by_ip[ip] for ip in entry.ordered]

    def ready_addresses(self, service: StoredObject) -> list[Address]:
        """The ready addresses in IP order (a shared list: read it, do not change it)."""
        entry = self._endpoints(service)
        if entry.ready_addresses is None:
            by_ip = entry.by_ip
            entry.ready_addresses = [a for ip in entry.ordered if (a := by_ip[ip]).ready]
        return entry.ready_addresses

    def publish(self, namespace: str) -> None:
        """Write an ``endpoints`` record for each Service of ``namespace`` that changed."""
        for service in self.cluster.objects.all("Service", namespace):
            if service.spec.get("type") == "ExternalName" or not service.spec.get("selector"):
                continue
            self._write(self._endpoints(service, rebuild=True))

    def publish_pod(self, rt: PodRuntime) -> None:
        """``rt`` changed: update the Services that select it (or did), write what changed."""
        # ``_selecting_entries``'s kept list read here: three publishes per container start
        namespace = rt.pod.namespace
        cached = self._selecting.get(namespace)
        if cached is not None and cached[0] == self.cluster.objects.generation:
            entries = cached[1]
        else:
            entries = self._selecting_entries(namespace)
        for entry in entries:
            self._update(entry, rt.uid, self._address(rt, entry))
            if entry.dirty:
                self._write(entry)

    def _selecting_entries(self, namespace: str) -> list[_Endpoints]:
        """The endpoints of the Services of ``namespace`` that select Pods (not
        ExternalName, a selector), each as ``_endpoints`` has it for the stored object.

        Kept until the object store's next write (``ObjectStore.generation``: every put
        and delete bumps it; a put replaces the stored manifest, never edits it). While
        kept, each entry is the one ``_endpoints`` would return for its Service: a new or
        re-applied Service is a write, and ``publish``'s rebuild keeps the entry object.
        """
        objects = self.cluster.objects
        cached = self._selecting.get(namespace)
        if cached is not None and cached[0] == objects.generation:
            return cached[1]
        entries = [
            self._endpoints(service)
            for service in objects.all("Service", namespace)
            if service.spec.get("type") != "ExternalName" and service.spec.get("selector")
        ]
        self._selecting[namespace] = (objects.generation, entries)
        return entries

    def forget_pod(self, rt: PodRuntime) -> None:
        """``rt`` is gone: out of every address list now, in its record at the next publish."""
        for entry in list(self._endpoints_by_service.values()):
            entry.selected.pop(rt.uid, None)
            if rt.uid in entry.members:
                self._update(entry, rt.uid, None)

    # -- endpoints records ----------------------------------------------------------
    #
    # A Service's first record, and one after its ports changed, is full; the others carry
    # the addresses that changed since the record before (``endpoints_records``). As
    # ``Recorder.changed`` does for states, a Service gets one record per instant: a record
    # not taken yet at this instant is replaced by one that holds both changes (or by none,
    # when the second undid the first), and kept where it is when it already says it all.

    def _full_record(self, entry: _Endpoints) -> dict[str, Any]:
        lists = self._lists(entry)
        return {
            "t": self.cluster.recorder.env.now / 1000,
            "kind": "endpoints",
            "service": entry.key,
            "ready": list(lists["ready"]),
            "notReady": list(lists["notReady"]),
            "terminating": list(lists["terminating"]),
            "pods": {ip: entry.by_ip[ip].pod for ip in entry.ordered},
            "ports": entry.ports,
        }

    def _note(self, entry: _Endpoints, record: dict[str, Any], ip: str, old: Any) -> bool:
        """Put ``ip``'s change from ``old`` (as the stream showed it) into change ``record``;
        whether the record changed."""
        added, moved, removed = record["added"], record["moved"], record["removed"]
        was = (added.pop(ip, None), moved.pop(ip, None), removed.pop(ip, None))
        address = entry.by_ip.get(ip)
        new = None if address is None else address.shown  # ``_shown``
        if old != new:
            if new is None:
                removed[ip] = old[1]
            elif old is None or old[1] != new[1]:
                added[ip] = {"pod": new[1], "list": new[0]}
            else:
                moved[ip] = new[0]
        return was != (added.get(ip), moved.get(ip), removed.get(ip))

    def _write(self, entry: _Endpoints) -> None:
        recorder = self.cluster.recorder
        now = recorder.env._now  # SimPy's clock without the ``now`` property's call
        touched, entry.touched, entry.dirty = entry.touched, {}, False
        record = entry.last_record
        open_now = (
            record is not None
            and entry.last >= 0
            and entry.last_at == now
            and not recorder.taken(entry.last)
        )
        whole = record is not None and "pods" in record
        if entry.last == -1 or entry.ports != entry.shown_ports or (open_now and whole):
            full = self._full_record(entry)
            entry.before, entry.since, entry.shown_ports = {}, {}, entry.ports
            if open_now:
                if full == record:  # it already says so: it stays where it is
                    return
                recorder.withdraw(entry.last)
            record = full
        elif open_now:  # amend this instant's record: it holds both changes
            assert record is not None
            changed = False
            for ip in touched:
                changed = self._note(entry, record, ip, entry.before[ip]) or changed
            entry.since = {}
            if not changed:  # it already says so: it stays where it is
                return
            recorder.withdraw(entry.last)
            if not (record["added"] or record["moved"] or record["removed"]):
                # the second change undid the first: the stream shows every address as it is
                entry.last, entry.before, entry.since = -2, {}, {}
                return
        else:
            record = {"t": now / 1000, "kind": "endpoints", "service": entry.key}
            record |= {"added": {}, "moved": {}, "removed": {}}
            for ip, old in entry.since.items():
                self._note(entry, record, ip, old)
            if not (record["added"] or record["moved"] or record["removed"]):
                entry.since = {}
                return
            entry.before, entry.since = entry.since, {}
        entry.last, entry.last_at, entry.last_record = recorder.written, now, record
        recorder.append(record)

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
                return list(self._lists(self._endpoints(service))["ready"])
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
