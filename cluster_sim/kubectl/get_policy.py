"""``kubectl get pdb`` rows (``printPodDisruptionBudget``).

NAME, MIN AVAILABLE and MAX UNAVAILABLE (the int-or-percent as written,
``N/A`` when unset), ALLOWED DISRUPTIONS (``status.disruptionsAllowed``), AGE.
"""

from __future__ import annotations

from typing import Final

from ..controlplane.store import ApiObject
from .text import human_duration

PDB_HEADERS: Final = ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]
POLICY_HEADERS: Final[dict[str, tuple[list[str], list[str]]]] = {
    "PodDisruptionBudget": (PDB_HEADERS, [])
}


def _int_or_string(value: object) -> str:
    return "N/A" if value is None else str(value)


def policy_row(obj: ApiObject, now_ms: int, wide: bool) -> list[str]:
    allowed = obj.status.get("disruptionsAllowed")
    return [
        obj.name,
        _int_or_string(obj.spec.get("minAvailable")),
        _int_or_string(obj.spec.get("maxUnavailable")),
        str(allowed if isinstance(allowed, int) else 0),
        human_duration(now_ms - obj.created_ms),
    ]
