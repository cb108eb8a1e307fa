"""One entry point for a loaded YAML document: layers 1 to 4, pinned to lines.

``validate_document(doc)`` returns :class:`~cluster_sim.errors.InputError`
values in the order the API server would report them:

1. the document is not an object, has no kind, or the wrong apiVersion (one
   error, nothing else is checked); a kind the playground does not simulate
   gets one ``unsupported-kind`` item, which :mod:`cluster_sim.bundle` turns
   into a warning (the document is skipped, the rest of the bundle runs);
2. decoding errors (HTTP 400 upstream), in document order: unknown fields,
   values of the wrong type (with a hint to quote a YAML 1.1 trap),
   quantities that do not parse, Secret data that is not base64. Each reads
   ``Pod in version "v1" cannot be handled as a Pod: <decoder message>``;
3. validation errors (HTTP 422 upstream), in the API server's order, each in
   kubectl's one-cause form ``The Pod "web" is invalid: <field>: <body>``.
   Validation runs even when decoding failed (the page shows everything at
   once); an error under a field that failed to decode is left out;
4. required properties the schema knows and validation did not report, then
   the playground's limits.

Upstream prints several causes as ``The Pod "web" is invalid: \\n* a\\n* b``;
here each cause is its own InputError with its own line, so each message
carries the single-cause prefix. :func:`kubectl_output` renders the exact
multi-line text kubectl would print for one document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..gofmt import format_path
from ..limits import DEFAULT_LIMITS, RunLimits
from ..networkpolicy.policy import default_network_policy
from ..networkpolicy.validation import validate_network_policy
from ..quantity import ERR_FORMAT_WRONG, Quantity, QuantityError
from ..yamlsource import Document, Path
from . import defaults, limits, rbac, schema
from .batch import validate_cron_job
from .field import (
    CODE_KIND,
    CODE_LIMIT,
    CODE_TYPE,
    CODE_UNKNOWN_FIELD,
    CODE_UNSUPPORTED_KIND,
    CODE_YAML,
    FieldError,
    FieldPath,
    Key,
    required,
)
from .kinds import (
    validate_config_map,
    validate_namespace,
    validate_node,
    validate_secret,
    validate_service,
    validate_service_account,
)
from .pod import validate_pod_create
from .pod_options import PodOptions
from .policy import validate_pod_disruption_budget_fields
from .sets import daemon_set, stateful_set, validate_daemon_set, validate_stateful_set
from .values import d, s
from .workloads import (
    validate_deployment,
    validate_job,
    validate_replica_set,
    validate_replication_controller,
)
from .yaml_traps import not_an_object, quote_hint

KINDS_WITH_SCHEMA = tuple(kind for _, kind in schema.SCHEMA_FILES)


@dataclass
class DecodeProblem:
    """A problem the API server's decoder reports (HTTP 400)."""

    path: FieldPath
    message: str
    code: str
    at_key: bool = False
    fatal: bool = True  # a type error stops decoding; unknown fields are collected
    hint: str = ""  # the playground's advice (quote a YAML 1.1 trap), not Kubernetes' text


@dataclass
class Analysis:
    """Everything found in one document, before it is turned into InputErrors."""

    kind: str
    name: str
    version: str
    decode: list[DecodeProblem] = field(default_factory=list)
    invalid: list[FieldError] = field(default_factory=list)
    missing: list[FieldError] = field(default_factory=list)  # schema-required leftovers
    limits: list[tuple[Path, str]] = field(default_factory=list)


def validate_document(
    doc: Document,
    *,
    supported_kinds: Iterable[str] | None = None,
    options: PodOptions | None = None,
    run_limits: RunLimits = DEFAULT_LIMITS,
) -> list[InputError]:
    """Every problem of one document (layers 1-4), pinned to its line and column.

    ``supported_kinds`` are the kinds the caller can run; another kind gets one
    ``unsupported-kind`` item ("is not simulated by the playground; this
    document is skipped"), which the bundle loader reports as a warning. Without it, any kind with a
    schema (Pod, Namespace, Node, ConfigMap, Secret, Service, ServiceAccount,
    Deployment, ReplicaSet, ReplicationController, Job) is validated. A
    ``Scenario`` document only gets the playground's limits here;
    ``cluster_sim.scenario`` validates the rest.
    """
    early = _type_meta(doc, supported_kinds)
    if early is not None:
        return early
    data: dict[str, Any] = doc.data
    if data.get("kind") == "Scenario":
        return _scenario_limits(doc, run_limits)
    analysis = analyse(doc, options)
    return _input_errors(doc, analysis)


