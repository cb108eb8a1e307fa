"""The crash loop's start path builds some records and objects by hand: each is held
equal to what the general path (``Recorder.emit``, a new SimPy event...) gives."""

from __future__ import annotations

import random
from collections.abc import Generator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import simpy
from simpy.events import PENDING
from simrun import run, scenario
from test_start_path_caches import CRASHER, RECREATED, SLEEPER

from cluster_sim import Simulation, load_bundle
from cluster_sim.errors import BundleError
from cluster_sim.kubelet.logs import MAX_LINE, Entry, LogRate, LogTotals, PodLogs
from cluster_sim.kubelet.pod_files import _effective
from cluster_sim.kubelet.pod_worker import PodWorker
from cluster_sim.kubelet.volumes import _stamp_prefix, random_chars
from cluster_sim.records import Recorder
from cluster_sim.security.process_credentials import effective_for
from cluster_sim.userland.filesystem import EPOCH


class _EmitLogs(PodLogs):
    """``PodLogs`` whose ``_show`` writes through ``Recorder.emit``, as it did before its
    records were built in place."""

    def _show(self, name: str, entries: list[Entry], now: int, *, closing: bool) -> None:
        rate = self._rates.get(name)
        if rate is None:
            rate = self._rates[name] = LogRate(self.run.log_rate)
        emit = self.rec.emit
        for i, entry in enumerate(entries):
            held = rate.admit(now)
            if not held:
                if entry.partial and not closing:
                    emit("log", pod=self.pod, container=name, line=entry.content, partial=True)
                else:
                    emit("log", pod=self.pod, container=name, line=entry.content)
                continue
            if held == 1:
                second = now // 1000
                timer = self.env.timeout((second + 1) * 1000 - now)

                def report(_event: simpy.Event, s: int = second) -> None:
                    self._report_held(name, rate, s)

                timer.callbacks.append(report)
            if i + 1 < len(entries):
                rate.hold(now, len(entries) - i - 1)
            break


def _log_records(
    cls: type[PodLogs], writes: list[tuple[float, str, str, str]], rate: int | None
) -> list[list[tuple[str, Any]]]:
    """The records of ``writes`` (time, container, text, stream; then each container's
    close), with their fields in order."""
    env = simpy.Environment()
    rec = Recorder(env)
    run = SimpleNamespace(log_totals=LogTotals(), log_rate=rate)
    logs = cls(env, rec, "default/p", run)
    names = sorted({w[1] for w in writes})
    for name in names:
        logs.started(name, f"containerd://{name}")

    def program() -> Generator[simpy.Event, Any, None]:
        for at, name, text, stream in writes:
            yield env.timeout(at - env.now)
            logs.write(name, text, stream)
        for name in names:
            logs.close(name)

    env.process(program())
    env.run()
    return [list(r.items()) for r in rec.take() if r is not None]


def test_log_records_built_in_place_are_emits_records() -> None:
    long = "x" * (MAX_LINE + 10)
    writes = [
        (0, "a", "starting\n", "stdout"),
        (0, "b", "half", "stdout"),
        (5, "a", "one\ntwo\nthree\n", "stderr"),
        (5, "a", long + "\n", "stdout"),  # partial entries, then the rest
        (1_250, "b", " more\nopen", "stdout"),  # a line, then one left open at the close
        (2_000, "a", "ünïcode\n", "stdout"),
    ]
    for rate in (None, 2):
        records = _log_records(PodLogs, writes, rate)
        assert rate is not None or any(dict(r).get("partial") for r in records)
        assert rate is None or any(dict(r)["kind"] == "log-held" for r in records)
        assert records == _log_records(_EmitLogs, writes, rate)


# -- the pod worker's wakeup, rearmed instead of built anew ---------------------------

DOCS = Path(__file__).parent / "docs_examples"
WAKEUP_CASES = {
    "crash-loop": (CRASHER, 900),
    "recreated": (RECREATED, 120),
    "deleted": (CRASHER + scenario("{at: 50, delete: {pod: web}}"), 90),
    "liveness": ((DOCS / "exec-liveness.yaml").read_text(), 300),
    "probes": ((DOCS / "tcp-liveness-readiness.yaml").read_text(), 300),
    "init": ((DOCS / "init-containers.yaml").read_text(), 120),
    "hooks": ((DOCS / "lifecycle-events.yaml").read_text(), 120),
}


def _new_wakeup(self: PodWorker) -> None:
    """What the worker did before ``_rearm_wakeup``: a new event per wakeup."""
    self._wakeup, self._woken = self.env.event(), False


