"""A NetworkPolicy as the API server stores it, and as the evaluator reads it.

``default_network_policy`` is ``SetDefaults_NetworkPolicy`` (pkg/apis/networking/v1
defaults.go): a port without a protocol is TCP, and an empty ``policyTypes``
becomes ``[Ingress]``, plus ``Egress`` when ``spec.egress`` has rules. So a
policy with only egress rules and no ``policyTypes`` isolates ingress too, and
``egress: []`` alone leaves egress alone.

``parse_network_policy`` turns the defaulted manifest into frozen records. A
missing ``from``/``to``/``ports`` list and an empty one mean the same thing
(everything); ``ingress: []`` and a missing ``ingress`` mean no rule at all.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

INGRESS = "Ingress"
EGRESS = "Egress"
PROTOCOLS = ("TCP", "UDP", "SCTP")


class Direction(StrEnum):
    INGRESS = "ingress"
    EGRESS = "egress"


@dataclass(frozen=True, slots=True)
class PolicyPort:
    protocol: str
    port: int | str | None  # None: every port of the protocol
    end_port: int | None = None


@dataclass(frozen=True, slots=True)
class IPBlock:
    cidr: str
    excepted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Peer:
    """One ``from``/``to`` element; a selector is None when the field is absent."""

    pod_selector: dict[str, Any] | None = None
    namespace_selector: dict[str, Any] | None = None
    ip_block: IPBlock | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress or egress rule: empty ``peers`` or ``ports`` match everything."""

    peers: tuple[Peer, ...] = ()
    ports: tuple[PolicyPort, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    namespace: str
    name: str
    pod_selector: dict[str, Any]
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]
    policy_types: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def isolates(self, direction: Direction) -> bool:
        return (INGRESS if direction is Direction.INGRESS else EGRESS) in self.policy_types

    def rules(self, direction: Direction) -> tuple[Rule, ...]:
        return self.ingress if direction is Direction.INGRESS else self.egress


def default_network_policy(manifest: dict[str, Any]) -> dict[str, Any]:
    """``SetDefaults_NetworkPolicy`` on a deep copy."""
    out = copy.deepcopy(manifest)
    spec = out.get("spec")
    if not isinstance(spec, dict):
        return out
    for direction in ("ingress", "egress"):  # anything of the wrong type is left as it is
        rules = spec.get(direction)
        for rule in rules if isinstance(rules, list) else []:
            ports = rule.get("ports") if isinstance(rule, dict) else None
            for port in ports if isinstance(ports, list) else []:
                if isinstance(port, dict) and not port.get("protocol"):
                    port["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        types = [INGRESS]
        if spec.get("egress"):
            types.append(EGRESS)
        spec["policyTypes"] = types
    return out


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return value if isinstance(value, dict) else {}


def parse_peer(raw: Any) -> Peer:
    """One ``from``/``to`` element."""
    raw = raw if isinstance(raw, dict) else {}
    block = raw.get("ipBlock")
    ip_block = None
    if isinstance(block, dict):
        excepted = block.get("except") or []
        ip_block = IPBlock(
            str(block.get("cidr") or ""),
            tuple(str(e) for e in excepted) if isinstance(excepted, list) else (),
        )
    return Peer(
        _dict_or_none(raw.get("podSelector")),
        _dict_or_none(raw.get("namespaceSelector")),
        ip_block,
    )


def _port(raw: Any) -> PolicyPort:
    raw = raw if isinstance(raw, dict) else {}
    port = raw.get("port")
    if isinstance(port, bool) or not isinstance(port, int | str):
        port = None
    end = raw.get("endPort")
    return PolicyPort(
        str(raw.get("protocol") or "TCP"),
        port,
        end if isinstance(end, int) and not isinstance(end, bool) else None,
    )


def parse_ports(raw: Any) -> tuple[PolicyPort, ...]:
    """A rule's ``ports`` list (a port without a protocol is TCP)."""
    return tuple(_port(p) for p in raw) if isinstance(raw, list) else ()


def _rules(raw: Any, peers_field: str) -> tuple[Rule, ...]:
    if not isinstance(raw, list):
        return ()
    out = []
    for rule in raw:
        rule = rule if isinstance(rule, dict) else {}
        peers = rule.get(peers_field) or []
        ports = rule.get("ports") or []
        out.append(
            Rule(
                tuple(parse_peer(p) for p in peers) if isinstance(peers, list) else (),
                parse_ports(ports),
            )
        )
    return tuple(out)


def parse_network_policy(manifest: dict[str, Any], namespace: str = "") -> NetworkPolicy:
    """The evaluator's record of a (defaulted) manifest; ``namespace`` if metadata has none."""
    defaulted = default_network_policy(manifest)
    meta = _dict_or_none(defaulted.get("metadata")) or {}
    spec = _dict_or_none(defaulted.get("spec")) or {}
    types = spec.get("policyTypes") or []
    return NetworkPolicy(
        namespace=str(meta.get("namespace") or namespace or "default"),
        name=str(meta.get("name") or ""),
        pod_selector=_dict_or_none(spec.get("podSelector")) or {},
        ingress=_rules(spec.get("ingress"), "from"),
        egress=_rules(spec.get("egress"), "to"),
        policy_types=tuple(str(t) for t in types) if isinstance(types, list) else (INGRESS,),
    )
