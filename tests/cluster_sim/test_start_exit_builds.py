"""What a container start, exit and back-off build once give what building them each time gave
(issue #15).

Each test holds a kept or folded value of the crash loop's path (the back-off's strings,
the ``Pulled`` message, the probe results folded into the one status a start or an exit
writes, the ``resources`` values, the eviction manager's charge) to the plain computation
it replaced, including after what changes its inputs.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any, cast

import pytest
import simpy
from simrun import of, run, scenario
from test_start_path_caches import CRASHER

from cluster_sim import Simulation, load_bundle
from cluster_sim.backoff import Backoff, go_duration
from cluster_sim.eviction import THRESHOLD, EvictionManager
from cluster_sim.kubelet.container_resources import ContainerResources
from cluster_sim.kubelet.image_manager import pulled_message
from cluster_sim.kubelet.pod_files import PodFiles
from cluster_sim.kubelet.pod_worker import _BackoffNames
from cluster_sim.kubelet.pod_worker_base import PodWorkerBase
from cluster_sim.kubelet.prober_manager import ProberManager
from cluster_sim.record_types import ProbeKind, ProbeResult
from cluster_sim.status import (
    ContainerStatus,
    Running,
    State,
    Terminated,
    Waiting,
    _rebuilt,
    with_probe_results,
    with_state,
)

# -- CrashLoopBackOff's strings ------------------------------------------------


def test_backoff_strings_are_those_spelled_out_at_each_back_off() -> None:
    pod = SimpleNamespace(name="web", namespace="shop")
    rt = cast(Any, SimpleNamespace(pod=pod, uid="u-1", format_pod="web_shop(u-1)"))
    names = _BackoffNames(rt, "app", "busybox:1.36")
    assert names.key == "web_shop_u-1_app_busybox:1.36"
    assert names.event == "Back-off restarting failed container app in pod web_shop(u-1)"
    for delay in (10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 10_000, 80_000):
        waiting = names.waiting(delay)
        assert waiting == Waiting(
            "CrashLoopBackOff",
            f"back-off {go_duration(delay)} restarting failed container=app pod=web_shop(u-1)",
        )


def test_a_new_image_backs_off_afresh_with_its_own_strings() -> None:
    """The strings are kept per (container, image): an apply that changes the image starts
    the back-off at 10 s again, as the kubelet's key (the spec hash) does."""
    before = CRASHER.replace("busybox:1.36", "busybox")
    manifest = CRASHER.replace("\n", "\n        ").rstrip()
    records = run(before + scenario(f"at: 45\n    apply:\n      manifest: |\n        {manifest}"))
    waits = [
        (r["t"], r["image"], r["message"])
        for r in of(records, "container", reason="CrashLoopBackOff")
    ]
    delays = [message.split()[1] for _, _, message in waits]
    images = [image.rsplit(":", 1)[-1] for _, image, _ in waits]
    assert delays[:2] == ["10s", "20s"] and images[:2] == ["latest", "latest"]
    assert delays[2:4] == ["10s", "20s"] and images[2:4] == ["1.36", "1.36"]
    pod = waits[0][2].split("pod=", 1)[1]
    for _, _, message in waits:
        assert message.endswith(f"restarting failed container=app pod={pod}")
    backoffs = of(records, "event", reason="BackOff")
    assert len(backoffs) == len(waits)
    assert {e["message"] for e in backoffs} == {
        f"Back-off restarting failed container app in pod {pod}"
    }


# -- the Pulled event -------------------------------------------------------------


@pytest.mark.parametrize("pulled,total", [(410, 410), (410.0, 1180), (1180, 3_723.5), (0, 999)])
def test_the_pulled_message_is_the_one_formatted_at_each_pull(pulled: float, total: float) -> None:
    for name in ("busybox", "nginx:1.27"):
        expected = (
            f'Successfully pulled image "{name}" in {go_duration(pulled)} '
            f"({go_duration(total)} including waiting). Image size: 2167 bytes."
        )
        assert pulled_message.__wrapped__(name, pulled, total, 2167) == expected
        assert pulled_message(name, pulled, total, 2167) == expected
        assert pulled_message(name, float(pulled), float(total), 2167) == expected  # cached


# -- probe results folded into the start's and the exit's status ------------------


class _Prober(ProberManager):
    def __init__(self, workers: list[Any], deleting: bool) -> None:
        self.probe_workers = workers
        self.rt = cast(Any, SimpleNamespace(deletion_timestamp=1 if deleting else None))


