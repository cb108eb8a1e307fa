"""The Deployment controller on a bare store, with the ReplicaSet controller and a stand-in
kubelet (Pods Running 2 s after creation, gone 1 s after deletion)."""

from __future__ import annotations

import re

from deployment_rig import Rig, condition, deployment

from cluster_sim.controlplane.deployment.hashing import compute_hash
from cluster_sim.kubectl.workloads import (
    rollout_pause,
    rollout_resume,
    rollout_status,
    rollout_undo,
    scale,
    set_image,
)

HASH = "[4-9bcdf]{1,10}"


def only(names: dict[str, tuple[int, int, int]]) -> str:
    assert len(names) == 1, names
    return next(iter(names))


def test_creates_one_replica_set_named_by_the_template_hash() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.run(5)
    d = rig.deployment()
    (rs,) = rig.replica_sets(d)
    pod_hash = rs.labels["pod-template-hash"]
    assert re.fullmatch(HASH, pod_hash)
    assert rs.name == f"web-{pod_hash}"
    assert rs.spec["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": pod_hash}}
    assert rs.spec["template"]["metadata"]["labels"] == {
        "app": "web",
        "pod-template-hash": pod_hash,
    }
    assert rs.annotations == {
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
    }
    ref = rs.controller_ref()
    assert ref is not None and (ref.kind, ref.name, ref.uid) == ("Deployment", "web", d.uid)
    assert ref.block_owner_deletion
    pods = rig.store.list("Pod")
    assert len(pods) == 3
    assert all(p.labels["pod-template-hash"] == pod_hash for p in pods)
    assert all(p.name.startswith(f"{rs.name}-") for p in pods)
    assert rig.sizes(d) == {rs.name: (3, 3, 3)}
    assert d.annotations["deployment.kubernetes.io/revision"] == "1"
    assert rig.events() == [
        (0.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {rs.name} from 0 to 3")
    ]
    status = {k: v for k, v in d.status.items() if k != "conditions"}
    assert status == {
        "observedGeneration": 1,
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "unavailableReplicas": 0,
    }
    available, progressing = d.status["conditions"]
    assert (available["type"], available["status"], available["reason"], available["message"]) == (
        "Available",
        "True",
        "MinimumReplicasAvailable",
        "Deployment has minimum availability.",
    )
    assert available["lastTransitionTime"] == 2000  # False at 0 s, True when the Pods are ready
    assert (progressing["reason"], progressing["message"]) == (
        "NewReplicaSetAvailable",
        f'ReplicaSet "{rs.name}" has successfully progressed.',
    )
    assert progressing["lastTransitionTime"] == 0  # True since NewReplicaSetCreated
    assert rollout_status(rig.ctx, "web") == 'deployment "web" successfully rolled out'


def test_before_its_pods_are_ready_the_deployment_lacks_minimum_availability() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.run(1)
    d = rig.deployment()
    rs_name = only(rig.sizes(d))
    # NewReplicaSetCreated, then ReplicaSetUpdated once the ReplicaSet counts its Pods
    # (a condition that changes goes last, as upstream's SetDeploymentCondition appends it)
    available, progressing = d.status["conditions"]
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "True",
        "ReplicaSetUpdated",
        f'ReplicaSet "{rs_name}" is progressing.',
    )
    assert (available["status"], available["reason"], available["message"]) == (
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
    )
    assert rollout_status(rig.ctx, "web") == (
        'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...'
    )


