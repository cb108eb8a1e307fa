"""Pod Security Admission (the built-in PodSecurity admission plugin of Kubernetes 1.33).

- :mod:`.levels`: levels, versions, and the policy a namespace's
  ``pod-security.kubernetes.io/*`` labels ask for;
- :mod:`.checks_baseline`, :mod:`.checks_restricted`: the checks, ported from
  pod-security-admission v0.33 ``policy/check_*.go`` with their texts;
- :mod:`.registry`: which checks a level and version run, in upstream order;
- :mod:`.admission`: the plugin's answers for Pods, workloads and Namespaces;
- :mod:`.messages`: the texts on the wire and as kubectl prints them.
"""

from .admission import Decision, PodSecurity
from .levels import Level, LevelVersion, Policy, policy_to_evaluate
from .messages import failed_create_event, kubectl_forbidden, kubectl_warning

__all__ = [
    "Decision",
    "Level",
    "LevelVersion",
    "PodSecurity",
    "Policy",
    "failed_create_event",
    "kubectl_forbidden",
    "kubectl_warning",
    "policy_to_evaluate",
]
