"""CreateContainerConfigError is retried on the pod worker's back-off period (issue #13, item 6).

``generateContainerConfig`` fails (a missing ConfigMap key): ``SyncPod``
returns the error, the pod worker requeues the Pod after its back-off period
(``backOffPeriod`` 10 s; upstream jitters it up to 15 s, the simulator takes
10 s), and every retry repeats ``Failed``. Nothing syncs the Pod when the
ConfigMap changes: the container starts at the next retry. busybox:1.36
starts at t=2.18.
"""

from __future__ import annotations

from simrun import events, of, scenario

from cluster_sim import Simulation, load_bundle

POD = """apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {speed: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: needs-key}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo mode=$MODE; sleep 3600']
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
"""
FIXED = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {mode: fast}\n"
MESSAGE = "Error: couldn't find key mode in ConfigMap default/app-config"


def simulate(text: str, until: float) -> tuple[Simulation, list[dict]]:
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=until)
    return sim, sim.advance(until)


def test_each_retry_repeats_the_failed_event_every_ten_seconds() -> None:
    _, records = simulate(POD, 45)
    failed = events(records, reason="Failed")
    assert failed == [(t, "Failed", MESSAGE) for t in (2.18, 12.18, 22.18, 32.18, 42.18)]
    # Each retry runs startContainer from the top: the image check comes first.
    pulled = [t for t, _, _ in events(records, reason="Pulled")]
    assert pulled[1:] == [12.18, 22.18, 32.18, 42.18]


def test_the_container_starts_at_the_next_retry_after_the_key_appears() -> None:
    indented = FIXED.replace("\n", "\n        ").rstrip()
    text = POD + scenario(f"at: 25\n    apply:\n      manifest: |\n        {indented}")
    _, records = simulate(text, 60)
    assert [t for t, _, _ in events(records, reason="Failed")] == [2.18, 12.18, 22.18]
    assert events(records, reason="Started") == [(32.18, "Started", "Started container app")]
    waiting = [r["t"] for r in of(records, "container", reason="CreateContainerConfigError")]
    assert waiting and max(waiting) < 32.18
