"""``ValidateNetworkPolicy`` (pkg/apis/networking/validation/validation.go), its wording.

Runs on the defaulted manifest, in upstream order: metadata, the pod
selector, each ingress rule's ports then peers, each egress rule's ports then
peers, then ``policyTypes`` (more than two stops there). The messages are the
API server's ``field.Error`` texts; kubectl prefixes them with ``The
NetworkPolicy "<name>" is invalid:``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ..validation import rules
from ..validation.field import (
    FieldError,
    FieldPath,
    GoRepr,
    forbidden,
    go_quote,
    invalid,
    not_supported,
    required,
)
from ..validation.meta import validate_label_selector, validate_object_meta
from ..validation.values import d, lst
from .policy import EGRESS, INGRESS, PROTOCOLS


def _port(port: dict[str, Any], path: FieldPath) -> list[FieldError]:
    """``ValidateNetworkPolicyPort``."""
    errors: list[FieldError] = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errors.append(not_supported((*path, "protocol"), protocol, PROTOCOLS))
    number = port.get("port")
    end = port.get("endPort")
    if number is not None:
        if isinstance(number, int) and not isinstance(number, bool):
            for msg in rules.is_valid_port_num(number):
                errors.append(invalid((*path, "port"), number, msg))
            if isinstance(end, int):
                if end < number:
                    # upstream prints the port, not the endPort, as the bad value
                    errors.append(
                        invalid(
                            (*path, "endPort"), number, "must be greater than or equal to `port`"
                        )
                    )
                for msg in rules.is_valid_port_num(end):
                    errors.append(invalid((*path, "endPort"), end, msg))
        else:
            if end is not None:
                errors.append(
                    invalid(
                        (*path, "endPort"), end, "may not be specified when `port` is non-numeric"
                    )
                )
            for msg in rules.is_valid_port_name(str(number)):
                errors.append(invalid((*path, "port"), str(number), msg))
    elif end is not None:
        errors.append(
            invalid((*path, "endPort"), end, "may not be specified when `port` is not specified")
        )
    return errors


def _cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``ValidateCIDR`` (Go's ``net.ParseCIDR``: host bits may be set)."""
    if "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ip_block(block: dict[str, Any], path: FieldPath) -> list[FieldError]:
    """``ValidateIPBlock``."""
    cidr = block.get("cidr")
    if not cidr:
        return [required((*path, "cidr"))]
    network = _cidr(str(cidr))
    if network is None:
        return [invalid((*path, "cidr"), cidr, "not a valid CIDR")]
    errors: list[FieldError] = []
    for i, excepted in enumerate(lst(block.get("except"))):
        hole = _cidr(str(excepted))
        if hole is None:
            errors.append(invalid((*path, "except", i), excepted, "not a valid CIDR"))
            return errors
        inside = hole.version == network.version and hole.network_address in network
        if not inside or network.prefixlen >= hole.prefixlen:
            errors.append(
                invalid((*path, "except", i), excepted, "must be a strict subset of `cidr`")
            )
    return errors


def _peer(peer: dict[str, Any], path: FieldPath) -> list[FieldError]:
    """``ValidateNetworkPolicyPeer``."""
    errors: list[FieldError] = []
    count = 0
    if peer.get("podSelector") is not None:
        count += 1
        errors += validate_label_selector(peer.get("podSelector"), (*path, "podSelector"))
    if peer.get("namespaceSelector") is not None:
        count += 1
        errors += validate_label_selector(
            peer.get("namespaceSelector"), (*path, "namespaceSelector")
        )
    if peer.get("ipBlock") is not None:
        count += 1
        errors += _ip_block(d(peer.get("ipBlock")), (*path, "ipBlock"))
    if count == 0:
        errors.append(required(path, "must specify a peer"))
    elif count > 1 and peer.get("ipBlock") is not None:
        errors.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return errors


def validate_network_policy_spec(spec: dict[str, Any]) -> list[FieldError]:
    """``ValidateNetworkPolicySpec``."""
    path: FieldPath = ("spec",)
    errors = validate_label_selector(spec.get("podSelector"), (*path, "podSelector"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(lst(spec.get(direction))):
            rule = d(rule)
            for j, port in enumerate(lst(rule.get("ports"))):
                errors += _port(d(port), (*path, direction, i, "ports", j))
            for j, peer in enumerate(lst(rule.get(peers))):
                errors += _peer(d(peer), (*path, direction, i, peers, j))
    types = lst(spec.get("policyTypes"))
    if len(types) > 2:
        shown = ", ".join(go_quote(str(t)) for t in types)
        errors.append(
            invalid(
                (*path, "policyTypes"),
                GoRepr(f"&[]networking.PolicyType{{{shown}}}"),
                "may not specify more than two policyTypes",
            )
        )
        return errors
    for i, kind in enumerate(types):
        if kind not in (INGRESS, EGRESS):
            errors.append(not_supported((*path, "policyTypes", i), kind, (INGRESS, EGRESS)))
    return errors


def validate_network_policy(manifest: dict[str, Any]) -> list[FieldError]:
    """``ValidateNetworkPolicy`` of a defaulted manifest."""
    errors = validate_object_meta(
        manifest.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    return errors + validate_network_policy_spec(d(manifest.get("spec")))


def validate_network_policy_messages(manifest: dict[str, Any]) -> list[str]:
    """The same as the store's messages (``field.Error`` strings)."""
    return [str(e) for e in validate_network_policy(manifest)]
