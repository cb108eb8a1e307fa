"""``kubectl get netpol`` rows (``printNetworkPolicy``): NAME, POD-SELECTOR, AGE.

POD-SELECTOR is ``metav1.FormatLabelSelector`` of ``spec.podSelector``
(``<none>`` when it selects every Pod of the namespace).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..controlplane.store import ApiObject
from .text import format_selector, human_duration

NETPOL_HEADERS: Final[dict[str, tuple[list[str], list[str]]]] = {
    "NetworkPolicy": (["NAME", "POD-SELECTOR", "AGE"], [])
}


def netpol_row(obj: ApiObject, now_ms: int, wide: bool) -> list[str]:
    selector = obj.spec.get("podSelector")
    return [
        obj.name,
        format_selector(selector if isinstance(selector, Mapping) else None),
        human_duration(now_ms - obj.created_ms),
    ]
