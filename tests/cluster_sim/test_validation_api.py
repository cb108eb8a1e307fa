"""Layer 3: the API server's validation, with Kubernetes' messages and field paths.

Every ``api_validation`` and ``downward_api_validation`` case of
``pod-environment-cases.json`` is ported below with its exact expected text.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from reference_cases import load

from cluster_sim import BundleError, load_bundle
from cluster_sim.validation import (
    FORBIDDEN_UPDATE,
    PodOptions,
    analyse,
    kubectl_output,
    validate_deployment,
    validate_document,
    validate_job,
    validate_pod_update,
)
from cluster_sim.validation import defaults as api_defaults
from cluster_sim.yamlsource import Document, load_documents

CASES = load("pod-environment-cases.json")
API_CASES = [c for c in CASES if c["topic"] == "api_validation"]
DOWNWARD_CASES = [c for c in CASES if c["topic"] == "downward_api_validation"]


def document(manifest: dict[str, Any] | str, file: str = "pod.yaml") -> Document:
    text = manifest if isinstance(manifest, str) else yaml.safe_dump(manifest, sort_keys=False)
    (doc,) = load_documents(file, text)
    return doc


def pod_doc(pod: dict[str, Any]) -> Document:
    return document({"apiVersion": "v1", "kind": "Pod", **pod})


def causes(doc: Document, options: PodOptions | None = None) -> list[str]:
    """The field errors of a document, as ``field.Error.Error()`` strings."""
    found = analyse(doc, options)
    assert not found.decode, found.decode
    return [str(e) for e in (*found.invalid, *found.missing)]


def pod_with_container(**container: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "bad"},
        "spec": {"containers": [{"name": "app", "image": "nginx", **container}]},
    }


# --------------------------------------------------------------------------------------
# The api_validation table
# --------------------------------------------------------------------------------------

POD_CASES = [c for c in API_CASES if "pod" in c["input"]]


def _case_id(case: dict[str, Any]) -> str:
    return str(case["input"].get("case") or case["source"].split()[-1])


@pytest.mark.parametrize("case", POD_CASES, ids=_case_id)
def test_api_validation_case_kubectl_stderr(case: dict[str, Any]) -> None:
    expected = case["expected"]
    strict = "strict validation" in str(case["input"].get("case"))
    options = PodOptions(relaxed_env_names=not strict)
    doc = pod_doc(case["input"]["pod"])
    assert kubectl_output(doc, options=options) == expected["kubectl_stderr"]


@pytest.mark.parametrize("case", POD_CASES, ids=_case_id)
def test_api_validation_case_status_message_and_lines(case: dict[str, Any]) -> None:
    """The 422 Status message, and one InputError per cause with kubectl's prefix."""
    expected = case["expected"]
    strict = "strict validation" in str(case["input"].get("case"))
    options = PodOptions(relaxed_env_names=not strict)
    doc = pod_doc(case["input"]["pod"])
    found = causes(doc, options)
    name = case["input"]["pod"]["metadata"].get("name", "")
    status = expected.get("apiserver_status")
    if status is not None:
        aggregate = found[0] if len(found) == 1 else "[" + ", ".join(found) + "]"
        assert f'Pod "{name}" is invalid: {aggregate}' == status["message"]
        assert status["code"] == 422 and status["details"] == {"kind": "Pod", "name": name}
    else:
        assert found == [expected["cause"]]
    lines = [e.message for e in validate_document(doc, options=options)]
    assert lines == [f'The Pod "{name}" is invalid: {cause}' for cause in found]


def test_api_validation_name_lengths() -> None:
    (case,) = [c for c in API_CASES if "inputs" in c["input"]]
    inputs, expected = case["input"]["inputs"], case["expected"]
    pod = pod_with_container(name=inputs["container_name_64_chars"])
    pod["metadata"]["name"] = inputs["pod_name_254_chars"]
    found = analyse(pod_doc(pod)).invalid
    by_path = {e.field: e.detail for e in found}
    assert [by_path["metadata.name"]] == expected["pod_name_errors"]
    assert [by_path["spec.containers[0].name"]] == expected["container_name_errors"]


