"""NetworkPolicy defaulting and validation: the API server's rules and wording (reference §4.1)."""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import BundleError, load_bundle
from cluster_sim.networkpolicy import default_network_policy, parse_network_policy
from cluster_sim.networkpolicy.validation import validate_network_policy_messages


def policy(spec: dict[str, Any], name: str = "p") -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }


@pytest.mark.parametrize(
    ("spec", "types"),
    [
        ({"podSelector": {}}, ["Ingress"]),
        ({"podSelector": {}, "egress": [{}]}, ["Ingress", "Egress"]),
        ({"podSelector": {}, "egress": []}, ["Ingress"]),
        ({"podSelector": {}, "ingress": [{}], "egress": [{"to": []}]}, ["Ingress", "Egress"]),
        ({"podSelector": {}, "policyTypes": ["Egress"]}, ["Egress"]),
    ],
    ids=["empty", "egress-rules", "egress-empty", "both", "explicit"],
)
def test_policy_types_defaulting(spec: dict[str, Any], types: list[str]) -> None:
    assert default_network_policy(policy(spec))["spec"]["policyTypes"] == types


def test_egress_only_rules_without_policy_types_isolate_ingress_too() -> None:
    parsed = parse_network_policy(policy({"podSelector": {}, "egress": [{"to": []}]}))
    assert parsed.policy_types == ("Ingress", "Egress")
    assert parsed.ingress == ()


def test_port_protocol_defaults_to_tcp() -> None:
    out = default_network_policy(
        policy({"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]})
    )
    assert out["spec"]["ingress"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]


@pytest.mark.parametrize(
    ("spec", "messages"),
    [
        (
            {"podSelector": {}, "ingress": [{"from": [{}]}]},
            ["spec.ingress[0].from[0]: Required value: must specify a peer"],
        ),
        (
            {
                "podSelector": {},
                "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}],
            },
            ["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"protocol": "ICMP", "port": 1}]}]},
            [
                'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": '
                'supported values: "TCP", "UDP", "SCTP"'
            ],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"port": 90, "endPort": 80}]}]},
            [
                "spec.ingress[0].ports[0].endPort: Invalid value: 90: "
                "must be greater than or equal to `port`"
            ],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"port": "http", "endPort": 80}]}]},
            [
                "spec.ingress[0].ports[0].endPort: Invalid value: 80: "
                "may not be specified when `port` is non-numeric"
            ],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"endPort": 80}]}]},
            [
                "spec.ingress[0].ports[0].endPort: Invalid value: 80: "
                "may not be specified when `port` is not specified"
            ],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"port": 70000}]}]},
            [
                "spec.ingress[0].ports[0].port: Invalid value: 70000: "
                "must be between 1 and 65535, inclusive"
            ],
        ),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"port": "a-very-long-port-name"}]}]},
            [
                'spec.ingress[0].ports[0].port: Invalid value: "a-very-long-port-name": '
                "must be no more than 15 characters"
            ],
        ),
        (
            {
                "podSelector": {},
                "egress": [
                    {"to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.1.0.0/24"]}}]}
                ],
            },
            [
                'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": '
                "must be a strict subset of `cidr`"
            ],
        ),
        (
            {
                "podSelector": {},
                "egress": [
                    {"to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.0.0/16"]}}]}
                ],
            },
            [
                'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/16": '
                "must be a strict subset of `cidr`"
            ],
        ),
        (
            {"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0"}}]}]},
            ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0": not a valid CIDR'],
        ),
        (
            {"podSelector": {}, "policyTypes": ["Ingress", "Egress", "Ingress"]},
            [
                "spec.policyTypes: Invalid value: "
                '&[]networking.PolicyType{"Ingress", "Egress", "Ingress"}: '
                "may not specify more than two policyTypes"
            ],
        ),
        (
            {"podSelector": {}, "policyTypes": ["Inbound"]},
            [
                'spec.policyTypes[0]: Unsupported value: "Inbound": '
                'supported values: "Ingress", "Egress"'
            ],
        ),
    ],
    ids=[
        "no-peer",
        "ipblock-and-selector",
        "protocol",
        "endport-below-port",
        "endport-named",
        "endport-alone",
        "port-range",
        "port-name",
        "except-outside",
        "except-not-longer",
        "cidr",
        "three-types",
        "unknown-type",
    ],
)
def test_validation_messages(spec: dict[str, Any], messages: list[str]) -> None:
    assert validate_network_policy_messages(default_network_policy(policy(spec))) == messages


def test_pod_and_namespace_selector_together_are_valid() -> None:
    spec: dict[str, Any] = {
        "podSelector": {},
        "ingress": [{"from": [{"podSelector": {}, "namespaceSelector": {}}]}],
    }
    assert validate_network_policy_messages(default_network_policy(policy(spec))) == []


@pytest.mark.parametrize(
    "spec",
    [
        "{podSelector: {}, ingress: [{ports: 5}]}",
        "{podSelector: {}, ingress: 7, egress: [x]}",
        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 5, except: 3}}]}]}",
        "{podSelector: {matchExpressions: [{key: a, operator: In}]}, policyTypes: Ingress}",
    ],
)
def test_a_policy_of_the_wrong_shape_is_refused_with_messages_not_a_crash(spec: str) -> None:
    text = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: p}}\nspec: {spec}\n"
    )
    with pytest.raises(BundleError) as caught:
        load_bundle([("t.yaml", text)])
    assert caught.value.errors and all(
        e.message.startswith(
            ('NetworkPolicy in version "v1" cannot be handled', 'The NetworkPolicy "p" is invalid')
        )
        for e in caught.value.errors
    )
