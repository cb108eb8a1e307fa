"""``kubectl taint`` as a Scenario action, and the taint eviction controller (NoExecute).

Upstream: pkg/controller/tainteviction/taint_eviction.go (v1.33) for the
evictions, their events and the DisruptionTarget condition; kubectl's
``taint`` command (ReorganizeTaints, its errors) for the action.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim import Simulation, load_bundle
from cluster_sim.actions import ActionError
from cluster_sim.controlplane.taint_eviction import (
    FOREVER,
    matching_tolerations,
    min_toleration_ms,
)
from cluster_sim.errors import BundleError
from cluster_sim.scenario import action_problem

Records = list[dict[str, Any]]

MAINTENANCE = {"key": "maintenance", "value": "true", "effect": "NoExecute"}
OTHER = {"key": "disk", "value": "failing", "effect": "NoExecute"}
EXISTS_30 = {
    "key": "maintenance",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 30,
}
EXISTS = {"key": "maintenance", "operator": "Exists", "effect": "NoExecute"}


@pytest.mark.parametrize(
    ("taints", "tolerations", "tolerated", "used"),
    [
        pytest.param([], [], True, [], id="no taints: all tolerated"),
        pytest.param([MAINTENANCE], [], False, [], id="no tolerations"),
        pytest.param([MAINTENANCE], [EXISTS_30], True, [EXISTS_30], id="tolerated with seconds"),
        pytest.param([MAINTENANCE, OTHER], [EXISTS], False, [], id="one of two untolerated"),
        pytest.param(
            [MAINTENANCE, OTHER],
            [EXISTS, {"operator": "Exists"}],
            True,
            [EXISTS, {"operator": "Exists"}],
            id="each taint its first matching toleration",
        ),
        pytest.param(
            [MAINTENANCE],
            [{"key": "maintenance", "value": "false", "effect": "NoExecute"}],
            False,
            [],
            id="Equal with another value",
        ),
    ],
)
def test_matching_tolerations(
    taints: list[dict[str, Any]],
    tolerations: list[dict[str, Any]],
    tolerated: bool,
    used: list[dict[str, Any]],
) -> None:
    assert matching_tolerations(taints, tolerations) == (tolerated, used)


@pytest.mark.parametrize(
    ("tolerations", "expected"),
    [
        pytest.param([], 0, id="none: now"),
        pytest.param([EXISTS], FOREVER, id="no tolerationSeconds: forever"),
        pytest.param([EXISTS_30], 30_000, id="30 s"),
        pytest.param([EXISTS_30, {**EXISTS, "tolerationSeconds": 10}], 10_000, id="the smallest"),
        pytest.param([EXISTS, EXISTS_30], 30_000, id="forever beside 30 s: 30 s"),
        pytest.param([{**EXISTS, "tolerationSeconds": 0}], 0, id="zero: now"),
        pytest.param([EXISTS_30, {**EXISTS, "tolerationSeconds": -5}], 0, id="negative: now"),
    ],
)
def test_min_toleration_time(tolerations: list[dict[str, Any]], expected: int) -> None:
    assert min_toleration_ms(tolerations) == expected


# -- through whole runs -------------------------------------------------------------

NODES = """\
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
---
"""


def pod(name: str, tolerations: str = "", node: str = "node-1") -> str:
    extra = f"\n  tolerations: {tolerations}" if tolerations else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: {node}"
        f"\n  terminationGracePeriodSeconds: 3{extra}\n"
        f"  containers: [{{name: c, image: nginx:1.27}}]\n---\n"
    )


def scenario(*actions: str, horizon: int = 120) -> str:
    lines = "".join(f"  - {a}\n" for a in actions)
    return (
        "apiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: s}\n"
        f"spec:\n  horizon: {horizon}\n  actions:\n{lines}"
    )


def run(text: str, until: float = 120) -> tuple[Simulation, Records]:
    sim = Simulation(load_bundle([("x.yaml", text)]), horizon=until)
    return sim, sim.advance(until)


def evictions(records: Records) -> list[tuple[float, str, str]]:
    return [
        (r["t"], r["object"], r["message"])
        for r in records
        if r["kind"] == "event" and r["reason"] == "TaintManagerEviction"
    ]


def notices(records: Records) -> list[tuple[float, str]]:
    return [(r["t"], r["message"]) for r in records if r["kind"] == "notice"]


def deleted_at(records: Records, name: str) -> list[float]:
    return [r["t"] for r in records if r["kind"] == "deleted" and r["pod"] == f"default/{name}"]


TAINT = "{at: 20, taint: {node: node-1, key: maintenance, value: 'true', effect: NoExecute}}"
UNTAINT = "{at: 60, taint: {node: node-1, key: maintenance, effect: NoExecute, remove: true}}"

FOUR_PODS = (
    pod("plain")
    + pod(
        "patient",
        "[{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]",
    )
    + pod("forever", "[{key: maintenance, operator: Exists, effect: NoExecute}]")
    + pod(
        "late", "[{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]"
    )
)


def test_a_noexecute_taint_evicts_now_after_toleration_seconds_or_never() -> None:
    sim, records = run(NODES + FOUR_PODS + scenario(TAINT, UNTAINT))
    assert notices(records) == [(20.0, "node/node-1 tainted"), (60.0, "node/node-1 untainted")]
    assert evictions(records) == [
        (20.0, "Pod/default/plain", "Marking for deletion Pod default/plain"),
        (50.0, "Pod/default/patient", "Marking for deletion Pod default/patient"),
        # The taint is gone at 60 s, before late's 60 s run out (at 80 s).
        (60.0, "Pod/default/late", "Cancelling deletion of Pod default/late"),
    ]
    for name, when in (("plain", 20.0), ("patient", 50.0)):
        # Deleted with the Pod's grace period: nginx stops on SIGQUIT at once.
        [killing] = [
            r["t"]
            for r in records
            if r["kind"] == "event" and r["reason"] == "Killing" and r["object"].endswith(name)
        ]
        assert killing == when
        assert len(deleted_at(records, name)) == 1 and deleted_at(records, name)[0] >= when
    assert sorted(p.name for p in sim.store.list("Pod")) == ["forever", "late"]


def test_the_disruption_target_condition_says_why() -> None:
    sleeper = pod("slow").replace(
        "image: nginx:1.27", "image: busybox:1.36, command: [sleep, '600']"
    )
    sim = Simulation(load_bundle([("x.yaml", NODES + sleeper + scenario(TAINT))]), horizon=21)
    written: list[tuple[int, dict[str, Any]]] = []

    def watch(_kind: Any, obj: Any) -> None:
        written.extend(
            (sim.cluster.env.now, c)
            for c in obj.status.get("conditions") or ()
            if c.get("type") == "DisruptionTarget"
        )

    sim.store.hook("Pod", watch)  # inside each write: the status as that write left it
    sim.advance(21)
    assert written, "the taint manager writes the condition before it deletes the Pod"
    at, condition = written[0]
    assert at == 20_000
    assert condition == {
        "type": "DisruptionTarget",
        "status": "True",
        "reason": "DeletionByTaintManager",
        "message": "Taint manager: deleting due to NoExecute taint",
        "lastTransitionTime": 20_000,
    }


def test_a_pending_eviction_is_cancelled_when_the_pod_goes_first() -> None:
    text = (
        NODES
        + pod(
            "late",
            "[{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]",
        )
        + scenario(TAINT, "{at: 30, delete: {pod: late}}")
    )
    _, records = run(text)
    [gone] = deleted_at(records, "late")
    assert evictions(records) == [
        (gone, "Pod/default/late", "Cancelling deletion of Pod default/late")
    ]


def test_a_taint_of_the_node_manifest_evicts_from_the_start() -> None:
    node = (
        "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n"
        "spec:\n  taints: [{key: maintenance, value: 'true', effect: NoExecute}]\n---\n"
    )
    _, records = run(node + pod("bound") + scenario(UNTAINT), 10)
    assert evictions(records) == [
        (0.0, "Pod/default/bound", "Marking for deletion Pod default/bound")
    ]


def test_replacements_avoid_the_tainted_node_and_waiting_pods_go_back_when_it_is_lifted() -> None:
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-1}
      terminationGracePeriodSeconds: 3
      containers: [{name: web, image: nginx:1.27}]
---
"""
    _, records = run(NODES + deployment + scenario(TAINT, UNTAINT))
    failed = [
        (r["t"], r["message"])
        for r in records
        if r["kind"] == "event" and r["reason"] == "FailedScheduling"
    ]
    # The two replacements made at 20 s fit only node-1, which now repels them (and
    # keeps repelling them when the evicted Pods' room frees up at 21 s).
    assert [t for t, _ in failed][:2] == [20.0, 20.0] and max(t for t, _ in failed) < 60
    assert {m for _, m in failed} == {
        "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {maintenance: true}."
    }
    scheduled = [
        (r["t"], r["message"].rsplit(" ", 1)[-1])
        for r in records
        if r["kind"] == "event" and r["reason"] == "Scheduled"
    ]
    assert scheduled[2:] == [(60.0, "node-1"), (60.0, "node-1")], "retried when lifted"


