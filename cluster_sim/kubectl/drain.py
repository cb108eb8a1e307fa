"""``kubectl drain`` as kubectl v1.33 does it (``pkg/drain``, ``pkg/cmd/drain``).

Cordon the node (``node/x cordoned``), list its Pods (sorted by namespace and
name, as the API server lists them), run kubectl's filters in order
(skip-deleted, DaemonSet, mirror, local storage, unreplicated: a Pod's
evaluation stops at the first that says "don't delete", and the status kept
is the last evaluated). Any error: nothing is evicted, kubectl prints
``error: unable to drain node "x" due to error: ...`` and the node stays
cordoned. Otherwise the warnings (``Warning: ...``), then every Pod evicted at
once through the eviction API (``evicting pod ns/x``; a 429 is retried every
5 s with kubectl's ``error when evicting ... (will retry after 5s)`` line),
each waited for by a 1 s poll until it is gone (``pod/x evicted``), then
``node/x drained``. ``--disable-eviction`` deletes instead (``pod/x
deleted``); ``--timeout`` bounds the whole node. Every line kubectl prints
goes out as a ``notice`` record.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..controlplane.context import ControlContext
from ..controlplane.eviction_api import evict
from ..controlplane.store import ApiObject, NotFound

DAEMON_SET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMON_SET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
RETRY_MS = 5_000
POLL_MS = 1_000


@dataclass(frozen=True)
class DrainOptions:
    force: bool = False
    ignore_daemonsets: bool = False
    delete_emptydir_data: bool = False
    grace_period: int = -1  # -1: each Pod's own terminationGracePeriodSeconds
    timeout_seconds: int = 0  # 0: wait forever
    disable_eviction: bool = False
    skip_wait_for_delete_timeout: int = 0


@dataclass
class FilterResult:
    """The Pods to delete, and the error and warning messages with their Pods (in order)."""

    delete: list[ApiObject] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def error_text(self) -> str:
        """kubectl's aggregate: one error as itself, several as ``[e1, e2]``."""
        parts = [f"cannot delete {msg}: {', '.join(pods)}" for msg, pods in self.errors.items()]
        return parts[0] if len(parts) == 1 else f"[{', '.join(parts)}]"

    def warning_text(self) -> str:
        return "; ".join(f"{msg}: {', '.join(pods)}" for msg, pods in self.warnings.items())


def skip_deleted(pod: ApiObject, now_ms: int, timeout_seconds: int) -> bool:
    """The skip-deleted filter: False (skip) for a Pod deleted over ``timeout_seconds`` ago."""
    since = pod.deletion_timestamp
    if timeout_seconds > 0 and since is not None:
        return not (now_ms - since > timeout_seconds * 1000)
    return True


def _finished(pod: ApiObject) -> bool:
    return pod.status.get("phase") in ("Succeeded", "Failed")


def _has_local_storage(pod: ApiObject) -> bool:
    return any("emptyDir" in (v or {}) for v in pod.spec.get("volumes") or ())


# A filter's verdict: (delete?, "error" | "warning" | "", message).
Verdict = tuple[bool, str, str]
OKAY: Verdict = (True, "", "")


def _daemon_set(
    pod: ApiObject, options: DrainOptions, exists: Callable[[str, str], bool]
) -> Verdict:
    ref = pod.controller_ref()
    if ref is None or ref.kind != "DaemonSet" or _finished(pod):
        return OKAY
    if not exists(pod.namespace, ref.name):
        message = f'daemonsets.apps "{ref.name}" not found'
        return (True, "warning", message) if options.force else (False, "error", message)
    if not options.ignore_daemonsets:
        return False, "error", DAEMON_SET_FATAL
    return False, "warning", DAEMON_SET_WARNING


def _local_storage(pod: ApiObject, options: DrainOptions) -> Verdict:
    if not _has_local_storage(pod) or _finished(pod):
        return OKAY
    if not options.delete_emptydir_data:
        return False, "error", LOCAL_STORAGE_FATAL
    return True, "warning", LOCAL_STORAGE_WARNING


def _unreplicated(pod: ApiObject, options: DrainOptions) -> Verdict:
    if _finished(pod) or pod.controller_ref() is not None:
        return OKAY
    if options.force:
        return True, "warning", UNMANAGED_WARNING
    return False, "error", UNMANAGED_FATAL


def _verdict(
    pod: ApiObject, options: DrainOptions, exists: Callable[[str, str], bool], now_ms: int
) -> Verdict:
    """The filters in kubectl's order; the first "don't delete" ends the evaluation."""
    verdict: Verdict = (skip_deleted(pod, now_ms, options.skip_wait_for_delete_timeout), "", "")
    if not verdict[0]:
        return verdict
    verdict = _daemon_set(pod, options, exists)
    if not verdict[0]:
        return verdict
    if MIRROR_ANNOTATION in pod.annotations:
        return False, "", ""
    verdict = _local_storage(pod, options)
    if not verdict[0]:
        return verdict
    return _unreplicated(pod, options)


