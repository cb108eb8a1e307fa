"""NetworkPolicy (networking.k8s.io/v1): defaulting, validation, evaluation, enforcement.

``policy``      the typed record of a defaulted policy (``SetDefaults_NetworkPolicy``)
``validation``  ``ValidateNetworkPolicy`` with the API server's messages
``matching``    one rule's parts: label selectors, peers, ipBlock with except, ports
``evaluator``   how policies combine: egress of the source, ingress of the target
``answers``     what a dropped connection looks like to a client (no imports: userland reads it)
``enforcer``    the run's side: the kind in the store, checks in kube-proxy's path, records
"""

from __future__ import annotations

from .evaluator import Endpoint, PolicySet, Verdict, evaluate
from .matching import PeerPod
from .policy import NetworkPolicy, default_network_policy, parse_network_policy

__all__ = [
    "Endpoint",
    "NetworkPolicy",
    "PeerPod",
    "PolicySet",
    "Verdict",
    "default_network_policy",
    "evaluate",
    "parse_network_policy",
]
