"""Deployments, ReplicaSets and ReplicationControllers in a bundle (issue #11).

They are validated as the API server validates them (messages at the
offending key), defaulted as it stores them, and handed to the run as
``Bundle.workloads`` in input order.
"""

from __future__ import annotations

import pytest

from cluster_sim import load_bundle
from cluster_sim.errors import BundleError
from cluster_sim.limits import DEFAULT_LIMITS

# The official docs' Deployment tutorial manifest (controllers/nginx-deployment.yaml), verbatim.
DOCS_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""

# The docs' ReplicaSet (controllers/frontend.yaml) and ReplicationController
# (controllers/replication.yaml), verbatim.
DOCS_REPLICA_SET = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
    tier: frontend
spec:
  # modify replicas according to your case
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
"""
DOCS_RC = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
"""


def errors(text: str, name: str = "w.yaml") -> list[str]:
    with pytest.raises(BundleError) as info:
        load_bundle([(name, text)])
    return [str(e) for e in info.value.errors]


def test_the_docs_deployment_loads_defaulted_as_the_api_server_stores_it() -> None:
    bundle = load_bundle([("nginx-deployment.yaml", DOCS_DEPLOYMENT)])
    assert bundle.pods == ()
    ((kind, manifest),) = bundle.workloads
    assert kind == "Deployment"
    assert manifest["metadata"] == {
        "name": "nginx-deployment",
        "labels": {"app": "nginx"},
        "namespace": "default",
    }
    spec = manifest["spec"]
    assert spec["replicas"] == 3
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    pod_spec = spec["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always"
    assert pod_spec["terminationGracePeriodSeconds"] == 30
    assert pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert pod_spec["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_replica_sets_and_replication_controllers_get_their_defaults() -> None:
    rc_without_selector = DOCS_RC.replace("  selector:\n    app: nginx\n", "").replace(
        "replicas: 3", "replicas: null"
    )
    bundle = load_bundle(
        [
            ("frontend.yaml", DOCS_REPLICA_SET.replace("  replicas: 3\n", "")),
            ("rc.yaml", rc_without_selector),
        ]
    )
    (rs_kind, rs), (rc_kind, rc) = bundle.workloads
    assert (rs_kind, rs["spec"]["replicas"]) == ("ReplicaSet", 1)
    assert rc_kind == "ReplicationController"
    # SetDefaults_ReplicationController: selector and labels from the template's labels.
    assert rc["spec"]["selector"] == {"app": "nginx"}
    assert rc["metadata"]["labels"] == {"app": "nginx"}
    assert rc["spec"]["replicas"] == 1


def test_workloads_keep_input_order_and_fill_in_their_namespace() -> None:
    text = "\n---\n".join(
        (
            DOCS_RC.replace("name: nginx\nspec", "name: nginx\n  namespace: shop\nspec", 1),
            DOCS_DEPLOYMENT,
            DOCS_REPLICA_SET,
        )
    )
    bundle = load_bundle([("all.yaml", text)])
    assert [
        (k, m["metadata"]["namespace"], m["metadata"]["name"]) for k, m in bundle.workloads
    ] == [
        ("ReplicationController", "shop", "nginx"),
        ("Deployment", "default", "nginx-deployment"),
        ("ReplicaSet", "default", "frontend"),
    ]
    assert 'namespace "shop" is not defined in the input; created it implicitly' in bundle.notices


def test_a_selector_that_does_not_match_the_template_is_refused_at_its_key() -> None:
    text = DOCS_REPLICA_SET.replace(
        "      tier: frontend\n  template", "      tier: backend\n  template"
    )
    assert errors(text) == [
        'w.yaml:16:7: The ReplicaSet "frontend" is invalid: spec.template.metadata.labels: '
        'Invalid value: map[string]string{"tier":"frontend"}: `selector` does not match '
        "template `labels`"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("replicas: 3", "replicas: -1"),
            'w.yaml:10:13: The ReplicaSet "frontend" is invalid: spec.replicas: Invalid value: '
            "-1: must be greater than or equal to 0",
        ),
        (
            ("replicas: 3", "replicas: 3000000000"),
            'w.yaml:10:13: ReplicaSet in version "v1" cannot be handled as a ReplicaSet: json: '
            "cannot unmarshal number 3000000000 into Go struct field ReplicaSetSpec.spec.replicas "
            "of type int32",
        ),
        (
            ("replicas: 3", "replicas: 3\n  minReadySeconds: -5"),
            'w.yaml:11:20: The ReplicaSet "frontend" is invalid: spec.minReadySeconds: Invalid '
            "value: -5: must be greater than or equal to 0",
        ),
        (
            ("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n"),
            'w.yaml:19:22: The ReplicaSet "frontend" is invalid: spec.template.spec.restartPolicy: '
            'Unsupported value: "OnFailure": supported values: "Always"',
        ),
        (
            ("    spec:\n", "    spec:\n      activeDeadlineSeconds: 60\n"),
            'w.yaml:19:30: The ReplicaSet "frontend" is invalid: '
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
            "ReplicaSet is not Supported",
        ),
        (
            ("    matchLabels:\n      tier: frontend\n", "    matchLabels: {}\n"),
            'w.yaml:11:3: The ReplicaSet "frontend" is invalid: spec.selector: Invalid value: '
            "v1.LabelSelector{MatchLabels:map[string]string{}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid "
            "for deployment",
        ),
        (
            ("  replicas: 3\n", "  replicas: 3\n  replica: 4\n"),
            'w.yaml:11:3: ReplicaSet in version "v1" cannot be handled as a ReplicaSet: strict '
            'decoding error: unknown field "spec.replica"',
        ),
    ],
)
def test_replica_set_validation_as_the_api_server_says_it(
    change: tuple[str, str], message: str
) -> None:
    assert errors(DOCS_REPLICA_SET.replace(*change, 1)) == [message]


