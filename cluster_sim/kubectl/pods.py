"""``kubectl delete``: a Pod (gracefully) or any kind the store knows, with a propagation policy."""

from __future__ import annotations

from ..controlplane.context import ControlContext
from ..controlplane.store import ApiError, NotFound, Propagation
from . import error_notice


def delete(
    ctx: ControlContext,
    kind: str,
    namespace: str,
    name: str,
    propagation: str | None = None,
    grace_seconds: int | None = None,
) -> None:
    """``kubectl delete <kind> <name> [--cascade=...] [--grace-period=N]``.

    A Pod is marked (deletionTimestamp, its grace period) and its kubelet
    stops it; anything else goes as the propagation policy says (Background
    when unsaid, as kubectl's ``--cascade=background``).
    """
    policy = Propagation(propagation) if propagation else Propagation.BACKGROUND
    try:
        ctx.store.delete(kind, namespace, name, policy, grace_seconds)
    except NotFound as error:
        if kind == "Pod":  # the playground's wording since its first delete action
            ctx.notice(f'delete: pods "{name}" not found')
        else:
            ctx.notice(error_notice(error))
    except ApiError as error:
        ctx.notice(error_notice(error))
