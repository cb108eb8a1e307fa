"""The README's table of limits is the one in cluster_sim.limits (docs cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

from cluster_sim.limits import DEFAULT_LIMITS, LIMITS, RunLimits, markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_generated_from_the_limits_module() -> None:
    text = README.read_text()
    table = re.search(r"<!-- limits table:[^\n]*-->\n(.*?)<!-- end of limits table -->", text, re.S)
    assert table is not None
    assert table.group(1) == markdown_table()


def test_every_limit_is_named_in_the_table_and_the_table_shows_the_defaults() -> None:
    assert {entry.field for entry in LIMITS} == set(RunLimits.__dataclass_fields__)
    table = markdown_table()
    assert "| bytes of YAML per input | 256 KiB | refused before the run |" in table
    assert "| simulated seconds per run | 3,600 s |" in table
    assert markdown_table(DEFAULT_LIMITS.raised(pods=7)) != table