@pytest.mark.parametrize(
    ("actions", "said"),
    [
        pytest.param(
            [TAINT, TAINT.replace("at: 20", "at: 21")],
            "error: node node-1 already has maintenance taint(s) with same effect(s) "
            "and --overwrite is false",
            id="already there",
        ),
        pytest.param(
            [TAINT, TAINT.replace("at: 20", "at: 21").replace("}}", ", overwrite: true}}")],
            "node/node-1 modified",
            id="overwrite",
        ),
        pytest.param(
            [UNTAINT.replace("at: 60", "at: 21")],
            'error: taint "maintenance:NoExecute" not found',
            id="removing what is not there",
        ),
        pytest.param(
            ["{at: 21, taint: {node: node-1, key: maintenance, remove: true}}"],
            'error: taint "maintenance" not found',
            id="removing a key without effect",
        ),
        pytest.param(
            ["{at: 21, taint: {node: node-9, key: a, effect: NoSchedule}}"],
            'Error from server (NotFound): nodes "node-9" not found',
            id="no such node",
        ),
        pytest.param(
            ["{at: 21, taint: {node: node-1, key: a, value: 'x y', effect: NoSchedule}}"],
            "error: invalid taint spec: a=x y:NoSchedule, a valid label must be an empty string "
            "or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
            "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            id="invalid value",
        ),
    ],
)
def test_kubectl_taint_says_what_kubectl_says(actions: list[str], said: str) -> None:
    _, records = run(NODES + scenario(*actions), 30)
    assert notices(records)[-1] == (21.0, said)