def test_api_validation_unknown_fields_are_a_strict_decoding_error() -> None:
    (case,) = [c for c in API_CASES if "unknown_fields" in c["input"]]
    pod = pod_with_container(
        livenessProbe={"tcpSocket": {"port": 80, "command": ["x"]}},
        readinessProbe={"exec": {"cmd": ["x"]}},
    )
    doc = pod_doc(pod)
    assert kubectl_output(doc, case["input"]["manifest_file"]) == (
        case["expected"]["kubectl_stderr"] + "\n"
    )
    lines = [e.message for e in validate_document(doc)]
    prefix = 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
    assert lines[:2] == [
        prefix + f'unknown field "{field}"' for field in case["input"]["unknown_fields"]
    ]
    # The page sees everything at once: validation of what did decode follows.
    assert lines[2:] == [
        'The Pod "bad" is invalid: spec.containers[0].readinessProbe.exec.command: Required value'
    ]


def test_api_validation_strict_serializer_cases() -> None:
    (case,) = [c for c in API_CASES if c["input"].get("strict") is True]
    given, expected = case["input"], case["expected"]
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
        "spec: {containers: [{name: a, image: b}]}\n"
    )
    for text, key in (
        (given["yaml"], "yaml_error_contains"),
        (given["json"], "json_error_contains"),
    ):
        if text.startswith("{"):
            text = text[:-1] + (
                ', "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, '
                '"spec": {"containers": [{"name": "a", "image": "b"}]}}'
            )
            doc = document(text)
        else:
            doc = document(pod + text)
        (error,) = validate_document(doc)
        assert expected[key] in error.message and error.code == "unknown-field"
    for text, key in (
        (given["yaml_dup"], "yaml_dup_error_contains"),
        (given["json_dup"], "json_dup_error_contains"),
    ):
        with pytest.raises(BundleError) as info:
            load_bundle([("pod.yaml", text)])
        (error,) = info.value.errors
        assert expected[key] in error.message and error.code == "yaml-duplicate-key"


@pytest.mark.xfail(
    strict=True,
    reason="historical client-side kubectl validation output (2020); kubectl for 1.33 uses "
    "server-side field validation, whose output the previous case checks",
)
def test_api_validation_historical_client_side_format() -> None:
    (case,) = [c for c in API_CASES if c["input"].get("typo") == "conatainerPort"]
    pod = pod_with_container(ports=[{"conatainerPort": 80}])
    doc = pod_doc(pod)
    assert kubectl_output(doc, case["input"]["manifest_file"]) == case["expected"]["kubectl_stderr"]


def test_every_api_validation_case_is_ported() -> None:
    ported = len(POD_CASES) + 4  # name lengths, unknown fields, strict serializer, historical
    assert ported == len(API_CASES)


# --------------------------------------------------------------------------------------
# The downward_api_validation table
# --------------------------------------------------------------------------------------


def _downward_pod(given: dict[str, Any]) -> dict[str, Any]:
    where = given.get("where")
    if "env" in given:
        return pod_with_container(env=given["env"])
    if where == "env fieldRef":
        ref = {"apiVersion": given["apiVersion"], "fieldPath": given["fieldPath"]}
        return pod_with_container(env=[{"name": "X", "valueFrom": {"fieldRef": ref}}])
    if where == "env resourceFieldRef":
        ref = {"resource": given["resource"]}
        if given["divisor"] is not None:
            ref["divisor"] = given["divisor"]
        return pod_with_container(env=[{"name": "X", "valueFrom": {"resourceFieldRef": ref}}])
    assert where == "downwardAPI volume item fieldRef"
    pod = pod_with_container()
    item = {"path": given["path"], "fieldRef": {"fieldPath": given["fieldPath"]}}
    pod["spec"]["volumes"] = [{"name": "info", "downwardAPI": {"items": [item]}}]
    return pod


def _downward_id(case: dict[str, Any]) -> str:
    given = case["input"]
    return str(given.get("fieldPath") or given.get("resource") or given.get("env"))


def _downward_marks(case: dict[str, Any]) -> list[Any]:
    if case["input"].get("where") == "downwardAPI volume item fieldRef":
        return [
            pytest.mark.xfail(
                strict=True,
                reason="upstream validateDownwardAPIVolumeSource passes the downwardAPI path, "
                "not the item's, to validateDownwardAPIVolumeFile (validation.go at a7264f95): "
                "the error is at spec.volumes[0].downwardAPI.fieldRef.fieldPath",
            )
        ]
    return []


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=_downward_id(c), marks=_downward_marks(c)) for c in DOWNWARD_CASES],
)
def test_downward_api_validation_case(case: dict[str, Any]) -> None:
    expected = case["expected"]
    found = causes(pod_doc(_downward_pod(case["input"])))
    if expected.get("valid") is True:
        assert found == []
    else:
        assert found == [expected["error"]]


