"""Actions a user (or a Scenario) takes on a running cluster.

An action happens at a simulated instant, *after* everything else the
cluster does at that instant, whether it is taken live (``Simulation.act``
between two ``advance`` calls) or replayed from a Scenario or an action log.
That is what makes a run with live actions replay byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .clock import LATE, LateCall  # noqa: F401  (re-exported)
from .kubectl import batch, drain, nodes, pods, workloads
from .kubectl.taint import taint
from .podkey import pod_key
from .registry.push import push_image
from .scenario import ACTIONS, action_object_kind, action_problem, object_key

if TYPE_CHECKING:
    from .cluster import Cluster
    from .controlplane.context import ControlContext

ACTION_KINDS = ACTIONS


class ActionError(ValueError):
    """An action that cannot be taken as asked (a plain message for the user)."""


def schedule_action(
    cluster: Cluster, at_ms: int, kind: str, args: Mapping[str, Any], line: int = 0
) -> None:
    LateCall(cluster.env, at_ms, lambda: perform(cluster, kind, args, line))


def check(kind: str, args: Mapping[str, Any]) -> None:
    """Raise ``ActionError`` unless ``kind`` with ``args`` is an action the playground takes."""
    problem = action_problem(kind, args)
    if problem:
        raise ActionError(problem)


def perform(cluster: Cluster, kind: str, args: Mapping[str, Any], line: int = 0) -> None:
    """Take the action now; problems become notices, never exceptions."""
    cluster.recorder.emit("action", action=kind, args=dict(args))
    try:
        check(kind, args)
        ctx = cluster.ctx
        if kind == "delete":
            object_kind = action_object_kind(kind, args)
            if object_kind == "Pod" and args.get("pod"):
                namespace, _, name = pod_key(args["pod"]).partition("/")
            else:
                namespace, name = object_key(args)
            grace = args.get("gracePeriodSeconds")
            pods.delete(
                ctx,
                object_kind,
                namespace,
                name,
                args.get("propagationPolicy"),
                None if grace is None else int(grace),
                force=bool(args.get("force")),
            )
        elif kind == "kill":
            cluster.kill_container(
                pod_key(args["pod"]), str(args["container"]), int(args.get("exitCode", 137))
            )
        elif kind in ("unhealthy", "healthy"):
            cluster.faults.set_unhealthy(
                pod_key(args["pod"]), str(args.get("container") or ""), kind == "unhealthy"
            )
            if kind == "unhealthy":
                container = str(args.get("container") or "")
                _hint_without_probes(cluster, pod_key(args["pod"]), container)
        elif kind == "fillMemory":
            cluster.fill_memory(
                pod_key(args["pod"]), str(args["container"]), float(args.get("mib", 100))
            )
        elif kind in ("cordon", "uncordon"):
            nodes.cordon(ctx, str(args["node"]), kind == "cordon")
        elif kind == "drain":
            drain.drain(ctx, str(args["node"]), drain.options_from(args))
        elif kind == "addNode":
            sizes = {k: str(args[k]) for k in ("cpu", "memory", "pods") if args.get(k) is not None}
            nodes.add_node(ctx, str(args["name"]), **sizes)
        elif kind == "removeNode":
            nodes.remove_node(ctx, str(args["name"]))
        elif kind in WORKLOAD_ACTIONS:
            _workload_action(ctx, kind, args)
        elif kind == "failNode":
            cluster.fail_node(str(args["node"]))
        elif kind == "apply":
            cluster.apply(str(args["manifest"]), line)
        elif kind in CRONJOB_ACTIONS:
            _cron_job_action(ctx, kind, args)
        elif kind == "taint":
            taint(
                ctx,
                str(args["node"]),
                str(args["key"]),
                str(args.get("value") or ""),
                str(args.get("effect") or ""),
                remove=bool(args.get("remove")),
                overwrite=bool(args.get("overwrite")),
            )
        elif kind == "pushImage":
            push_image(cluster.registry, args)
    except (ActionError, TypeError, ValueError) as problem:
        cluster.notice(f"{kind}: {problem}")


WORKLOAD_ACTIONS = ("scale", "setImage", "rolloutUndo", "rolloutPause", "rolloutResume")


def _workload_action(ctx: ControlContext, kind: str, args: Mapping[str, Any]) -> None:
    """``kubectl scale``, ``set image`` and ``rollout undo|pause|resume`` (kubectl.workloads)."""
    object_kind = action_object_kind(kind, args)
    namespace, name = object_key(args)
    key = f"{namespace}/{name}"
    if kind == "scale":
        workloads.scale(ctx, object_kind, key, int(args["replicas"]))
    elif kind == "setImage":
        workloads.set_image(ctx, object_kind, key, str(args["container"]), str(args["image"]))
    elif kind == "rolloutUndo":
        to_revision = args.get("toRevision")
        workloads.rollout_undo(ctx, key, int(to_revision) if to_revision is not None else 0)
    elif kind == "rolloutPause":
        workloads.rollout_pause(ctx, key)
    else:
        workloads.rollout_resume(ctx, key)


CRONJOB_ACTIONS = ("triggerCronJob", "suspendCronJob", "resumeCronJob")


def _cron_job_action(ctx: ControlContext, kind: str, args: Mapping[str, Any]) -> None:
    """``kubectl create job --from=cronjob/NAME`` and ``patch`` suspend (kubectl.batch)."""
    namespace, name = object_key(args)
    key = f"{namespace}/{name}"
    if kind == "triggerCronJob":
        batch.trigger(ctx, key, str(args.get("job") or ""))
    else:
        batch.suspend(ctx, key, kind == "suspendCronJob")


def _hint_without_probes(cluster: Cluster, key: str, container: str) -> None:
    """A notice when "unhealthy" has nothing to fail: only probes see a container's health."""
    rt = cluster.find_pod(key)
    if rt is None:
        return
    spec = rt.pod.spec
    every = (*spec.init_containers, *spec.containers)
    chosen = [c for c in every if c.name == container or not container]
    if not chosen or any(c.probes() for c in chosen):
        return
    who = f"container {container} of pod {rt.pod.name}" if container else f"pod {rt.pod.name}"
    cluster.notice(
        f"unhealthy: {who} has no liveness, readiness or startup probe, so nothing checks its "
        "health and nothing changes; add a livenessProbe (restarts) or a readinessProbe "
        "(not Ready) to see the kubelet react"
    )
