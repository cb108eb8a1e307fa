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

from cluster_sim import Simulation, load_bundle
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


@pytest.mark.parametrize("path", PROBING, ids=lambda p: p.name)
def test_an_unchanged_version_means_the_pod_is_as_the_last_tick_left_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The short path trusts ``rt.probe_inputs.version``: while it is the one the last tick
    ended steady at, ``do_probe``'s checks of the Pod would all pass. Every tick that would
    take the short path checks them here, as the worker did before it had the version: a
    status written without counting a version fails this. (These scenarios open listeners
    only as containers start, and stop probes before a deletion or a lost node could show;
    the next test holds ``listen``'s count.)"""
    on_timer = ProbeWorker._on_timer
    trusted = [0]

    def checked(self: ProbeWorker, event: Any) -> None:
        if event is self._timer and self._steady_version == self._inputs.version:
            trusted[0] += 1
            assert self._listeners.get(self._port) is self._healthy
            assert self._faults.any_unhealthy or self._steady() is not None
        on_timer(self, event)

    monkeypatch.setattr(ProbeWorker, "_on_timer", checked)
    digest(path)
    if path.name == "tcp-liveness-readiness.yaml":
        assert trusted[0] > 10


def test_a_listener_opened_again_is_probed_afresh() -> None:
    """A server that opens its port again (here: answering 500 from now on) changes what the
    next tick finds, with no status written: ``listen`` counts a version, so the readiness
    worker, steady on nginx's pages until then, checks the new listener at its next tick."""
    pod = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
"""
    sim = Simulation(load_bundle([("web.yaml", pod)]), seed=0, horizon=30)
    sim.advance(20)
    (worker,) = sim.cluster.workers["default/web"].probe_workers
    assert worker._steady_version == worker._inputs.version  # on the short path
    sim.cluster.workers["default/web"].instances["web"].handle.listen(
        80, "http", respond=lambda path: (500, "boom")
    )
    probes = [r for r in sim.advance(22) if r["kind"] == "probe"]
    assert [(r["t"], r["result"], r["message"]) for r in probes] == [
        (21.0, "Failure", "HTTP probe failed with statuscode: 500"),
        (22.0, "Failure", "HTTP probe failed with statuscode: 500"),
    ]
