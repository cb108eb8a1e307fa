"""Layer 4: the playground's own limits, and kinds it does not simulate.

Kubernetes would accept these inputs; the playground does not, and says so
instead of silently ignoring or truncating anything. The values live in
:mod:`cluster_sim.limits` (``DEFAULT_LIMITS``, raised by the CLI's flags).
Size limits on the raw text (bytes, documents, values, nesting) are enforced
while loading, in :mod:`cluster_sim.yamlsource`; the number of Pods, Nodes
and containers a run may hold, in :mod:`cluster_sim.bundle`; the horizon here.
"""

from __future__ import annotations

import math
from typing import Any, Final

from ..limits import DEFAULT_LIMITS
from ..yamlsource import MAX_BYTES, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES, MAX_TOTAL_NODES

MAX_HORIZON_S: Final = DEFAULT_LIMITS.horizon_s

__all__ = [
    "GENERATE_NAME",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MAX_HORIZON_S",
    "MAX_NODES",
    "MAX_TOTAL_NODES",
    "horizon_problem",
    "too_many",
    "unsimulated_kind",
]


def unsimulated_kind(kind: str) -> str:
    """The warning for a document of a kind the playground does not run.

    Kubernetes would create the object; the playground skips the document, says
    so at its ``kind:`` line, and runs the rest of the bundle.
    """
    return f'kind "{kind}" is not simulated by the playground; this document is skipped'


def horizon_problem(seconds: Any, maximum: float = MAX_HORIZON_S) -> str | None:
    """The message for a simulated horizon beyond the playground's, else ``None``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return None
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return None  # not a number of seconds: the Scenario's reader says so
    if seconds > maximum:
        hours = maximum / 3600
        return (
            f"the playground simulates at most {maximum:g} seconds "
            f"({hours:g} hour{'' if hours == 1 else 's'}); this asks for {seconds:g}"
        )
    return None


def too_many(what: str, limit: int, count: int) -> str:
    """The playground's refusal of an input with more ``what`` than it runs."""
    return f"the playground runs at most {limit:,} {what}; this input has {count:,}"


GENERATE_NAME: Final = (
    "metadata.generateName is not supported by the playground yet; give the object a metadata.name"
)
