"""Every gallery scenario and docs example prints the same bytes as when its digest was taken.

Refactors of the simulator must not change a run. A change meant to alter what runs show
regenerates ``digests/scenario_digests.json`` (``scenario_digests.py --update``) and says why.
"""

from __future__ import annotations

import json

import pytest
from digests.scenario_digests import DIGESTS, digest, inputs, key

EXPECTED: dict[str, str] = json.loads(DIGESTS.read_text())


def test_every_input_has_a_digest() -> None:
    assert sorted(key(p) for p in inputs()) == sorted(EXPECTED)


@pytest.mark.parametrize("path", inputs(), ids=key)
def test_run_is_byte_identical(path) -> None:  # type: ignore[no-untyped-def]
    assert digest(path) == EXPECTED[key(path)], f"{key(path)} prints different records"
