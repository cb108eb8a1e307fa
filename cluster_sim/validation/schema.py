"""Layer 2: the Kubernetes OpenAPI schema, strict, as the API server decodes a manifest.

The schemas come from the ``kubernetes-validate`` package
(``v1.33.0-local-strict``: Kubernetes 1.33, ``additionalProperties: false`` on
every object). One ``Draft202012Validator`` is built per kind on first use and
kept; ``iter_errors`` finds every problem in one pass.

jsonschema's findings are turned into what the API server says when it cannot
decode a manifest (HTTP 400, ``Pod in version "v1" cannot be handled as a
Pod: ...``):

* an unknown field: ``strict decoding error: unknown field "spec.containers[0].imag"``
  (kubectl's default ``--validate=strict``);
* a value of the wrong type: Go's ``encoding/json`` error, ``json: cannot
  unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort
  of type int32``; when the value was a plain YAML scalar that did not stay a
  string (``value: yes``), a hint to quote it follows;
* a missing required property: ``Required value`` at the property, as the API
  server's validation reports it (see :mod:`.document` for how these merge).

``null`` is never a type error: the API server decodes it as the field's zero
value, and validation then reports what is missing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

from ..gofmt import Key, format_path, go_quote
from .field import FieldPath

SCHEMA_VERSION: Final = "v1.33.0-local-strict"
KUBERNETES_VERSION: Final = "1.33"

# (apiVersion, kind) -> schema file in the kubernetes-validate package.
SCHEMA_FILES: Final = {
    ("v1", "Pod"): "pod-v1.json",
    ("v1", "Namespace"): "namespace-v1.json",
    ("v1", "Node"): "node-v1.json",
    ("v1", "ConfigMap"): "configmap-v1.json",
    ("v1", "Secret"): "secret-v1.json",
    ("v1", "Service"): "service-v1.json",
    ("v1", "ServiceAccount"): "serviceaccount-v1.json",
    ("apps/v1", "Deployment"): "deployment-apps-v1.json",
    ("apps/v1", "ReplicaSet"): "replicaset-apps-v1.json",
    ("v1", "ReplicationController"): "replicationcontroller-v1.json",
    ("batch/v1", "Job"): "job-batch-v1.json",
    ("apps/v1", "DaemonSet"): "daemonset-apps-v1.json",
    ("apps/v1", "StatefulSet"): "statefulset-apps-v1.json",
    ("batch/v1", "CronJob"): "cronjob-batch-v1.json",
    ("policy/v1", "PodDisruptionBudget"): "poddisruptionbudget-policy-v1.json",
    ("rbac.authorization.k8s.io/v1", "Role"): "role-rbac-v1.json",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "clusterrole-rbac-v1.json",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "rolebinding-rbac-v1.json",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "clusterrolebinding-rbac-v1.json",
    ("networking.k8s.io/v1", "NetworkPolicy"): "networkpolicy-networking-v1.json",
}
API_VERSIONS: Final = {kind: api_version for api_version, kind in SCHEMA_FILES}

_QUANTITY: Final = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING: Final = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_REQUIRED_RE: Final = re.compile(r"^'(.*)' is a required property$")

# Named Go types behind plain schema strings and maps, for json's "of type ..." (common ones).
_NAMED_TYPES: Final = {
    ("PodSpec", "restartPolicy"): "v1.RestartPolicy",
    ("PodSpec", "dnsPolicy"): "v1.DNSPolicy",
    ("PodSpec", "preemptionPolicy"): "v1.PreemptionPolicy",
    ("PodSpec", "overhead"): "v1.ResourceList",
    ("Container", "imagePullPolicy"): "v1.PullPolicy",
    ("Container", "terminationMessagePolicy"): "v1.TerminationMessagePolicy",
    ("Container", "restartPolicy"): "v1.ContainerRestartPolicy",
    ("ContainerPort", "protocol"): "v1.Protocol",
    ("ServicePort", "protocol"): "v1.Protocol",
    ("HTTPGetAction", "scheme"): "v1.URIScheme",
    ("ServiceSpec", "type"): "v1.ServiceType",
    ("ServiceSpec", "sessionAffinity"): "v1.ServiceAffinity",
    ("ServiceSpec", "externalTrafficPolicy"): "v1.ServiceExternalTrafficPolicy",
    ("ServiceSpec", "internalTrafficPolicy"): "v1.ServiceInternalTrafficPolicy",
    ("Secret", "type"): "v1.SecretType",
    ("Toleration", "operator"): "v1.TolerationOperator",
    ("Toleration", "effect"): "v1.TaintEffect",
    ("Taint", "effect"): "v1.TaintEffect",
    ("LabelSelectorRequirement", "operator"): "v1.LabelSelectorOperator",
    ("DeploymentStrategy", "type"): "v1.DeploymentStrategyType",
    ("JobSpec", "completionMode"): "v1.CompletionMode",
    ("ResourceRequirements", "limits"): "v1.ResourceList",
    ("ResourceRequirements", "requests"): "v1.ResourceList",
    ("NodeStatus", "capacity"): "v1.ResourceList",
    ("NodeStatus", "allocatable"): "v1.ResourceList",
    ("VolumeMount", "mountPropagation"): "v1.MountPropagationMode",
    ("HostPathVolumeSource", "type"): "v1.HostPathType",
}


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One decoding problem, before it is pinned to a line.

    ``kind`` is ``unknown-field``, ``type`` or ``required``; ``path`` is the data
    path (for ``required``: of the missing property); ``message`` is the
    decoder's text without the ``Pod in version "v1" ...`` prefix.
    """

    kind: str
    path: FieldPath
    message: str
    expects_string: bool = False


