"""The image manager's pull turn, spelled out (no ``with``), against ``simpy.Resource``.

``ensure_image`` takes its turn with ``pulls.request()`` and a ``try`` whose
``except`` hands the exception to the turn's ``__exit__``, then releases the
turn with one ``pulls.release`` call; ``PullQueue`` grants a free node's turn
inline and builds its ``Released`` event with its attributes. Under contention,
with pulls asked while another is in flight and pulls interrupted while they
wait or pull, every pull must still run at the instant and in the order among
equal-time events that ``simpy.Resource(capacity=1)`` used with ``with`` gave,
in as many steps.
"""

from __future__ import annotations

import random
from collections.abc import Generator
from typing import Any

import simpy

from cluster_sim.backoff import image_pull_backoff
from cluster_sim.pull_queue import PullQueue, PullTurn, Released

Trace = list[tuple[float, str]]


def _trace(spelled_out: bool, seed: int) -> Trace:
    env = simpy.Environment()
    lock: Any = PullQueue(env) if spelled_out else simpy.Resource(env, capacity=1)
    rng = random.Random(seed)
    trace: Trace = []

    def body(name: str, turn: simpy.Event, duration: int) -> Generator[simpy.Event, Any, None]:
        yield turn
        trace.append((env.now, f"{name} pulls"))
        yield env.timeout(duration)

    def pull(name: str, at: int, duration: int) -> Generator[simpy.Event, Any, None]:
        try:
            yield env.timeout(at)
            trace.append((env.now, f"{name} asks"))
            if spelled_out:  # as ensure_image does it
                turn = lock.request()
                try:
                    yield from body(name, turn, duration)
                except BaseException as exc:
                    turn.__exit__(type(exc), exc, exc.__traceback__)
                    raise
                lock.release(turn)
            else:
                with lock.request() as turn:
                    yield from body(name, turn, duration)
        except simpy.Interrupt:
            trace.append((env.now, f"{name} interrupted"))
            return
        trace.append((env.now, f"{name} done"))

    def interrupter(victim: simpy.Process, at: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        if victim.is_alive:
            victim.interrupt()

    for i in range(40):
        proc = env.process(
            pull(f"pull-{i}", rng.choice([0, 0, 3, 5, 10, 10, 20]), rng.choice([0, 5, 10]))
        )
        if rng.random() < 0.3:  # a Pod deleted while its pull waits or runs
            env.process(interrupter(proc, rng.choice([0, 5, 7, 10, 15, 25])))
    steps = 0
    while env.peek() < float("inf"):
        env.step()
        steps += 1
    trace.append((env.now, f"{steps} steps"))
    return trace


def test_spelled_out_turns_match_simpy_resource_with_interrupts() -> None:
    for seed in range(30):
        assert _trace(True, seed) == _trace(False, seed), seed


def test_a_free_node_grants_at_once_and_the_release_is_a_step() -> None:
    env = simpy.Environment()
    queue = PullQueue(env)
    turn = queue.request()
    assert isinstance(turn, PullTurn) and turn.triggered and turn.ok and turn.value is None
    assert queue.holder is turn and turn.callbacks == []
    second = queue.request()  # asked while the first is in flight: waits
    assert not second.triggered and list(queue.waiting) == [second]
    env.run()
    assert not second.triggered
    queue.release(turn)
    released = env._queue[-1][-1]
    assert isinstance(released, Released) and released.triggered and released.ok
    env.step()
    assert queue.holder is second and second.triggered and second.value is None
    queue.release(second)
    steps = 0
    while env.peek() < float("inf"):  # the second's turn, then its release
        env.step()
        steps += 1
    assert steps == 2  # nobody waits: the release is still an event, which grants nothing
    assert queue.holder is None and env.peek() == float("inf")


def test_the_image_back_off_check_skipped_with_no_entries_is_false() -> None:
    """``ensure_image`` asks ``is_in_backoff_since_update`` only when the back-off has
    entries (a pull failed): with none, the answer it skips is False for every key."""
    now = [0]
    backoff = image_pull_backoff(lambda: now[0])
    assert not backoff.entries
    assert not backoff.is_in_backoff_since_update("uid_busybox")
    backoff.next("uid_busybox", 0)  # a failed pull
    assert backoff.entries and backoff.is_in_backoff_since_update("uid_busybox")
