"""The NetworkPolicy tables of classed-society-cases.json, every case (reference §4, §6).

``netpol_truth_table``: the upstream e2e model (namespaces x, y, z; Pods a, b,
c) under the case's policies; every ordered pair but loopback is probed and
the denied pairs must be exactly the expected ones. ``netpol_packet``:
kube-network-policies' ``TestSyncPacket``. ``netpol_peer_selector``,
``netpol_ipblock``, ``netpol_ports``: its helper-level tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim.networkpolicy import Endpoint, PeerPod, PolicySet, evaluate, parse_network_policy
from cluster_sim.networkpolicy.matching import (
    ContainerPort,
    ip_block_matches,
    peer_matches,
    ports_match,
)
from cluster_sim.networkpolicy.policy import parse_peer, parse_ports
from tests.cluster_sim.reference_cases import load

CASES: list[dict[str, Any]] = load("classed-society-cases.json")["cases"]  # type: ignore[call-overload]


def table(name: str) -> list[dict[str, Any]]:
    return [c for c in CASES if c["table"] == name]


def source_id(case: dict[str, Any]) -> str:
    return str(case["source"]).split("::", 1)[-1]


def pod(raw: dict[str, Any]) -> PeerPod:
    ports = tuple(
        ContainerPort(str(p.get("name") or ""), int(p["containerPort"]), p.get("protocol", "TCP"))
        for c in raw.get("containers") or []
        for p in c.get("ports") or []
    )
    return PeerPod(
        raw["namespace"], raw["name"], dict(raw.get("labels") or {}), raw.get("ip", ""), ports
    )


def policies(raw: list[dict[str, Any]], namespaces: dict[str, dict[str, str]]) -> PolicySet:
    parsed = [
        parse_network_policy(
            {"metadata": {"name": p["name"], "namespace": p["namespace"]}, "spec": p["spec"]}
        )
        for p in raw
    ]
    return PolicySet.of(parsed, namespaces)


def test_every_table_is_here() -> None:
    counts = {
        name: len(table(name))
        for name in (
            "netpol_truth_table",
            "netpol_packet",
            "netpol_peer_selector",
            "netpol_ipblock",
            "netpol_ports",
        )
    }
    assert counts == {
        "netpol_truth_table": 65,
        "netpol_packet": 20,
        "netpol_peer_selector": 11,
        "netpol_ipblock": 5,
        "netpol_ports": 11,
    }


@pytest.mark.parametrize("case", table("netpol_truth_table"), ids=source_id)
def test_truth_table(case: dict[str, Any]) -> None:
    model = case["input"]["model"]
    probe = case["input"]["probe"]
    pods = [pod(p) for p in model["pods"]]
    rules = policies(case["input"]["policies"], model["namespaces"])
    denied = set()
    for src in pods:
        for dst in pods:
            if src is dst:
                continue  # loopback: undefined upstream, ignored by the e2e
            verdict = evaluate(
                rules,
                Endpoint(src.ip, src),
                Endpoint(dst.ip, dst),
                probe["port"],
                probe["protocol"],
            )
            if not verdict.allowed:
                denied.add(f"{src.key}->{dst.key}")
    assert sorted(denied) == sorted(case["expected"]["denied_pairs"])


@pytest.mark.parametrize("case", table("netpol_packet"), ids=source_id)
def test_packet(case: dict[str, Any]) -> None:
    given = case["input"]
    namespaces = {n["name"]: n["labels"] for n in given["namespaces"]}
    by_ip = {p["ip"]: pod(p) for p in given["pods"]}
    rules = policies(given["policies"], namespaces)
    packet = given["packet"]
    src = Endpoint(packet["srcIP"], by_ip.get(packet["srcIP"]))
    dst = Endpoint(packet["dstIP"], by_ip.get(packet["dstIP"]))
    verdict = evaluate(rules, src, dst, packet["dstPort"], packet["proto"])
    assert verdict.allowed is case["expected"]["allowed"]


@pytest.mark.parametrize("case", table("netpol_peer_selector"), ids=source_id)
def test_peer_selector(case: dict[str, Any]) -> None:
    given = case["input"]
    subject = PeerPod(
        given["pod"]["namespace"], given["pod"]["name"], given["pod"]["labels"], "10.0.0.1"
    )
    labels = {**given["pod_namespace_labels"]}
    matched = peer_matches(
        parse_peer(given["peer"]), given["policy_namespace"], subject.ip, subject, labels
    )
    assert matched is case["expected"]["matches"]


@pytest.mark.parametrize("case", table("netpol_ipblock"), ids=source_id)
def test_ip_block(case: dict[str, Any]) -> None:
    given = case["input"]
    block = parse_peer({"ipBlock": given["ipBlock"]}).ip_block if given["ipBlock"] else None
    assert ip_block_matches(block, given["ip"]) is case["expected"]["matches"]


@pytest.mark.parametrize("case", table("netpol_ports"), ids=source_id)
def test_ports(case: dict[str, Any]) -> None:
    given = case["input"]
    owner = pod(given["port_owner_pod"]) if given["port_owner_pod"] else None
    matched = ports_match(parse_ports(given["ports"]), given["port"], given["protocol"], owner)
    assert matched is case["expected"]["matches"]
