"""NetworkPolicy in a run: the kind in the API store, the check in kube-proxy's path, records.

``NetworkPolicyEnforcer`` registers ``networking.k8s.io/v1`` NetworkPolicy
with the run's store (defaulting and validation as the API server does them),
so policies come from the bundle and from a live or Scenario ``apply``. The
Service network asks ``check`` for every new connection a container opens,
after kube-proxy's DNAT (the real Pod IP and target port). Policies apply at
once (a real controller takes a moment to program them; reference §4.5).

What it writes:

* a ``connection`` record for each attempt a policy had a say in (either end
  isolated): ``from``, ``to``, ``ip``, ``port``, ``protocol``, ``service``
  (the Service it went through, or null), ``verdict`` (``allowed`` or
  ``dropped``), ``direction`` (the side that decided), ``policy`` (the
  deciding one) and ``policies`` (every one named);
* a ``reachability`` record per Pod while any NetworkPolicy exists, on change:
  who may connect to it and to whom it may connect, port by port, with the
  deciding policy (the inspector's view; at most ``MAX_VIEW_PODS`` Pods).

Cluster DNS is one peer more: the CoreDNS Pod ``kube-system/coredns``
(labels ``k8s-app: kube-dns``, ``10.244.0.2``, ports 53/UDP, 53/TCP and
9153/TCP, as kind's first CoreDNS Pod) that the ``kube-dns`` Service leads to.
Kubelet probes never come through here: they are the node's own traffic,
which policies do not isolate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from ..controlplane.store import ApiObject, KindInfo, WatchType
from .evaluator import Endpoint, PolicySet, Verdict, evaluate
from .matching import ContainerPort, PeerPod
from .policy import Direction, default_network_policy, parse_network_policy
from .validation import validate_network_policy_messages

if TYPE_CHECKING:
    from ..controlplane.store import APIStore
    from ..nodestate import PodRuntime
    from ..records import Recorder

KIND = "NetworkPolicy"
RESOURCE = "networkpolicies.networking.k8s.io"
API_VERSION = "networking.k8s.io/v1"
COREDNS_IP = "10.244.0.2"
COREDNS = PeerPod(
    "kube-system",
    "coredns",
    {"k8s-app": "kube-dns"},
    COREDNS_IP,
    (
        ContainerPort("dns", 53, "UDP"),
        ContainerPort("dns-tcp", 53, "TCP"),
        ContainerPort("metrics", 9153, "TCP"),
    ),
)
MAX_VIEW_PODS = 50


class PolicyHost(Protocol):
    """What the enforcer reads of its run (the ``Cluster``)."""

    pods: list[PodRuntime]
    store: APIStore
    recorder: Recorder

    def notice(self, message: str) -> None: ...


def _default(body: dict[str, Any]) -> None:
    body.update(default_network_policy(body))


def _validate(manifest: dict[str, Any], _old: ApiObject | None) -> list[str]:
    return validate_network_policy_messages(manifest)


def peer_pod(rt: PodRuntime) -> PeerPod:
    """The evaluator's view of a live Pod: labels as stored now, declared ports."""
    labels = rt.api.labels if rt.api is not None else rt.pod.labels
    ports: list[ContainerPort] = []
    for container in rt.pod.spec.containers:
        for raw in container.manifest.get("ports") or []:
            if isinstance(raw, dict) and isinstance(raw.get("containerPort"), int):
                ports.append(
                    ContainerPort(
                        str(raw.get("name") or ""),
                        int(raw["containerPort"]),
                        str(raw.get("protocol") or "TCP"),
                    )
                )
    spec = rt.pod.manifest.get("spec") or {}
    return PeerPod(
        rt.pod.namespace,
        rt.pod.name,
        dict(labels),
        rt.pod_ip,
        tuple(ports),
        bool(spec.get("hostNetwork")),
    )


def _served(rt: PodRuntime, pod: PeerPod) -> list[tuple[int, str]]:
    """The ports a Pod serves, for the view: its declared ports, else what it listens on."""
    declared = sorted({(p.port, p.protocol) for p in pod.ports})
    if declared:
        return declared
    return [(port, "TCP") for port in sorted(rt.network.listeners)]


