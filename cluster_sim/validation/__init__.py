"""Validation of the playground's input, in layers, each error pinned to a line.

1. YAML: syntax, duplicate keys, documents that are not objects, YAML 1.1 traps
   (:mod:`cluster_sim.yamlsource`, :mod:`.yaml_traps`);
2. the Kubernetes 1.33 OpenAPI schema, strict (:mod:`.schema`);
3. the API server's own validation, with its messages and field paths
   (:mod:`.pod`, :mod:`.kinds`, :mod:`.workloads`, :mod:`.update`);
4. the playground's limits (:mod:`.limits`).

:func:`validate_document` runs them all on one loaded document and returns
:class:`~cluster_sim.errors.InputError` values; the functions per kind return
:class:`~.field.FieldError` values for callers that build their own messages.
"""

from __future__ import annotations

from typing import Any

from ..yamlsource import Path, format_path
from . import defaults, rules
from .document import analyse, kubectl_output, validate_document
from .field import FieldError, Key, go_quote, go_value, kubectl_invalid
from .kinds import (
    validate_config_map,
    validate_namespace,
    validate_node,
    validate_secret,
    validate_service,
    validate_service_account,
)
from .limits import MAX_HORIZON_S, horizon_problem
from .meta import validate_object_meta
from .pod import validate_pod_create
from .pod_options import PodOptions
from .schema import KUBERNETES_VERSION, SCHEMA_VERSION, preload
from .update import FORBIDDEN_UPDATE, validate_pod_update
from .workloads import (
    validate_deployment,
    validate_job,
    validate_replica_set,
    validate_replication_controller,
)

__all__ = [
    "FORBIDDEN_UPDATE",
    "KUBERNETES_VERSION",
    "MAX_HORIZON_S",
    "SCHEMA_VERSION",
    "FieldError",
    "Key",
    "PodOptions",
    "analyse",
    "horizon_problem",
    "kubectl_invalid",
    "kubectl_message",
    "kubectl_output",
    "preload",
    "quote",
    "unsupported",
    "validate_config_map",
    "validate_deployment",
    "validate_document",
    "validate_job",
    "validate_metadata",
    "validate_namespace",
    "validate_node",
    "validate_pod",
    "validate_pod_create",
    "validate_pod_update",
    "validate_replica_set",
    "validate_replication_controller",
    "validate_secret",
    "validate_service",
    "validate_service_account",
]


def quote(value: Any) -> str:
    """How a field error prints a value: Go's ``%q`` for strings, ``%v`` for numbers."""
    return go_value(value)


def unsupported(value: Any, supported: tuple[str, ...]) -> str:
    """The body of a ``NotSupported`` error."""
    values = ", ".join(go_quote(str(v)) for v in supported)
    return f"Unsupported value: {quote(value)}: supported values: {values}"


def kubectl_message(kind: str, name: str, path: Path, body: str) -> str:
    """``The Pod "web" is invalid: spec.containers[0].image: Required value``."""
    return f'The {kind} "{name}" is invalid: {format_path(path)}: {body}'


def validate_metadata(meta: Any) -> list[tuple[Path, str]]:
    """``ObjectMeta`` of a namespaced object named as a DNS subdomain, as (path, body) pairs."""
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    return [(e.path, e.body()) for e in errors]


def validate_pod(manifest: dict[str, Any]) -> list[tuple[Path, str]]:
    """API-server validation of a Pod manifest (defaulted first), as (path, body) pairs."""
    errors = validate_pod_create(defaults.pod(manifest))
    return [(e.path, e.body()) for e in errors]