@pytest.mark.parametrize("case", sorted(WAKEUP_CASES))
def test_a_rearmed_wakeup_gives_the_records_of_a_new_event_per_wakeup(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, until = WAKEUP_CASES[case]
    rearmed = run(text, until)
    monkeypatch.setattr(PodWorker, "_rearm_wakeup", _new_wakeup)
    assert rearmed == run(text, until)


def test_a_rearmed_wakeup_is_a_new_untriggered_event() -> None:
    """At every step of a crash loop, a worker's wakeup not poked yet has a new event's
    fields (but ``_ok``, which SimPy reads only once an event is triggered)."""
    sim = Simulation(load_bundle([("test.yaml", CRASHER)]), seed=0, horizon=300)
    fresh = {k: v for k, v in vars(simpy.Event(sim.env)).items() if k != "callbacks"}
    rearmed = 0
    for tenth in range(1, 3001):
        sim.advance(tenth / 10)
        for worker in sim.cluster.workers.values():
            wakeup = worker._wakeup
            if worker._woken:
                assert wakeup.triggered
                continue
            fields = {k: v for k, v in vars(wakeup).items() if k not in ("_ok", "callbacks")}
            assert fields == {**fresh, "_value": PENDING} or fields == fresh
            assert not wakeup.triggered and not wakeup.processed
            assert wakeup.callbacks in ([], [worker.process._resume])
            rearmed += "_ok" in vars(wakeup)
    assert rearmed > 1000


def test_a_step_resumed_by_a_rearmed_wakeup_has_published_nothing_yet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The wakeup is the same object from step to step: a publish in an earlier wakeup's
    step must not count as this step's (``published_this_step`` would skip a publish)."""
    rearm = PodWorker._rearm_wakeup
    resumed = []

    def checked(self: PodWorker) -> None:
        rearm(self)
        if self._step() is self._wakeup:  # a step the wakeup resumed (not one going on)
            resumed.append(self.published_this_step())

    monkeypatch.setattr(PodWorker, "_rearm_wakeup", checked)
    text, until = WAKEUP_CASES["probes"]
    run(text, until)
    run(CRASHER, 900)
    assert len(resumed) > 10 and not any(resumed)


def test_container_ids_are_the_f_string_ids_of_the_same_draws() -> None:
    """``new_container_id`` formats with ``%064x``: the ids of the format spec, zero-padded
    (a draw below 2**252 included)."""
    sim = Simulation(load_bundle([("test.yaml", CRASHER)]), seed=3, horizon=10)
    cluster = sim.cluster
    reference = random.Random()
    reference.setstate(cluster.rng.getstate())
    for _ in range(2_000):
        assert cluster.new_container_id() == f"{reference.getrandbits(256):064x}"
    cluster.rng.seed(0)
    padded = [cluster.new_container_id() for _ in range(64)]
    assert all(len(i) == 64 for i in padded) and any(i.startswith("0") for i in padded)


# -- the sync of a one-container Pod, decided without sync_all's generator ------------


def _image_changed(text: str) -> str:
    """``text``'s Pod, applied again at 30 s with another image (a restart whatever the
    policy; a running container is killed first)."""
    applied = text.replace("busybox:1.36", "busybox").replace("\n", "\n        ").rstrip()
    return text + scenario("at: 30\n    apply:\n      manifest: |\n        " + applied)


SYNC_CASES = {
    **WAKEUP_CASES,
    "image-changed-running": (_image_changed(SLEEPER), 120),
    "image-changed-crashing": (_image_changed(CRASHER), 120),
}


@pytest.mark.parametrize("case", sorted(SYNC_CASES))
def test_a_one_container_sync_gives_the_records_of_sync_all(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, until = SYNC_CASES[case]
    direct = run(text, until)
    monkeypatch.setattr(PodWorker, "sync", PodWorker.sync_all)
    assert direct == run(text, until)


# -- a volume's random characters, drawn by words -------------------------------------

WIDE = "".join(map(chr, range(33, 127))) * 2  # 188 characters: 8 bits a draw
FULL = "".join(map(chr, range(1, 128))) + "".join(map(chr, range(1, 128))) + "z"  # 255


@pytest.mark.parametrize("alphabet", [WIDE, FULL, FULL + "!", "äöü", "x" * 300, "abcdefg"])
@pytest.mark.parametrize("count", [0, 1, 7, 86, 400])
def test_random_chars_of_any_alphabet_draw_what_choice_draws(alphabet: str, count: int) -> None:
    """``random_chars``' byte path (ASCII, under 256 characters) and its fallback."""
    for seed in range(10):
        by_choice, fast = random.Random(seed), random.Random(seed)
        expected = "".join([by_choice.choice(alphabet) for _ in range(count)])
        assert random_chars(fast, alphabet, count) == expected
        assert fast.getstate() == by_choice.getstate()


# -- the effective securityContext of a Pod and container that set none --------------


@pytest.mark.parametrize(
    ("pod", "container"),
    [
        ({"spec": {}}, {}),
        ({"spec": {"securityContext": None}}, {"securityContext": None}),
        ({}, {}),
        ({"spec": None}, {}),
        ({"spec": {"securityContext": {}}}, {}),
        ({"spec": {"securityContext": {"runAsUser": 1000, "fsGroup": 2000}}}, {}),
        ({"spec": {}}, {"securityContext": {"readOnlyRootFilesystem": True}}),
        ({"spec": {"securityContext": "odd"}}, {"securityContext": ["odd"]}),
    ],
)
def test_a_pod_without_security_contexts_shares_what_effective_for_gives(
    pod: dict[str, Any], container: dict[str, Any]
) -> None:
    assert _effective(pod, container) == effective_for(pod, container)


def test_the_effective_contexts_of_the_doc_examples_are_effective_fors() -> None:
    pods = []
    for path in sorted(DOCS.rglob("*.yaml")):
        try:
            pods += load_bundle([(path.name, path.read_text())]).pods
        except BundleError:
            continue
    assert len(pods) > 20 and any(p.manifest["spec"].get("securityContext") for p in pods)
    for pod in pods:
        for c in (*pod.spec.init_containers, *pod.spec.containers):
            assert _effective(pod.manifest, c.manifest) == effective_for(pod.manifest, c.manifest)


@pytest.mark.parametrize("now_ms", [0, 1, 999, 1_000, 61_234, 3_600_000, 86_400_000 + 5, 10**12])
def test_a_stamp_prefix_is_the_strftime_of_its_instant(now_ms: int) -> None:
    expected = (EPOCH + timedelta(milliseconds=now_ms)).strftime("..%Y_%m_%d_%H_%M_%S.")
    assert _stamp_prefix(now_ms) == expected
    assert _stamp_prefix(now_ms) == expected  # the cached answer
