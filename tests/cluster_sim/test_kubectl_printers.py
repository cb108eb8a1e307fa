"""``kubectl get`` and ``kubectl describe`` for deploy, rs, rc (and get pods), from a store.

The store is filled here as the controllers fill it (objects, statuses, the
recorder's Events), so these tests pin the printers: columns, alignment,
ages and kubectl's errors, as a user reads them in a terminal.
"""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest
import simpy

from cluster_sim.controlplane.store import ApiObject, APIStore, KindInfo, OwnerReference
from cluster_sim.kubectl.command_line import kubectl_text
from cluster_sim.kubectl.describe import describe_probe
from cluster_sim.kubectl.text import (
    format_labels,
    format_selector,
    human_duration,
    rfc1123z,
    tabwrite,
)
from cluster_sim.records import Recorder
from cluster_sim.validation import defaults

HASH = "66b6c48dd5"
RS_NAME = f"nginx-deployment-{HASH}"


class Run:
    """A store, a recorder and a clock, as a run holds them."""

    def __init__(self) -> None:
        self.env = simpy.Environment()
        uids = itertools.count(1)
        self.store = APIStore(self.env, random.Random(1), lambda: f"uid-{next(uids)}")
        for kind, resource, api in (
            ("Deployment", "deployments.apps", "apps/v1"),
            ("ReplicaSet", "replicasets.apps", "apps/v1"),
            ("ReplicationController", "replicationcontrollers", "v1"),
            ("Pod", "pods", "v1"),
        ):
            self.store.register(KindInfo(kind, resource, api))
        self.recorder = Recorder(self.env)

    def at(self, ms: int) -> None:
        self.env.run(until=ms)

    def kubectl(self, command: str) -> tuple[int, str]:
        return kubectl_text(self.store, self.recorder, int(self.env.now), command)

    def pod(self, name: str, owner: ApiObject, labels: dict[str, str], **status: Any) -> ApiObject:
        ref = OwnerReference(
            owner.body["apiVersion"], owner.kind, owner.name, owner.uid, True, True
        )
        template = owner.spec["template"]
        pod = self.store.create(
            "Pod",
            {
                "metadata": {"name": name, "labels": labels, "ownerReferences": [ref.manifest()]},
                "spec": template["spec"],
            },
        )
        self.store.update_status(pod, status)
        return pod


DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "containers": [
                    {"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}
                ]
            },
        },
    },
}
RUNNING = {
    "phase": "Running",
    "containerStatuses": [{"name": "nginx", "ready": True, "restartCount": 0, "state": "running"}],
}


def docs_tutorial(run: Run) -> tuple[ApiObject, ApiObject]:
    """The docs' Deployment at 3/3/3, 30 s after it was created (its ReplicaSet 1 s later)."""
    manifest = defaults.deployment(DEPLOYMENT)
    deployment = run.store.create("Deployment", manifest)
    run.at(1_000)
    template = copy.deepcopy(manifest["spec"]["template"])
    template["metadata"]["labels"]["pod-template-hash"] = HASH
    owner = OwnerReference("apps/v1", "Deployment", deployment.name, deployment.uid, True, True)
    rs = run.store.create(
        "ReplicaSet",
        {
            "metadata": {
                "name": RS_NAME,
                "labels": {"app": "nginx", "pod-template-hash": HASH},
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": "3",
                    "deployment.kubernetes.io/max-replicas": "4",
                    "deployment.kubernetes.io/revision": "1",
                },
                "ownerReferences": [owner.manifest()],
            },
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx", "pod-template-hash": HASH}},
                "template": template,
            },
        },
    )
    run.recorder.event(
        "Normal",
        "ScalingReplicaSet",
        deployment.ref,
        f"Scaled up replica set {RS_NAME} from 0 to 3",
        "deployment-controller",
    )
    for suffix in ("8jq2x", "kc5tn", "xw7dd"):
        pod = run.pod(f"{RS_NAME}-{suffix}", rs, template["metadata"]["labels"], **RUNNING)
        run.recorder.event(
            "Normal",
            "SuccessfulCreate",
            rs.ref,
            f"Created pod: {pod.name}",
            "replicaset-controller",
        )
    run.at(12_000)
    run.store.update_status(
        rs, {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3, "fullyLabeledReplicas": 3}
    )
    run.store.update_status(
        deployment,
        {
            "replicas": 3,
            "updatedReplicas": 3,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
            ],
        },
    )
    deployment.annotations["deployment.kubernetes.io/revision"] = "1"
    run.at(30_000)
    return deployment, rs


