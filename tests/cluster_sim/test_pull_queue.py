"""``PullQueue`` grants a node's pulls as ``simpy.Resource(capacity=1)`` did, event for event.

The image manager's pulls went through a SimPy resource; the queue that replaced
it must give every pull its turn at the same instant *and in the same order
among equal-time events*, or the records of a run with concurrent pulls change,
in as many steps (the run's events-per-second budget counts them).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from typing import Any

import simpy

from cluster_sim.pull_queue import PullQueue

Trace = list[tuple[float, str]]


def _trace(make_lock: Callable[[simpy.Environment], Any], seed: int) -> Trace:
    """Pulls asked at random instants (many equal) with random durations (some 0),
    interleaved with other processes' events at the same instants: who ran when."""
    env = simpy.Environment()
    lock = make_lock(env)
    rng = random.Random(seed)
    trace: Trace = []

    def pull(name: str, at: int, duration: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        trace.append((env.now, f"{name} asks"))
        with lock.request() as turn:
            yield turn
            trace.append((env.now, f"{name} pulls"))
            yield env.timeout(duration)
        trace.append((env.now, f"{name} done"))

    def bystander(name: str, at: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        for step in range(3):  # zero-delay hops: they interleave with the grant events
            trace.append((env.now, f"{name} hop {step}"))
            yield env.timeout(0)

    for i in range(40):
        env.process(pull(f"pull-{i}", rng.choice([0, 0, 5, 10, 10, 20]), rng.choice([0, 5, 10])))
        env.process(bystander(f"other-{i}", rng.choice([0, 5, 10, 15, 20])))
    steps = 0
    while env.peek() < float("inf"):
        env.step()
        steps += 1
    trace.append((env.now, f"{steps} steps"))  # the events-per-second budget counts them
    return trace


def test_pulls_run_one_at_a_time_in_the_order_and_instants_simpy_gave() -> None:
    for seed in range(20):
        expected = _trace(lambda env: simpy.Resource(env, capacity=1), seed)
        assert _trace(PullQueue, seed) == expected, seed


def test_a_waiting_pull_that_gives_up_leaves_the_queue() -> None:
    env = simpy.Environment()
    queue = PullQueue(env)
    first = queue.request()
    second = queue.request()
    second.__exit__(simpy.Interrupt, None, None)  # interrupted while it waited
    assert list(queue.waiting) == []
    first.__exit__(None, None, None)
    third = queue.request()
    env.run()
    assert third.triggered and queue.holder is third
