"""The Deployment kind at the run's API server: defaulting and validation.

``SetDefaults_Deployment`` (replicas 1, RollingUpdate 25 %/25 %,
revisionHistoryLimit 10, progressDeadlineSeconds 600) from
``validation.defaults.deployment``, ``ValidateDeployment`` from
``validation.workloads``; an update may not change ``spec.selector``
(``ValidateDeploymentUpdate``: apps/v1 selectors are immutable).
"""

from __future__ import annotations

from typing import Any

from ...validation import defaults as api_defaults
from ...validation.meta import go_label_selector
from ...validation.workloads import validate_deployment
from ..store import ApiObject, APIStore, KindInfo

KIND = "Deployment"
RESOURCE = "deployments.apps"
API_VERSION = "apps/v1"


def default(body: dict[str, Any]) -> None:
    defaulted = api_defaults.deployment(body)
    body.clear()
    body.update(defaulted)


def validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
    causes = [str(e) for e in validate_deployment(manifest)]
    if old is not None:
        selector = (manifest.get("spec") or {}).get("selector")
        if selector != old.spec.get("selector"):
            causes.append(
                f"spec.selector: Invalid value: {go_label_selector(selector)}: field is immutable"
            )
    return causes


def register_kind(store: APIStore) -> None:
    """The Deployment kind in ``store`` (once; a run may have registered it already)."""
    if KIND not in store.kinds:
        store.register(KindInfo(KIND, RESOURCE, API_VERSION, default=default, validate=validate))
