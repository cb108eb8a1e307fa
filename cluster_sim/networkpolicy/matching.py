"""The parts of one rule: label selectors, peers, ipBlock with except, ports.

As kube-network-policies' evaluator (``pkg/networkpolicy``) and the
network-policies docs define them:

* a label selector is ``matchLabels`` ANDed with ``matchExpressions``
  (``NotIn`` and ``DoesNotExist`` also match an absent key); ``{}`` matches
  everything;
* a peer with ``podSelector`` only selects Pods of the **policy's**
  namespace; with ``namespaceSelector`` only, Pods of any namespace whose
  labels match; with both, Pods matching both; selector peers never match a
  plain IP (a node, something outside the cluster): only ``ipBlock`` does;
* ``ipBlock`` matches an IP inside ``cidr`` and outside every ``except``
  (a CIDR with host bits set is read as its network, as Go's ParseCIDR does);
* a port entry matches the connection's protocol and either every port, the
  number, the ``port..endPort`` range, or a named port that the
  **destination** Pod declares with that name, protocol and number.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..validation.meta import selector_matches
from .policy import IPBlock, Peer, PolicyPort


@dataclass(frozen=True, slots=True)
class ContainerPort:
    name: str
    port: int
    protocol: str = "TCP"


@dataclass(frozen=True, slots=True)
class PeerPod:
    """What the evaluator knows of a Pod: where it is, its labels and declared ports."""

    namespace: str
    name: str
    labels: Mapping[str, str]
    ip: str
    ports: tuple[ContainerPort, ...] = ()
    host_network: bool = False

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


def labels_match(selector: dict[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A ``metav1.LabelSelector`` against labels; ``{}`` (or an absent one) matches all."""
    if not selector:
        return True
    return selector_matches(selector, labels)


def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None


def ip_block_matches(block: IPBlock | None, ip: str | None) -> bool:
    """``evaluateIPBlocks``: no block matches; else inside ``cidr`` and outside each except."""
    if block is None:
        return True
    address = _address(ip or "")
    network = _network(block.cidr)
    if address is None or network is None or address.version != network.version:
        return False
    if address not in network:
        return False
    for excepted in block.excepted:
        hole = _network(excepted)
        if hole is not None and hole.version == address.version and address in hole:
            return False
    return True


def peer_matches(
    peer: Peer,
    policy_namespace: str,
    ip: str,
    pod: PeerPod | None,
    namespace_labels: Mapping[str, str] | None,
) -> bool:
    """Whether ``peer`` selects the other end: a known ``pod`` (with its labels) or an ``ip``."""
    if peer.ip_block is not None:
        return ip_block_matches(peer.ip_block, ip)
    if peer.pod_selector is None and peer.namespace_selector is None:
        return True  # refused by validation ("must specify a peer"); the helper says yes
    if pod is None or namespace_labels is None:
        return False
    if peer.namespace_selector is None:
        if pod.namespace != policy_namespace:
            return False
    elif not labels_match(peer.namespace_selector, namespace_labels):
        return False
    return peer.pod_selector is None or labels_match(peer.pod_selector, pod.labels)


def port_matches(entry: PolicyPort, port: int, protocol: str, owner: PeerPod | None) -> bool:
    """One ``ports`` entry; ``owner`` is the destination Pod (named ports live there)."""
    if entry.protocol != protocol:
        return False
    if entry.port is None:
        return True
    if isinstance(entry.port, int):
        if entry.end_port is not None:
            return entry.port <= port <= entry.end_port
        return entry.port == port
    if owner is None:
        return False
    return any(
        p.name == entry.port and p.protocol == protocol and p.port == port for p in owner.ports
    )


def ports_match(
    entries: tuple[PolicyPort, ...], port: int, protocol: str, owner: PeerPod | None
) -> bool:
    """``evaluatePorts``: an empty list matches every port and protocol."""
    return not entries or any(port_matches(e, port, protocol, owner) for e in entries)