def test_rolling_update_steps_keep_three_available_and_at_most_four_pods() -> None:
    rig = Rig()
    rig.sample_every(100)
    rig.store.create("Deployment", deployment())
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rig.at(10, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
    rig.run(30)
    new = next(name for name in rig.sizes(d) if name != old)
    assert rig.sizes(d) == {old: (0, 0, 0), new: (3, 3, 3)}
    assert rig.events()[1:] == [
        (10.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 0 to 1"),
        (12.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 3 to 2"),
        (12.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 1 to 2"),
        (14.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 2 to 1"),
        (14.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 2 to 3"),
        (16.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 1 to 0"),
    ]
    during = [s for s in rig.samples if s[0] >= 5000]
    assert min(ready for _, _, ready in during) == 3
    assert max(active for _, active, _ in during) == 4
    assert d.annotations["deployment.kubernetes.io/revision"] == "2"
    rs = rig.store.get("ReplicaSet", "default", new)
    assert rs is not None and rs.annotations["deployment.kubernetes.io/revision"] == "2"
    assert rig.notices == ["deployment.apps/web image updated"]


def test_progress_deadline_exceeded_one_second_past_the_deadline_then_undo() -> None:
    rig = Rig(unready_images=("nginx:broken",))
    rig.store.create("Deployment", deployment(progressDeadlineSeconds=30))
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    set_image(rig.ctx, "deploy", "web", "app", "nginx:broken")  # at 5.001 s
    rig.run(36.0)
    bad = next(name for name in rig.sizes(d) if name != old)
    progressing = condition(d, "Progressing")
    assert progressing is not None
    assert (progressing["status"], progressing["reason"], progressing["lastUpdateTime"]) == (
        "True",
        "ReplicaSetUpdated",
        5001,
    )
    rig.run(36.002)
    progressing = condition(d, "Progressing")
    assert progressing == {
        "type": "Progressing",
        "status": "False",
        "lastUpdateTime": 36001,  # 5.001 s + 30 s + 1 s (requeueStuckDeployment)
        "lastTransitionTime": 36001,
        "reason": "ProgressDeadlineExceeded",
        "message": f'ReplicaSet "{bad}" has timed out progressing.',
    }
    assert rig.sizes(d) == {old: (3, 3, 3), bad: (1, 1, 0)}  # nothing is rolled back
    assert (
        rollout_status(rig.ctx, "web") == 'error: deployment "web" exceeded its progress deadline'
    )
    rig.at(40, lambda: rollout_undo(rig.ctx, "web"))
    rig.run(45)
    assert rig.notices[-1] == "deployment.apps/web rolled back"
    assert rig.sizes(d) == {old: (3, 3, 3), bad: (0, 0, 0)}
    assert rig.events()[-1] == (
        40.0,
        "Normal",
        "ScalingReplicaSet",
        f"Scaled down replica set {bad} from 1 to 0",
    )
    rs = rig.store.get("ReplicaSet", "default", old)
    assert rs is not None
    assert rs.annotations["deployment.kubernetes.io/revision"] == "3"
    assert rs.annotations["deployment.kubernetes.io/revision-history"] == "1"
    assert d.annotations["deployment.kubernetes.io/revision"] == "3"
    assert d.spec["template"]["spec"]["containers"][0]["image"] == "nginx:1.14.2"
    progressing = condition(d, "Progressing")
    assert progressing is not None and progressing["reason"] == "NewReplicaSetAvailable"
    assert rollout_status(rig.ctx, "web") == 'deployment "web" successfully rolled out'


def test_recreate_removes_every_old_pod_before_the_new_replica_set() -> None:
    rig = Rig()
    rig.sample_every(100)
    rig.store.create("Deployment", deployment(strategy={"type": "Recreate"}))
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rig.at(10, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
    rig.run(10.5)
    available = condition(d, "Available")
    assert available is not None
    assert (available["status"], available["reason"], available["lastTransitionTime"]) == (
        "False",
        "MinimumReplicasUnavailable",
        10_000,
    )
    assert rig.sizes(d) == {old: (0, 0, 0)}  # the old Pods are terminating, no new ReplicaSet
    rig.run(20)
    new = next(name for name in rig.sizes(d) if name != old)
    assert rig.events()[1:] == [
        (10.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 3 to 0"),
        (11.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 0 to 3"),
    ]
    assert (10_050, 0, 0) in rig.samples or (10_550, 0, 0) in rig.samples  # nothing runs
    assert rig.sizes(d) == {old: (0, 0, 0), new: (3, 3, 3)}
    available = condition(d, "Available")
    assert available is not None and available["lastTransitionTime"] == 13_000


def test_rolling_update_never_runs_empty_where_recreate_does() -> None:
    def lowest(strategy: dict[str, object] | None) -> int:
        rig = Rig()
        rig.sample_every(100)
        rig.store.create("Deployment", deployment(strategy=strategy))
        rig.at(10, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
        rig.run(20)
        return min(ready for t, _, ready in rig.samples if t >= 5000)

    assert lowest(None) == 3
    assert lowest({"type": "Recreate"}) == 0


def test_pause_holds_a_template_change_until_resume() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rig.at(6, lambda: rollout_pause(rig.ctx, "web"))
    rig.at(7, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
    rig.at(8, lambda: rollout_pause(rig.ctx, "web"))
    rig.at(9, lambda: rollout_undo(rig.ctx, "web"))
    rig.run(15)
    assert rig.sizes(d) == {old: (3, 3, 3)}
    assert len(rig.events()) == 1
    progressing = condition(d, "Progressing")
    assert progressing is not None
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
    )
    assert rollout_status(rig.ctx, "web") == (
        'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been '
        "updated..."
    )
    rig.at(20, lambda: rollout_resume(rig.ctx, "web"))
    rig.run(20.5)
    new = next(name for name in rig.sizes(d) if name != old)
    assert rig.events()[1:] == [
        (20.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 0 to 1")
    ]
    progressing = condition(d, "Progressing")
    assert progressing is not None and progressing["status"] == "True"
    rig.run(40)
    assert rig.sizes(d) == {old: (0, 0, 0), new: (3, 3, 3)}
    assert rig.notices == [
        "deployment.apps/web paused",
        "deployment.apps/web image updated",
        'error: deployments.apps "web" is already paused',
        'error: no rollout history found for deployment "web"',
        'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been '
        "updated...",
        "deployment.apps/web resumed",
    ]


def test_scaling_during_a_stalled_rollout_is_proportional() -> None:
    # The docs' example: 10 replicas, maxSurge 3, maxUnavailable 2, an image that never
    # becomes ready; scaled to 15, the old ReplicaSet gets 3 more and the new one 2.
    rig = Rig(unready_images=("nginx:sometag",))
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    rig.store.create("Deployment", deployment(replicas=10, strategy=strategy))
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rig.at(10, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:sometag"))
    rig.run(20)
    new = next(name for name in rig.sizes(d) if name != old)
    assert rig.sizes(d) == {old: (8, 8, 8), new: (5, 5, 0)}
    rig.at(25, lambda: scale(rig.ctx, "deployment", "web", 15))
    rig.run(30)
    assert rig.sizes(d) == {old: (11, 11, 11), new: (7, 7, 0)}
    assert rig.events()[-2:] == [
        (25.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {old} from 8 to 11"),
        (25.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 5 to 7"),
    ]
    for name in (old, new):
        rs = rig.store.get("ReplicaSet", "default", name)
        assert rs is not None
        assert rs.annotations["deployment.kubernetes.io/desired-replicas"] == "15"
        assert rs.annotations["deployment.kubernetes.io/max-replicas"] == "18"


def test_revision_history_limit_deletes_the_oldest_empty_replica_sets() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment(replicas=1, revisionHistoryLimit=1))
    for i, t in enumerate((5, 15, 25)):
        rig.at(t, lambda i=i: set_image(rig.ctx, "deploy", "web", "app", f"nginx:1.{20 + i}"))
    rig.run(40)
    d = rig.deployment()
    revisions = sorted(
        int(rs.annotations["deployment.kubernetes.io/revision"]) for rs in rig.replica_sets(d)
    )
    assert revisions == [3, 4]
    assert rollout_undo(rig.ctx, "web", to_revision=1) == (
        "error: unable to find specified revision 1 in history"
    )
    rollout_pause(rig.ctx, "web")
    assert rollout_undo(rig.ctx, "web") == (
        "error: you cannot rollback a paused deployment; resume it first with "
        "'kubectl rollout resume' and try again"
    )


def test_kubectl_errors_are_kubectls() -> None:
    rig = Rig()
    assert scale(rig.ctx, "deploy", "nope", 2) == (
        'Error from server (NotFound): deployments.apps "nope" not found'
    )
    rig.store.create("Deployment", deployment())
    rig.run(5)
    assert set_image(rig.ctx, "deploy", "web", "sidecar", "busybox") == (
        'error: unable to find container named "sidecar"'
    )
    assert rollout_undo(rig.ctx, "web") == 'error: no rollout history found for deployment "web"'
    assert rollout_resume(rig.ctx, "web") == 'error: deployments.apps "web" is not paused'
    assert scale(rig.ctx, "rs", "web", -1).startswith("error: The --replicas=COUNT flag")
    assert scale(rig.ctx, "ingress", "web", 1) == (
        'error: the server doesn\'t have a resource type "ingress"'
    )
    assert rollout_undo(rig.ctx, "web", to_revision=1) == (
        "deployment.apps/web skipped rollback (current template already matches revision 1)"
    )


def test_template_hash_is_stable_and_changes_with_the_collision_count() -> None:
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}]}}
    first = compute_hash(template)
    assert re.fullmatch(HASH, first)
    assert compute_hash({"spec": template["spec"], "metadata": template["metadata"]}) == first
    assert compute_hash(template, 1) != first
    assert compute_hash(template, 1) != compute_hash(template, 2)


def test_scaling_a_settled_deployment_scales_its_one_replica_set() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.at(5, lambda: scale(rig.ctx, "deploy", "web", 5))
    rig.at(10, lambda: scale(rig.ctx, "deploy", "web", 2))
    rig.run(15)
    d = rig.deployment()
    name = only(rig.sizes(d))
    assert rig.sizes(d) == {name: (2, 2, 2)}
    assert [e[3] for e in rig.events()] == [
        f"Scaled up replica set {name} from 0 to 3",
        f"Scaled up replica set {name} from 3 to 5",
        f"Scaled down replica set {name} from 5 to 2",
    ]
    rs = rig.store.get("ReplicaSet", "default", name)
    assert rs is not None
    assert rs.annotations["deployment.kubernetes.io/desired-replicas"] == "2"
    assert rs.annotations["deployment.kubernetes.io/max-replicas"] == "3"
    assert rig.notices == ["deployment.apps/web scaled", "deployment.apps/web scaled"]


def test_max_surge_zero_takes_an_old_pod_down_before_adding_a_new_one() -> None:
    rig = Rig()
    rig.sample_every(100)
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    rig.store.create("Deployment", deployment(strategy=strategy))
    rig.run(5)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rig.at(10, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
    rig.run(30)
    new = next(name for name in rig.sizes(d) if name != old)
    assert rig.events()[1:4] == [
        (10.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 3 to 2"),
        (10.0, "Normal", "ScalingReplicaSet", f"Scaled up replica set {new} from 0 to 1"),
        (12.0, "Normal", "ScalingReplicaSet", f"Scaled down replica set {old} from 2 to 1"),
    ]
    during = [s for s in rig.samples if s[0] >= 5000]
    assert max(active for _, active, _ in during) == 3
    assert min(ready for _, _, ready in during) == 2
    assert rig.sizes(d) == {old: (0, 0, 0), new: (3, 3, 3)}


def test_min_ready_seconds_holds_each_step_until_the_new_pods_are_available() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment(minReadySeconds=10))
    rig.run(15)
    d = rig.deployment()
    old = only(rig.sizes(d))
    rs = rig.store.get("ReplicaSet", "default", old)
    assert rs is not None and rs.spec["minReadySeconds"] == 10
    rig.at(20, lambda: set_image(rig.ctx, "deployment", "web", "app", "nginx:1.16.1"))
    rig.run(60)
    new = next(name for name in rig.sizes(d) if name != old)
    # Ready 2 s after creation, available 10 s later: a step every 12 s.
    assert [(t, m) for t, _, _, m in rig.events()[1:]] == [
        (20.0, f"Scaled up replica set {new} from 0 to 1"),
        (32.0, f"Scaled down replica set {old} from 3 to 2"),
        (32.0, f"Scaled up replica set {new} from 1 to 2"),
        (44.0, f"Scaled down replica set {old} from 2 to 1"),
        (44.0, f"Scaled up replica set {new} from 2 to 3"),
        (56.0, f"Scaled down replica set {old} from 1 to 0"),
    ]


def test_deleting_a_deployment_takes_its_replica_sets_and_pods() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.at(5, lambda: rig.store.delete("Deployment", "default", "web"))
    rig.run(10)
    assert rig.store.list("Deployment") == []
    assert rig.store.list("ReplicaSet") == []
    assert rig.store.list("Pod") == []


def test_an_orphan_replica_set_matching_the_selector_is_adopted() -> None:
    rig = Rig()
    orphan = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-orphan", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.14.2"}]},
            },
        },
    }
    rs = rig.store.create("ReplicaSet", orphan)
    rig.run(5)
    rig.store.create("Deployment", deployment())
    rig.run(10)
    d = rig.deployment()
    ref = rs.controller_ref()
    assert ref is not None and ref.uid == d.uid
    # Its template equals the Deployment's (ignoring the hash), so it is the new ReplicaSet.
    assert rig.sizes(d) == {"web-orphan": (3, 3, 3)}
    assert rs.annotations["deployment.kubernetes.io/revision"] == "1"
    assert [e[3] for e in rig.events()] == ["Scaled up replica set web-orphan from 2 to 3"]


def test_a_replica_set_that_cannot_create_pods_shows_as_replica_failure() -> None:
    rig = Rig(max_pods=2)
    rig.store.create("Deployment", deployment())
    rig.run(5)
    d = rig.deployment()
    failure = condition(d, "ReplicaFailure")
    assert failure is not None
    assert (failure["status"], failure["reason"], failure["message"]) == (
        "True",
        "FailedCreate",
        "the playground runs at most 2 Pods at once",
    )
    assert failure["lastUpdateTime"] == failure["lastTransitionTime"]
    available = condition(d, "Available")
    assert available is not None and available["status"] == "False"
    rig.max_pods = None
    rig.store.update(d, {**d.manifest(), "metadata": {"name": "web", "labels": {"x": "y"}}})
    rig.run(200)  # the ReplicaSet controller's back-off retries, then succeeds
    assert condition(d, "ReplicaFailure") is None
    assert d.status["availableReplicas"] == 3


def test_a_replica_set_name_too_long_is_a_replica_set_create_error() -> None:
    rig = Rig()
    name = "w" * 250
    manifest = deployment()
    manifest["metadata"]["name"] = name
    rig.store.create("Deployment", manifest)
    rig.run(1)
    d = rig.deployment(name)
    assert rig.store.list("ReplicaSet") == []
    progressing = condition(d, "Progressing")
    assert progressing is not None
    assert (progressing["status"], progressing["reason"]) == ("False", "ReplicaSetCreateError")
    assert progressing["message"].startswith(f'Failed to create new replica set "{name}-')
    assert "must be no more than 253 characters" in progressing["message"]
    ((t, type_, reason, message),) = rig.events()
    assert (t, type_, reason, message) == (
        0.0,
        "Warning",
        "ReplicaSetCreateError",
        progressing["message"],
    )


def test_set_image_to_the_same_image_prints_nothing_and_rolls_nothing() -> None:
    rig = Rig()
    rig.store.create("Deployment", deployment())
    rig.run(5)
    d = rig.deployment()
    generation = d.generation
    assert set_image(rig.ctx, "deploy", "web", "*", "nginx:1.14.2") == ""
    rig.run(10)
    assert rig.notices == []
    assert d.generation == generation
    assert len(rig.replica_sets(d)) == 1
