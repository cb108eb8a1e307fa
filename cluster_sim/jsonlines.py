"""The record stream as JSON lines: one writer for the CLI and the page's export.

``python -m cluster_sim run --output jsonl`` and a shared run's download
(``/s/<slug>/records.jsonl``, :mod:`playground.views`) both write records through
:func:`record_line`, so the same run gives the same bytes either way: one compact
JSON object per line (no spaces after ``,`` and ``:``), keys in the record's own
order, non-ASCII text as UTF-8 rather than ``\\u`` escapes, floats as Python's
``repr`` (``5.0``, ``0.25``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def record_line(record: Mapping[str, Any]) -> str:
    """One record as one JSON line, ending in a newline."""
    return _ENCODER.encode(record) + "\n"


def write_jsonl(records: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    """Write each record as one line of ``out``."""
    for record in records:
        out.write(record_line(record))
