"""Layer 1: YAML syntax, duplicate keys, non-objects and the YAML 1.1 traps."""

from __future__ import annotations

import pytest

from cluster_sim import BundleError, InputError, load_bundle
from cluster_sim.validation import validate_document
from cluster_sim.yamlsource import YamlProblems, go_resolve, load_documents

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


def bundle_errors(text: str) -> list[InputError]:
    with pytest.raises(BundleError) as info:
        load_bundle([("pod.yaml", text)])
    return info.value.errors


def load_errors(text: str) -> list[InputError]:
    with pytest.raises(YamlProblems) as info:
        list(load_documents("pod.yaml", text))
    return info.value.errors


def test_a_syntax_error_has_the_line_and_column_of_the_problem() -> None:
    (error,) = bundle_errors("a: [1,\nb: 2\n")
    assert (error.line, error.column, error.code) == (3, 1, "yaml")
    assert error.message.startswith("YAML syntax error: ")


def test_a_tab_indent_is_a_syntax_error_where_the_tab_is() -> None:
    (error,) = bundle_errors(POD.replace("    image: nginx", "\timage: nginx"))
    assert (error.line, error.column) == (8, 1)


def test_duplicate_keys_are_rejected_as_strict_decoding_does() -> None:
    (error,) = bundle_errors(POD.replace("  name: web\n", "  name: web\n  name: other\n"))
    assert error.message == 'key "name" already set in map'
    assert (error.line, error.column, error.code) == (5, 3, "yaml-duplicate-key")
    assert error.path == "metadata.name"


def test_every_duplicate_key_is_reported() -> None:
    text = "a: 1\na: 2\nb: {c: 1, c: 2}\n"
    assert [(e.line, e.column) for e in load_errors(text)] == [(2, 1), (3, 11)]


@pytest.mark.parametrize(
    ("text", "what"),
    [("- a\n- b\n", "a list"), ("just text\n", "a string"), ("42\n", "a number")],
)
def test_a_document_that_is_not_an_object_is_named(text: str, what: str) -> None:
    (error,) = bundle_errors(text)
    assert error.message == (
        f"a Kubernetes object must be a mapping with apiVersion, kind and metadata, not {what}"
    )
    assert error.code == "yaml"


def test_errors_come_by_document_each_with_its_own_line() -> None:
    text = POD + "---\n" + POD.replace("image: nginx", "imag: nginx") + "---\n- x\n"
    errors = bundle_errors(text)
    assert [(e.line, e.code) for e in errors] == [
        (17, "unknown-field"),
        (16, "FieldValueRequired"),
        (19, "yaml"),
    ]


# --------------------------------------------------------------------------------------
# YAML 1.1 traps
# --------------------------------------------------------------------------------------


def env_value(value: str) -> str:
    return POD + f"    env:\n    - name: X\n      value: {value}\n"


@pytest.mark.parametrize(
    ("value", "decoded", "code", "hint"),
    [
        ("yes", "bool", "yaml-trap", "YAML 1.1 reads the unquoted yes as the boolean true"),
        ("no", "bool", "yaml-trap", "YAML 1.1 reads the unquoted no as the boolean false"),
        ("on", "bool", "yaml-trap", "YAML 1.1 reads the unquoted on as the boolean true"),
        ("Off", "bool", "yaml-trap", "YAML 1.1 reads the unquoted Off as the boolean false"),
        ("y", "bool", "yaml-trap", "YAML 1.1 reads the unquoted y as the boolean true"),
        ("0755", "number", "yaml-trap", "YAML 1.1 reads the unquoted 0755 as the octal number 493"),
        ("true", "bool", "type", "YAML reads the unquoted true as the boolean true"),
        ("8080", "number", "type", "YAML reads the unquoted 8080 as a number"),
        ("1.10", "number", "type", "YAML reads the unquoted 1.10 as a number"),
        ("1e3", "number", "type", "YAML reads the unquoted 1e3 as a number"),
    ],
)
def test_a_plain_scalar_that_is_not_a_string_gets_a_hint_to_quote_it(
    value: str, decoded: str, code: str, hint: str
) -> None:
    (error,) = bundle_errors(env_value(value))
    assert error.message == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal '
        f"{decoded} into Go struct field EnvVar.spec.containers.env.value of type string "
        f'({hint}; quote it ("{value}") to keep the string)'
    )
    assert (error.line, error.column, error.code) == (11, 14, code)
    assert error.path == "spec.containers[0].env[0].value"