def filter_pods(
    pods: Iterable[ApiObject],
    options: DrainOptions,
    daemon_set_exists: Callable[[str, str], bool],
    now_ms: int,
) -> FilterResult:
    """kubectl's ``GetPodsForDeletion``."""
    result = FilterResult()
    for pod in pods:
        verdict = _verdict(pod, options, daemon_set_exists, now_ms)
        delete, kind, message = verdict
        if kind:
            target = result.errors if kind == "error" else result.warnings
            target.setdefault(message, []).append(f"{pod.namespace}/{pod.name}")
        if delete and kind != "error":
            result.delete.append(pod)
    return result


def options_from(args: Mapping[str, Any]) -> DrainOptions:
    """A drain action's flags (``force``, ``ignoreDaemonsets``... as the Scenario spells them)."""
    return DrainOptions(
        force=bool(args.get("force", False)),
        ignore_daemonsets=bool(args.get("ignoreDaemonsets", False)),
        delete_emptydir_data=bool(args.get("deleteEmptydirData", False)),
        grace_period=int(args.get("gracePeriod", -1)),
        timeout_seconds=int(args.get("timeout", 0)),
        disable_eviction=bool(args.get("disableEviction", False)),
    )


def _duration(seconds: int) -> str:
    """Go's ``time.Duration`` text for whole seconds: ``30s``, ``1m0s``, ``1h0m0s``."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def drain(ctx: ControlContext, name: str, options: DrainOptions | None = None) -> None:
    """``kubectl drain NODE [flags]``: starts the drain; its lines follow on the clock."""
    options = options or DrainOptions()
    node = ctx.store.get("Node", "", name)
    if node is None:
        ctx.notice(f'Error from server (NotFound): nodes "{name}" not found')
        return
    if node.spec.get("unschedulable"):
        ctx.notice(f"node/{name} already cordoned")
    else:
        ctx.store.update(node, {**node.body, "spec": {**node.spec, "unschedulable": True}})
        ctx.notice(f"node/{name} cordoned")
    pods = sorted(
        ctx.store.list("Pod", where=lambda p: p.spec.get("nodeName") == name),
        key=lambda p: (p.namespace, p.name),
    )

    def daemon_set_exists(namespace: str, ds_name: str) -> bool:
        return ctx.store.get("DaemonSet", namespace, ds_name) is not None

    result = filter_pods(pods, options, daemon_set_exists, ctx.now_ms)
    if result.errors:
        _fail(ctx, name, result.error_text())
        return
    if result.warnings:
        ctx.notice(f"Warning: {result.warning_text()}")
    ctx.env.process(_evict_all(ctx, name, result.delete, options))


def _fail(ctx: ControlContext, node: str, error: str) -> None:
    ctx.notice(f'error: unable to drain node "{node}" due to error: {error}, continuing command...')
    ctx.notice(f"There are pending nodes to be drained:\n {node}")
    ctx.notice(f"error: {error}")


def _evict_all(
    ctx: ControlContext, node: str, pods: list[ApiObject], options: DrainOptions
) -> Generator[Any, Any, None]:
    deadline = ctx.now_ms + options.timeout_seconds * 1000 if options.timeout_seconds > 0 else None
    errors: list[str] = []
    processes = [ctx.env.process(_one(ctx, pod, options, deadline, errors)) for pod in pods]
    if processes:
        yield ctx.env.all_of(processes)
    if errors:
        _fail(ctx, node, errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]")
        return
    ctx.notice(f"node/{node} drained")


def _gone(ctx: ControlContext, pod: ApiObject) -> bool:
    now = ctx.store.get("Pod", pod.namespace, pod.name)
    return now is None or now.uid != pod.uid


def _one(
    ctx: ControlContext,
    pod: ApiObject,
    options: DrainOptions,
    deadline: int | None,
    errors: list[str],
) -> Generator[Any, Any, None]:
    grace = None if options.grace_period < 0 else options.grace_period
    where = f'pods/"{pod.name}" -n "{pod.namespace}"'
    limit = _duration(options.timeout_seconds)
    timed_out = f"error when evicting {where}: global timeout reached: {limit}"
    if options.disable_eviction:
        try:
            ctx.store.delete("Pod", pod.namespace, pod.name, grace_seconds=grace)
        except NotFound:
            return
        verb = "deleted"
    else:
        verb = "evicted"
        while True:
            ctx.notice(f"evicting pod {pod.namespace}/{pod.name}")
            answer = evict(ctx, pod.namespace, pod.name, grace)
            if answer.code == 404:
                return
            if answer.code == 201:
                break
            if answer.code != 429:
                errors.append(f"error when evicting {where}: {answer.message}")
                return
            ctx.notice(f"error when evicting {where} (will retry after 5s): {answer.message}")
            if deadline is not None and ctx.now_ms + RETRY_MS > deadline:
                yield ctx.env.timeout(max(0, deadline - ctx.now_ms))
                errors.append(timed_out)
                return
            yield ctx.env.timeout(RETRY_MS)
    while not _gone(ctx, pod):
        if deadline is not None and ctx.now_ms + POLL_MS > deadline:
            yield ctx.env.timeout(max(0, deadline - ctx.now_ms))
            errors.append(timed_out)
            return
        yield ctx.env.timeout(POLL_MS)
    ctx.notice(f"pod/{pod.name} {verb}")