@pytest.fixture
def run() -> Run:
    run = Run()
    docs_tutorial(run)
    return run


# -- get --------------------------------------------------------------------------------


def test_get_deployments_as_the_docs_show_them(run: Run) -> None:
    assert run.kubectl("get deployments") == (
        0,
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   3/3     3            3           30s\n",
    )


def test_get_wide_adds_containers_images_and_the_selector(run: Run) -> None:
    assert run.kubectl("get deploy -o wide")[1] == (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES"
        "         SELECTOR\n"
        "nginx-deployment   3/3     3            3           30s   nginx        nginx:1.14.2"
        "   app=nginx\n"
    )
    assert run.kubectl("get rs -owide")[1] == (
        "NAME                          DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES"
        "         SELECTOR\n"
        f"{RS_NAME}   3         3         3       29s   nginx        nginx:1.14.2   "
        f"app=nginx,pod-template-hash={HASH}\n"
    )


def test_get_pods_show_labels(run: Run) -> None:
    status, text = run.kubectl(["get", "pods", "--show-labels"])
    assert status == 0
    assert text.splitlines() == [
        "NAME                                READY   STATUS    RESTARTS   AGE   LABELS",
        f"{RS_NAME}-8jq2x   1/1     Running   0          29s   app=nginx,pod-template-hash={HASH}",
        f"{RS_NAME}-kc5tn   1/1     Running   0          29s   app=nginx,pod-template-hash={HASH}",
        f"{RS_NAME}-xw7dd   1/1     Running   0          29s   app=nginx,pod-template-hash={HASH}",
    ]


def test_several_kinds_are_listed_kind_by_kind_with_prefixed_names(run: Run) -> None:
    assert run.kubectl("kubectl get deploy,rs")[1] == (
        "NAME                               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/nginx-deployment   3/3     3            3           30s\n"
        "\n"
        "NAME                                          DESIRED   CURRENT   READY   AGE\n"
        f"replicaset.apps/{RS_NAME}   3         3         3       29s\n"
    )


@pytest.mark.parametrize(
    "alias",
    ["deploy", "deployment", "deployments", "deployments.apps", "deployment.apps", "DEPLOY"],
)
def test_kubectl_aliases_name_the_same_resource(run: Run, alias: str) -> None:
    assert run.kubectl(f"get {alias} nginx-deployment")[1].startswith("NAME               READY")


@pytest.mark.parametrize(
    ("command", "output"),
    [
        ("get ing", 'error: the server doesn\'t have a resource type "ing"\n'),
        ("get deploy web", 'Error from server (NotFound): deployments.apps "web" not found\n'),
        ("describe rs/web", 'Error from server (NotFound): replicasets.apps "web" not found\n'),
        (
            "get replicationcontroller web",
            'Error from server (NotFound): replicationcontrollers "web" not found\n',
        ),
        ("get pods -n kube-system", None),
        ("get deploy -o yaml", None),
        (
            "get deploy --watch",
            "error: unknown flag: --watch\nSee 'kubectl get --help' for usage.\n",
        ),
    ],
)
def test_kubectl_errors(run: Run, command: str, output: str | None) -> None:
    status, text = run.kubectl(command)
    if command == "get pods -n kube-system":
        assert (status, text) == (0, "No resources found in kube-system namespace.\n")
        return
    if command == "get deploy -o yaml":
        assert status == 1
        assert text.startswith(
            'error: unable to match a printer suitable for the output format "yaml"'
        )
        return
    assert (status, text) == (1, output)


def test_found_objects_print_before_the_missing_ones(run: Run) -> None:
    assert run.kubectl("get deploy nginx-deployment web") == (
        1,
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   3/3     3            3           30s\n"
        'Error from server (NotFound): deployments.apps "web" not found\n',
    )


def test_ages_follow_the_simulated_clock(run: Run) -> None:
    run.at(30_000 + 5 * 60_000 + 7_000)
    assert run.kubectl("get deploy")[1].splitlines()[1].endswith("5m37s")
    run.at(4 * 3_600_000 - 60_000)
    assert run.kubectl("get deploy")[1].splitlines()[1].endswith("3h59m")