@pytest.mark.parametrize("value", ['"yes"', "'0755'", "nginx", "12:30", "2024-01-01", '"1.10"'])
def test_quoted_strings_timestamps_and_base_60_numbers_stay_strings(value: str) -> None:
    assert load_bundle([("pod.yaml", env_value(value))]).pods


def test_a_number_where_a_number_is_wanted_is_no_trap() -> None:
    text = POD + "    volumeMounts: [{name: v, mountPath: /v}]\n  volumes:\n"
    text += "  - name: v\n    configMap: {name: c, defaultMode: 0644}\n"
    (doc,) = load_documents("pod.yaml", text)
    assert validate_document(doc) == []
    assert doc.data["spec"]["volumes"][0]["configMap"]["defaultMode"] == 0o644


def test_a_label_value_that_is_a_number_gets_the_hint_at_the_value() -> None:
    text = POD.replace("  name: web\n", "  name: web\n  labels: {version: 1.10}\n")
    (error,) = bundle_errors(text)
    assert error.message.endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type "
        'string (YAML reads the unquoted 1.10 as a number; quote it ("1.10") to keep the string)'
    )
    assert (error.line, error.column, error.path) == (5, 21, "metadata.labels[version]")


@pytest.mark.parametrize(
    ("key", "seen"),
    [
        ("on", 'the boolean true, so Kubernetes would see the key "true"'),
        ("no", 'the boolean false, so Kubernetes would see the key "false"'),
        ("0755", 'the number 493, so Kubernetes would see the key "493"'),
    ],
)
def test_a_key_that_yaml_would_change_is_an_error(key: str, seen: str) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n"
    (error,) = bundle_errors(text + f"  {key}: x\n")
    assert error.message == (
        f'the key {key} is read by YAML as {seen}; write "{key}": (quoted) to keep it'
    )
    assert (error.line, error.column, error.code) == (5, 3, "yaml-trap")


def test_numeric_keys_become_the_strings_kubernetes_sees() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {80: http, true: x}\n"
    (doc,) = load_documents("c.yaml", text)
    assert doc.data["data"] == {"80": "http", "true": "x"}
    assert validate_document(doc) == []


@pytest.mark.parametrize(
    ("text", "tag", "value"),
    [
        ("y", "bool", True),
        ("NO", "bool", False),
        ("0x1F", "int", 31),
        ("0o17", "int", 15),
        ("0b101", "int", 5),
        ("1_000", "int", 1000),
        ("08", "float", 8.0),
        ("1e3", "float", 1000.0),
        (".5", "float", 0.5),
        ("~", "null", None),
        ("12:30", "str", "12:30"),
        ("2001-12-14", "str", "2001-12-14"),
        ("=", "str", "="),
    ],
)
def test_plain_scalars_resolve_as_go_yaml_v2_resolves_them(
    text: str, tag: str, value: object
) -> None:
    resolved_tag, resolved = go_resolve(text)
    assert resolved_tag.rsplit(":", 1)[-1] == tag
    assert resolved == value


def test_control_characters_are_reported_where_they_are() -> None:
    (error,) = bundle_errors("apiVersion: v1\nkind: Pod\x07\n")
    assert (error.line, error.column, error.code) == (2, 10, "encoding")
    assert "#x0007" in error.message


def test_yaml_problems_of_every_document_come_together() -> None:
    text = "a: 1\na: 2\n---\nb: 1\nb: 2\n---\non: x\n---\n[\n"
    errors = bundle_errors(text)
    assert [(e.line, e.code) for e in errors] == [
        (2, "yaml-duplicate-key"),
        (5, "yaml-duplicate-key"),
        (7, "yaml-trap"),
        (10, "yaml"),
    ]
