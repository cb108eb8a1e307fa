"""``kubectl delete``: a Pod (gracefully) or any kind the store knows, with a propagation policy."""

from __future__ import annotations

from ..controlplane.context import ControlContext
from ..controlplane.store import ApiError, NotFound, Propagation
from . import error_notice

# kubectl's DeleteOptions.Validate, word for word (k8s.io/kubectl/pkg/cmd/delete/delete.go).
FORCE_WITH_GRACE = "error: --force and --grace-period greater than 0 cannot be specified together"
IMMEDIATE_DELETION = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource has "
    "been terminated. The resource may continue to run on the cluster indefinitely."
)


def grace_period(grace_seconds: int | None, force: bool) -> int | None:
    """``DeleteOptions.Complete``: the grace period kubectl sends (None: the server's default).

    ``--grace-period=0`` without ``--force`` becomes 1 ("to preserve backwards
    compatibility, but prevent accidental data loss"); ``--force`` without a
    grace period becomes 0. ``ValueError`` for ``--force`` with a period above 0.
    """
    if grace_seconds is not None and grace_seconds < 0:
        grace_seconds = None  # --grace-period=-1, kubectl's default: ignored
    if grace_seconds == 0 and not force:
        grace_seconds = 1
    if force and grace_seconds is None:
        grace_seconds = 0
    if force and grace_seconds is not None and grace_seconds > 0:
        raise ValueError(FORCE_WITH_GRACE)
    return grace_seconds


def delete(
    ctx: ControlContext,
    kind: str,
    namespace: str,
    name: str,
    propagation: str | None = None,
    grace_seconds: int | None = None,
    force: bool = False,
) -> None:
    """``kubectl delete <kind> <name> [--cascade=...] [--grace-period=N] [--force]``.

    A Pod is marked (deletionTimestamp, its grace period) and its kubelet
    stops it; with ``--force`` (grace period 0) the API server removes it at
    once and its kubelet still stops its containers. Anything else goes as the
    propagation policy says (Background when unsaid, as kubectl's
    ``--cascade=background``).
    """
    policy = Propagation(propagation) if propagation else Propagation.BACKGROUND
    try:
        grace = grace_period(grace_seconds, force)
    except ValueError as problem:
        ctx.notice(str(problem))
        return
    if grace == 0 and force:
        ctx.notice(IMMEDIATE_DELETION)
    try:
        ctx.store.delete(kind, namespace, name, policy, grace)
    except NotFound as error:
        if kind == "Pod":  # the playground's wording since its first delete action
            ctx.notice(f'delete: pods "{name}" not found')
        else:
            ctx.notice(error_notice(error))
    except ApiError as error:
        ctx.notice(error_notice(error))
    else:
        if grace == 0 and force:
            group = ctx.store.kinds[kind].api_version.rpartition("/")[0]
            resource = kind.lower() + (f".{group}" if group else "")
            ctx.notice(f'{resource} "{name}" force deleted')
