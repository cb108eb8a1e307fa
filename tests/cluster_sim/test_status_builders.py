"""The pod worker's ContainerStatus builders equal ``dataclasses.replace``, field for field."""

from __future__ import annotations

import dataclasses

from cluster_sim.status import (
    ContainerStatus,
    Running,
    Terminated,
    Waiting,
    not_running,
    with_probe_results,
    with_state,
)

# Every field set to a value unlike its default, so a builder that drops one is seen.
SAMPLE = ContainerStatus(
    name="app",
    state=Running(started_at=5_000),
    last_state=Terminated(1, "Error", 1_000, 2_000, "boom"),
    ready=True,
    started=True,
    restart_count=3,
    container_id="containerd://abc",
    image="docker.io/library/busybox:latest",
    image_id="docker.io/library/busybox@sha256:0123",
)
BACK_OFF = Waiting("CrashLoopBackOff", "back-off 10s restarting failed container")
EXITED = Terminated(2, "Error", 5_000, 9_000)


def test_the_sample_sets_every_field() -> None:
    defaults = ContainerStatus(name="", state=Waiting())
    for f in dataclasses.fields(ContainerStatus):
        assert getattr(SAMPLE, f.name) != getattr(defaults, f.name), f.name


def test_with_state_is_replace_of_the_state() -> None:
    assert with_state(SAMPLE, EXITED) == dataclasses.replace(SAMPLE, state=EXITED)


def test_with_probe_results_is_replace_of_started_and_ready() -> None:
    assert with_probe_results(SAMPLE, False, False) == dataclasses.replace(
        SAMPLE, started=False, ready=False
    )
    assert with_probe_results(SAMPLE, None, True) == dataclasses.replace(SAMPLE, started=None)


def test_not_running_is_waiting_neither_ready_nor_started() -> None:
    assert not_running(SAMPLE, BACK_OFF, EXITED) == dataclasses.replace(
        SAMPLE, state=BACK_OFF, last_state=EXITED, ready=False, started=False
    )