def test_downward_api_volume_errors_use_upstreams_path_and_point_at_the_item() -> None:
    given = {"where": "downwardAPI volume item fieldRef", "fieldPath": "status.podIP", "path": "ip"}
    doc = pod_doc(_downward_pod(given))
    (error,) = validate_document(doc)
    assert error.message == (
        'The Pod "bad" is invalid: spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported '
        'value: "status.podIP": supported values: "metadata.annotations", "metadata.labels", '
        '"metadata.name", "metadata.namespace", "metadata.uid"'
    )
    assert (error.line, error.column) == doc.position(
        ("spec", "volumes", 0, "downwardAPI", "items", 0, "fieldRef", "fieldPath")
    )


# --------------------------------------------------------------------------------------
# More of the API server's rules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        (
            {"ports": [{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}]},
            ['spec.containers[0].ports[1].name: Duplicate value: "web"'],
        ),
        (
            {"ports": [{"containerPort": 80, "protocol": "HTTP"}]},
            [
                'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported '
                'values: "SCTP", "TCP", "UDP"'
            ],
        ),
        (
            {"readinessProbe": {"httpGet": {"port": "8080"}}},
            [
                'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "8080": must '
                "contain at least one letter (a-z)"
            ],
        ),
        (
            {"startupProbe": {"tcpSocket": {"port": 80}, "successThreshold": 3}},
            ["spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"],
        ),
        (
            {"readinessProbe": {"exec": {"command": ["true"]}, "successThreshold": 3}},
            [],
        ),
        (
            {"livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": -1}},
            [
                "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be "
                "greater than or equal to 0"
            ],
        ),
        (
            {"lifecycle": {"preStop": {"sleep": {"seconds": 40}}}},
            [
                "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 40: must be "
                "non-negative and less than terminationGracePeriodSeconds (30)"
            ],
        ),
        (
            {"lifecycle": {"postStart": {}}},
            ["spec.containers[0].lifecycle.postStart: Required value: must specify a handler type"],
        ),
        (
            {"resources": {"limits": {"cpu": "-1"}}},
            [
                'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater '
                "than or equal to 0",
                'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be '
                "greater than or equal to 0",
            ],
        ),
        (
            {"resources": {"limits": {"gpu": "1"}}},
            [
                'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a '
                "standard resource for containers",
                'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a '
                "standard resource for containers",
            ],
        ),
        (
            {"envFrom": [{"prefix": "A"}]},
            [
                'spec.containers[0].envFrom: Invalid value: "": must specify one of: '
                "`configMapRef` or `secretRef`"
            ],
        ),
        (
            {"volumeMounts": [{"name": "data", "mountPath": "/a", "subPath": "../x"}]},
            [
                'spec.containers[0].volumeMounts[0].name: Not found: "data"',
                'spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not '
                "contain '..'",
            ],
        ),
        (
            {
                "env": [
                    {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "a b"}}}
                ]
            },
            [
                'spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Invalid value: "a b": '
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation "
                "is '[-._a-zA-Z0-9]+')"
            ],
        ),
    ],
)
def test_container_rules(container: dict[str, Any], expected: list[str]) -> None:
    assert causes(pod_doc(pod_with_container(**container))) == expected


def test_init_containers_share_names_and_sidecars_may_have_probes() -> None:
    pod = pod_with_container()
    pod["spec"]["initContainers"] = [
        {"name": "app", "image": "busybox", "livenessProbe": {"exec": {"command": ["x"]}}},
        {
            "name": "side",
            "image": "busybox",
            "restartPolicy": "Always",
            "readinessProbe": {"exec": {"command": ["x"]}},
        },
        {"name": "once", "image": "busybox", "restartPolicy": "OnFailure"},
    ]
    assert causes(pod_doc(pod)) == [
        'spec.initContainers[0].name: Duplicate value: "app"',
        "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers "
        "without restartPolicy=Always",
        'spec.initContainers[2].restartPolicy: Unsupported value: "OnFailure": supported '
        'values: "Always"',
    ]


def test_volumes_need_exactly_one_source_and_unique_names() -> None:
    pod = pod_with_container()
    pod["spec"]["volumes"] = [
        {"name": "a", "emptyDir": {}, "configMap": {"name": "c"}},
        {"name": "a", "emptyDir": {}},
        {"name": "Bad_Name", "secret": {"secretName": "s", "defaultMode": 1000}},
        {"name": "none"},
    ]
    # Upstream registers a volume's name only when the volume is valid: volumes[1] is no
    # duplicate of the rejected volumes[0].
    assert causes(pod_doc(pod)) == [
        "spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type",
        "spec.volumes[2].secret.defaultMode: Invalid value: 1000: must be a number between 0 "
        "and 0777 (octal), both inclusive",
        'spec.volumes[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must '
        "consist of lower case alphanumeric characters or '-', and must start and end with an "
        "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "spec.volumes[3]: Required value: must specify a volume type",
    ]


