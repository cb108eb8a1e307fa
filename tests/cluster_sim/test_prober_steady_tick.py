"""The prober's steady healthy tick (``ProbeWorker._on_timer``'s short path) against ``do_probe``.

The short path takes ``do_probe``'s checks (``_steady``) and ``observe``'s record
(``_record``) without ``do_probe``, for the probed hour's common tick. Here every
probing scenario runs twice: as it is, and with the short path never taken
(``_healthy_listener`` finds no listener whose answer a later tick may reuse), so
that every tick goes through ``do_probe``. The records must be the same bytes, and
the short path must have taken ticks from ``do_probe``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from digests.scenario_digests import ROOT, digest

from cluster_sim.kubelet import prober
from cluster_sim.kubelet.prober import ProbeWorker

PROBING = sorted(
    p
    for folder in ("gallery", "tests/cluster_sim/docs_examples")
    for p in (ROOT / folder).rglob("*.yaml")
    if "Probe:" in p.read_text()
)


@pytest.fixture
def do_probe_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many ticks went through ``do_probe``."""
    calls = [0]
    do_probe = ProbeWorker.do_probe

    def counted(self: ProbeWorker) -> str:
        calls[0] += 1
        return do_probe(self)

    monkeypatch.setattr(ProbeWorker, "do_probe", counted)
    yield calls


def test_scenarios_with_probes_are_found() -> None:
    assert len(PROBING) >= 12


@pytest.mark.parametrize("path", PROBING, ids=lambda p: p.name)
def test_steady_tick_writes_what_do_probe_writes(
    path: Path, do_probe_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_short_path = digest(path)
    short_path_calls = do_probe_calls[0]
    do_probe_calls[0] = 0
    monkeypatch.setattr(ProbeWorker, "_healthy_listener", lambda self, result: prober._UNHEALTHY)
    assert digest(path) == with_short_path
    assert do_probe_calls[0] >= short_path_calls


def test_the_short_path_takes_the_steady_ticks(
    do_probe_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ROOT / "tests/cluster_sim/docs_examples/tcp-liveness-readiness.yaml"
    digest(path)
    short_path_calls = do_probe_calls[0]
    do_probe_calls[0] = 0
    monkeypatch.setattr(ProbeWorker, "_healthy_listener", lambda self, result: prober._UNHEALTHY)
    digest(path)
    assert short_path_calls < do_probe_calls[0] / 2


class _TracedSlot:
    """A slot's descriptor that notes each read of it, then reads the slot."""

    def __init__(self, name: str, member: Any, reads: list[str]) -> None:
        self.name, self.member, self.reads = name, member, reads

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        self.reads.append(self.name)
        return self.member.__get__(obj, owner)

    def __set__(self, obj: object, value: Any) -> None:
        self.member.__set__(obj, value)

    def __delete__(self, obj: object) -> None:
        self.member.__delete__(obj)


def test_a_steady_tick_reads_only_the_worker_s_first_slots(
    do_probe_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 5,000 probed Pods a tick's cost is the cache lines it touches: the slots the steady
    tick reads come first in ``__slots__`` (the order they lie in memory), none between them
    that it does not read, so it touches the worker's first lines only."""
    reads: list[str] = []
    for name in ProbeWorker.__slots__:
        monkeypatch.setattr(ProbeWorker, name, _TracedSlot(name, ProbeWorker.__dict__[name], reads))
    steady: set[str] = set()
    ticks = [0]
    on_timer = ProbeWorker._on_timer

    def traced(self: ProbeWorker, event: Any) -> None:
        reads.clear()
        before = do_probe_calls[0]
        on_timer(self, event)
        if do_probe_calls[0] == before and "result_run" in reads:  # the short path ran
            steady.update(reads)
            ticks[0] += 1

    monkeypatch.setattr(ProbeWorker, "_on_timer", traced)
    digest(ROOT / "tests/cluster_sim/docs_examples/tcp-liveness-readiness.yaml")
    assert ticks[0] > 10
    assert set(ProbeWorker.__slots__[: len(steady)]) == steady
