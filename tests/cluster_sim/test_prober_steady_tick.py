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
