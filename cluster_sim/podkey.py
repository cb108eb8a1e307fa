"""A Pod's key, ``namespace/name``: how records, actions and the page name a Pod.

A bare name means the ``default`` namespace (as ``kubectl`` without ``-n``).
The page's JavaScript has the same rule (``podKey`` in ``static/playground/``).
"""

from __future__ import annotations

DEFAULT_NAMESPACE = "default"


def pod_key(pod: object) -> str:
    """``namespace/name`` for ``pod`` given as ``name`` or ``namespace/name``."""
    text = str(pod)
    return text if "/" in text else f"{DEFAULT_NAMESPACE}/{text}"
