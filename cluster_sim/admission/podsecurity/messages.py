"""The texts Pod Security Admission puts on the wire, and how kubectl shows them.

From pod-security-admission v0.33 ``admission/admission.go`` (``EvaluatePod``,
``exemptNamespaceWarning``), ``admission/response.go`` (``forbiddenResponse``,
``invalidResponse``), apimachinery's ``NewForbidden``/``NewInvalid``, and
client-go's warning handler (kubectl prints ``Warning: <text>`` on stderr).
"""

from __future__ import annotations

from collections.abc import Iterable

from .levels import LabelError, LevelVersion


def violates(lv: LevelVersion, detail: str) -> str:
    """The enforce error's cause: ``violates PodSecurity "restricted:latest": <detail>``."""
    return f'violates PodSecurity "{lv}": {detail}'


def would_violate(lv: LevelVersion, detail: str) -> str:
    """The warning (and audit annotation) text."""
    return f'would violate PodSecurity "{lv}": {detail}'


def forbidden_message(resource: str, name: str, cause: str) -> str:
    """``NewForbidden``: ``pods "x" is forbidden: <cause>``; ``pods is forbidden`` unnamed."""
    if name:
        return f'{resource} "{name}" is forbidden: {cause}'
    return f"{resource} is forbidden: {cause}"


def kubectl_warning(text: str) -> str:
    """How kubectl prints a server warning on stderr."""
    return f"Warning: {text}"


def kubectl_forbidden(message: str, file: str | None = None) -> str:
    """``kubectl create/apply -f FILE`` (with ``file``) or ``kubectl run`` (without)."""
    if file is not None:
        return f'Error from server (Forbidden): error when creating "{file}": {message}'
    return f"Error from server (Forbidden): {message}"


def failed_create_event(message: str) -> str:
    """A controller's ``FailedCreate`` event message (``controller_utils.go``)."""
    return f"Error creating: {message}"


def namespace_invalid(name: str, errors: Iterable[LabelError]) -> str:
    """``NewInvalid`` for a Namespace with bad policy labels (HTTP 422)."""
    causes = [str(e) for e in errors]
    if len(causes) == 1:
        return f'Namespace "{name}" is invalid: {causes[0]}'
    return f'Namespace "{name}" is invalid: [{", ".join(causes)}]'


def exempt_namespace_warning(namespace: str, modes: Iterable[tuple[str, LevelVersion]]) -> str:
    parts = ", ".join(f"{mode}={lv}" for mode, lv in modes)
    return (
        f'namespace "{namespace}" is exempt from Pod Security, '
        f"and the policy ({parts}) will be ignored"
    )
