"""Endpoints kept Pod by Pod (issue #15) write exactly the records a full rescan writes.

The reference is the former behaviour: every Pod publish recomputed every Service of
its namespace from all Pods (``ServiceNetwork.publish``). The incremental network must
give the same record stream, byte for byte, through readiness flips within an instant
(crash loops), readiness probes, graceful and force deletes, and a second Service.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from simrun import of, scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.endpoints_records import LISTS, expand, ip_key
from cluster_sim.nodestate import PodRuntime
from cluster_sim.services import Address, ServiceNetwork, new_address

POD = """apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{app: {app}}}}}
spec:
  containers:
  - name: c
    image: {image}
{extra}
"""
CRASH = "    command: [sh, -c, 'echo hi; exit 1']"
SLEEP = "    command: [sh, -c, 'sleep 3600']"
PROBED = "    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}"
SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {app}}}
  ports: [{{port: 80, targetPort: 80}}]
"""


def bundle_text() -> str:
    docs = [
        POD.format(name=f"crash-{i}", app="web", image="busybox:1.36", extra=CRASH)
        for i in range(3)
    ]
    docs += [
        POD.format(name=f"web-{i}", app="web", image="nginx:1.27", extra=PROBED) for i in range(3)
    ]
    docs += [POD.format(name="other", app="db", image="busybox:1.36", extra=SLEEP)]
    docs += [SERVICE.format(name="web", app="web"), SERVICE.format(name="db", app="db")]
    actions = scenario(
        "{at: 30, delete: {pod: web-1}}",
        "{at: 40, delete: {pod: crash-2, force: true}}",
        "{at: 45, delete: {pod: other, force: true}}",
        horizon=200,
    )
    return "---\n".join(docs) + actions


def run() -> list[dict[str, Any]]:
    sim = Simulation(load_bundle([("t.yaml", bundle_text())]), seed=0, horizon=200)
    return sim.advance(200)


def full_rescan(self: ServiceNetwork, rt: PodRuntime) -> None:
    if self.cluster.objects.all("Service", rt.pod.namespace):
        self.publish(rt.pod.namespace)


def test_incremental_endpoints_write_the_records_a_full_rescan_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incremental = run()
    monkeypatch.setattr(ServiceNetwork, "publish_pod", full_rescan)
    rescanned = run()
    assert [json.dumps(r, sort_keys=True) for r in incremental] == [
        json.dumps(r, sort_keys=True) for r in rescanned
    ]


def test_the_records_show_what_a_user_sees_of_the_service() -> None:
    records = run()
    web = of(expand(records), "endpoints", service="default/web")
    # web-0..2 become ready through their probe; the graceful delete makes web-1
    # terminating; the force-deleted crash-2 leaves the record.
    ready_counts = [len(r["ready"]) for r in web]
    assert max(ready_counts) == 3
    terminating = [r for r in web if r["terminating"]]
    assert terminating and terminating[0]["t"] == 30.0
    assert len(terminating[0]["terminating"]) == 1
    final = web[-1]
    assert "default/crash-2" not in final["pods"].values()
    assert sorted(final["pods"].values()) == [
        "default/crash-0",
        "default/crash-1",
        "default/web-0",
        "default/web-2",
    ]
    ips = list(final["pods"])
    assert ips == sorted(ips, key=lambda ip: tuple(int(x) for x in ip.split(".")))


def _list_of(address: Address) -> str:
    """The list an address belongs in, from its fields: the EndpointSlice rule."""
    return "ready" if address.ready else "terminating" if address.terminating else "notReady"


def test_an_address_shows_its_list_and_pod_and_compares_by_its_fields() -> None:
    for serving in (False, True):
        for terminating in (False, True):
            address = new_address("10.244.1.2", "default/web", serving, terminating)
            assert address.ready == (serving and not terminating)
            assert address.shown == (_list_of(address), "default/web")
            assert address == new_address("10.244.1.2", "default/web", serving, terminating)
    assert new_address("10.244.1.2", "default/a", True, False) != new_address(
        "10.244.1.2", "default/a", False, False
    )


def test_a_crash_loops_readiness_flips_reuse_its_two_addresses() -> None:
    # Ready at every start, not ready at its exit within the instant: the address flips
    # back to the object it had before (``_Endpoints.previous``), not a new one per flip.
    text = POD.format(name="crash", app="web", image="busybox:1.36", extra=CRASH)
    text += "---\n" + SERVICE.format(name="web", app="web")
    sim = Simulation(load_bundle([("t.yaml", text)]), seed=0, horizon=600)
    network = sim.cluster.services
    seen: dict[int, Address] = {}
    for until in range(1, 601):
        sim.advance(until)
        for entry in network._endpoints_by_service.values():
            for address in (*entry.members.values(), *entry.previous.values()):
                seen[id(address)] = address
    starts = sim.cluster.pods[0].statuses["c"].restart_count
    assert starts >= 5
    assert len(seen) == 2  # not ready (the IP's first), and ready
    assert sorted(a.ready for a in seen.values()) == [False, True]


def test_the_ip_order_kept_is_the_sorted_one_and_the_lists_follow_it() -> None:
    # ``ordered`` is kept by bisection as IPs join and leave; the record's lists and
    # kube-proxy's ready addresses are built from it when read (DESIGN.md "Endpoints kept
    # Pod by Pod").
    sim = Simulation(load_bundle([("t.yaml", bundle_text())]), seed=0, horizon=200)
    network = sim.cluster.services
    checked = 0
    for until in range(5, 205, 5):
        sim.advance(until)
        for entry in network._endpoints_by_service.values():
            assert entry.ordered == sorted(entry.by_ip, key=ip_key)
            lists = network._lists(entry)
            for name in LISTS:
                assert lists[name] == [
                    ip for ip in entry.ordered if _list_of(entry.by_ip[ip]) == name
                ]
                for ip in lists[name]:
                    assert entry.by_ip[ip].shown == (name, entry.by_ip[ip].pod)
            ready = network.ready_addresses(entry.service)
            assert ready == [entry.by_ip[ip] for ip in lists["ready"]]
            checked += bool(entry.ordered)
    assert checked > 40
