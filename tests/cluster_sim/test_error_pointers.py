"""Issue #13 item 8: a validation error about a field points at the field's key.

The editor marks an error at a line and column. For a field whose value is a
block below its key (``tcpSocket:`` with ``port: 8080`` on the next line) that
is the key, not the first line of the value; a scalar beside its key keeps the
mark on the value, the text the message quotes.
"""

from __future__ import annotations

from cluster_sim.validation import validate_document
from cluster_sim.yamlsource import load_documents

TWO_HANDLERS = """\
apiVersion: v1
kind: Pod
metadata:
  name: probe
spec:
  containers:
  - name: web
    image: nginx:1.25
    livenessProbe:
      exec:
        command: ["true"]
      tcpSocket:
        port: 8080
"""


def errors(text: str) -> list[tuple[int, int, str]]:
    (doc,) = load_documents("pod.yaml", text)
    return [(e.line, e.column, e.message) for e in validate_document(doc)]


def test_a_second_probe_handler_is_marked_at_its_key_on_line_12() -> None:
    assert errors(TWO_HANDLERS) == [
        (
            12,
            7,
            'The Pod "probe" is invalid: spec.containers[0].livenessProbe.tcpSocket: '
            "Forbidden: may not specify more than 1 handler type",
        )
    ]


def test_a_probe_without_a_handler_is_marked_at_the_probe_key() -> None:
    text = TWO_HANDLERS.replace(
        '      exec:\n        command: ["true"]\n      tcpSocket:\n        port: 8080\n',
        "      periodSeconds: 5\n",
    )
    assert errors(text) == [
        (
            9,
            5,
            'The Pod "probe" is invalid: spec.containers[0].livenessProbe: '
            "Required value: must specify a handler type",
        )
    ]


def test_a_block_under_a_list_item_is_marked_at_its_key() -> None:
    text = TWO_HANDLERS.split("    livenessProbe:")[0] + (
        "    env:\n"
        "    - name: A\n"
        "      valueFrom:\n"
        "        fieldRef: {fieldPath: metadata.name}\n"
        "        configMapKeyRef: {name: c, key: k}\n"
    )
    assert errors(text) == [
        (
            11,
            7,
            'The Pod "probe" is invalid: spec.containers[0].env[0].valueFrom: Invalid value: "": '
            "may not have more than one field specified at a time",
        )
    ]


def test_a_scalar_beside_its_key_is_still_marked_at_the_value() -> None:
    text = TWO_HANDLERS.split("    livenessProbe:")[0] + "    imagePullPolicy: Sometimes\n"
    assert errors(text) == [
        (
            9,
            22,
            'The Pod "probe" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: '
            '"Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        )
    ]


def test_a_value_on_the_line_after_its_key_is_marked_at_the_key() -> None:
    text = TWO_HANDLERS.split("    livenessProbe:")[0] + "    imagePullPolicy:\n      Sometimes\n"
    assert errors(text)[0][:2] == (9, 5)
