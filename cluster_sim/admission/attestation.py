"""An admission policy that wants a birth certificate: attested image digests (issue #16).

Off by default. A Namespace labelled ``policy.podlife.dev/require-attestation: "true"``
turns it on for the Pods created in it from then on: each container's image is
resolved in the run's registry to the digest a pull would get now, and the Pod is
refused unless every digest has an ATTESTATION occurrence in the run's Grafeas
ledger whose signature verifies (``provenance.ledger.Ledger.attested``). It plays a
validating admission webhook (think Binary Authorization or Kyverno's verifyImages),
so a refusal reads as the API server words a webhook's denial
(``staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go``,
``ToStatusErr``: the webhook's status code defaults to 403, the message is prefixed
with ``admission webhook "<name>" denied the request: `` and then with
``<resource> "<name>" is forbidden: ``)::

    pods "web-canary-6f7798cd5b-x2x5q" is forbidden: admission webhook
    "attestation.policy.podlife.dev" denied the request: image "nginx:1.27"
    (docker.io/library/nginx@sha256:...) has no valid attestation

The text after ``denied the request:`` is this webhook's own (the playground's).
A controller's Pod refused so becomes its ``FailedCreate`` event ``Error creating: ...``;
a bare Pod's refusal is kubectl's ``Error from server (Forbidden): ...`` notice.
Pod updates are not reviewed (the webhook registers for CREATE only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..controlplane.store import ApiError, ApiObject, APIStore, KindInfo, Validator
from ..provenance.ledger import Ledger
from ..registry import Registry

LABEL: Final = "policy.podlife.dev/require-attestation"
WEBHOOK: Final = "attestation.policy.podlife.dev"


def required(labels: Mapping[str, str]) -> bool:
    """Whether a Namespace's labels turn the policy on (the value ``"true"``)."""
    return labels.get(LABEL) == "true"


def denied(pod: str, reasons: list[str]) -> str:
    """The API server's message for this webhook's denial of Pod ``pod``."""
    return (
        f'pods "{pod}" is forbidden: admission webhook "{WEBHOOK}" denied the request: '
        + "; ".join(reasons)
    )


class AttestationPolicy:
    """The webhook's review of a Pod CREATE (see the module docstring)."""

    def __init__(self, store: APIStore, registry: Registry, ledger: Ledger) -> None:
        self.store = store
        self.registry = registry
        self.ledger = ledger

    def reasons(self, manifest: Mapping[str, Any]) -> list[str]:
        """Why each image of the Pod is not admitted ([] when all are attested)."""
        spec = manifest.get("spec")
        if not isinstance(spec, Mapping):
            return []
        out: list[str] = []
        for field in ("initContainers", "containers", "ephemeralContainers"):
            for c in spec.get(field) or ():
                image = str(c.get("image") or "") if isinstance(c, Mapping) else ""
                if not image:
                    continue
                resolved = self.registry.resolve(image)
                if resolved is None:
                    why = f'image "{image}" does not resolve to a digest in the registry'
                elif not self.ledger.attested(resolved.digest):
                    why = f'image "{image}" ({resolved.image_id}) has no valid attestation'
                else:
                    continue
                if why not in out:
                    out.append(why)
        return out

    def review(self, manifest: Mapping[str, Any]) -> None:
        """Raise ``ApiError`` with the denial when the Pod's namespace wants attestations."""
        meta = manifest.get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}
        namespace = str(meta.get("namespace") or "default")
        ns = self.store.get("Namespace", "", namespace)
        if ns is None or not required(ns.labels):
            return
        reasons = self.reasons(manifest)
        if reasons:
            raise ApiError(denied(str(meta.get("name") or ""), reasons))


def install(store: APIStore, policy: AttestationPolicy) -> None:
    """Register the webhook for Pod CREATE: it runs after the Pod kind's own admission."""
    info = store.kinds.get("Pod")
    if info is None:
        return
    builtin: Validator | None = info.validate

    def validate(manifest: dict[str, Any], old: ApiObject | None) -> list[str]:
        causes = builtin(manifest, old) if builtin is not None else []
        if not causes and old is None:
            policy.review(manifest)
        return causes

    store.register(
        KindInfo(
            info.kind,
            info.resource,
            info.api_version,
            namespaced=info.namespaced,
            default=info.default,
            validate=validate,
            graceful=info.graceful,
        )
    )
