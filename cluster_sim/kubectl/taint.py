"""``kubectl taint nodes NODE KEY[=VALUE]:EFFECT[-]``, against the store.

kubectl's ``parseTaints`` checks the key (a qualified name) and the value (a
label value): ``error: invalid taint spec: <spec>, <problems>``. Adding a taint
whose key and effect the node has already is refused without ``--overwrite``
(``error: node <node> already has <key> taint(s) with same effect(s) and
--overwrite is false``); removing one the node lacks is ``error: taint
"<key>:<effect>" not found``. ``ReorganizeTaints`` puts the taints to add first,
then the node's other taints in their order, and names the result: ``node/<node>
tainted``, ``untainted`` or ``modified`` (an overwrite), printed as a notice.
The scheduler, the DaemonSet controller and the taint eviction controller react
to the Node's new ``spec.taints``.
"""

from __future__ import annotations

from typing import Any

from ..controlplane.context import ControlContext
from ..placement import node_taints
from ..validation.rules import is_qualified_name, is_valid_label_value

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def taint_spec(key: str, value: str, effect: str) -> str:
    """``Taint.ToString()``: ``key=value:effect``, ``key:effect`` or ``key``."""
    text = f"{key}={value}" if value else key
    return f"{text}:{effect}" if effect else text


def taint(
    ctx: ControlContext,
    node_name: str,
    key: str,
    value: str = "",
    effect: str = "",
    *,
    remove: bool = False,
    overwrite: bool = False,
) -> str:
    """Change the node's taints as ``kubectl taint`` does; return what kubectl prints."""
    spec = taint_spec(key, "" if remove else value, effect)
    problems = is_qualified_name(key) + ([] if remove else is_valid_label_value(value))
    if problems:
        return _say(ctx, f"error: invalid taint spec: {spec}, {'; '.join(problems)}")
    node = ctx.store.get("Node", "", node_name)
    if node is None:
        return _say(ctx, f'Error from server (NotFound): nodes "{node_name}" not found')
    old = node_taints({"spec": node.spec})
    if remove:
        new = [t for t in old if not (t.get("key") == key and effect in ("", t.get("effect")))]
        if len(new) == len(old):
            return _say(ctx, f'error: taint "{spec}" not found')
        operation = "untainted"
    else:
        same = [t for t in old if t.get("key") == key and t.get("effect") == effect]
        if same and not overwrite:
            return _say(
                ctx,
                f"error: node {node_name} already has {key} taint(s) with same effect(s) "
                "and --overwrite is false",
            )
        added: dict[str, Any] = {"key": key, "effect": effect}
        if value:
            added = {"key": key, "value": value, "effect": effect}
        new = [added, *(t for t in old if t not in same)]
        operation = "modified" if overwrite else "tainted"
    body = {**node.body, "spec": {**node.spec, "taints": new}}
    if not new:
        body["spec"].pop("taints")
    ctx.store.update(node, body)
    return _say(ctx, f"node/{node_name} {operation}")


def _say(ctx: ControlContext, line: str) -> str:
    ctx.notice(line)
    return line