def _schema_dir() -> Any:
    return files("kubernetes_validate") / "kubernetes-json-schema" / SCHEMA_VERSION


@functools.cache
def _definitions() -> dict[str, Any]:
    text = (_schema_dir() / "_definitions.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@functools.cache
def _root_schema(api_version: str, kind: str) -> dict[str, Any]:
    text = (_schema_dir() / SCHEMA_FILES[(api_version, kind)]).read_text(encoding="utf-8")
    return dict(json.loads(text))


@functools.cache
def validator(api_version: str, kind: str) -> Any:
    """The cached ``Draft202012Validator`` for a kind (built once per process).

    Its schema has every ``$ref`` replaced by the definition itself (shared
    objects, so recursive definitions stay finite): resolving references
    through ``referencing`` on every validation cost a third of the time.
    """
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inline(_root_schema(api_version, kind)))


_INLINED: dict[str, dict[str, Any]] = {}


def _inline(node: Any) -> Any:
    """``node`` with ``$ref`` replaced by the (shared) inlined definition."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            return _inlined_definition(str(ref).rsplit("/", 1)[-1])
        return {k: _inline(v) for k, v in node.items() if k not in ("description", "$id")}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


def _inlined_definition(name: str) -> dict[str, Any]:
    inlined = _INLINED.get(name)
    if inlined is None:
        inlined = _INLINED[name] = {}  # a placeholder first: definitions may refer to themselves
        inlined.update(_inline(_definitions()["$defs"][name]))
    return inlined


def has_schema(api_version: str, kind: str) -> bool:
    return (api_version, kind) in SCHEMA_FILES


def preload(kinds: Iterable[str] | None = None) -> None:
    """Build the validators now (web workers call this at start-up)."""
    for api_version, kind in SCHEMA_FILES:
        if kinds is None or kind in kinds:
            validator(api_version, kind)


def check(api_version: str, kind: str, data: Mapping[str, Any]) -> list[SchemaProblem]:
    """Every schema problem of ``data``, unsorted."""
    problems: list[SchemaProblem] = []
    walker = _SchemaWalker(api_version, kind)
    for error in validator(api_version, kind).iter_errors(data):
        path = walker.field_path(tuple(error.absolute_path))
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for key in error.instance:
                if key not in known:
                    field = format_path((*path, key))
                    problems.append(
                        SchemaProblem(
                            "unknown-field",
                            (*path, key),
                            f"strict decoding error: unknown field {go_quote(field)}",
                        )
                    )
        elif error.validator == "required":
            match = _REQUIRED_RE.match(error.message)
            if match:
                problems.append(SchemaProblem("required", (*path, match.group(1)), ""))
        elif error.validator in ("type", "oneOf"):
            if error.instance is None:
                continue  # null decodes to the zero value
            problems.append(walker.type_problem(path, error.instance))
        elif error.validator in ("enum", "const"):
            continue  # apiVersion and kind: checked before the schema
        else:
            problems.append(SchemaProblem("type", path, error.message))
    overflows: list[FieldPath] = []
    _overflows(validator(api_version, kind).schema, data, (), overflows)
    for path in overflows:
        problems.append(walker.type_problem(walker.field_path(path), _at_path(data, path)))
    return problems


_INT_RANGES: Final = {"int32": 1 << 31, "int64": 1 << 63}


def _overflows(schema: Any, value: Any, path: FieldPath, out: list[FieldPath]) -> None:
    """Paths of whole numbers beyond their Go integer type (json cannot decode them)."""
    if not isinstance(schema, Mapping):
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key) if isinstance(properties, Mapping) else None
            if sub is None and isinstance(extra, Mapping):
                sub = extra
            if sub is not None:
                _overflows(sub, item, (*path, key), out)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                _overflows(items, item, (*path, i), out)
    elif isinstance(value, int) and not isinstance(value, bool):
        bound = _INT_RANGES.get(str(schema.get("format")))
        if bound is not None and not -bound <= value < bound:
            out.append(path)


def _at_path(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


def json_kind(value: Any) -> str:
    """How Go's encoding/json names a JSON value in an UnmarshalTypeError."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


