"""What a bundle's documents meet at the API server's admission step, as kubectl shows it.

``kubectl apply -f`` of a bundle creates each object in turn; the PodSecurity
plugin answers each Pod and each workload:

- a Pod its namespace's enforce level forbids is not created: kubectl prints
  ``Error from server (Forbidden): error when creating "<file>": pods "x" is
  forbidden: violates PodSecurity "<level>:<version>": ...`` and goes on with
  the next document;
- a Pod or a workload's Pod template the warn level forbids is created, and
  kubectl prints ``Warning: would violate PodSecurity "<level>:<version>": ...``
  (for a workload never enforce: its Pods are refused later, as FailedCreate
  events of its controller).

Both are returned as :class:`~cluster_sim.errors.InputError` values pinned to
the document's ``kind:`` line, for the editor's warnings and the run's notices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InputError
from ..yamlsource import Document
from .podsecurity import PodSecurity, kubectl_forbidden, kubectl_warning

CODE_FORBIDDEN: Final = "pod-security-forbidden"
CODE_WARNING: Final = "pod-security-warning"

# The cluster's plugin: the AdmissionConfiguration defaults (privileged:latest for every
# mode, no exemptions), as a kubeadm or kind cluster of v1.33 runs it.
CLUSTER_POD_SECURITY: Final = PodSecurity()


def pod_template(kind: str, manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The Pod template PodSecurity checks in a workload (``DefaultPodSpecExtractor``)."""
    spec = manifest.get("spec")
    if not isinstance(spec, Mapping):
        return None
    if kind == "CronJob":
        job = spec.get("jobTemplate")
        spec = job.get("spec") if isinstance(job, Mapping) else None
        if not isinstance(spec, Mapping):
            return None
    template = spec.get("template")
    return template if isinstance(template, Mapping) else None


@dataclass(frozen=True)
class Admitted:
    """One document's answer: created or not, and what kubectl printed for it."""

    created: bool
    messages: tuple[InputError, ...] = ()


def admit_pod(
    doc: Document,
    namespace: str,
    labels: Mapping[str, str],
    manifest: Mapping[str, Any],
    plugin: PodSecurity = CLUSTER_POD_SECURITY,
) -> Admitted:
    decision = plugin.validate_pod(namespace, labels, manifest)
    if not decision.allowed:
        text = kubectl_forbidden(decision.message, doc.file)
        return Admitted(False, (doc.error(("kind",), text, code=CODE_FORBIDDEN),))
    return Admitted(True, _warnings(doc, decision.warnings))


def admit_workload(
    doc: Document,
    kind: str,
    namespace: str,
    labels: Mapping[str, str],
    manifest: Mapping[str, Any],
    plugin: PodSecurity = CLUSTER_POD_SECURITY,
) -> Admitted:
    template = pod_template(kind, manifest)
    if template is None:
        return Admitted(True)
    decision = plugin.validate_pod_controller(namespace, labels, template)
    return Admitted(True, _warnings(doc, decision.warnings))


def relabel_namespace(
    name: str,
    old_labels: Mapping[str, str],
    new_labels: Mapping[str, str],
    pods: Iterable[tuple[str, Mapping[str, Any]]],
    plugin: PodSecurity = CLUSTER_POD_SECURITY,
) -> tuple[bool, tuple[str, ...]]:
    """An applied Namespace's new labels: allowed?, and kubectl's lines about it.

    A stricter enforce level is dry-run against the namespace's Pods
    (``existing pods in namespace "x" violate the new PodSecurity enforce level
    ...``, then one line per distinct list of reasons); nothing is refused for them.
    """
    decision = plugin.validate_namespace_update(name, old_labels, new_labels, pods)
    if not decision.allowed:
        return False, (decision.message,)
    return True, tuple(kubectl_warning(w) for w in decision.warnings)


def _warnings(doc: Document, warnings: tuple[str, ...]) -> tuple[InputError, ...]:
    return tuple(doc.error(("kind",), kubectl_warning(w), code=CODE_WARNING) for w in warnings)


def notice(warning: InputError) -> str:
    """A bundle warning as a run's notice: kubectl's own line, or ``warning:`` before ours."""
    where = f"{warning.file}:{warning.line}:{warning.column}"
    if warning.code in (CODE_FORBIDDEN, CODE_WARNING):
        return f"{where}: {warning.message}"
    return f"{where}: warning: {warning.message}"
