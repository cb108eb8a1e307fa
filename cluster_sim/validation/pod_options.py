"""``PodValidationOptions``: what differs between validating a Pod and a Pod template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PodOptions:
    """``PodValidationOptions`` with Kubernetes 1.33's defaults."""

    relaxed_env_names: bool = True  # RelaxedEnvironmentVariableValidation (beta, on)
    resource_is_pod: bool = True  # a Pod, not a template inside a Deployment or Job
