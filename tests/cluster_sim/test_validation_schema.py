"""Layer 2: the strict Kubernetes 1.33 OpenAPI schema, as the API server decodes."""

from __future__ import annotations

import pytest

from cluster_sim import BundleError, InputError, load_bundle
from cluster_sim.validation import SCHEMA_VERSION, schema, validate_document
from cluster_sim.yamlsource import load_documents

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
"""
PREFIX = 'Pod in version "v1" cannot be handled as a Pod: '


def errors(text: str) -> list[InputError]:
    (doc,) = load_documents("pod.yaml", text)
    return validate_document(doc)


def test_the_schema_is_kubernetes_1_33_strict() -> None:
    assert SCHEMA_VERSION == "v1.33.0-local-strict"


def test_each_kinds_validator_is_built_once() -> None:
    assert schema.validator("v1", "Pod") is schema.validator("v1", "Pod")


def test_an_unknown_field_is_a_strict_decoding_error_at_the_key() -> None:
    (error,) = errors(POD.replace("image: nginx", "imag: nginx\n    image: nginx"))
    assert (
        error.message == PREFIX + 'strict decoding error: unknown field "spec.containers[0].imag"'
    )
    assert (error.line, error.column, error.code) == (8, 5, "unknown-field")
    assert error.path == "spec.containers[0].imag"


def test_a_misindented_field_is_unknown_where_it_landed() -> None:
    text = POD + "restartPolicy: Never\n"
    (error,) = errors(text)
    assert error.message == PREFIX + 'strict decoding error: unknown field "restartPolicy"'
    assert (error.line, error.column) == (9, 1)


@pytest.mark.parametrize(
    ("snippet", "message", "position"),
    [
        (
            "    ports: [{containerPort: eighty}]\n",
            "json: cannot unmarshal string into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
            (9, 29),
        ),
        (
            "    livenessProbe: {exec: {command: [x]}, initialDelaySeconds: two}\n",
            "json: cannot unmarshal string into Go struct field "
            "Probe.spec.containers.livenessProbe.initialDelaySeconds of type int32",
            (9, 64),
        ),
        (
            "    command: sh -c 'exit 1'\n",
            "json: cannot unmarshal string into Go struct field Container.spec.containers.command "
            "of type []string",
            (9, 14),
        ),
        (
            "    ports: [{containerPort: 80.5}]\n",
            "json: cannot unmarshal number 80.5 into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
            (9, 29),
        ),
        (
            "    resources: {limits: {memory: lots}}\n",
            "quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            (9, 34),
        ),
        (
            "    imagePullPolicy: 1\n",
            "json: cannot unmarshal number into Go struct field Container.spec.containers."
            "imagePullPolicy of type v1.PullPolicy",
            (9, 22),
        ),
    ],
)
def test_a_value_of_the_wrong_type_gets_gos_json_error(
    snippet: str, message: str, position: tuple[int, int]
) -> None:
    found = errors(POD + snippet)
    assert found[0].message.startswith(PREFIX + message)
    assert (found[0].line, found[0].column, found[0].code) == (*position, "type")


def test_containers_as_a_mapping_is_one_type_error() -> None:
    text = POD.replace("  - name: app\n    image: nginx\n", "    name: app\n    image: nginx\n")
    (error,) = errors(text)
    assert error.message == PREFIX + (
        "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type "
        "[]v1.Container"
    )


def test_null_is_no_type_error_but_what_is_missing_is_reported() -> None:
    (error,) = errors(POD.replace("    image: nginx", "    image:"))
    assert error.message == 'The Pod "web" is invalid: spec.containers[0].image: Required value'
    (error,) = errors(
        POD.replace("  containers:\n  - name: app\n    image: nginx\n", "  containers:\n")
    )
    assert error.message == 'The Pod "web" is invalid: spec.containers: Required value'


def test_a_missing_required_property_is_reported_once() -> None:
    # The schema requires containers[0].name and ports[0].containerPort; the API server's
    # validation says the same in its words, so each shows once.
    found = [
        e.message for e in errors(POD.replace("  - name: app\n", "  - ports: [{name: http}]\n"))
    ]
    assert found == [
        'The Pod "web" is invalid: spec.containers[0].name: Required value',
        'The Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Required value',
    ]


def test_all_schema_errors_come_at_once_in_document_order() -> None:
    text = POD.replace(
        "    image: nginx\n",
        "    image: nginx\n    imag: x\n    ports: [{containerPort: eighty}]\n    tty: maybe\n",
    )
    found = errors(text)
    assert [(e.line, e.code) for e in found] == [(9, "unknown-field"), (10, "type"), (11, "type")]


def test_secret_data_must_be_base64() -> None:
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  ok: aGVsbG8=\n  bad: hello\n"
    )
    (error,) = errors(text)
    assert error.message == (
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input '
        "byte 4 (Secret data values are base64-encoded; put plain text under stringData)"
    )
    assert (error.line, error.column, error.path) == (6, 8, "data[bad]")


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("aGVsbG8=", None),
        ("aGVsbA==", None),
        ("hello", 4),
        ("hello world", 5),
        ("aGVsbG8", 4),
        ("aGVs\nbG8=", None),
        ("aGVsbG8=x", 8),
        ("a===", 1),
    ],
)
def test_base64_errors_are_where_go_finds_them(text: str, offset: int | None) -> None:
    assert schema.base64_error_offset(text) == offset


@pytest.mark.parametrize(
    ("kind", "api_version"),
    [
        ("Namespace", "v1"),
        ("Node", "v1"),
        ("ConfigMap", "v1"),
        ("Secret", "v1"),
        ("Service", "v1"),
        ("ServiceAccount", "v1"),
        ("Deployment", "apps/v1"),
        ("Job", "batch/v1"),
    ],
)
def test_every_kind_with_a_schema_rejects_unknown_fields(kind: str, api_version: str) -> None:
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, nam: y}}\n"
    found = errors(text)
    assert found[0].message == (
        f'{kind} in version "v1" cannot be handled as a {kind}: strict decoding error: '
        'unknown field "metadata.nam"'
    )


def test_the_wrong_api_version_is_named() -> None:
    (error,) = errors(POD.replace("apiVersion: v1", "apiVersion: apps/v1"))
    assert (
        error.message == 'no matches for kind "Pod" in version "apps/v1" (a Pod is apiVersion: v1)'
    )
    assert error.code == "kind"
    (error,) = errors(POD.replace("apiVersion: v1\n", ""))
    assert error.message == "apiVersion not set (a Pod is apiVersion: v1)"


def test_a_missing_kind_is_named() -> None:
    with pytest.raises(BundleError) as info:
        load_bundle([("x.yaml", "apiVersion: v1\nmetadata: {name: x}\n")])
    assert [e.message for e in info.value.errors] == ["Object 'Kind' is missing"]