def test_replication_controller_validation() -> None:
    no_template = (
        "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  replicas: 1\n"
    )
    assert errors(no_template) == [
        'w.yaml:4:1: The ReplicationController "rc" is invalid: spec.selector: Required value',
        'w.yaml:4:1: The ReplicationController "rc" is invalid: spec.template: Required value',
    ]
    wrong = DOCS_RC.replace("    app: nginx\n  template", "    app: web\n  template").replace(
        "    spec:\n", "    spec:\n      activeDeadlineSeconds: 5\n"
    )
    assert errors(wrong) == [
        'w.yaml:12:7: The ReplicationController "nginx" is invalid: '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: '
        "`selector` does not match template `labels`",
        'w.yaml:15:30: The ReplicationController "nginx" is invalid: '
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
        "ReplicationController is not Supported",
    ]


def test_a_deployment_without_a_selector_gets_both_errors_apps_v1_users_meet() -> None:
    text = DOCS_DEPLOYMENT.replace("  selector:\n    matchLabels:\n      app: nginx\n", "")
    assert errors(text) == [
        'w.yaml:7:1: The Deployment "nginx-deployment" is invalid: spec.selector: Required value',
        'w.yaml:11:7: The Deployment "nginx-deployment" is invalid: spec.template.metadata.labels: '
        'Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template '
        "`labels`",
    ]


def test_the_same_name_twice_is_refused_as_the_api_server_refuses_it() -> None:
    text = DOCS_DEPLOYMENT + "---\n" + DOCS_DEPLOYMENT
    assert errors(text) == [
        'w.yaml:26:9: deployments.apps "nginx-deployment" already exists in namespace "default"'
    ]
    # A Deployment and a ReplicaSet may share a name.
    load_bundle(
        [
            (
                "w.yaml",
                DOCS_DEPLOYMENT
                + "---\n"
                + DOCS_REPLICA_SET.replace("frontend", "nginx-deployment"),
            )
        ]
    )


def test_generate_name_stays_refused_for_workloads() -> None:
    text = DOCS_DEPLOYMENT.replace("  name: nginx-deployment", "  generateName: nginx-")
    assert errors(text) == [
        "w.yaml:4:17: metadata.generateName is not supported by the playground yet; give the "
        "object a metadata.name"
    ]


def test_more_replicas_than_the_pod_limit_load_and_wait_for_the_controller() -> None:
    many = DEFAULT_LIMITS.pods + 1
    bundle = load_bundle([("w.yaml", DOCS_DEPLOYMENT.replace("replicas: 3", f"replicas: {many}"))])
    assert bundle.workloads[0][1]["spec"]["replicas"] == many


def test_a_template_with_more_containers_than_a_pod_may_have_is_refused_at_load() -> None:
    limits = DEFAULT_LIMITS.raised(containers_per_pod=1)
    text = DOCS_DEPLOYMENT.replace(
        "        - containerPort: 80\n",
        "        - containerPort: 80\n      - name: sidecar\n        image: busybox\n",
    )
    with pytest.raises(BundleError) as info:
        load_bundle([("w.yaml", text)], limits)
    assert [e.message for e in info.value.errors] == [
        "the playground runs at most 1 containers in one Pod; this input has 2"
    ]
