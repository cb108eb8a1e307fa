"""The PodSecurity admission plugin: what the API server answers for a Pod, a workload, a Namespace.

Ported from pod-security-admission v0.33 ``admission/admission.go``:

- a Pod (CREATE, or an UPDATE that changes an image or the containers) is
  checked against enforce, audit and warn; an enforce failure is a 403 and no
  warnings are added;
- a workload (Deployment, ReplicaSet, Job, ... : anything with a Pod template)
  is checked against warn and audit only, never enforce;
- a Namespace's policy labels must be valid on create (422 otherwise); on an
  update that tightens enforce, the existing Pods are dry-run and summarized
  as warnings;
- an exempt namespace is allowed without evaluation; a fully privileged policy
  too.

The playground's cluster has no exemptions (the AdmissionConfiguration default);
``exempt_namespaces`` is there for the upstream tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import messages
from .levels import (
    AUDIT_LEVEL_LABEL,
    AUDIT_VERSION_LABEL,
    AUDIT_VIOLATIONS_ANNOTATION,
    DEFAULT_POLICY,
    ENFORCE_LEVEL_LABEL,
    ENFORCE_VERSION_LABEL,
    ENFORCED_POLICY_ANNOTATION,
    EXEMPT_ANNOTATION,
    WARN_LEVEL_LABEL,
    WARN_VERSION_LABEL,
    LabelError,
    Level,
    LevelVersion,
    Policy,
    compare_levels,
    policy_to_evaluate,
)
from .podspec import PodView
from .registry import evaluate_pod
from .results import AggregateResult, aggregate


@dataclass(frozen=True)
class Decision:
    """The admission response: allowed or not, the error, warnings, audit annotations."""

    allowed: bool
    message: str = ""  # the 403's message: pods "x" is forbidden: violates PodSecurity ...
    warnings: tuple[str, ...] = ()  # each as the HTTP warning's text (kubectl adds Warning:)
    audit_annotations: tuple[tuple[str, str], ...] = ()
    code: int = 200


ALLOWED = Decision(True)


@dataclass(frozen=True)
class PodSecurity:
    """The plugin as configured: cluster defaults, exemptions, the user-namespace relaxation."""

    defaults: Policy = DEFAULT_POLICY
    exempt_namespaces: frozenset[str] = field(default_factory=frozenset)
    relax_user_namespace_pods: bool = False

    def policy(self, labels: Mapping[str, str] | None) -> tuple[Policy, list[LabelError]]:
        return policy_to_evaluate(labels or {}, self.defaults)

    # -- Pods and workloads ---------------------------------------------------------

    def validate_pod(
        self, namespace: str, labels: Mapping[str, str] | None, pod: Mapping[str, Any]
    ) -> Decision:
        """A Pod's CREATE: enforce, audit, warn (``ValidatePod`` + ``EvaluatePod``)."""
        if namespace in self.exempt_namespaces:
            return Decision(True, audit_annotations=((EXEMPT_ANNOTATION, "namespace"),))
        policy, errors = self.policy(labels)
        if policy.fully_privileged():
            return ALLOWED
        view = defaulted(PodView.of(pod))
        name = str(
            ((pod.get("metadata") or {}) if isinstance(pod, Mapping) else {}).get("name") or ""
        )
        return self._evaluate(policy, errors, view, enforce=True, name=name)

    def validate_pod_controller(
        self, namespace: str, labels: Mapping[str, str] | None, template: Mapping[str, Any]
    ) -> Decision:
        """A workload's template: warn and audit only (``ValidatePodController``)."""
        if namespace in self.exempt_namespaces:
            return ALLOWED
        policy, errors = self.policy(labels)
        if policy.fully_privileged():
            return ALLOWED
        return self._evaluate(policy, errors, defaulted(PodView.of(template)), enforce=False)

    def _evaluate(
        self,
        policy: Policy,
        errors: Sequence[LabelError],
        view: PodView,
        *,
        enforce: bool,
        name: str = "",
    ) -> Decision:
        cache: dict[LevelVersion, AggregateResult] = {}
        annotations: list[tuple[str, str]] = []
        if errors:
            annotations.append(("error", f"Failed to parse policy: {_aggregate(errors)}"))

        def result(lv: LevelVersion) -> AggregateResult:
            if lv not in cache:
                cache[lv] = aggregate(evaluate_pod(lv, view, self.relax_user_namespace_pods))
            return cache[lv]

        message = ""
        if enforce:
            annotations.append((ENFORCED_POLICY_ANNOTATION, str(policy.enforce)))
            enforced = result(policy.enforce)
            if not enforced.allowed:
                cause = messages.violates(policy.enforce, enforced.forbidden_detail())
                message = messages.forbidden_message("pods", name, cause)
        audit = result(policy.audit)
        if not audit.allowed:
            annotations.append(
                (
                    AUDIT_VIOLATIONS_ANNOTATION,
                    messages.would_violate(policy.audit, audit.forbidden_detail()),
                )
            )
        warnings: list[str] = []
        if not message:
            warn = result(policy.warn)
            if not warn.allowed:
                warnings.append(messages.would_violate(policy.warn, warn.forbidden_detail()))
        return Decision(
            not message,
            message,
            tuple(warnings),
            tuple(sorted(annotations)),
            403 if message else 200,
        )

    # -- Namespaces -------------------------------------------------------------------

    def validate_namespace_create(self, name: str, labels: Mapping[str, str] | None) -> Decision:
        policy, errors = self.policy(labels)
        if errors:
            return Decision(False, messages.namespace_invalid(name, errors), code=422)
        if name in self.exempt_namespaces:
            warning = self._exempt_warning(name, policy, labels or {})
            if warning:
                return Decision(True, warnings=(warning,))
        return ALLOWED

    def validate_namespace_update(
        self,
        name: str,
        old_labels: Mapping[str, str] | None,
        new_labels: Mapping[str, str] | None,
        pods: Iterable[tuple[str, Mapping[str, Any]]] = (),
    ) -> Decision:
        """A label change: 422 for new bad labels, else warnings about existing Pods."""
        new, new_errors = self.policy(new_labels)
        old, old_errors = self.policy(old_labels)
        if new_errors and (not old_errors or new_errors != old_errors):
            return Decision(False, messages.namespace_invalid(name, new_errors), code=422)
        if new.enforce == old.enforce or new.enforce.level is Level.PRIVILEGED:
            return ALLOWED
        if (
            new.enforce.version == old.enforce.version
            and compare_levels(new.enforce.level, old.enforce.level) < 1
        ):
            return ALLOWED
        if name in self.exempt_namespaces:
            warning = self._exempt_warning(name, new, new_labels or {})
            return Decision(True, warnings=(warning,)) if warning else ALLOWED
        return Decision(True, warnings=tuple(self.evaluate_pods(name, new.enforce, pods)))

    def evaluate_pods(
        self,
        namespace: str,
        enforce: LevelVersion,
        pods: Iterable[tuple[str, Mapping[str, Any]]],
    ) -> list[str]:
        """``EvaluatePodsInNamespace``: one line per distinct list of failed reasons."""
        first: dict[str, str] = {}
        count: dict[str, int] = {}
        for pod_name, manifest in pods:
            result = aggregate(
                evaluate_pod(
                    enforce, defaulted(PodView.of(manifest)), self.relax_user_namespace_pods
                )
            )
            if result.allowed:
                continue
            reason = result.forbidden_reason()
            count[reason] = count.get(reason, 0) + 1
            if reason not in first or pod_name < first[reason]:
                first[reason] = pod_name
        if not first:
            return []
        lines = []
        for reason, pod_name in first.items():
            others = count[reason] - 1
            if others == 0:
                lines.append(f"{pod_name}: {reason}")
            elif others == 1:
                lines.append(f"{pod_name} (and 1 other pod): {reason}")
            else:
                lines.append(f"{pod_name} (and {others} other pods): {reason}")
        head = (
            f'existing pods in namespace "{namespace}" violate the new PodSecurity enforce '
            f'level "{enforce}"'
        )
        return [head, *sorted(lines)]

    def _exempt_warning(self, name: str, policy: Policy, labels: Mapping[str, str]) -> str:
        if policy.fully_privileged() or policy.equivalent(self.defaults):
            return ""
        modes: list[tuple[str, LevelVersion]] = []
        for mode, lv, keys in (
            ("enforce", policy.enforce, (ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL)),
            ("audit", policy.audit, (AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL)),
            ("warn", policy.warn, (WARN_LEVEL_LABEL, WARN_VERSION_LABEL)),
        ):
            if lv.level is not Level.PRIVILEGED and any(k in labels for k in keys):
                modes.append((mode, lv))
        return messages.exempt_namespace_warning(name, modes)


def _aggregate(errors: Sequence[LabelError]) -> str:
    texts = [str(e) for e in errors]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def defaulted(view: PodView) -> PodView:
    """The API server's defaulting the checks see: a volume with no source is an emptyDir."""
    volumes = view.spec.get("volumes")
    if not isinstance(volumes, list):
        return view
    known = set(_SOURCES)
    changed = []
    for volume in volumes:
        if isinstance(volume, dict) and not any(volume.get(k) is not None for k in known):
            volume = {**volume, "emptyDir": {}}
        changed.append(volume)
    return PodView(view.metadata, {**view.spec, "volumes": changed})


# Every VolumeSource field of core/v1 (SetDefaults_Volume: none set means emptyDir).
_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret",
    "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder",
    "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume",
    "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
    "storageos", "csi", "ephemeral", "image",
)  # fmt: skip