def test_labels_and_dns_policy_and_tolerations() -> None:
    pod = pod_with_container()
    pod["metadata"]["labels"] = {"app": "web server"}
    pod["spec"]["dnsPolicy"] = "Cluster"
    pod["spec"]["tolerations"] = [{"operator": "Equal", "value": "x"}]
    assert causes(pod_doc(pod)) == [
        'metadata.labels: Invalid value: "web server": a valid label must be an empty string '
        "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        'spec.dnsPolicy: Unsupported value: "Cluster": supported values: '
        '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when '
        '`key` is empty, which means "match all values and all keys"',
    ]


def test_a_valid_pod_with_every_common_feature_has_no_errors() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
  labels: {app: web, tier: "1"}
  annotations: {example.com/owner: me}
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 45
  volumes:
  - {name: data, emptyDir: {sizeLimit: 1Gi}}
  - name: cfg
    configMap: {name: cfg, defaultMode: 0644, items: [{key: a, path: a.txt}]}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: cpu, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, "true"]}
  - name: proxy
    image: envoy
    restartPolicy: Always
    readinessProbe: {tcpSocket: {port: 9901}}
  containers:
  - name: app
    image: nginx:1.27
    ports: [{name: http, containerPort: 80}]
    env:
    - {name: MODE, value: "yes"}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: MEM
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: cfg, mountPath: /etc/cfg, readOnly: true}
    - {name: info, mountPath: /info}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: "1", memory: 128Mi}
    livenessProbe:
      httpGet: {path: /healthz, port: http}
      initialDelaySeconds: 3
    lifecycle:
      preStop: {sleep: {seconds: 5}}
"""
    assert validate_document(document(text)) == []


# --------------------------------------------------------------------------------------
# Other kinds
# --------------------------------------------------------------------------------------


def errors_of(text: str) -> list[str]:
    return [e.message for e in validate_document(document(text))]


def test_service_names_are_dns_1035_labels_and_ports_are_checked() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: 1web}
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: http}
  - {name: b, port: 70000}
"""
    assert errors_of(text) == [
        'The Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label '
        "must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
        "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        'The Service "1web" is invalid: spec.ports[0].name: Required value',
        'The Service "1web" is invalid: spec.ports[1].port: Invalid value: 70000: must be '
        "between 1 and 65535, inclusive",
        'The Service "1web" is invalid: spec.ports[1].targetPort: Invalid value: 70000: must '
        "be between 1 and 65535, inclusive",
    ]


def test_config_map_keys_and_secret_types() -> None:
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {'a b': x}\n"
    assert errors_of(config_map) == [
        'The ConfigMap "c" is invalid: data[a b]: Invalid value: "a b": a valid config key '
        "must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
        "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    ]
    tls = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n"
    assert errors_of(tls) == [
        'The Secret "s" is invalid: data[tls.crt]: Required value',
        'The Secret "s" is invalid: data[tls.key]: Required value',
    ]


def test_namespace_names_are_labels_and_nodes_subdomains() -> None:
    assert errors_of("apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n") == [
        'The Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots'
    ]
    assert errors_of("apiVersion: v1\nkind: Node\nmetadata: {name: node.a}\n") == []


# --------------------------------------------------------------------------------------
# Deployments and Jobs (pure functions; the simulator does not run them yet)
# --------------------------------------------------------------------------------------

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        },
    },
}


def deployment_errors(**spec: Any) -> list[str]:
    manifest = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], **spec}}
    return [str(e) for e in validate_deployment(api_defaults.deployment(manifest))]


def test_a_valid_deployment() -> None:
    assert deployment_errors() == []
    assert validate_document(document(DEPLOYMENT)) == []


def test_deployment_selector_must_match_template_labels() -> None:
    template = {**DEPLOYMENT["spec"]["template"], "metadata": {"labels": {"app": "api"}}}
    assert deployment_errors(template=template) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: '
        "`selector` does not match template `labels`"
    ]


