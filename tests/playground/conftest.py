"""Fixtures for the playground tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def fast_ticks(settings: Any) -> Any:
    """Tick every 10 ms so that runs at top speed take well under a second."""
    settings.PLAYGROUND_TICK_SECONDS = 0.01
    return settings
