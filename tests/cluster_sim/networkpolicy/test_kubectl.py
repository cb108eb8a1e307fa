"""``kubectl get netpol`` and ``kubectl describe networkpolicy`` as kubectl v0.33 prints them.

The expected texts are the shapes of real transcripts (``describeNetworkPolicySpec``):
a DNS egress rule, a default deny, an ipBlock with except, an endPort range.
"""

from __future__ import annotations

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text

POLICIES = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internal-policy}
spec:
  podSelector:
    matchLabels: {name: internal}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels: {name: mysql}
    ports:
    - {port: 3306, protocol: TCP}
  - ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all-ingress}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: blocks}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector:
        matchLabels: {project: myproject}
      podSelector: {}
    ports:
    - {port: 32000, endPort: 32768}
"""


def kubectl(command: str, at: float = 90) -> tuple[int, str]:
    sim = Simulation(load_bundle([("t.yaml", POLICIES)]), seed=0, horizon=at)
    sim.advance(at)
    return kubectl_text(sim.cluster.store, sim.cluster.recorder, int(at * 1000), command)


def test_get_netpol() -> None:
    assert kubectl("get netpol") == (
        0,
        "NAME               POD-SELECTOR    AGE\n"
        "blocks             <none>          90s\n"
        "deny-all-ingress   <none>          90s\n"
        "internal-policy    name=internal   90s\n",
    )


def test_describe_an_egress_policy() -> None:
    assert kubectl("describe networkpolicy internal-policy") == (
        0,
        "Name:         internal-policy\n"
        "Namespace:    default\n"
        "Created on:   2026-01-01 00:00:00 +0000 UTC\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "Spec:\n"
        "  PodSelector:     name=internal\n"
        "  Not affecting ingress traffic\n"
        "  Allowing egress traffic:\n"
        "    To Port: 3306/TCP\n"
        "    To:\n"
        "      PodSelector: name=mysql\n"
        "    ----------\n"
        "    To Port: 53/UDP\n"
        "    To Port: 53/TCP\n"
        "    To: <any> (traffic not restricted by destination)\n"
        "  Policy Types: Egress\n",
    )


def test_describe_a_default_deny_and_blocks() -> None:
    status, text = kubectl("describe netpol deny-all-ingress blocks")
    assert status == 0
    deny, blocks = text.split("\n\n")
    assert deny.split("Spec:\n")[1] == (
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n"
        "    <none> (Selected pods are isolated for ingress connectivity)\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress"
    )
    assert blocks.split("Spec:\n")[1] == (
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n"
        "    To Port Range: 32000-32768/TCP\n"
        "    From:\n"
        "      IPBlock:\n"
        "        CIDR: 172.17.0.0/16\n"
        "        Except: 172.17.1.0/24\n"
        "    From:\n"
        "      NamespaceSelector: project=myproject\n"
        "      PodSelector: <none>\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress\n"
    )