class _SchemaWalker:
    """Follows a data path through the schema: the Go struct and type at its end."""

    def __init__(self, api_version: str, kind: str) -> None:
        self.root = _root_schema(api_version, kind)
        self.kind = kind

    @staticmethod
    def _resolve(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
        name = None
        while "$ref" in schema:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            schema = _definitions()["$defs"][name]
        return schema, name

    def locate(self, path: FieldPath) -> tuple[str, list[str], Mapping[str, Any], str | None]:
        """(struct name, json field stack, target schema, target definition name)."""
        schema: Mapping[str, Any] = self.root
        struct = self.kind
        current = self.kind
        stack: list[str] = []
        target_name: str | None = None
        for part in path:
            schema, name = self._resolve(schema)
            if name is not None:
                current = name.rsplit(".", 1)[-1]
            if isinstance(part, int):
                schema = schema.get("items", {})
                target_name = None
            elif part in schema.get("properties", {}):
                struct = current
                stack.append(str(part))
                schema = schema["properties"][part]
                target_name = None
            else:
                extra = schema.get("additionalProperties")
                schema = extra if isinstance(extra, Mapping) else {}
                target_name = None
        schema, target_name = self._resolve(schema)
        return struct, stack, schema, target_name

    def field_path(self, path: tuple[Any, ...]) -> FieldPath:
        """``path`` with map keys marked as :class:`Key` (``labels[app]``)."""
        schema: Mapping[str, Any] = self.root
        out: list[str | int] = []
        for part in path:
            schema, _ = self._resolve(schema)
            if isinstance(part, int):
                out.append(part)
                schema = schema.get("items", {})
            elif part in schema.get("properties", {}):
                out.append(str(part))
                schema = schema["properties"][part]
            else:
                out.append(Key(str(part)))
                extra = schema.get("additionalProperties")
                schema = extra if isinstance(extra, Mapping) else {}
        return tuple(out)

    def go_type(self, schema: Mapping[str, Any], name: str | None, owner: tuple[str, str]) -> str:
        named = _NAMED_TYPES.get(owner)
        if named is not None:
            return named
        if name == _QUANTITY:
            return "resource.Quantity"
        if name == _INT_OR_STRING:
            return "intstr.IntOrString"
        if name is not None and schema.get("type") not in ("string", ["string", "null"]):
            package, _, short = name.rpartition(".")
            return f"{package.rsplit('.', 1)[-1]}.{short}"
        types = schema.get("type")
        kinds = [types] if isinstance(types, str) else list(types or [])
        if "array" in kinds:
            items, item_name = self._resolve(schema.get("items", {}))
            return "[]" + self.go_type(items, item_name, ("", ""))
        if "object" in kinds:
            extra = schema.get("additionalProperties")
            if isinstance(extra, Mapping):
                value, value_name = self._resolve(extra)
                return "map[string]" + self.go_type(value, value_name, ("", ""))
            return "map[string]interface {}"
        if "string" in kinds:
            return "[]uint8" if schema.get("format") == "byte" else "string"
        if "integer" in kinds:
            return str(schema.get("format") or "int64")
        if "number" in kinds:
            return "float64"
        if "boolean" in kinds:
            return "bool"
        return "interface {}"

    def type_problem(self, path: FieldPath, value: Any) -> SchemaProblem:
        struct, stack, schema, name = self.locate(path)
        if name == _QUANTITY:
            return SchemaProblem(
                "type",
                path,
                "quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            )
        last_is_field = bool(stack) and bool(path) and path[-1] == stack[-1]
        owner = (struct, stack[-1]) if last_is_field else ("", "")
        go_type = self.go_type(schema, name, owner)
        target = "int32" if name == _INT_OR_STRING else go_type
        kind = json_kind(value)
        if kind == "number" and target.startswith(("int", "uint")):
            number = value
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            kind = f"number {number}"
        where = f"Go struct field {struct}.{'.'.join(stack)}" if stack else "Go value"
        message = f"json: cannot unmarshal {kind} into {where} of type {target}"
        expects_string = target in ("string", "[]uint8") or (
            owner in _NAMED_TYPES and target == _NAMED_TYPES[owner] != "v1.ResourceList"
        )
        return SchemaProblem("type", path, message, expects_string)


# --------------------------------------------------------------------------------------
# Values the schema lets through but the decoder rejects
# --------------------------------------------------------------------------------------


@functools.cache
def _may_hold_quantity(name: str) -> bool:
    """Whether a definition can contain a ``resource.Quantity`` somewhere below it."""
    if name == _QUANTITY:
        return True
    _may_hold_quantity_pending.add(name)
    try:
        return _schema_holds_quantity(_definitions()["$defs"].get(name, {}))
    finally:
        _may_hold_quantity_pending.discard(name)


_may_hold_quantity_pending: set[str] = set()


def _schema_holds_quantity(schema: Mapping[str, Any]) -> bool:
    ref = schema.get("$ref")
    if ref is not None:
        name = str(ref).rsplit("/", 1)[-1]
        return name not in _may_hold_quantity_pending and _may_hold_quantity(name)
    children: list[Mapping[str, Any]] = list(schema.get("properties", {}).values())
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), Mapping):
            children.append(schema[key])
    return any(_schema_holds_quantity(child) for child in children)


