"""``copy.deepcopy`` for a manifest's tree of dicts, lists and scalars, without its dispatch.

The API server stores a copy of every object it is given; a thousand-Pod bundle
copies a thousand manifests in its first instant, and ``deepcopy`` pays a type
dispatch, a memo entry and a keep-alive append per value. A manifest is what YAML
gave: dicts, lists, strings, numbers, booleans and None. Those are copied here
directly; anything else goes to ``deepcopy`` with the same memo. Shared parts (a
YAML alias) stay shared in the copy and a cycle stays a cycle, as under
``deepcopy``: every dict and list is remembered by ``id`` while the original,
which the caller holds, keeps those ids alive.
"""

from __future__ import annotations

import copy
from typing import Any

_ATOMS = frozenset({str, int, float, bool, type(None)})


def copy_manifest(value: Any) -> Any:
    """A deep copy of ``value`` equal to ``copy.deepcopy(value)``, aliasing included."""
    return _copy(value, {})


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        done = memo.get(id(value))
        if done is not None:
            return done
        out: dict[Any, Any] = {}
        memo[id(value)] = out
        for key, item in value.items():
            if type(key) not in _ATOMS:
                key = copy.deepcopy(key, memo)
            out[key] = item if type(item) in _ATOMS else _copy(item, memo)
        return out
    if kind is list:
        done = memo.get(id(value))
        if done is not None:
            return done
        items: list[Any] = []
        memo[id(value)] = items
        for item in value:
            items.append(item if type(item) in _ATOMS else _copy(item, memo))
        return items
    return copy.deepcopy(value, memo)
