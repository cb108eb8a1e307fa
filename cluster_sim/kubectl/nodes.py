"""``kubectl cordon/uncordon/drain`` and adding or deleting a Node, against the store.

A cordon sets the Node's ``spec.unschedulable``; the node's kubelet and the
scheduler react (``NodeNotSchedulable``/``NodeSchedulable``, the waiting Pods
retried on uncordon). ``drain`` is in ``drain.py``. ``add_node`` creates a
Node (its kubelet registers at once); ``remove_node`` is ``kubectl delete
node``: the machine's kubelet is gone with it and the Pod garbage collector
force-deletes its Pods after its 40 s quarantine (``controlplane/podgc.py``).
"""

from __future__ import annotations

from ..controlplane.context import ControlContext
from ..controlplane.store import ApiError, ApiObject
from ..defaults import node_labels
from . import error_notice
from .pods import delete


def _node(ctx: ControlContext, name: str) -> ApiObject | None:
    obj = ctx.store.get("Node", "", name)
    if obj is None:
        ctx.notice(f'nodes "{name}" not found')
    return obj


def cordon(ctx: ControlContext, name: str, unschedulable: bool = True) -> None:
    """``kubectl cordon`` (``uncordon`` with ``unschedulable=False``)."""
    obj = _node(ctx, name)
    if obj is None or bool(obj.spec.get("unschedulable")) == unschedulable:
        return
    spec = {**obj.spec, "unschedulable": unschedulable}
    if not unschedulable:
        spec.pop("unschedulable")
    ctx.store.update(obj, {**obj.body, "spec": spec})


def add_node(
    ctx: ControlContext, name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110"
) -> None:
    """A new node joins: its Node object, as its kubelet registers it."""
    capacity = {"cpu": str(cpu), "memory": str(memory), "pods": str(pods)}
    manifest = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": node_labels(name)},
        "spec": {},
        "status": {"capacity": capacity, "allocatable": dict(capacity)},
    }
    try:
        ctx.store.create("Node", manifest)
    except ApiError as error:
        ctx.notice(error_notice(error))


def remove_node(ctx: ControlContext, name: str) -> None:
    """``kubectl delete node``."""
    delete(ctx, "Node", "", name)
