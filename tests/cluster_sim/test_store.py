"""The API store, and a run's Pods and Nodes living in it (issue #11's design change)."""

from __future__ import annotations

import random
from typing import Any

import pytest
import simpy
from simrun import events, last, of, scenario

from cluster_sim import Simulation, load_bundle
from cluster_sim.controlplane.store import (
    FOREGROUND_FINALIZER,
    NAME_ALPHABET,
    AlreadyExists,
    ApiError,
    ApiObject,
    APIStore,
    Invalid,
    KindInfo,
    NotFound,
    OwnerReference,
    Propagation,
    WatchType,
)
from cluster_sim.limits import DEFAULT_LIMITS

# -- the store on its own ---------------------------------------------------------------


def make_store() -> tuple[simpy.Environment, APIStore]:
    env = simpy.Environment()
    counter = iter(range(1, 1_000))
    store = APIStore(env, random.Random(7), lambda: f"uid-{next(counter)}")
    store.register(KindInfo("Pod", "pods", "v1", graceful=True))
    store.register(KindInfo("ConfigMap", "configmaps", "v1"))
    store.register(KindInfo("Node", "nodes", "v1", namespaced=False))
    return env, store


def watch_all(store: APIStore, kind: str) -> list[tuple[WatchType, str, int]]:
    seen: list[tuple[WatchType, str, int]] = []
    store.watch(kind, lambda t, o: seen.append((t, o.name, o.resource_version)))
    return seen


def test_create_gives_the_api_servers_metadata() -> None:
    env, store = make_store()
    env.run(until=1500)
    a = store.create("ConfigMap", {"metadata": {"name": "a"}, "data": {"k": "v"}})
    b = store.create("Node", {"metadata": {"name": "n1", "namespace": "ignored"}})
    assert (a.uid, a.namespace, a.resource_version, a.generation, a.created_ms) == (
        "uid-1",
        "default",
        1,
        1,
        1500,
    )
    assert (b.uid, b.namespace, b.key, b.resource_version) == ("uid-2", "", "n1", 2)
    assert a.body == {"apiVersion": "v1", "data": {"k": "v"}}
    assert a.manifest()["metadata"]["resourceVersion"] == "1"


def test_generation_grows_with_the_spec_only() -> None:
    _env, store = make_store()
    pod = store.create("Pod", {"metadata": {"name": "p"}, "spec": {"x": 1}})
    store.update(pod, {"metadata": {"labels": {"a": "b"}}, "spec": {"x": 1}})
    assert (pod.generation, pod.labels, pod.resource_version) == (1, {"a": "b"}, 2)
    store.update(pod, {"spec": {"x": 2}})
    assert (pod.generation, pod.labels, pod.resource_version) == (2, {"a": "b"}, 3)


def test_watches_come_after_the_write_at_the_same_instant_in_write_order() -> None:
    env, store = make_store()
    seen = watch_all(store, "ConfigMap")
    store.create("ConfigMap", {"metadata": {"name": "a"}})
    obj = store.create("ConfigMap", {"metadata": {"name": "b"}})
    store.update_status(obj, {"x": 1})
    assert seen == []  # nothing inside the writes
    env.step()
    assert env.now == 0
    assert seen == [
        (WatchType.ADDED, "a", 1),
        (WatchType.ADDED, "b", 3),  # the object as it is at delivery
        (WatchType.MODIFIED, "b", 3),
    ]


def test_an_unchanged_status_is_no_write() -> None:
    env, store = make_store()
    obj = store.create("ConfigMap", {"metadata": {"name": "a"}})
    seen = watch_all(store, "ConfigMap")
    assert store.update_status(obj, {"phase": "x"}) is True
    assert store.update_status(obj, {"phase": "x"}) is False
    env.step()
    assert seen == [(WatchType.MODIFIED, "a", 2)]
    assert obj.resource_version == 2