# -- describe ---------------------------------------------------------------------------


def test_describe_deployment_as_kubectl_prints_it(run: Run) -> None:
    status, text = run.kubectl("describe deployment nginx-deployment")
    assert status == 0
    assert text == (
        "Name:                   nginx-deployment\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:                 app=nginx\n"
        "Annotations:            deployment.kubernetes.io/revision: 1\n"
        "Selector:               app=nginx\n"
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:         nginx:1.14.2\n"
        "    Port:          80/TCP\n"
        "    Host Port:     0/TCP\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      True    MinimumReplicasAvailable\n"
        "  Progressing    True    NewReplicaSetAvailable\n"
        "OldReplicaSets:  <none>\n"
        f"NewReplicaSet:   {RS_NAME} (3/3 replicas created)\n"
        "Events:\n"
        "  Type    Reason             Age   From                   Message\n"
        "  ----    ------             ----  ----                   -------\n"
        "  Normal  ScalingReplicaSet  29s   deployment-controller  Scaled up replica set "
        f"{RS_NAME} from 0 to 3\n"
    )


def test_describe_replica_set_shows_its_controller_pods_and_events(run: Run) -> None:
    text = run.kubectl(f"describe rs {RS_NAME}")[1]
    head, events = text.split("Events:\n")
    assert head.splitlines()[:11] == [
        f"Name:           {RS_NAME}",
        "Namespace:      default",
        f"Selector:       app=nginx,pod-template-hash={HASH}",
        "Labels:         app=nginx",
        f"                pod-template-hash={HASH}",
        "Annotations:    deployment.kubernetes.io/desired-replicas: 3",
        "                deployment.kubernetes.io/max-replicas: 4",
        "                deployment.kubernetes.io/revision: 1",
        "Controlled By:  Deployment/nginx-deployment",
        "Replicas:       3 current / 3 desired",
        "Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
    ]
    assert events.splitlines() == [
        "  Type    Reason            Age   From                   Message",
        "  ----    ------            ----  ----                   -------",
        f"  Normal  SuccessfulCreate  29s   replicaset-controller  Created pod: {RS_NAME}-8jq2x",
        f"  Normal  SuccessfulCreate  29s   replicaset-controller  Created pod: {RS_NAME}-kc5tn",
        f"  Normal  SuccessfulCreate  29s   replicaset-controller  Created pod: {RS_NAME}-xw7dd",
    ]


def test_a_rollout_in_progress_lists_the_old_replica_set_and_repeated_events(run: Run) -> None:
    deployment = run.store.get("Deployment", "default", "nginx-deployment")
    assert deployment is not None
    new_template = copy.deepcopy(deployment.spec["template"])
    new_template["spec"]["containers"][0]["image"] = "nginx:1.16.1"
    run.store.update(
        deployment, {**deployment.body, "spec": {**deployment.spec, "template": new_template}}
    )
    template = copy.deepcopy(new_template)
    template["metadata"]["labels"]["pod-template-hash"] = "5c6b9976b9"
    owner = OwnerReference("apps/v1", "Deployment", deployment.name, deployment.uid, True, True)
    run.store.create(
        "ReplicaSet",
        {
            "metadata": {
                "name": "nginx-deployment-5c6b9976b9",
                "ownerReferences": [owner.manifest()],
            },
            "spec": {
                "replicas": 1,
                "template": template,
                "selector": {"matchLabels": {"app": "nginx"}},
            },
        },
    )
    for at in (31_000, 41_000, 51_000):
        run.at(at)
        run.recorder.event(
            "Warning", "Unhealthy", deployment.ref, "Readiness probe failed: HTTP 503", "kubelet"
        )
    run.at(60_000)
    text = run.kubectl("describe deploy nginx-deployment")[1]
    assert "OldReplicaSets:  nginx-deployment-66b6c48dd5 (3/3 replicas created)\n" in text
    assert "NewReplicaSet:   nginx-deployment-5c6b9976b9 (0/1 replicas created)\n" in text
    assert "    Image:         nginx:1.16.1\n" in text
    assert text.endswith(
        "  Warning  Unhealthy          9s (x3 over 29s)  kubelet                "
        "Readiness probe failed: HTTP 503\n"
    )


