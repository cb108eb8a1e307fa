"""Multi-document YAML with a line and column for every value.

PyYAML's composer gives each node its start mark; this module keeps those
marks in a map from data path to position so that later checks (schema,
API validation) can point at the offending line. Duplicate keys are rejected,
as the API server's strict decoding does.

Plain (unquoted) scalars resolve the way ``kubectl`` resolves them, which is
go-yaml v2's YAML 1.1 flavour and not PyYAML's: ``y``/``n``/``yes``/``on``/
``off`` are booleans, ``0755`` is the octal number 493, ``1e3`` is a float,
while timestamps and base-60 numbers (``12:30``) stay strings. Each plain
scalar that did not become a string is remembered in ``Document.implicit``
(its tag and its text), so that validation can say "quote it" where a string
was meant. Mapping keys become strings, as ``sigs.k8s.io/yaml`` makes them; a
key that would silently change on the way (``on:`` becomes ``"true"``) is an
error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import yaml

try:
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Base = yaml.SafeLoader

from .errors import InputError
from .gofmt import Key as Key  # re-exported: a map key in a Path
from .gofmt import format_path as format_path  # re-exported
from .gofmt import go_quote
from .limits import DEFAULT_LIMITS, RunLimits

Path = tuple[str | int, ...]


# Limits that keep hostile input (alias bombs, absurd nesting, huge pastes) cheap to reject;
# their values live in cluster_sim.limits (the defaults; a caller may pass raised ones).
MAX_NODES = DEFAULT_LIMITS.yaml_values_per_document  # per document, aliases expanded
MAX_TOTAL_NODES = DEFAULT_LIMITS.yaml_values  # per input, as written
MAX_DEPTH = DEFAULT_LIMITS.yaml_depth
MAX_DOCUMENTS = DEFAULT_LIMITS.documents
MAX_BYTES = DEFAULT_LIMITS.manifest_bytes


def _too_big(limits: RunLimits) -> str:
    return (
        f"document is too large or too deeply nested for the playground "
        f"(at most {limits.yaml_values_per_document} values, {limits.yaml_depth} levels deep)"
    )


def _too_many_nodes(limits: RunLimits) -> str:
    return f"input is too large for the playground (at most {limits.yaml_values} values in all)"


def _too_many_documents(limits: RunLimits) -> str:
    return f"the playground reads at most {limits.documents} YAML documents from one input"


TOO_BIG = _too_big(DEFAULT_LIMITS)
TOO_MANY_NODES = _too_many_nodes(DEFAULT_LIMITS)
TOO_MANY_DOCUMENTS = _too_many_documents(DEFAULT_LIMITS)

STR_TAG: Final = "tag:yaml.org,2002:str"
BOOL_TAG: Final = "tag:yaml.org,2002:bool"
INT_TAG: Final = "tag:yaml.org,2002:int"
FLOAT_TAG: Final = "tag:yaml.org,2002:float"
NULL_TAG: Final = "tag:yaml.org,2002:null"
MERGE_TAG: Final = "tag:yaml.org,2002:merge"

# The codes InputError.code carries (cluster_sim.validation.field has the full list).
_CODE_YAML: Final = "yaml"
_CODE_DUPLICATE_KEY: Final = "yaml-duplicate-key"
_CODE_YAML_TRAP: Final = "yaml-trap"
_CODE_LIMIT: Final = "limit"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A plain scalar that YAML did not read as a string: ``yes`` -> ``bool``."""

    tag: str  # "bool", "int", "float" or "null"
    text: str  # what the user wrote
    value: Any  # what YAML made of it


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document: its data and where each path starts."""

    file: str
    index: int
    data: Any
    marks: dict[Path, tuple[int, int]] = field(repr=False)
    implicit: dict[Path, Scalar] = field(default_factory=dict, repr=False)

    def position(self, path: Path) -> tuple[int, int]:
        """The (line, column) of ``path``, or of its nearest existing parent."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def field_position(self, path: Path) -> tuple[int, int]:
        """Where an error about the field ``path`` points: its key, as an editor marks it.

        A field whose value starts on a later line than its key (a block mapping or
        list, ``tcpSocket:`` with ``port: 80`` below) is marked at the key; a scalar on
        its key's line at the value, the text an Invalid value quotes. A missing field
        is marked at its nearest existing parent, by the same rule.
        """
        while path not in self.marks and path:
            path = path[:-1]
        value = self.marks.get(path, (1, 1))
        key = self.marks.get((*path, "<key>"))
        if key is not None and value[0] > key[0]:
            return key
        return value

    def error(
        self, path: Path, message: str, *, at_key: bool = False, code: str = ""
    ) -> InputError:
        key_path = (*path, "<key>") if at_key else path
        line, column = self.position(key_path) if key_path in self.marks else self.position(path)
        return InputError(self.file, line, column, message, format_path(path), code)


