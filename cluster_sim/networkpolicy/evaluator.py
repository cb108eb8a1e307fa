"""How NetworkPolicies combine into one verdict for one new connection.

For a connection from ``src`` to ``dst`` on ``(protocol, port)``
(reference classed-society.md §4.2, kube-network-policies' ``evaluator``):

1. egress: if ``src`` is a Pod (not hostNetwork), the policies of its
   namespace that select it and list ``Egress`` isolate it; then some egress
   rule of one of them must match (peer ``dst``, the port on ``dst``);
2. ingress: the same for ``dst`` with ``Ingress`` rules and peer ``src``;
3. the connection is allowed when both sides allow it. Policies are a union:
   their order never matters, and a policy can only add allows.

A ``Verdict`` says which side decided and which policy: the first policy (in
the order given, creation order in a run) whose rule allowed a side, or, for a
side that dropped the connection, every policy that isolated it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .matching import PeerPod, labels_match, peer_matches, ports_match
from .policy import Direction, NetworkPolicy

METADATA_NAME = "kubernetes.io/metadata.name"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of a connection: an IP, and the Pod behind it when it is a known Pod."""

    ip: str
    pod: PeerPod | None = None

    @property
    def label(self) -> str:
        return self.pod.key if self.pod is not None else self.ip


@dataclass(frozen=True, slots=True)
class Side:
    """One direction's answer: not isolated, or isolated and allowed by a policy or not."""

    direction: Direction
    isolating: tuple[str, ...] = ()  # ns/name of every policy selecting the Pod this way
    allowed_by: str | None = None  # ns/name of the first policy whose rule matched

    @property
    def isolated(self) -> bool:
        return bool(self.isolating)

    @property
    def allowed(self) -> bool:
        return not self.isolating or self.allowed_by is not None


@dataclass(frozen=True, slots=True)
class Verdict:
    egress: Side
    ingress: Side

    @property
    def allowed(self) -> bool:
        return self.egress.allowed and self.ingress.allowed

    @property
    def decided_by_policy(self) -> bool:
        """Whether any policy had a say (either end isolated)."""
        return self.egress.isolated or self.ingress.isolated

    @property
    def denying_side(self) -> Side | None:
        if not self.egress.allowed:
            return self.egress
        if not self.ingress.allowed:
            return self.ingress
        return None

    @property
    def policy(self) -> str | None:
        """The deciding policy: the first that dropped it, else the first that allowed it."""
        side = self.denying_side
        if side is not None:
            return side.isolating[0]
        return self.ingress.allowed_by or self.egress.allowed_by

    @property
    def policies(self) -> tuple[str, ...]:
        """Every policy named: for a drop, all that isolated the side without allowing."""
        side = self.denying_side
        if side is not None:
            return side.isolating
        return tuple(p for p in (self.egress.allowed_by, self.ingress.allowed_by) if p)


@dataclass
class PolicySet:
    """The policies and namespace labels of one moment; ``evaluate`` asks it."""

    policies: list[NetworkPolicy] = field(default_factory=list)
    namespaces: dict[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, policies: Iterable[NetworkPolicy], namespaces: Mapping[str, Mapping[str, str]]
    ) -> PolicySet:
        labelled: dict[str, Mapping[str, str]] = {
            name: {**labels, METADATA_NAME: labels.get(METADATA_NAME, name)}
            for name, labels in namespaces.items()
        }
        return cls(list(policies), labelled)

    def known(self, pod: PeerPod | None) -> PeerPod | None:
        """A Pod of a namespace the evaluator knows; others are plain IPs (as upstream)."""
        if pod is None or pod.namespace not in self.namespaces:
            return None
        return pod

    def selecting(self, pod: PeerPod, direction: Direction) -> list[NetworkPolicy]:
        return [
            p
            for p in self.policies
            if p.namespace == pod.namespace
            and p.isolates(direction)
            and labels_match(p.pod_selector, pod.labels)
        ]


def _side(
    policies: PolicySet,
    direction: Direction,
    subject: PeerPod | None,
    other: Endpoint,
    port: int,
    protocol: str,
    destination: PeerPod | None,
) -> Side:
    if subject is None or subject.host_network:
        return Side(direction)
    selecting = policies.selecting(subject, direction)
    if not selecting:
        return Side(direction)
    other_pod = policies.known(other.pod)
    other_labels = policies.namespaces.get(other_pod.namespace) if other_pod else None
    for policy in selecting:
        for rule in policy.rules(direction):
            if not ports_match(rule.ports, port, protocol, destination):
                continue
            if not rule.peers or any(
                peer_matches(peer, policy.namespace, other.ip, other_pod, other_labels)
                for peer in rule.peers
            ):
                return Side(direction, tuple(p.key for p in selecting), policy.key)
    return Side(direction, tuple(p.key for p in selecting))


def evaluate(
    policies: PolicySet, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP"
) -> Verdict:
    """The verdict for a new connection ``src`` → ``dst`` on ``protocol``/``port``."""
    source = policies.known(src.pod)
    target = policies.known(dst.pod)
    egress = _side(policies, Direction.EGRESS, source, dst, port, protocol, target)
    ingress = _side(policies, Direction.INGRESS, target, src, port, protocol, target)
    return Verdict(egress, ingress)