class NetworkPolicyEnforcer:
    def __init__(self, host: PolicyHost) -> None:
        self.host = host
        store = host.store
        if KIND not in store.kinds:
            store.register(
                KindInfo(KIND, RESOURCE, API_VERSION, default=_default, validate=_validate)
            )
        self._cache: tuple[int, PolicySet] | None = None
        self._view_signature: object = None
        self._view_capped = False
        self._watching = False
        # Pods and Namespaces are watched from the first policy on: a run without
        # NetworkPolicies dispatches no extra watch event (its event counts stay as they were).
        store.watch(KIND, self._policy_written)

    # -- the policies of this moment -------------------------------------------

    @property
    def active(self) -> bool:
        return self.host.store.count(KIND) > 0

    def policies(self) -> PolicySet:
        store = self.host.store
        if self._cache is not None and self._cache[0] == store.revision:
            return self._cache[1]
        parsed = [
            parse_network_policy({**obj.body, "metadata": obj.metadata()})
            for obj in store.list(KIND)
        ]
        namespaces = {obj.name: dict(obj.labels) for obj in store.list("Namespace")}
        policy_set = PolicySet.of(parsed, namespaces)
        self._cache = (store.revision, policy_set)
        return policy_set

    # -- kube-proxy's question -------------------------------------------------

    def check(
        self,
        client: PodRuntime,
        ip: str,
        port: int,
        protocol: str,
        service: str | None = None,
        record: bool = True,
    ) -> Verdict | None:
        """The verdict on ``client`` → ``ip:port`` (after DNAT); None when no policy exists."""
        if not self.active:
            return None
        target = COREDNS if ip == COREDNS_IP else self._pod_at(ip)
        verdict = evaluate(
            self.policies(),
            Endpoint(client.pod_ip, peer_pod(client)),
            Endpoint(ip, target),
            port,
            protocol,
        )
        if record and verdict.decided_by_policy:
            side = verdict.denying_side
            decided = (
                side
                if side is not None
                else (verdict.ingress if verdict.ingress.isolated else verdict.egress)
            )
            self.host.recorder.emit(
                "connection",
                **{
                    "from": client.key,
                    "to": target.key if target is not None else ip,
                    "ip": ip,
                    "port": port,
                    "protocol": protocol,
                    "service": service,
                    "verdict": "allowed" if verdict.allowed else "dropped",
                    "direction": decided.direction.value,
                    "policy": verdict.policy,
                    "policies": list(verdict.policies),
                },
            )
        return verdict

    def _pod_at(self, ip: str) -> PeerPod | None:
        for rt in self.host.pods:
            if rt.pod_ip == ip and not rt.removed:
                return peer_pod(rt)
        return None

    # -- the inspector's view ----------------------------------------------------

    def _policy_written(self, _kind: WatchType, _obj: ApiObject) -> None:
        if not self._watching:
            self._watching = True
            for kind in ("Pod", "Namespace"):
                self.host.store.watch(kind, self._written)
        self.refresh_view()

    def _written(self, _kind: WatchType, _obj: ApiObject) -> None:
        if self.active or self._view_signature is not None:
            self.refresh_view()

    def refresh_view(self) -> None:
        """Write each Pod's ``reachability`` record if who-reaches-whom changed."""
        live = [rt for rt in self.host.pods if not rt.removed and rt.pod_ip]
        if not self.active:
            if self._view_signature is not None:
                self._view_signature = None
                for rt in live:
                    self._write_view(rt, [], [], (), ())
            return
        if len(live) > MAX_VIEW_PODS:
            if not self._view_capped:
                self._view_capped = True
                self.host.notice(
                    f"NetworkPolicy: the reachability view covers runs of at most "
                    f"{MAX_VIEW_PODS} Pods with an IP; connections are still checked"
                )
            return
        pods = [(rt, peer_pod(rt)) for rt in live]
        served = {rt.key: _served(rt, pod) for rt, pod in pods}
        store = self.host.store
        signature = (
            tuple((p.key, p.ip, tuple(sorted(p.labels.items())), *served[p.key]) for _, p in pods),
            tuple((o.uid, o.resource_version) for o in store.list(KIND)),
            tuple((o.name, tuple(sorted(o.labels.items()))) for o in store.list("Namespace")),
        )
        if signature == self._view_signature:
            return
        self._view_signature = signature
        policies = self.policies()
        for rt, pod in pods:
            me = Endpoint(pod.ip, pod)
            others = [(Endpoint(o.ip, o), served[o.key]) for _, o in pods if o.key != pod.key]
            inbound = _entries(policies, me, others, served[pod.key], inbound=True)
            dns = (Endpoint(COREDNS.ip, COREDNS), [(53, "UDP"), (53, "TCP")])
            outbound = _entries(policies, me, [*others, dns], [], inbound=False)
            self._write_view(
                rt,
                inbound,
                outbound,
                tuple(p.key for p in policies.selecting(pod, Direction.INGRESS)),
                tuple(p.key for p in policies.selecting(pod, Direction.EGRESS)),
            )

    def _write_view(
        self,
        rt: PodRuntime,
        inbound: list[dict[str, Any]],
        outbound: list[dict[str, Any]],
        ingress_policies: tuple[str, ...],
        egress_policies: tuple[str, ...],
    ) -> None:
        self.host.recorder.changed(
            ("reachability", rt.key),
            "reachability",
            {
                "pod": rt.key,
                "ingressPolicies": list(ingress_policies),
                "egressPolicies": list(egress_policies),
                "ingress": inbound,
                "egress": outbound,
            },
        )


def _entries(
    policies: PolicySet,
    me: Endpoint,
    peers: Iterable[tuple[Endpoint, list[tuple[int, str]]]],
    own_ports: list[tuple[int, str]],
    *,
    inbound: bool,
) -> list[dict[str, Any]]:
    """One entry per peer: each port (the Pod's own for ingress, the peer's for egress)."""
    out = []
    for other, their_ports in peers:
        answers = []
        for port, protocol in own_ports if inbound else their_ports:
            verdict = (
                evaluate(policies, other, me, port, protocol)
                if inbound
                else evaluate(policies, me, other, port, protocol)
            )
            answers.append(
                {
                    "port": port,
                    "protocol": protocol,
                    "allowed": verdict.allowed,
                    "policy": verdict.policy,
                }
            )
        if answers:
            out.append({"peer": other.label, "ip": other.ip, "ports": answers})
    return out