def quantity_values(api_version: str, kind: str, data: Any) -> list[tuple[FieldPath, Any]]:
    """Every value ``data`` holds where the schema expects a ``resource.Quantity``."""
    found: list[tuple[FieldPath, Any]] = []
    _walk_quantities(_root_schema(api_version, kind), data, (), found)
    return found


def _walk_quantities(
    schema: Mapping[str, Any], value: Any, path: FieldPath, found: list[tuple[FieldPath, Any]]
) -> None:
    ref = schema.get("$ref")
    if ref is not None:
        name = str(ref).rsplit("/", 1)[-1]
        if name == _QUANTITY:
            found.append((path, value))
            return
        if not _may_hold_quantity(name):
            return
        schema = _definitions()["$defs"][name]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            sub = properties.get(key)
            if sub is not None:
                _walk_quantities(sub, child, (*path, key), found)
            elif isinstance(extra, Mapping):
                _walk_quantities(extra, child, (*path, Key(str(key))), found)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            _walk_quantities(schema["items"], item, (*path, index), found)


_BASE64: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def base64_error_offset(text: str) -> int | None:
    """Where Go's ``base64.StdEncoding.Decode`` fails (``illegal base64 data at input
    byte N``), or ``None`` when ``text`` decodes."""
    src = text.encode("utf-8")
    si = 0
    while si < len(src):
        j = 0
        while j < 4:
            if si == len(src):
                if j == 0:
                    return None
                return si - j  # StdEncoding needs padding: a short quantum is corrupt
            c = src[si]
            si += 1
            if c in _BASE64:
                j += 1
                continue
            if c in (0x0A, 0x0D):
                continue
            if c != 0x3D:  # '='
                return si - 1
            if j in (0, 1):
                return si - 1
            if j == 2:
                while si < len(src) and src[si] in (0x0A, 0x0D):
                    si += 1
                if si == len(src):
                    return len(src)
                if src[si] != 0x3D:
                    return si - 1
                si += 1
            while si < len(src) and src[si] in (0x0A, 0x0D):
                si += 1
            if si < len(src):
                return si
            return None
    return None