def _type_meta(doc: Document, supported_kinds: Iterable[str] | None) -> list[InputError] | None:
    data = doc.data
    if not isinstance(data, dict):
        return [doc.error((), not_an_object(data), code=CODE_YAML)]
    kind = data.get("kind")
    if not kind:
        return [doc.error((), "Object 'Kind' is missing", code=CODE_KIND)]
    if not isinstance(kind, str):
        return [
            doc.error(("kind",), f"Object 'Kind' must be a string, not {kind!r}", code=CODE_KIND)
        ]
    supported = tuple(supported_kinds) if supported_kinds is not None else None
    if supported is not None and kind not in supported:
        return [doc.error(("kind",), limits.unsimulated_kind(kind), code=CODE_UNSUPPORTED_KIND)]
    if kind == "Scenario":
        return None
    api_version = schema.API_VERSIONS.get(kind)
    if api_version is None:
        return [doc.error(("kind",), limits.unsimulated_kind(kind), code=CODE_UNSUPPORTED_KIND)]
    actual = data.get("apiVersion")
    if actual != api_version:
        if actual is None:
            message = f"apiVersion not set (a {kind} is apiVersion: {api_version})"
        else:
            message = (
                f'no matches for kind "{kind}" in version "{actual}" '
                f"(a {kind} is apiVersion: {api_version})"
            )
        return [doc.error(("apiVersion",), message, code=CODE_KIND)]
    return None


def _scenario_limits(doc: Document, run_limits: RunLimits) -> list[InputError]:
    horizon = d(doc.data.get("spec")).get("horizon")
    message = limits.horizon_problem(horizon, run_limits.horizon_s)
    if message is None:
        return []
    return [doc.error(("spec", "horizon"), f"Scenario spec.horizon: {message}", code=CODE_LIMIT)]


_VALIDATORS: dict[str, Callable[..., list[FieldError]]] = {
    "Namespace": validate_namespace,
    "Node": validate_node,
    "ConfigMap": validate_config_map,
    "ServiceAccount": validate_service_account,
    "DaemonSet": lambda data: validate_daemon_set(daemon_set(data)),
    "StatefulSet": lambda data: validate_stateful_set(stateful_set(data)),
    "PodDisruptionBudget": validate_pod_disruption_budget_fields,
    "NetworkPolicy": lambda data: validate_network_policy(default_network_policy(data)),
    **{kind: (lambda data, kind=kind: rbac.validate_rbac(kind, data)) for kind in rbac.KINDS},
}


def analyse(doc: Document, options: PodOptions | None = None) -> Analysis:
    """Layers 2-4 for a document whose kind and apiVersion are known to be right."""
    data: dict[str, Any] = doc.data
    kind = str(data["kind"])
    api_version = schema.API_VERSIONS[kind]
    meta = data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    analysis = Analysis(kind, name if isinstance(name, str) else "", api_version.rsplit("/", 1)[-1])
    # RBAC bindings' apiGroups are defaulted before the schema sees them (required there).
    problems = schema.check(api_version, kind, rbac.defaulted(kind, data))
    required_paths: list[FieldPath] = []
    for problem in problems:
        if problem.kind == "required":
            required_paths.append(problem.path)
            continue
        if problem.kind == "unknown-field":
            analysis.decode.append(
                DecodeProblem(problem.path, problem.message, CODE_UNKNOWN_FIELD, True, False)
            )
            continue
        code, hint = CODE_TYPE, ""
        scalar = doc.implicit.get(problem.path)
        if scalar is not None and problem.expects_string:
            code, hint = quote_hint(scalar)
        analysis.decode.append(DecodeProblem(problem.path, problem.message, code, hint=hint))
    typed = {p.path for p in analysis.decode if p.code != CODE_UNKNOWN_FIELD}
    for path, value in schema.quantity_values(api_version, kind, data):
        if path in typed or value is None or not isinstance(value, str | int | float):
            continue
        message = _quantity_problem(value)
        if message:
            analysis.decode.append(DecodeProblem(path, message, CODE_TYPE))
    decoded_secret: dict[str, bytes] = {}
    if kind == "Secret":
        decoded_secret = _secret_data(data, analysis)
    analysis.decode.sort(key=lambda p: doc.position(_at(p.path, p.at_key)))

    bad = [p.path for p in analysis.decode]
    opts = options or PodOptions()
    if kind == "Pod":
        found = validate_pod_create(defaults.pod(data), opts)
    elif kind == "Service":
        found = validate_service(defaults.service(data))
    elif kind == "Secret":
        found = validate_secret(defaults.secret(data), decoded_secret)
    elif kind == "Deployment":
        found = validate_deployment(defaults.deployment(data))
    elif kind == "ReplicaSet":
        found = validate_replica_set(defaults.replica_set(data))
    elif kind == "ReplicationController":
        found = validate_replication_controller(defaults.replication_controller(data))
    elif kind == "Job":
        found = validate_job(defaults.job(data))
    elif kind == "CronJob":
        found = validate_cron_job(defaults.cron_job(data))
    else:
        found = _VALIDATORS[kind](data)
    analysis.invalid = [e for e in found if not _under_any(e.path, bad)]
    reported = [e.path for e in analysis.invalid]
    for path in sorted(required_paths, key=doc.position):
        if (
            not _under_any(path, bad)
            and not _under_any(path, reported)
            and not any(_starts_with(r, path) for r in reported)
        ):
            analysis.missing.append(required(path))
    if isinstance(meta, dict) and not s(meta.get("name")) and s(meta.get("generateName")):
        analysis.limits.append((("metadata", "generateName"), limits.GENERATE_NAME))
    return analysis