def test_deployment_selector_rules() -> None:
    # A missing selector is labels.Nothing() upstream: it matches no template either
    # (the pair of errors apps/v1 users meet when they leave the selector out).
    assert deployment_errors(selector=None) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`",
    ]
    assert deployment_errors(selector={}) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
        "deployment"
    ]
    template = {**DEPLOYMENT["spec"]["template"]}
    template["spec"] = {**template["spec"], "restartPolicy": "Never"}
    assert deployment_errors(template=template, replicas=-1) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]


JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "pi"},
    "spec": {
        "template": {
            "spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "pi", "image": "perl", "command": ["perl", "-e", "1"]}],
            }
        }
    },
}


def job_errors(spec: dict[str, Any], pod_spec: dict[str, Any] | None = None) -> list[str]:
    template = {"spec": {**JOB["spec"]["template"]["spec"], **(pod_spec or {})}}
    manifest = {**JOB, "spec": {**spec, "template": template}}
    return [str(e) for e in validate_job(api_defaults.job(manifest))]


def test_a_valid_job() -> None:
    assert job_errors({}) == []
    assert validate_document(document(JOB)) == []


def test_job_restart_policy_must_be_on_failure_or_never() -> None:
    assert job_errors({}, {"restartPolicy": None}) == [
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'
    ]
    assert job_errors({}, {"restartPolicy": "Always"}) == [
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'
    ]


def test_job_selectors_are_generated_unless_manual() -> None:
    selector = {"matchLabels": {"app": "pi"}}
    assert job_errors({"selector": selector}) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":'
        '"pi"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not '
        "auto-generated"
    ]
    assert job_errors({"selector": selector, "manualSelector": True}) == [
        "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does "
        "not match template `labels`"
    ]
    assert job_errors({"manualSelector": True}) == ["spec.selector: Required value"]


def test_unsimulated_kinds_in_a_bundle_are_warnings_without_their_validation() -> None:
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {"rules": "not a list"},
    }
    bundle = load_bundle([("i.yaml", yaml.safe_dump(ingress))])
    (warning,) = bundle.warnings
    assert warning.code == "unsupported-kind"
    assert (warning.line, warning.column) == (2, 7)
    assert warning.message == (
        'kind "Ingress" is not simulated by the playground; this document is skipped'
    )
    assert bundle.objects == () and bundle.workloads == ()


def test_a_known_kinds_schema_errors_still_refuse_the_bundle_next_to_a_skipped_kind() -> None:
    text = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: crontabs.stable.example.com}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n"
        "  containers: [{name: app}]\n"
    )
    with pytest.raises(BundleError) as info:
        load_bundle([("c.yaml", text)])
    assert [e.message for e in info.value.errors] == [
        'The Pod "web" is invalid: spec.containers[0].image: Required value'
    ]


# --------------------------------------------------------------------------------------
# Re-applying a Pod
# --------------------------------------------------------------------------------------

OLD_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "containers": [{"name": "app", "image": "nginx:1.26", "ports": [{"containerPort": 80}]}]
    },
}


def updated(**container: Any) -> dict[str, Any]:
    return {
        **OLD_POD,
        "spec": {"containers": [{**OLD_POD["spec"]["containers"][0], **container}]},
    }


def test_changing_the_image_is_allowed() -> None:
    assert validate_pod_update(OLD_POD, updated(image="nginx:1.27")) == []
    assert validate_pod_update(OLD_POD, updated(image="nginx")) == []


def test_changing_anything_else_is_forbidden_with_kubernetes_message() -> None:
    (error,) = validate_pod_update(OLD_POD, updated(ports=[{"containerPort": 8080}]))
    first_line = str(error).splitlines()[0]
    assert first_line == (
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)"
    )
    assert FORBIDDEN_UPDATE in str(error)
    assert "- \tcontainers[0].ports[0].containerPort: 80" in str(error)
    assert "+ \tcontainers[0].ports[0].containerPort: 8080" in str(error)


def test_containers_may_not_be_added_and_deadlines_only_shrink() -> None:
    more = {
        **OLD_POD,
        "spec": {"containers": [*OLD_POD["spec"]["containers"], {"name": "b", "image": "x"}]},
    }
    assert [str(e) for e in validate_pod_update(OLD_POD, more)] == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    ]
    old = {**OLD_POD, "spec": {**OLD_POD["spec"], "activeDeadlineSeconds": 30}}
    new = {**OLD_POD, "spec": {**OLD_POD["spec"], "activeDeadlineSeconds": 60}}
    assert [str(e) for e in validate_pod_update(old, new)] == [
        "spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous "
        "value"
    ]
    assert validate_pod_update(new, old) == []


def test_the_name_may_not_change() -> None:
    renamed = {**OLD_POD, "metadata": {"name": "other"}}
    assert [str(e) for e in validate_pod_update(OLD_POD, renamed)] == [
        'metadata.name: Invalid value: "other": field is immutable'
    ]
