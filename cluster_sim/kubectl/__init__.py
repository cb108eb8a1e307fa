"""kubectl: what a user does to a run, as requests to its API server (the store).

Each operation talks to ``ControlContext.store`` as kubectl talks to an API
server; the scheduler, the kubelets and the controllers react to the writes.
What kubectl would print on success is not a record; its errors become
``notice`` records in kubectl's words (``Error from server (NotFound): ...``).

- ``pods``: delete (a Pod, or any kind with a propagation policy);
- ``nodes``: cordon/uncordon, drain, add and remove a node;
- ``workloads``: scale, set image, rollout undo/pause/resume.
"""

from __future__ import annotations

from ..controlplane.store import AlreadyExists, ApiError, Invalid, NotFound

REASONS: dict[type[ApiError], str] = {
    Invalid: "Invalid",
    AlreadyExists: "AlreadyExists",
    NotFound: "NotFound",
}


def error_notice(error: ApiError) -> str:
    """An API error as kubectl prints it: ``Error from server (Invalid): ...``."""
    reason = REASONS.get(type(error), "Forbidden")
    return f"Error from server ({reason}): {error}"
