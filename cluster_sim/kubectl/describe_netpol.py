"""``kubectl describe networkpolicy`` (kubectl v0.33's describe.go).

``describeNetworkPolicy``: name, namespace, ``Created on`` (Go's
``time.Time`` string of the creation timestamp, whole seconds as the API
sends it), labels, annotations, then the spec as ``describeNetworkPolicySpec``
writes it: the pod selector, each direction either ``Not affecting ...`` or
its rules (ports, ``To Port Range`` for an endPort, peers, ``----------``
between rules) and the policy types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from ..controlplane.store import ApiObject, APIStore
from ..records import EventSeries
from ..userland.filesystem import EPOCH
from .describe import Writer, _annotations, _labels
from .text import format_selector

INDENT: Final = "    "


def _go_time(ms: int) -> str:
    """``time.Time.String()`` of a creation timestamp (UTC, whole seconds)."""
    at = EPOCH + timedelta(milliseconds=ms - ms % 1000)
    return f"{at:%Y-%m-%d %H:%M:%S} +0000 UTC"


def _ports(w: Writer, ports: Sequence[Any]) -> None:
    if not ports:
        w.write(0, f"{INDENT}To Port: <any> (traffic allowed to all ports)\n")
        return
    for port in ports:
        port = port if isinstance(port, Mapping) else {}
        proto = port.get("protocol") or "TCP"
        number = port.get("port")
        shown = "<nil>" if number is None else str(number)  # %s of a nil *IntOrString
        if port.get("endPort") is None:
            w.write(0, f"{INDENT}To Port: {shown}/{proto}\n")
        else:
            w.write(0, f"{INDENT}To Port Range: {shown}-{port['endPort']}/{proto}\n")


def _peers(w: Writer, peers: Sequence[Any], word: str, anyone: str) -> None:
    if not peers:
        w.write(0, f"{INDENT}{word}: <any> ({anyone})\n")
        return
    for peer in peers:
        peer = peer if isinstance(peer, Mapping) else {}
        w.write(0, f"{INDENT}{word}:\n")
        pods, namespaces, block = (
            peer.get("podSelector"),
            peer.get("namespaceSelector"),
            peer.get("ipBlock"),
        )
        if pods is not None and namespaces is not None:
            w.write(1, f"{INDENT}NamespaceSelector: {format_selector(namespaces)}\n")
            w.write(1, f"{INDENT}PodSelector: {format_selector(pods)}\n")
        elif pods is not None:
            w.write(1, f"{INDENT}PodSelector: {format_selector(pods)}\n")
        elif namespaces is not None:
            w.write(1, f"{INDENT}NamespaceSelector: {format_selector(namespaces)}\n")
        elif isinstance(block, Mapping):
            w.write(1, f"{INDENT}IPBlock:\n")
            w.write(2, f"{INDENT}CIDR: {block.get('cidr', '')}\n")
            w.write(2, f"{INDENT}Except: {', '.join(str(e) for e in block.get('except') or [])}\n")


def _rules(w: Writer, rules: Sequence[Any], direction: str) -> None:
    peers_field, word, anyone = (
        ("from", "From", "traffic not restricted by source")
        if direction == "ingress"
        else ("to", "To", "traffic not restricted by destination")
    )
    if not rules:
        w.write(0, f"{INDENT}<none> (Selected pods are isolated for {direction} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        rule = rule if isinstance(rule, Mapping) else {}
        _ports(w, rule.get("ports") or [])
        _peers(w, rule.get(peers_field) or [], word, anyone)
        if i != len(rules) - 1:
            w.write(0, f"{INDENT}----------\n")


def describe_network_policy(
    store: APIStore, policy: ApiObject, events: Sequence[EventSeries] | None, now_ms: int
) -> str:
    w = Writer()
    w.write(0, f"Name:\t{policy.name}\n")
    w.write(0, f"Namespace:\t{policy.namespace}\n")
    w.write(0, f"Created on:\t{_go_time(policy.created_ms)}\n")
    _labels(w, "Labels", policy.labels)
    _annotations(w, "Annotations", policy.annotations)
    spec = policy.spec
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    selector = spec.get("podSelector")
    shown = format_selector(selector if isinstance(selector, Mapping) else None)
    if shown == "<none>":
        w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(2, f"{shown}\n")
    types = [str(t) for t in spec.get("policyTypes") or []]
    for direction, kind in (("ingress", "Ingress"), ("egress", "Egress")):
        if kind in types:
            w.write(1, f"Allowing {direction} traffic:\n")
            _rules(w, spec.get(direction) or [], direction)
        else:
            w.write(1, f"Not affecting {direction} traffic\n")
    w.write(1, f"Policy Types: {', '.join(types) or '<none>'}\n")
    return w.text()


NETPOL_DESCRIBERS: Final = {"NetworkPolicy": describe_network_policy}
