"""kubectl's workload operations on a run's store: scale, set image, rollout.

Each function does what its kubectl command does to the API server and
returns the line kubectl prints, which it also hands to ``ctx.notice`` (the
user sees it in the run). Errors are kubectl's: ``Error from server
(NotFound): deployments.apps "x" not found``, ``error: ...``; nothing raises.

``key`` is ``namespace/name`` or ``name`` (namespace ``default``); ``kind``
is any name kubectl knows the resource by (``deploy``, ``rs``, ``rc``...).
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from ..controlplane.deployment.history import RollbackError, RollbackSkipped, choose_rollback
from ..controlplane.deployment.rollout_status import deployment_rollout_status
from ..controlplane.store import ApiError, ApiObject, APIStore
from .get import KubectlError, Resource, not_found, resource
from .rollout_sets import set_rollout_status

TEMPLATED_KINDS = (
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "DaemonSet",
    "StatefulSet",
)


class KubectlContext(Protocol):
    """What these operations need of a run (a ``ControlContext`` has it)."""

    store: APIStore

    def notice(self, text: str) -> None: ...


def _split(key: str) -> tuple[str, str]:
    namespace, _, name = key.rpartition("/")
    return namespace or "default", name


def _say(ctx: KubectlContext, text: str) -> str:
    ctx.notice(text)
    return text


def _find(ctx: KubectlContext, kind: str, key: str) -> tuple[Resource, ApiObject]:
    res = resource(kind)
    namespace, name = _split(key)
    obj = ctx.store.get(res.kind, namespace, name) if res.kind in ctx.store.kinds else None
    if obj is None:
        raise KubectlError(not_found(res, name))
    return res, obj


def _write(ctx: KubectlContext, obj: ApiObject, manifest: dict[str, Any]) -> None:
    try:
        ctx.store.update(obj, manifest)
    except ApiError as err:
        raise KubectlError(f"error: {err}") from err


def _error(err: Exception) -> str:
    text = str(err)
    return text if text.startswith(("error: ", "Error from server")) else f"error: {text}"


def scale(ctx: KubectlContext, kind: str, key: str, replicas: int) -> str:
    """``kubectl scale KIND/NAME --replicas=N``."""
    try:
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise KubectlError(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater "
                "than or equal to 0"
            )
        res, obj = _find(ctx, kind, key)
        if res.kind not in TEMPLATED_KINDS or res.kind == "DaemonSet":
            raise KubectlError(f'error: no scaler has been implemented for "{res.kind}"')
        manifest = obj.manifest()
        manifest["spec"]["replicas"] = replicas
        _write(ctx, obj, manifest)
        return _say(ctx, f"{res.singular}/{obj.name} scaled")
    except KubectlError as err:
        return _say(ctx, _error(err))


def set_image(ctx: KubectlContext, kind: str, key: str, container: str, image: str) -> str:
    """``kubectl set image KIND/NAME CONTAINER=IMAGE`` (``*`` for every container).

    An image that is already the container's changes nothing and prints nothing
    (kubectl skips an empty patch): the result is ``""`` and no notice."""
    try:
        res, obj = _find(ctx, kind, key)
        if res.kind not in TEMPLATED_KINDS:
            raise KubectlError(
                f"error: the playground sets images of {', '.join(TEMPLATED_KINDS)} templates"
            )
        manifest = obj.manifest()
        spec = ((manifest.get("spec") or {}).get("template") or {}).get("spec") or {}
        found = changed = False
        for field in ("initContainers", "containers"):
            for c in spec.get(field) or ():
                if container in ("*", c.get("name")):
                    changed = changed or c.get("image") != image
                    c["image"] = image
                    found = True
        if not found:
            raise KubectlError(f'error: unable to find container named "{container}"')
        if not changed:
            return ""  # an empty patch: kubectl prints nothing and exits 0
        _write(ctx, obj, manifest)
        return _say(ctx, f"{res.singular}/{obj.name} image updated")
    except KubectlError as err:
        return _say(ctx, _error(err))


def _deployment(ctx: KubectlContext, key: str) -> tuple[Resource, ApiObject]:
    return _find(ctx, "deployment", key)


def rollout_undo(ctx: KubectlContext, key: str, to_revision: int = 0) -> str:
    """``kubectl rollout undo deployment/NAME [--to-revision=N]`` (client-side, as kubectl)."""
    try:
        res, d = _deployment(ctx, key)
        owned = [
            rs
            for rs in ctx.store.list("ReplicaSet", d.namespace)
            if (ref := rs.controller_ref()) is not None and ref.uid == d.uid
        ]
        if to_revision < 0:
            raise RollbackError(f"unable to find specified revision {to_revision} in history")
        rollback = choose_rollback(d, owned, to_revision)
        manifest = d.manifest()
        manifest["spec"]["template"] = copy.deepcopy(rollback.template)
        manifest["metadata"]["annotations"] = dict(rollback.annotations)
        _write(ctx, d, manifest)
        return _say(ctx, f"{res.singular}/{d.name} rolled back")
    except RollbackSkipped as skipped:
        return _say(ctx, f"deployment.apps/{_split(key)[1]} {skipped}")
    except (KubectlError, RollbackError) as err:
        return _say(ctx, _error(err))


def _pause(ctx: KubectlContext, key: str, paused: bool) -> str:
    try:
        res, d = _deployment(ctx, key)
        if bool(d.spec.get("paused")) == paused:
            state = "is already paused" if paused else "is not paused"
            raise KubectlError(f'error: {res.plural} "{d.name}" {state}')
        manifest = d.manifest()
        if paused:
            manifest["spec"]["paused"] = True
        else:
            manifest["spec"].pop("paused", None)
        _write(ctx, d, manifest)
        return _say(ctx, f"{res.singular}/{d.name} {'paused' if paused else 'resumed'}")
    except KubectlError as err:
        return _say(ctx, _error(err))


def rollout_pause(ctx: KubectlContext, key: str) -> str:
    """``kubectl rollout pause deployment/NAME``."""
    return _pause(ctx, key, True)


def rollout_resume(ctx: KubectlContext, key: str) -> str:
    """``kubectl rollout resume deployment/NAME``."""
    return _pause(ctx, key, False)


def rollout_status(ctx: KubectlContext, key: str, kind: str = "deployment") -> str:
    """What ``kubectl rollout status deployment/NAME`` prints now (it would then keep
    watching): one status line, or ``error: ...`` for a rollout past its deadline.
    ``kind`` ``ds``/``sts`` asks a DaemonSet's or StatefulSet's viewer (``rollout_sets``)."""
    try:
        if resource(kind).kind in ("DaemonSet", "StatefulSet"):
            res, obj = _find(ctx, kind, key)
            return _say(ctx, set_rollout_status(res.kind, obj))
        _, d = _deployment(ctx, key)
        replicas = d.spec.get("replicas")
        status = deployment_rollout_status(
            d.name, d.generation, int(replicas) if replicas is not None else None, d.status
        )
        if status.error is not None:
            raise KubectlError(f"error: {status.error}")
        return _say(ctx, status.message.rstrip("\n"))
    except KubectlError as err:
        return _say(ctx, _error(err))