def test_a_hook_runs_inside_the_write() -> None:
    _env, store = make_store()
    inside: list[tuple[WatchType, str]] = []
    store.hook("Pod", lambda t, o: inside.append((t, o.name)))
    store.create("Pod", {"metadata": {"name": "p"}})
    assert inside == [(WatchType.ADDED, "p")]


def test_a_hook_takes_the_write_types_it_names() -> None:
    _env, store = make_store()
    added: list[tuple[WatchType, str]] = []
    store.hook("Pod", lambda t, o: added.append((t, o.name)), types=(WatchType.ADDED,))
    pod = store.create("Pod", {"metadata": {"name": "p"}})
    store.update_status(pod, {"phase": "Running"})
    store.write_status(pod, {"phase": "Succeeded"})
    store.delete("Pod", "default", "p")
    assert added == [(WatchType.ADDED, "p")]


def test_kubelet_status_writes_reach_a_hook_until_it_ignores_them_for_that_object() -> None:
    env, store = make_store()
    a = store.create("Pod", {"metadata": {"name": "a"}})
    inside: list[tuple[WatchType, str, int]] = []

    def hook(t: WatchType, o: ApiObject) -> None:
        inside.append((t, o.name, o.resource_version))

    store.hook("Pod", hook)  # after ``a`` was created: it reaches ``a``'s too
    b = store.create("Pod", {"metadata": {"name": "b"}})
    seen = watch_all(store, "Pod")
    assert store.write_status(a, {"phase": "Pending"}) is True
    store.ignore_kubelet_status(a, hook)
    assert store.write_status(a, {"phase": "Running"}) is True  # not to the hook
    store.write_status(b, {"phase": "Running"})  # another object: still to the hook
    store.update_status(a, {"phase": "Failed"})  # not the kubelet's: to every hook
    env.step()
    assert inside == [
        (WatchType.ADDED, "b", 2),
        (WatchType.MODIFIED, "a", 3),
        (WatchType.MODIFIED, "b", 5),
        (WatchType.MODIFIED, "a", 6),
    ]
    # watches see every write, the kubelet's included
    assert [(t, name) for t, name, _ in seen] == [(WatchType.MODIFIED, n) for n in "aaba"]


def test_generated_names_are_the_api_servers() -> None:
    _env, store = make_store()
    obj = store.create("Pod", {"metadata": {"generateName": "x" * 70 + "-"}})
    prefix, suffix = obj.name[:58], obj.name[58:]
    assert prefix == "x" * 58
    assert len(suffix) == 5 and all(c in NAME_ALPHABET for c in suffix)
    assert obj.generate_name == "x" * 70 + "-"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda s: s.create("ConfigMap", {"metadata": {"name": "a"}}),
            AlreadyExists,
            'configmaps "a" already exists',
        ),
        (lambda s: s.delete("Pod", "default", "nope"), NotFound, 'pods "nope" not found'),
        (
            lambda s: s.create("Widget", {}),
            ApiError,
            'the server doesn\'t have a resource type "widget"',
        ),
        (
            lambda s: s.create("Pod", {"metadata": {}}),
            Invalid,
            'Pod "" is invalid: metadata.name: Required value: name or generateName is required',
        ),
    ],
)
def test_refusals_in_the_api_servers_words(call: Any, error: type, message: str) -> None:
    _env, store = make_store()
    store.create("ConfigMap", {"metadata": {"name": "a"}})
    with pytest.raises(error) as info:
        call(store)
    assert str(info.value) == message


