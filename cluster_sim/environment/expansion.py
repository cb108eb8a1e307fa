"""``$(VAR)`` expansion, as in Kubernetes' ``third_party/forked/golang/expansion``.

Rules (pod-environment.md section 2.4):

* ``$(NAME)`` is replaced by the variable's value; an undefined name is left as
  the literal ``$(NAME)``;
* ``$$`` is an escaped ``$``, so ``$$(VAR)`` gives the literal ``$(VAR)``;
* a ``$`` followed by anything else is copied as is, as is an unterminated
  ``$(`` and a ``$`` at the end of the string;
* the name runs to the first ``)``, so ``$(A$(B))`` is not nested expansion;
* values are never expanded again, and backslashes mean nothing.

The scan works on UTF-8 bytes like the Go code, so even a ``$`` before a
non-ASCII character comes out the way the kubelet writes it.

Values are cut at ``MAX_VALUE`` bytes plus one. The kernel refuses a single
``execve`` string longer than ``MAX_ARG_STRLEN`` (128 KiB), so a container
with such a value cannot start whatever it holds (``Process.run`` fails as
runc does, ``exec /bin/sh: argument list too long``), and anything that
references a cut value is itself past the limit. Forty variables each
``$(V{i-1})$(V{i-1})`` would otherwise ask for 2**40 bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "ExpansionError",
    "env_vars_to_map",
    "expand",
    "expand_container_command_and_args",
    "expand_env_values",
    "expand_subpath_expr",
    "mapping_func_for",
    "syntax_wrap",
]

MAX_VALUE = 128 * 1024  # the kernel's MAX_ARG_STRLEN: longer strings cannot reach execve
_OPERATOR = ord("$")
_OPENER = ord("(")
_CLOSER = ord(")")


class ExpansionError(ValueError):
    """A ``subPathExpr`` refers to variables that are undefined or empty."""


def syntax_wrap(name: str) -> str:
    """``$(name)``: how an unresolved reference is written back."""
    return "$(" + name + ")"


def mapping_func_for(*contexts: Mapping[str, str]) -> Callable[[str], str]:
    """``MappingFuncFor``: look a name up in each context in turn.

    The contexts are consulted when the function is called, so a dict that is
    filled in while a container's env is resolved sees earlier entries.
    """

    def mapping(name: str) -> str:
        for context in contexts:
            if name in context:
                return context[name]
        return syntax_wrap(name)

    return mapping


def _try_read_variable_name(data: bytes) -> tuple[bytes, bool, int]:
    """tryReadVariableName: (bytes read, is a variable name, bytes consumed)."""
    first = data[0]
    if first == _OPERATOR:
        return data[0:1], False, 1  # escaped operator
    if first == _OPENER:
        for index in range(1, len(data)):
            if data[index] == _CLOSER:
                return data[1:index], True, index + 1
        return b"$(", False, 1  # incomplete reference
    # Go: string(operator) + string(input[0]) turns the byte into a rune.
    return b"$" + chr(first).encode("utf-8"), False, 1


def expand(value: str, mapping: Callable[[str], str], limit: int = MAX_VALUE) -> str:
    """``Expand``: replace the ``$(NAME)`` references in value using mapping.

    The result is cut at ``limit + 1`` bytes (see the module's docstring).
    """
    data = value.encode("utf-8", errors="surrogateescape")
    out = bytearray()
    checkpoint = 0
    cursor = 0
    while cursor < len(data):
        if len(out) > limit:
            return out[: limit + 1].decode("utf-8", errors="replace")
        if data[cursor] == _OPERATOR and cursor + 1 < len(data):
            out += data[checkpoint:cursor]
            read, is_var, advance = _try_read_variable_name(data[cursor + 1 :])
            if is_var:
                out += mapping(read.decode("utf-8", errors="surrogateescape")).encode(
                    "utf-8", errors="surrogateescape"
                )
            else:
                out += read
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out += data[checkpoint:]
    return out[: limit + 1].decode("utf-8", errors="replace")


def expand_env_values(
    env: Iterable[Mapping[str, Any]], *contexts: Mapping[str, str]
) -> dict[str, str]:
    """Resolve literal env values in order, as ``makeEnvironmentVariables`` does.

    Each ``{"name", "value"}`` entry is expanded against the variables declared
    before it, then against ``contexts`` (for example the service variables);
    a later duplicate overwrites an earlier one.  Entries using ``valueFrom``
    are not handled here.
    """
    declared: dict[str, str] = {}
    mapping = mapping_func_for(declared, *contexts)
    for entry in env:
        declared[str(entry["name"])] = expand(str(entry.get("value") or ""), mapping)
    return declared


def env_vars_to_map(env: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``envVarsToMap``: name -> value, later entries winning."""
    return {str(entry["name"]): str(entry.get("value") or "") for entry in env}


def expand_container_command_and_args(
    container: Mapping[str, Any], env: Iterable[Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    """``ExpandContainerCommandAndArgs``: command and args against the final env."""
    mapping = mapping_func_for(env_vars_to_map(env))
    command: Sequence[str] = container.get("command") or ()
    args: Sequence[str] = container.get("args") or ()
    return [expand(str(c), mapping) for c in command], [expand(str(a), mapping) for a in args]


def expand_subpath_expr(subpath_expr: str, env: Iterable[Mapping[str, Any]]) -> str:
    """``ExpandContainerVolumeMounts``: expand a ``subPathExpr``.

    Unlike env values, a reference to an undefined or empty variable is an
    error: ``missing value for A, B`` (names sorted).
    """
    values = env_vars_to_map(env)
    missing: set[str] = set()

    def mapping(name: str) -> str:
        value = values.get(name, "")
        if not value:
            missing.add(name)
        return value

    expanded = expand(subpath_expr, mapping)
    if missing:
        raise ExpansionError("missing value for " + ", ".join(sorted(missing)))
    return expanded
