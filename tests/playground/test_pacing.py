"""Pacer: wall-clock time to simulated target time."""

from __future__ import annotations

import pytest

from playground.pacing import Pacer


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_target_starts_at_start_time() -> None:
    clock = FakeClock()
    pacer = Pacer(5, horizon=3600, start=0.0, clock=clock)
    assert pacer.target() == 0.0


def test_target_advances_by_wall_elapsed_times_speed() -> None:
    clock = FakeClock()
    pacer = Pacer(5, horizon=3600, clock=clock)
    clock.now += 2.5
    assert pacer.target() == 12.5


def test_target_never_exceeds_horizon() -> None:
    clock = FakeClock()
    pacer = Pacer(100, horizon=60, clock=clock)
    clock.now += 10
    assert pacer.target() == 60
    assert pacer.wall_until_horizon() == 0


def test_target_ignores_a_clock_that_goes_backwards() -> None:
    clock = FakeClock()
    pacer = Pacer(1, horizon=60, start=3.0, clock=clock)
    clock.now -= 5
    assert pacer.target() == 3.0


def test_speed_change_continues_from_current_target_without_a_jump() -> None:
    clock = FakeClock()
    pacer = Pacer(1, horizon=3600, clock=clock)
    clock.now += 10  # 10 s at 1x
    pacer.set_speed(20)
    assert pacer.target() == 10
    clock.now += 2  # 2 s at 20x
    assert pacer.target() == 50
    pacer.set_speed(5)
    clock.now += 1
    assert pacer.target() == 55
    assert pacer.speed == 5


def test_slowing_down_never_moves_the_target_backwards() -> None:
    clock = FakeClock()
    pacer = Pacer(100, horizon=3600, clock=clock)
    clock.now += 1
    before = pacer.target()
    pacer.set_speed(1)
    assert pacer.target() == before == 100


def test_wall_until_horizon() -> None:
    clock = FakeClock()
    pacer = Pacer(10, horizon=100, clock=clock)
    clock.now += 4
    assert pacer.wall_until_horizon() == pytest.approx(6.0)


@pytest.mark.parametrize("speed", [0, -1, float("nan")])
def test_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="speed must be positive"):
        Pacer(speed, horizon=10, clock=FakeClock())
    pacer = Pacer(1, horizon=10, clock=FakeClock())
    with pytest.raises(ValueError, match="speed must be positive"):
        pacer.set_speed(speed)


def test_horizon_before_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="horizon must not be before start"):
        Pacer(1, horizon=5, start=10, clock=FakeClock())


def test_a_paused_pacer_holds_its_target_and_resumes_without_a_jump() -> None:
    clock = FakeClock()
    pacer = Pacer(10, horizon=3600, clock=clock)
    clock.now += 2  # 20 s
    pacer.pause()
    assert pacer.paused
    clock.now += 100  # a long pause counts for nothing
    assert pacer.target() == 20
    assert pacer.wall_until_horizon() == float("inf")
    pacer.resume()
    assert not pacer.paused
    assert pacer.target() == 20
    clock.now += 1
    assert pacer.target() == 30


def test_pause_and_resume_at_a_given_simulated_time() -> None:
    clock = FakeClock()
    pacer = Pacer(10, horizon=100, clock=clock)
    clock.now += 1  # the target is at 10 s; the simulation only got to 9.5 s
    pacer.pause(at=9.5)
    assert pacer.target() == 9.5
    pacer.resume(at=42.0)  # after a step or a fast-forward
    clock.now += 1
    assert pacer.target() == 52.0
    pacer.pause(at=500)  # never past the horizon
    assert pacer.target() == 100


def test_speed_change_while_paused_applies_on_resume() -> None:
    clock = FakeClock()
    pacer = Pacer(1, horizon=3600, clock=clock)
    clock.now += 5
    pacer.pause()
    pacer.set_speed(100)
    clock.now += 5
    assert pacer.target() == 5
    pacer.resume()
    clock.now += 1
    assert pacer.target() == 105
