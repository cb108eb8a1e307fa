"""Fixtures for the playground tests."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


@pytest.fixture
def fast_ticks(settings: Any) -> Any:
    """Tick every 10 ms so that runs at top speed take well under a second."""
    settings.PLAYGROUND_TICK_SECONDS = 0.01
    return settings


@pytest.fixture(scope="session", autouse=True)
def simulation_workers() -> Any:
    """The server's worker pool, started once at normal priority and warmed up.

    Starting a worker imports the simulator (about a second on a busy machine); the
    run tests wait for their first frames with short timeouts.
    """
    from django.conf import settings

    from playground.consumers import get_pool
    from playground.simpool import RunSpec, WorkerPool

    settings.PLAYGROUND_WORKER_NICENESS = 0
    pool = get_pool()
    if isinstance(pool, WorkerPool):

        async def warm_up() -> None:
            spec = RunSpec("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", 0, None)
            runs = [await pool.open(spec) for _ in pool.workers]
            for run in runs:
                run.close()

        asyncio.run(warm_up())
    return pool
