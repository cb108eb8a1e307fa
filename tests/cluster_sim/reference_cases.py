"""The upstream case tables, loaded once (copies live in tests/reference/)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


@functools.cache
def load(name: str) -> list[dict[str, Any]]:
    """``kubelet-lifecycle-cases.json`` or ``pod-environment-cases.json``, parsed."""
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))
