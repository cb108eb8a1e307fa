"""Layer 1: YAML problems that survive parsing.

Syntax errors, duplicate keys, trap keys (``on:``) and the playground's
size limits are found while loading (:mod:`cluster_sim.yamlsource`). What is
left for a loaded document: that it is an object at all, and the hint for a
plain scalar that YAML did not read as the string it looks like, where the
schema wants a string (``value: yes`` is the boolean true, ``mode: 0755`` the
octal number 493, ``version: 1.10`` the number 1.1).
"""

from __future__ import annotations

import re
from typing import Any, Final

from ..yamlsource import Scalar
from .field import CODE_TYPE, CODE_YAML_TRAP

_PLAIN_BOOLS: Final = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_OCTAL: Final = re.compile(r"[-+]?0[0-9_]+")
_TYPE_NAMES: Final = {
    "list": "a list",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
}


def not_an_object(data: Any) -> str:
    what = _TYPE_NAMES.get(type(data).__name__, type(data).__name__)
    return f"a Kubernetes object must be a mapping with apiVersion, kind and metadata, not {what}"


def quote_hint(scalar: Scalar) -> tuple[str, str]:
    """``(code, hint)`` for a plain scalar found where a string was expected."""
    text = scalar.text
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    keep = f"quote it ({quoted}) to keep the string"
    if scalar.tag == "bool":
        reading = "true" if scalar.value else "false"
        if text in _PLAIN_BOOLS:
            return CODE_TYPE, f"YAML reads the unquoted {text} as the boolean {reading}; {keep}"
        return CODE_YAML_TRAP, (
            f"YAML 1.1 reads the unquoted {text} as the boolean {reading}; {keep}"
        )
    if scalar.tag == "int" and _OCTAL.fullmatch(text):
        return CODE_YAML_TRAP, (
            f"YAML 1.1 reads the unquoted {text} as the octal number {scalar.value}; {keep}"
        )
    if scalar.tag in ("int", "float"):
        return CODE_TYPE, f"YAML reads the unquoted {text} as a number; {keep}"
    return CODE_TYPE, f"YAML reads the unquoted {text} as {scalar.tag}; {keep}"