def _with_probe_status(worker: _Prober, c: Any, s: ContainerStatus) -> ContainerStatus:
    """``with_probe_status`` as it was, before its results were computed apart."""
    if c.init and not c.sidecar:
        done = isinstance(s.state, Terminated) and s.state.exit_code == 0
        return with_probe_results(s, isinstance(s.state, Running), done)
    if not isinstance(s.state, Running):
        return with_probe_results(s, False, False)
    results = {w.kind: w for w in worker.probe_workers if w.container.name == c.name}
    startup = results.get(ProbeKind.STARTUP)
    started = startup is None or startup.result == ProbeResult.SUCCESS
    readiness = results.get(ProbeKind.READINESS)
    ready = started and (readiness is None or readiness.result == ProbeResult.SUCCESS)
    if worker.rt.deletion_timestamp is not None and readiness is None:
        ready = s.ready
    return with_probe_results(s, started, ready)


def _probe(name: str, kind: ProbeKind, result: str) -> Any:
    return SimpleNamespace(container=SimpleNamespace(name=name), kind=kind, result=result)


STATES: list[State] = [
    Running(5),
    Waiting("ContainerCreating"),
    Terminated(0, "Completed", 1, 9),
    Terminated(1, "Error", 1, 9),
]
PROBES = [
    [],
    [_probe("other", ProbeKind.READINESS, ProbeResult.FAILURE)],
    [_probe("app", ProbeKind.READINESS, ProbeResult.FAILURE)],
    [
        _probe("app", ProbeKind.STARTUP, ProbeResult.SUCCESS),
        _probe("app", ProbeKind.READINESS, ProbeResult.SUCCESS),
    ],
    [
        _probe("app", ProbeKind.STARTUP, ProbeResult.FAILURE),
        _probe("app", ProbeKind.LIVENESS, ProbeResult.SUCCESS),
    ],
]


def test_a_starts_and_an_exits_status_is_with_probe_status_of_the_two_step_build() -> None:
    kinds = [(False, False), (True, False), (True, True)]  # (init, sidecar)
    for (init, sidecar), probes, deleting, ready, state, before in itertools.product(
        kinds, PROBES, (False, True), (False, True), STATES, STATES
    ):
        c = SimpleNamespace(name="app", init=init, sidecar=sidecar)
        worker = _Prober(probes, deleting)
        last_state = Terminated(1, "Error", 0, 1)
        s = ContainerStatus("app", before, last_state, ready, True, 2, "id", "img", "iid")
        started, now_ready = worker.probe_status(cast(Any, c), state, s.ready)
        expected = _with_probe_status(worker, c, with_state(s, state))
        assert _rebuilt(s, state, s.last_state, now_ready, started) == expected
        assert worker.with_probe_status(cast(Any, c), s) == _with_probe_status(worker, c, s)
        # the start builds its status from scratch: ready False, started None before
        fresh = ContainerStatus("app", state, last_state, False, None, 2, "id", "img", "iid")
        started, now_ready = worker.probe_status(cast(Any, c), state, False)
        assert ContainerStatus(
            "app", state, last_state, now_ready, started, 2, "id", "img", "iid"
        ) == _with_probe_status(worker, c, fresh)


# -- the resources values ---------------------------------------------------------


class _Resources(ContainerResources):
    def __init__(self) -> None:
        self.node = cast(Any, SimpleNamespace(eviction=None))
        self.rt = cast(Any, SimpleNamespace(key="default/web"))
        self.given: list[tuple[Any, ...]] = []
        self.rec = cast(Any, SimpleNamespace(changed_values=self._values))

    def _values(self, key: Any, kind: str, values: tuple[Any, ...], build: Any) -> None:
        self.given.append(values)


def test_resources_values_are_those_min_max_and_bool_gave() -> None:
    worker = _Resources()
    for cpu, limit, used, throttled, memory_limit in itertools.product(
        (0, 200, 500, 1500), (0, 500, 1000), (0, 300, 500, 900), (False, True), (0, 1 << 20)
    ):
        stats = SimpleNamespace(periods=7, throttled_periods=3)
        instance = SimpleNamespace(
            memory=4096,
            exit_code=None,
            charged=4096,
            cpu=cpu,
            cpu_used=used,
            cpu_throttled=throttled,
            container=SimpleNamespace(
                name="app", limits=SimpleNamespace(milli_cpu=limit, memory=memory_limit)
            ),
            cpu_account=SimpleNamespace(stats=stats),
        )
        worker.resources_changed(cast(Any, instance))
        declared = min(cpu, limit) if limit else cpu
        expected = (
            4096,
            memory_limit or None,
            max(declared, used),
            limit or None,
            bool(limit and cpu > limit) or throttled,
            7,
            3,
        )
        given = worker.given[-1]
        assert given == expected
        assert [type(v) for v in given] == [type(v) for v in expected]


# -- the eviction manager's charge ------------------------------------------------


def _manager(allocatable: int, used: int, pressure: bool, scheduled: bool) -> EvictionManager:
    env = simpy.Environment()
    node = SimpleNamespace(node=SimpleNamespace(allocatable=SimpleNamespace(memory=allocatable)))
    manager = EvictionManager(cast(Any, SimpleNamespace(env=env)), cast(Any, node))
    manager.used, manager.pressure, manager._scheduled = used, pressure, scheduled
    return manager