def test_deletion_graceful_immediate_and_foreground() -> None:
    env, store = make_store()
    env.run(until=2000)
    pod = store.create("Pod", {"metadata": {"name": "p"}, "spec": {"nodeName": "node-1"}})
    cm = store.create("ConfigMap", {"metadata": {"name": "c"}})
    owned = store.create(
        "ConfigMap",
        {
            "metadata": {
                "name": "d",
                "ownerReferences": [OwnerReference("v1", "ConfigMap", "c", cm.uid).manifest()],
            }
        },
    )
    assert store.dependents(cm.uid) == [owned]
    store.delete("Pod", "default", "p", grace_seconds=5)
    assert (pod.deletion_timestamp, pod.deletion_grace_seconds) == (2000, 5)
    assert store.get("Pod", "default", "p") is pod  # until its kubelet confirms
    store.remove(pod)
    assert store.get("Pod", "default", "p") is None
    unbound = store.create("Pod", {"metadata": {"name": "q"}})
    store.delete("Pod", "default", "q", grace_seconds=5)  # no node runs it: CheckGracefulDelete 0
    assert store.get("Pod", "default", "q") is None and unbound.deletion_grace_seconds == 0
    store.delete("ConfigMap", "default", "c", Propagation.FOREGROUND)
    assert cm.finalizers == [FOREGROUND_FINALIZER] and cm.deletion_timestamp == 2000
    store.remove_finalizer(cm, FOREGROUND_FINALIZER)
    assert store.get("ConfigMap", "default", "c") is None
    store.delete("ConfigMap", "default", "d")
    assert store.get("ConfigMap", "default", "d") is None
    assert store.dependents(cm.uid) == []


# -- a run's Pods in the store ----------------------------------------------------------

NGINX = """
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: c, image: nginx}]
"""


def sim_of(text: str, **kwargs: Any) -> Simulation:
    return Simulation(load_bundle([("test.yaml", text)]), **kwargs)


def child_pod(name: str = "", image: str = "nginx", **spec: Any) -> dict[str, Any]:
    ref = OwnerReference("apps/v1", "ReplicaSet", "web-rs", "rs-uid", True, True)
    meta: dict[str, Any] = {"namespace": "default", "ownerReferences": [ref.manifest()]}
    meta.update({"name": name} if name else {"generateName": "web-rs-"})
    return {"metadata": meta, "spec": {"containers": [{"name": "c", "image": image}], **spec}}


def test_a_bare_pod_is_in_the_store_with_the_kubelets_status() -> None:
    sim = sim_of(NGINX)
    records = sim.advance(30)
    obj = sim.store.get("Pod", "default", "web")
    assert obj is not None
    running = last(records, "pod", pod="default/web")
    assert running["phase"] == "Running" and "owner" not in running
    assert obj.spec["nodeName"] == running["node"]
    assert obj.uid == sim.cluster.find_pod("default/web").uid
    status = obj.status
    assert (status["phase"], status["podIP"], status["reason"]) == ("Running", running["podIP"], "")
    ready_at = round(of(records, "pod", pod="default/web")[-1]["t"] * 1000)
    times = {c["type"]: (c["status"], c["lastTransitionTime"]) for c in status["conditions"]}
    assert times == {
        "PodScheduled": ("True", 0),
        "Initialized": ("True", 0),
        "PodReadyToStartContainers": ("True", 1000),  # the sandbox takes 1 s
        "ContainersReady": ("True", ready_at),
        "Ready": ("True", ready_at),
    }
    latest = sim.cluster.registry.resolve("nginx").digest  # the image and digest it runs
    assert status["containerStatuses"] == [
        {
            "name": "c",
            "ready": True,
            "restartCount": 0,
            "state": "running",
            "started": True,
            "image": "docker.io/library/nginx:latest",
            "imageID": f"docker.io/library/nginx@{latest}",
        }
    ]