def test_new_taints_go_first_and_removal_by_key_takes_every_effect() -> None:
    text = NODES + scenario(
        "{at: 1, taint: {node: node-1, key: a, effect: NoSchedule}}",
        "{at: 2, taint: {node: node-1, key: b, value: v, effect: PreferNoSchedule}}",
        "{at: 3, taint: {node: node-1, key: a, effect: NoExecute}}",
    )
    sim, _ = run(text, 4)
    node = sim.store.get("Node", "", "node-1")
    assert node is not None
    assert node.spec["taints"] == [
        {"key": "a", "effect": "NoExecute"},
        {"key": "b", "value": "v", "effect": "PreferNoSchedule"},
        {"key": "a", "effect": "NoSchedule"},
    ]
    sim2, records = run(text + "  - {at: 4, taint: {node: node-1, key: a, remove: true}}\n", 5)
    node = sim2.store.get("Node", "", "node-1")
    assert node is not None and node.spec["taints"] == [
        {"key": "b", "value": "v", "effect": "PreferNoSchedule"}
    ]
    assert notices(records)[-1] == (4.0, "node/node-1 untainted")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ({"node": "n", "key": "k", "effect": "NoExecute"}, None),
        ({"node": "n", "key": "k", "remove": True}, None),
        ({"node": "n", "key": "k"}, 'taint: effect Required value: supported values: '
         '"NoSchedule", "PreferNoSchedule", "NoExecute"'),
        ({"node": "n", "key": "k", "effect": "NoRun"}, 'taint: effect Unsupported value: "NoRun": '
         'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
        ({"node": "n"}, "taint needs key"),
        ({"node": "n", "key": "k", "effect": "NoSchedule", "remove": "yes"},
         "taint: remove must be true or false, not 'yes'"),
    ],
)  # fmt: skip
def test_the_taint_action_is_checked(args: dict[str, Any], problem: str | None) -> None:
    assert action_problem("taint", args) == problem