def test_describe_replication_controller_with_its_defaulted_selector() -> None:
    run = Run()
    manifest = defaults.replication_controller(
        {
            "apiVersion": "v1",
            "kind": "ReplicationController",
            "metadata": {"name": "nginx"},
            "spec": {
                "replicas": 2,
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "nginx",
                                "image": "nginx",
                                "ports": [{"containerPort": 80, "name": "http"}],
                                "resources": {"limits": {"cpu": "0.5", "memory": "128Mi"}},
                                "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                                "env": [{"name": "MODE", "value": "demo"}],
                            }
                        ]
                    },
                },
            },
        }
    )
    rc = run.store.create("ReplicationController", manifest)
    run.pod("nginx-b7mhc", rc, {"app": "nginx"}, phase="Running")
    run.pod("nginx-dn2kt", rc, {"app": "nginx"}, phase="Pending")
    run.store.update_status(rc, {"replicas": 2, "readyReplicas": 1})
    run.at(150_000)
    assert run.kubectl("get rc")[1] == (
        "NAME    DESIRED   CURRENT   READY   AGE\nnginx   2         2         1       2m30s\n"
    )
    assert run.kubectl("describe rc nginx") == (
        0,
        "Name:         nginx\n"
        "Namespace:    default\n"
        "Selector:     app=nginx\n"
        "Labels:       app=nginx\n"
        "Annotations:  <none>\n"
        "Replicas:     2 current / 2 desired\n"
        "Pods Status:  1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:      nginx\n"
        "    Port:       80/TCP (http)\n"
        "    Host Port:  0/TCP (http)\n"
        "    Limits:\n"
        "      cpu:     500m\n"
        "      memory:  128Mi\n"
        "    Requests:\n"
        "      cpu:      500m\n"
        "      memory:   128Mi\n"
        "    Readiness:  http-get http://:80/ delay=0s timeout=1s period=10s #success=1 "
        "#failure=3\n"
        "    Environment:\n"
        # One tabwriter block from MODE to Events: no line without a tab between them.
        "      MODE:        demo\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:            <none>\n",
    )


# -- text helpers -----------------------------------------------------------------------


def test_tabwriter_columns_are_blocks_of_consecutive_lines() -> None:
    # Go's Example_elastic, left-aligned: the b's and the d's are in different columns.
    assert tabwrite("a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n", padding=1) == (
        "a    b  c\naa   bb cc\naaa  \naaaa dddd eeee\n"
    )
    assert tabwrite("NAME\tAGE\nx\t1s\n", minwidth=6, padding=3) == "NAME   AGE\nx      1s\n"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (121, "2m1s"),
        (599, "9m59s"),
        (600, "10m"),
        (10_799, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 30 * 60, "3h30m"),
        (8 * 3600, "8h"),
        (47 * 3600 + 59 * 60, "47h"),
        (48 * 3600, "2d"),
        (49 * 3600, "2d1h"),
        (8 * 86400, "8d"),
        (2 * 365 * 86400, "2y"),
        (2 * 365 * 86400 + 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
    ],
)
def test_human_duration(seconds: int, shown: str) -> None:
    assert human_duration(seconds * 1000) == shown


def test_times_labels_selectors_and_probes() -> None:
    assert rfc1123z(0) == "Thu, 01 Jan 2026 00:00:00 +0000"
    assert rfc1123z(90_061_000) == "Fri, 02 Jan 2026 01:01:01 +0000"
    assert format_labels({}) == "<none>"
    assert format_labels({"tier": "web", "app": "shop"}) == "app=shop,tier=web"
    assert format_selector(None) == "<none>"
    assert (
        format_selector(
            {
                "matchLabels": {"tier": "web"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "zone", "operator": "NotIn", "values": ["b"]},
                    {"key": "app", "operator": "Exists"},
                ],
            }
        )
        == "app,!canary,env in (dev,prod),tier=web,zone notin (b)"
    )
    assert (
        describe_probe({"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5})
        == "exec [cat /tmp/healthy] delay=5s timeout=0s period=0s #success=0 #failure=0"
    )
    assert describe_probe({"tcpSocket": {"port": 6379}, "timeoutSeconds": 1}).startswith(
        "tcp-socket :6379 delay=0s timeout=1s"
    )