def test_a_pod_a_controller_creates_runs_and_names_its_owner() -> None:
    sim = sim_of(NGINX)
    sim.advance(1)
    obj = sim.store.create("Pod", child_pod())
    assert obj.name.startswith("web-rs-") and len(obj.name) == len("web-rs-") + 5
    records = sim.advance(40)
    key = f"default/{obj.name}"
    mine = of(records, "pod", pod=key)
    assert mine and all(r["owner"] == "ReplicaSet/default/web-rs" for r in mine)
    assert mine[-1]["phase"] == "Running"
    assert events(records, object=f"Pod/{key}")[0] == (
        1.0,
        "Scheduled",
        f"Successfully assigned {key} to {mine[-1]['node']}",
    )
    assert all("owner" not in r for r in of(records, "pod", pod="default/web"))
    # defaulting: the stored Pod has the API server's defaults
    assert obj.spec["restartPolicy"] == "Always"
    assert obj.spec["terminationGracePeriodSeconds"] == 30


def test_admission_refuses_an_invalid_pod_and_one_past_the_limit() -> None:
    sim = sim_of(NGINX, limits=DEFAULT_LIMITS.raised(pods=1))
    with pytest.raises(Invalid) as invalid:
        sim.store.create("Pod", child_pod("bad", image=""))
    assert str(invalid.value) == 'Pod "bad" is invalid: spec.containers[0].image: Required value'
    with pytest.raises(ApiError) as limit:
        sim.store.create("Pod", child_pod("extra"))
    assert str(limit.value) == "the playground runs at most 1 Pods at once; this would make 2"
    assert sim.store.get("Pod", "default", "extra") is None


def test_a_store_delete_is_graceful_and_the_kubelet_removes_the_pod() -> None:
    sim = sim_of(NGINX)
    sim.advance(20)
    seen: list[tuple[float, WatchType, int | None]] = []
    sim.store.watch("Pod", lambda t, o: seen.append((sim.env.now, t, o.deletion_timestamp)))
    sim.store.delete("Pod", "default", "web")
    obj = sim.store.get("Pod", "default", "web")
    assert obj is not None and obj.deletion_grace_seconds == 30
    records = sim.advance(60)
    terminating = of(records, "pod", pod="default/web")[0]
    assert (terminating["t"], terminating["status"], terminating["deletionTimestamp"]) == (
        20.0,
        "Terminating",
        20.0,
    )
    gone = last(records, "deleted", pod="default/web")
    assert sim.store.get("Pod", "default", "web") is None
    assert seen[0][1:] == (WatchType.MODIFIED, 20_000)
    assert seen[-1] == (gone["t"] * 1000, WatchType.DELETED, 20_000)