# --------------------------------------------------------------------------------------
# go-yaml v2 scalar resolution (what kubectl's sigs.k8s.io/yaml does with a plain scalar)
# --------------------------------------------------------------------------------------

_GO_BOOLS: Final = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
}
_GO_NULLS: Final = frozenset(("", "~", "null", "Null", "NULL"))
_GO_SPECIAL_FLOATS: Final = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
}
_YAML_STYLE_FLOAT: Final = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_FLOAT: Final = re.compile(
    r"[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE
)
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?"
    r"([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?"
)
_INT64_MIN: Final = -(1 << 63)
_INT64_MAX: Final = (1 << 63) - 1
_UINT64_MAX: Final = (1 << 64) - 1
_DIGITS: Final = {
    2: frozenset("01"),
    8: frozenset("01234567"),
    10: frozenset("0123456789"),
    16: frozenset("0123456789abcdefABCDEF"),
}


def _go_parse_int(text: str, *, signed: bool = True) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` (``ParseUint`` when not ``signed``)."""
    body = text
    negative = False
    if signed and body[:1] in "+-":
        negative = body[0] == "-"
        body = body[1:]
    base = 10
    lower = body.lower()
    if lower.startswith("0x"):
        base, body = 16, body[2:]
    elif lower.startswith("0b"):
        base, body = 2, body[2:]
    elif lower.startswith("0o"):
        base, body = 8, body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, body = 8, body[1:]
    if not body or not set(body) <= _DIGITS[base]:
        return None
    if len(body.lstrip("0")) > 64:  # beyond any 64-bit value in any base: ParseInt's ErrRange
        return None
    value = int(body, base)
    value = -value if negative else value
    if signed and not _INT64_MIN <= value <= _INT64_MAX:
        return None
    if not signed and value > _UINT64_MAX:
        return None
    return value


def go_resolve(text: str) -> tuple[str, Any]:
    """go-yaml v2 ``resolve`` for a plain scalar: ``(tag, value)``."""
    if text in _GO_BOOLS:
        return BOOL_TAG, _GO_BOOLS[text]
    if text in _GO_NULLS:
        return NULL_TAG, None
    if text in _GO_SPECIAL_FLOATS:
        return FLOAT_TAG, _GO_SPECIAL_FLOATS[text]
    if text == "<<":
        return MERGE_TAG, text
    hint = text[0]
    if hint == ".":
        if _GO_FLOAT.fullmatch(text):
            return FLOAT_TAG, float(text)
    elif hint in "+-0123456789":
        if _TIMESTAMP.fullmatch(text):
            return STR_TAG, text  # decoded into interface{}, a timestamp stays a string
        plain = text.replace("_", "")
        if plain:
            number = _go_parse_int(plain)
            if number is None and plain[0] not in "+-":
                number = _go_parse_int(plain, signed=False)
            if number is not None:
                return INT_TAG, number
            if _YAML_STYLE_FLOAT.fullmatch(plain):
                real = float(plain)
                if math.isfinite(real):  # ParseFloat's ErrRange leaves a string
                    return FLOAT_TAG, real
            elif plain.startswith(("0b", "-0b")):
                digits = plain.removeprefix("-").removeprefix("0b")
                if digits and set(digits) <= {"0", "1"} and len(digits.lstrip("0")) <= 63:
                    number = int(digits, 2)
                    return INT_TAG, -number if plain.startswith("-") else number
    return STR_TAG, text


def go_key_string(tag: str, value: Any, text: str) -> str:
    """The string ``sigs.k8s.io/yaml`` makes of a non-string mapping key."""
    if tag == BOOL_TAG:
        return "true" if value else "false"
    if tag == NULL_TAG:
        return "null"
    if tag == INT_TAG:
        return str(value)
    if tag == FLOAT_TAG:
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "+Inf" if number > 0 else "-Inf"
        return str(int(number)) if number.is_integer() and abs(number) < 1e21 else repr(number)
    return text


class _K8sLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader whose plain scalars resolve as go-yaml v2 resolves them."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return go_resolve(value)[0]
        return str(super().resolve(kind, value, implicit))

    def construct_go_scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = go_resolve(node.value)
        if tag == node.tag:
            return value
        # An explicit tag on text go-yaml would not resolve that way (!!int "x"): YAML's reading.
        return getattr(super(), _CONSTRUCTORS[node.tag])(node)


_CONSTRUCTORS: Final = {
    BOOL_TAG: "construct_yaml_bool",
    INT_TAG: "construct_yaml_int",
    FLOAT_TAG: "construct_yaml_float",
}
for _tag in _CONSTRUCTORS:
    _K8sLoader.add_constructor(_tag, _K8sLoader.construct_go_scalar)


def _short_tag(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


class _Mark(Protocol):
    line: int
    column: int


def _position(mark: _Mark | None) -> tuple[int, int]:
    """A mark's 1-based line and column (the parser gives every event one)."""
    return (1, 1) if mark is None else (mark.line + 1, mark.column + 1)


class _Problems(Exception):
    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors


YamlProblems = _Problems


def source_problems(file: str, text: str, limits: RunLimits = DEFAULT_LIMITS) -> list[InputError]:
    """Playground limits on a whole source, checked before any parsing."""
    size = len(text) if text.isascii() else len(text.encode("utf-8", "replace"))
    if size > limits.manifest_bytes:
        return [
            InputError(
                file,
                1,
                1,
                f"input is larger than the playground's limit of "
                f"{limits.manifest_bytes // 1024} KiB",
                "",
                _CODE_LIMIT,
            )
        ]
    if "\x00" in text:
        line, column = _line_column(text, text.index("\x00"))
        return [
            InputError(
                file, line, column, "input is not text (it contains NUL bytes)", "", "encoding"
            )
        ]
    return []


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def load_documents(file: str, text: str, limits: RunLimits = DEFAULT_LIMITS) -> Iterator[Document]:
    """Yield each non-empty document of ``text``; raise ``YamlProblems`` with InputErrors.

    A document with YAML problems (duplicate or trap keys) is not yielded; the
    problems of every document are raised together once the stream ends, or
    with the syntax error that ends it early.
    """
    problems = source_problems(file, text, limits)
    if problems:
        raise _Problems(problems)
    # Below this size an input cannot hold more values than a document may, so
    # composing it is cheap.
    if len(text) > 2 * limits.yaml_values_per_document:
        _prescan(file, text, limits)
    try:
        yield from _documents(file, text, problems, limits)
    except _Problems as exc:
        raise _Problems(problems + exc.errors) from None
    if problems:
        raise _Problems(problems)


def _documents(
    file: str, text: str, problems: list[InputError], limits: RunLimits
) -> Iterator[Document]:
    loader = _K8sLoader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            index += 1
            if index > limits.documents:
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
                message = _too_many_documents(limits)
                raise _Problems([InputError(file, line, column, message, "", _CODE_LIMIT)])
            marks: dict[Path, tuple[int, int]] = {}
            implicit: dict[Path, Scalar] = {}
            errors: list[InputError] = []
            _Indexer(file, marks, implicit, errors, limits).index(node, ())
            if errors:
                problems.extend(errors)
                continue
            data = loader.construct_document(node)
            if data is None:
                continue
            yield Document(file, index, data, marks, implicit)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:
            message = _too_big(limits)
            raise _Problems([InputError(file, line, column, message, "", _CODE_LIMIT)]) from None
        if exc.context:
            problem = f"{exc.context}, {problem}" if "found" in problem else problem
        raise _Problems(
            [InputError(file, line, column, f"YAML syntax error: {problem}", "", _CODE_YAML)]
        ) from None
    except yaml.reader.ReaderError as exc:
        line, column = _reader_position(text, exc.position)
        character = exc.character
        if isinstance(character, str) and character:
            character = ord(character[0])
        what = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        raise _Problems(
            [
                InputError(
                    file,
                    line,
                    column,
                    f"YAML syntax error: unacceptable character {what}: {exc.reason}",
                    "",
                    "encoding",
                )
            ]
        ) from None
    except RecursionError:
        raise _Problems([InputError(file, 1, 1, _too_big(limits), "", _CODE_LIMIT)]) from None
    except yaml.YAMLError as exc:
        raise _Problems([InputError(file, 1, 1, f"YAML error: {exc}", "", _CODE_YAML)]) from None
    finally:
        loader.dispose()


def _prescan(file: str, text: str, limits: RunLimits) -> None:
    """Count a large input's values from parser events, before anything is built.

    Composing costs a few microseconds per value; a 1 MiB input of ``[1,1,1...``
    would take seconds. The event stream is cheap, so the limits are enforced on
    it first. Syntax errors are left for the real load to report.
    """
    parser = _Base(text)
    total = 0
    in_document = 0
    depth = 0
    documents = 0
    try:
        while parser.check_event():
            # types-PyYAML leaves Parser.get_event unannotated (it returns an Event).
            event: yaml.Event = parser.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.DocumentStartEvent):
                in_document = 0
                documents += 1
                if documents > limits.documents:
                    line, column = _position(event.start_mark)
                    raise _Problems(
                        [
                            InputError(
                                file,
                                line,
                                column,
                                _too_many_documents(limits),
                                "",
                                _CODE_LIMIT,
                            )
                        ]
                    )
            elif isinstance(event, yaml.NodeEvent):
                total += 1
                in_document += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                message = None
                if total > limits.yaml_values:
                    message = _too_many_nodes(limits)
                elif in_document > limits.yaml_values_per_document or depth > limits.yaml_depth:
                    message = _too_big(limits)
                if message is not None:
                    line, column = _position(event.start_mark)
                    raise _Problems([InputError(file, line, column, message, "", _CODE_LIMIT)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()


def _reader_position(text: str, position: int) -> tuple[int, int]:
    """libyaml reports a byte offset into the UTF-8 text; PyYAML a character index."""
    if _Base is yaml.SafeLoader or text.isascii():
        return _line_column(text, min(position, len(text)))
    prefix = text.encode("utf-8")[:position].decode("utf-8", "ignore")
    return _line_column(text, len(prefix))


class _Indexer:
    """Walks a composed node: marks, implicit scalars, duplicate and trap keys, limits."""

    def __init__(
        self,
        file: str,
        marks: dict[Path, tuple[int, int]],
        implicit: dict[Path, Scalar],
        errors: list[InputError],
        limits: RunLimits = DEFAULT_LIMITS,
    ) -> None:
        self.file = file
        self.limits = limits
        self.marks = marks
        self.implicit = implicit
        self.errors = errors
        self.budget = limits.yaml_values_per_document

    def _too_big(self, node: yaml.Node) -> _Problems:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        message = _too_big(self.limits)
        return _Problems([InputError(self.file, line, column, message, "", _CODE_LIMIT)])

    def index(self, node: yaml.Node, path: Path) -> None:
        self.budget -= 1
        if self.budget < 0 or len(path) > self.limits.yaml_depth:
            raise self._too_big(node)
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag in (BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG) and not node.style:
                tag, value = go_resolve(node.value)
                if tag == node.tag:
                    self.implicit[path] = Scalar(_short_tag(tag), node.value, value)
        elif isinstance(node, yaml.MappingNode):
            self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.index(item, (*path, i))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> None:
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self.index(value_node, path)
                continue
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if isinstance(key_node, yaml.ScalarNode):
                key = self._key(key_node, path, line, column)
            else:
                key = repr(key_node)
            if key in seen:
                # A JSON document (flow style, double-quoted keys) gets the JSON decoder's words.
                as_json = node.flow_style and getattr(key_node, "style", None) == '"'
                template = "duplicate field {}" if as_json else "key {} already set in map"
                self.errors.append(
                    InputError(
                        self.file,
                        line,
                        column,
                        template.format(go_quote(str(key))),
                        format_path((*path, key)),
                        _CODE_DUPLICATE_KEY,
                    )
                )
            seen.add(key)
            child = (*path, key)
            self.marks[(*child, "<key>")] = (line, column)
            self.index(value_node, child)

    def _key(self, key_node: yaml.ScalarNode, path: Path, line: int, column: int) -> str:
        """A mapping key as a string; a key YAML would silently change is an error."""
        if key_node.tag == STR_TAG or key_node.style:
            return str(key_node.value)
        tag, value = go_resolve(key_node.value)
        text = str(key_node.value)
        if tag != key_node.tag:  # an explicit tag: keep the text
            key_node.tag = STR_TAG
            return text
        as_string = go_key_string(tag, value, text)
        key_node.tag = STR_TAG
        if as_string != text:
            if tag == BOOL_TAG:
                reading = f"the boolean {as_string}"
            elif tag == NULL_TAG:
                reading = "null"
            else:
                reading = f"the number {as_string}"
            self.errors.append(
                InputError(
                    self.file,
                    line,
                    column,
                    f"the key {text} is read by YAML as {reading}, so Kubernetes would see "
                    f'the key "{as_string}"; write {go_quote(text)}: (quoted) to keep '
                    "it",
                    format_path((*path, text)),
                    _CODE_YAML_TRAP,
                )
            )
        return text