def test_a_scenario_names_the_taint_actions_problems_at_their_keys() -> None:
    with pytest.raises(BundleError) as info:
        load_bundle(
            [
                (
                    "s.yaml",
                    scenario(
                        "{at: 1, taint: {node: node-1, effect: NoSchedule}}",
                        "{at: 2, taint: {node: node-1, key: a, effect: Sometimes}}",
                    ),
                )
            ]
        )
    assert [str(e) for e in info.value.errors] == [
        "s.yaml:7:20: Scenario spec.actions[0].taint.key: Required value",
        's.yaml:8:51: Scenario spec.actions[1].taint.effect: Unsupported value: "Sometimes": '
        'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "node": st.sampled_from(["node-1", "node-2", "nope"]) | JSONISH,
            "key": st.sampled_from(["maintenance", "a/b", "-bad"]) | JSONISH,
            "value": JSONISH,
            "effect": st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"]) | JSONISH,
            "remove": JSONISH,
            "overwrite": JSONISH,
        },
    )
)
def test_any_live_taint_action_is_taken_or_refused_in_words(args: dict[str, Any]) -> None:
    """A page may send anything: it is refused with a message, or taken; never a traceback."""
    sim = Simulation(load_bundle([("x.yaml", NODES + pod("p"))]), horizon=20)
    sim.advance(1)
    try:
        sim.act("taint", args)
    except ActionError as refused:
        assert str(refused).startswith("taint")
        return
    records = sim.advance(3)
    assert all(isinstance(r["message"], str) for r in records if r["kind"] == "notice")


def test_a_daemonset_leaves_a_node_tainted_noexecute_and_comes_back_when_it_is_lifted() -> None:
    daemonset = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 2
      containers: [{name: a, image: busybox:1.36, command: ["sleep", "3600"]}]
---
"""
    text = (
        NODES
        + daemonset
        + scenario(
            "{at: 10, taint: {node: node-1, key: gpu, effect: NoExecute}}",
            "{at: 30, taint: {node: node-1, key: gpu, remove: true}}",
        )
    )
    sim, records = run(text, 40)
    said = [
        (r["t"], r["reason"])
        for r in records
        if r["kind"] == "event" and r["object"] == "DaemonSet/default/agent"
    ]
    # Its Pods tolerate only the node-condition taints the controller adds: not gpu.
    assert said == [
        (0.0, "SuccessfulCreate"),
        (0.0, "SuccessfulCreate"),
        (10.0, "SuccessfulDelete"),
        (30.0, "SuccessfulCreate"),
    ]
    assert sorted(str(p.spec.get("nodeName")) for p in sim.store.list("Pod")) == [
        "node-1",
        "node-2",
    ]


def test_a_pod_the_scheduler_binds_to_a_tainted_node_is_evicted_after_its_toleration() -> None:
    # The Pod waits for the cordoned node; the binding sets spec.nodeName in place (the
    # tolerations stay the same object): the kubelet's status write after it must still
    # be seen as the Pod newly on the tainted node.
    node = (
        "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\nspec:\n  unschedulable: true\n"
        "  taints: [{key: maintenance, value: 'true', effect: NoExecute}]\n---\n"
    )
    pending = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: patient}\nspec:\n"
        "  terminationGracePeriodSeconds: 3\n"
        "  tolerations: [{key: maintenance, operator: Exists, effect: NoExecute,"
        " tolerationSeconds: 5}]\n"
        "  containers: [{name: c, image: nginx:1.27}]\n---\n"
    )
    _, records = run(node + pending + scenario("{at: 10, uncordon: node-1}"), 30)
    assert evictions(records) == [
        (15.0, "Pod/default/patient", "Marking for deletion Pod default/patient")
    ]