def test_a_failed_nodes_pods_are_deleted_through_the_store_and_stay_terminating() -> None:
    text = NGINX + "---\n" + scenario("{at: 20, failNode: node-2}", horizon=400)
    sim = sim_of(text)
    records = sim.advance(400)
    assert last(records, "pod", pod="default/web")["node"] == "node-2"
    node = sim.store.get("Node", "", "node-2")
    assert node is not None and node.status["heartbeat"] == "stopped"
    ready = next(c for c in node.status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("Unknown", "NodeStatusUnknown")
    obj = sim.store.get("Pod", "default", "web")
    assert obj is not None and obj.deletion_timestamp == 360_000  # 20 + 40 + 300 s
    assert obj.status["reason"] == "NodeLost"
    active = sim.store.list("Pod", where=lambda p: p.deletion_timestamp is None)
    assert active == []
    assert [e[:2] for e in events(records, object="Pod/default/web")][-2:] == [
        (60.0, "NodeNotReady"),
        (360.0, "TaintManagerEviction"),
    ]


# -- Nodes in the store: kubectl cordon, add and remove ---------------------------------


def test_cordon_writes_the_node_spec_and_keeps_its_events() -> None:
    text = NGINX + "---\n" + scenario("{at: 5, cordon: node-1}", "{at: 6, uncordon: node-1}")
    sim = sim_of(text)
    sim.advance(5.5)
    node = sim.store.get("Node", "", "node-1")
    assert node is not None and node.spec == {"unschedulable": True}
    records = sim.advance(10)
    assert node.spec == {}
    assert events(records, object="Node/node-1") == [
        (6.0, "NodeSchedulable", "Node node-1 status is now: NodeSchedulable")
    ]


BIG = """
apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  containers:
  - {name: c, image: nginx, resources: {requests: {cpu: "6"}}}
"""


def test_an_added_node_registers_and_takes_the_waiting_pod() -> None:
    text = BIG + "---\n" + scenario("{at: 5, addNode: {name: node-9, cpu: '8'}}")
    records = sim_of(text).advance(30)
    assert [e[:2] for e in events(records, object="Pod/default/big")][:2] == [
        (0.0, "FailedScheduling"),
        (5.0, "Scheduled"),
    ]
    assert events(records, object="Node/node-9") == [
        (5.0, "RegisteredNode", "Node node-9 event: Registered Node node-9 in Controller")
    ]
    node = last(records, "node", node="node-9")
    assert (node["cpu"], node["nodeIP"], node["ready"]) == ("8000m", "172.18.0.5", True)
    assert last(records, "pod", pod="default/big")["node"] == "node-9"


@pytest.mark.parametrize(("at", "gone_at"), [(10, 60.0), (20, 80.0), (45, 100.0)])
def test_a_removed_nodes_pods_are_force_deleted_by_the_pod_gc(at: int, gone_at: float) -> None:
    text = NGINX + "---\n" + scenario(f"{{at: {at}, removeNode: node-2}}", horizon=200)
    sim = sim_of(text)
    records = sim.advance(200)
    assert last(records, "node", node="node-2")["removed"] is True
    assert sim.store.get("Node", "", "node-2") is None
    final = last(records, "pod", pod="default/web")
    assert (final["t"], final["phase"], final["conditions"]["DisruptionTarget"]) == (
        gone_at,
        "Failed",
        "True",
    )
    assert last(records, "deleted", pod="default/web")["t"] == gone_at
    assert sim.store.get("Pod", "default", "web") is None


@pytest.mark.parametrize(
    ("action", "notice"),
    [
        ("{at: 1, removeNode: nope}", 'Error from server (NotFound): nodes "nope" not found'),
        ("{at: 1, cordon: nope}", 'nodes "nope" not found'),
        ("{at: 1, delete: {pod: nope}}", 'delete: pods "nope" not found'),
        (
            "{at: 1, delete: {kind: Deployment, name: x}}",
            'Error from server (NotFound): deployments.apps "x" not found',
        ),
        (
            "{at: 1, addNode: {name: node-1}}",
            'Error from server (AlreadyExists): nodes "node-1" already exists',
        ),
    ],
)
def test_kubectl_errors_are_notices(action: str, notice: str) -> None:
    records = sim_of(NGINX + "---\n" + scenario(action)).advance(2)
    assert [r["message"] for r in of(records, "notice") if r["t"] == 1.0] == [notice]


def test_every_store_object_is_a_live_api_object() -> None:
    sim = sim_of(NGINX)
    sim.advance(1)
    kinds = {o.kind for kind in sim.store.kinds for o in sim.store.list(kind)}
    assert {"Pod", "Node", "Namespace"} <= kinds
    assert all(isinstance(o, ApiObject) for o in sim.store.list("Node"))
    assert [n.name for n in sim.store.list("Node")] == ["node-1", "node-2", "node-3"]


def test_the_owner_field_follows_adoption_and_release() -> None:
    sim = sim_of(NGINX)
    sim.advance(20)
    obj = sim.store.get("Pod", "default", "web")
    assert obj is not None
    ref = OwnerReference("apps/v1", "ReplicaSet", "adopter", "rs-uid", True, True)
    sim.store.set_owner_references(obj, [ref])
    sim.env.run(until=21_000)
    sim.store.set_owner_references(obj, [])
    records = sim.advance(22)
    owners = [(r["t"], r.get("owner")) for r in of(records, "pod", pod="default/web")]
    assert owners == [(20.0, "ReplicaSet/default/adopter"), (21.0, None)]