def test_a_charge_schedules_a_look_when_memory_changed_would() -> None:
    total = 4 * THRESHOLD
    for used, delta, pressure, scheduled in itertools.product(
        (0, 2 * THRESHOLD, 3 * THRESHOLD, 4 * THRESHOLD),
        (-THRESHOLD, -1, 0, 1, THRESHOLD),
        (False, True),
        (False, True),
    ):
        charged = _manager(total, used, pressure, scheduled)
        charged.charge(delta)
        expected = _manager(total, used, pressure, scheduled)
        expected.used += delta
        expected.memory_changed()
        assert charged.used == expected.used
        assert charged._scheduled == expected._scheduled
        assert len(charged.cluster.env._queue) == len(expected.cluster.env._queue)


# -- the worker's wakeup flag -------------------------------------------------------


def test_a_workers_woken_flag_is_its_wakeups_triggered_at_every_step() -> None:
    """``_poke`` reads a flag instead of ``_wakeup.triggered``: at every step of a crash loop
    (and a Pod deleted while it waits), the flag says what the property would."""
    text = CRASHER + scenario("{at: 50, delete: {pod: web}}")
    sim = Simulation(load_bundle([("test.yaml", text)]), seed=0, horizon=90)
    checked = 0
    for tenth in range(1, 901):
        sim.advance(tenth / 10)
        for worker in sim.cluster.workers.values():
            assert worker._woken == worker._wakeup.triggered
            checked += 1
    assert checked > 400  # the worker lives to the deletion at 50 s


# -- a start's hostname and filesystem inputs, checked once -------------------------


class _FilesHost:
    def __init__(self, name: str, hostname: str | None) -> None:
        self.set(name, hostname)

    def set(self, name: str, hostname: str | None) -> None:
        spec = {} if hostname is None else {"hostname": hostname}
        manifest = {"metadata": {"name": name}, "spec": spec}
        pod = SimpleNamespace(name=name, manifest=manifest)
        self.rt = cast(Any, SimpleNamespace(pod=pod, network=SimpleNamespace(ip="10.0.0.5")))

    def pod_view(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.rt.pod.manifest)


def test_start_inputs_are_inputs_and_hostname_after_every_change_of_the_pod() -> None:
    host = _FilesHost("web-0", None)
    files = PodFiles(host)
    seen = []
    for name, hostname in [("web-0", None), ("web-0", None), ("web-1", "db"), ("x", None)]:
        if seen and (name, hostname) != seen[-1][1:]:
            host.set(name, hostname)  # a new Pod object: what the files are kept for changed
        inputs, start_hostname = files.start_inputs()
        assert inputs is files.inputs()
        assert start_hostname == files.hostname()[0] == (hostname or name)
        seen.append((inputs, name, hostname))
    assert seen[0][0] is seen[1][0]
    assert seen[1][0] is not seen[2][0] and seen[2][0] is not seen[3][0]


# -- the next relist's sync, and the back-off read at the worker's time --------------


class _Syncer(PodWorkerBase):
    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.node_down = False


def _sync_time(now: float, ask: Any) -> float:
    """When the sync ``ask`` requests of a worker at ``now`` comes (it pokes the worker)."""
    env = simpy.Environment(initial_time=now)
    worker = _Syncer(env)
    ask(worker)
    ((at, _, _, event),) = env._queue
    assert event.callbacks == [worker._poke]
    return cast(float, at)


@pytest.mark.parametrize("now", [0, 1, 999, 1000, 1000.5, 2999.99, 3_600_000])
def test_the_next_relists_sync_is_request_sync_of_next_relist(now: float) -> None:
    expected = _sync_time(now, lambda w: w.request_sync(w.next_relist()))
    assert _sync_time(now, lambda w: w.sync_at_next_relist()) == expected > now
    assert _sync_time(now, lambda w: w.request_sync(int(now) - 5)) == now  # a time past: now


def test_backoff_answers_at_a_given_now_as_at_its_clocks() -> None:
    clock = [0]
    read = Backoff(10_000, 300_000, lambda: clock[0], reset_ms=600_000)
    given = Backoff(10_000, 300_000, lambda: -1, reset_ms=600_000)  # a clock never read
    exits = [0, 5_000, 12_000, 40_000, 41_000, 700_000, 705_000, 2_000_000]
    for finished in exits:
        for now in (finished, finished + 9_999, finished + 10_000, finished + 400_000):
            clock[0] = now
            assert given.is_in_backoff_since("k", finished, now) == read.is_in_backoff_since(
                "k", finished
            )
        clock[0] = finished + 10_000
        read.next("k", finished)
        given.next("k", finished, finished + 10_000)
        assert given.get("k") == read.get("k")
        assert given.retry_at("k") == read.retry_at("k")
