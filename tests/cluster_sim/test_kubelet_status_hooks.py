"""The kubelet's status writes skip the Pod hooks that said they have no use for them.

``APIStore.write_status`` reaches only ``obj.status_hooks``: the Cluster's hook (the
kubelet's view of its Pods) leaves them at a Pod's creation, the taint eviction
controller once the Pod is bound. Both rest on an invariant: a status the kubelet wrote
itself changes nothing those hooks read (owners, deletion, the node gone, nodeName and
tolerations), the binding's in-place nodeName aside, which the taint controller waits
for. Each run here is compared with the same run where every hook sees every kubelet
status write (``ignore_kubelet_status`` made a no-op): the records must be the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from simrun import scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.store import APIStore

GALLERY = Path(__file__).resolve().parents[2] / "gallery"
NODES = "".join(f"apiVersion: v1\nkind: Node\nmetadata: {{name: node-{i}}}\n---\n" for i in (1, 2))
TAINTED_CORDONED = (
    "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\nspec:\n  unschedulable: true\n"
    "  taints: [{key: maintenance, value: 'true', effect: NoExecute}]\n---\n"
)
WEB = """apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{app: web}}}}
spec:
  terminationGracePeriodSeconds: 3
  tolerations: [{{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 5}}]
  containers: [{{name: c, image: busybox, command: [sh, -c, '{command}']}}]
---
"""
REPLICA_SET = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations: [{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 5}]
      containers: [{name: c, image: nginx:1.27}]
---
"""
CRASH = "echo hi; exit 1"
SLEEP = "sleep 3600"

RUNS = {
    # Bound by the scheduler when the node is uncordoned: only a status write shows it.
    # The ReplicaSet's Pods come after the controllers started (the bundle's before).
    "bound later to a tainted node": TAINTED_CORDONED
    + WEB.format(name="a", command=SLEEP)
    + WEB.format(name="b", command=CRASH)
    + REPLICA_SET
    + scenario("{at: 10, uncordon: node-1}"),
    "tainted, untainted, deleted": NODES
    + WEB.format(name="a", command=CRASH)
    + WEB.format(name="b", command=SLEEP)
    + scenario(
        "{at: 5, taint: {node: node-1, key: maintenance, value: 'true', effect: NoExecute}}",
        "{at: 8, taint: {node: node-2, key: maintenance, value: 'true', effect: NoExecute}}",
        "{at: 9, taint: {node: node-1, key: maintenance, effect: NoExecute, remove: true}}",
        "{at: 20, delete: {pod: a}}",
        "{at: 21, delete: {pod: b, force: true}}",
        horizon=60,
    ),
    "node removed (the Pod GC's status write)": NODES
    + WEB.format(name="a", command=CRASH)
    + WEB.format(name="b", command=SLEEP)
    + scenario("{at: 10, removeNode: node-1}", "{at: 12, removeNode: node-2}", horizon=90),
    "adopted by a ReplicaSet, orphaned": NODES
    + WEB.format(name="a", command=CRASH)
    + REPLICA_SET
    + scenario("{at: 15, delete: {kind: ReplicaSet, name: web, propagationPolicy: Orphan}}"),
    **{
        path.stem: path.read_text()
        for path in sorted(GALLERY.rglob("*.yaml"))
        if path.stem
        in ("noexecute-taint", "taints-and-tolerations", "drain-blocked-by-pdb", "eviction-order")
    },
}


def records(text: str) -> str:
    sim = Simulation(load_bundle([("test.yaml", text)]), seed=0, horizon=120)
    return json.dumps(sim.advance(120), sort_keys=True, default=str)


def test_the_gallery_entries_are_found() -> None:
    assert len(RUNS) == 8


@pytest.mark.parametrize("name", sorted(RUNS))
def test_skipping_them_changes_no_record(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    skipping = records(RUNS[name])
    monkeypatch.setattr(APIStore, "ignore_kubelet_status", lambda self, obj, handler: None)
    assert skipping == records(RUNS[name])
