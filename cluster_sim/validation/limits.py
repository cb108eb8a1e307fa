"""Layer 4: the playground's own limits, and kinds it cannot run yet.

Kubernetes would accept these inputs; the playground does not, and says so
instead of silently ignoring or truncating anything. Size limits on the raw
text (1 MiB per input, 2,000 documents, 100,000 values per input, 50,000
values or 64 levels per document) are enforced while loading, in
:mod:`cluster_sim.yamlsource`; the number of Pods and Nodes a run may hold,
in :mod:`cluster_sim.bundle`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from ..yamlsource import MAX_BYTES, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES, MAX_TOTAL_NODES

MAX_HORIZON_S: Final = 24 * 3600.0

__all__ = [
    "GENERATE_NAME",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MAX_HORIZON_S",
    "MAX_NODES",
    "MAX_TOTAL_NODES",
    "horizon_problem",
    "unsupported_kind",
]


def unsupported_kind(kind: str, supported: Iterable[str]) -> str:
    return (
        f'kind "{kind}" is not supported by the playground yet; '
        f"supported kinds: {', '.join(supported)}"
    )


def horizon_problem(seconds: Any) -> str | None:
    """The message for a simulated horizon beyond the playground's, else ``None``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return None
    if seconds > MAX_HORIZON_S:
        return (
            f"the playground simulates at most {MAX_HORIZON_S:g} seconds "
            f"({MAX_HORIZON_S / 3600:g} hours); this asks for {seconds:g}"
        )
    return None


GENERATE_NAME: Final = (
    "metadata.generateName is not supported by the playground yet; give the object a metadata.name"
)