def _quantity_problem(value: str | int | float) -> str:
    """``Quantity.UnmarshalJSON``'s error for ``value`` ("" when it parses)."""
    try:
        Quantity.unmarshal(value)
    except (QuantityError, ValueError, OverflowError) as exc:
        return str(exc) or ERR_FORMAT_WRONG
    return ""


def _secret_data(data: dict[str, Any], analysis: Analysis) -> dict[str, bytes]:
    import base64

    decoded: dict[str, bytes] = {}
    for key, value in d(data.get("data")).items():
        if not isinstance(value, str):
            continue
        offset = schema.base64_error_offset(value)
        if offset is not None:
            analysis.decode.append(
                DecodeProblem(
                    ("data", Key(str(key))),
                    f"illegal base64 data at input byte {offset}",
                    CODE_TYPE,
                    hint="Secret data values are base64-encoded; put plain text under stringData",
                )
            )
            continue
        decoded[str(key)] = base64.b64decode(value.replace("\n", "").replace("\r", ""))
    for key, value in d(data.get("stringData")).items():
        if isinstance(value, str):
            decoded[str(key)] = value.encode()
    return decoded


def _starts_with(path: FieldPath, prefix: FieldPath) -> bool:
    return len(path) >= len(prefix) and tuple(path[: len(prefix)]) == tuple(prefix)


def _under_any(path: FieldPath, prefixes: list[FieldPath]) -> bool:
    return any(_starts_with(path, prefix) for prefix in prefixes)


def _at(path: FieldPath, at_key: bool) -> Path:
    return (*path, "<key>") if at_key else tuple(path)


def decode_prefix(analysis: Analysis) -> str:
    kind, version = analysis.kind, analysis.version
    return f'{kind} in version "{version}" cannot be handled as a {kind}: '


def _input_errors(doc: Document, analysis: Analysis) -> list[InputError]:
    out: list[InputError] = []
    prefix = decode_prefix(analysis)
    for problem in analysis.decode:
        line, column = doc.position(_at(problem.path, problem.at_key))
        hint = f" ({problem.hint})" if problem.hint else ""
        out.append(
            InputError(
                doc.file,
                line,
                column,
                prefix + problem.message + hint,
                format_path(problem.path),
                problem.code,
            )
        )
    for error in (*analysis.invalid, *analysis.missing):
        line, column = doc.field_position(tuple(error.at if error.at is not None else error.path))
        out.append(
            InputError(
                doc.file,
                line,
                column,
                f'The {analysis.kind} "{analysis.name}" is invalid: {error}',
                error.field,
                error.type,
            )
        )
    for path, message in analysis.limits:
        out.append(doc.error(path, message, code=CODE_LIMIT))
    return out


def kubectl_output(
    doc: Document, file: str | None = None, options: PodOptions | None = None
) -> str:
    """What ``kubectl create -f FILE`` prints on stderr for this document ("" if valid)."""
    early = _type_meta(doc, None)
    if early is not None:
        return "".join(f"error: {e.message}\n" for e in early)
    analysis = analyse(doc, options)
    if analysis.decode:
        fatal = [p for p in analysis.decode if p.fatal]
        if fatal:
            detail = fatal[0].message
        else:
            detail = "strict decoding error: " + ", ".join(
                p.message.removeprefix("strict decoding error: ") for p in analysis.decode
            )
        name = file if file is not None else doc.file
        return (
            f'Error from server (BadRequest): error when creating "{name}": '
            f"{decode_prefix(analysis)}{detail}\n"
        )
    causes: list[str] = []
    for error in (*analysis.invalid, *analysis.missing):
        text = str(error)
        if text not in causes:
            causes.append(text)
    if not causes:
        return ""
    head = f'The {analysis.kind} "{analysis.name}" is invalid: '
    if len(causes) == 1:
        return head + causes[0] + "\n"
    return head + "\n" + "".join(f"* {cause}\n" for cause in causes)
