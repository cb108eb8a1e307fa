"""Multi-document YAML with a line and column for every value.

PyYAML's composer gives each node its start mark; this module keeps those
marks in a map from data path to position so that later checks (schema,
API validation) can point at the offending line. Duplicate keys are rejected,
as the API server's strict decoding does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

from .errors import InputError

Path = tuple[str | int, ...]

# Limits that keep hostile input (alias bombs, absurd nesting) cheap to reject.
MAX_NODES = 50_000
MAX_DEPTH = 64
TOO_BIG = (
    f"document is too large or too deeply nested for the playground "
    f"(at most {MAX_NODES} values, {MAX_DEPTH} levels deep)"
)


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document: its data and where each path starts."""

    file: str
    index: int
    data: Any
    marks: dict[Path, tuple[int, int]] = field(repr=False)

    def position(self, path: Path) -> tuple[int, int]:
        """The (line, column) of ``path``, or of its nearest existing parent."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def error(self, path: Path, message: str, *, at_key: bool = False) -> InputError:
        key_path = (*path, "<key>") if at_key else path
        line, column = self.position(key_path) if key_path in self.marks else self.position(path)
        return InputError(self.file, line, column, message, format_path(path))


def format_path(path: Path) -> str:
    """Kubernetes' field path notation: ``spec.containers[0].image``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def load_documents(file: str, text: str) -> Iterator[Document]:
    """Yield each non-empty document of ``text``; raise ``InputError`` lists."""
    loader = _Loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            marks: dict[Path, tuple[int, int]] = {}
            problems: list[InputError] = []
            budget = [MAX_NODES]
            _index_node(node, (), marks, problems, file, budget)
            if problems:
                raise _Problems(problems)
            data = loader.construct_document(node)
            index += 1
            if data is None:
                continue
            yield Document(file, index, data, marks)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}" if "found" in problem else problem
        raise _Problems([InputError(file, line, column, f"YAML syntax error: {problem}")]) from None
    except RecursionError:
        raise _Problems([InputError(file, 1, 1, TOO_BIG)]) from None
    except yaml.YAMLError as exc:
        raise _Problems([InputError(file, 1, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()


class _Problems(Exception):
    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors


YamlProblems = _Problems


def _index_node(
    node: yaml.Node,
    path: Path,
    marks: dict[Path, tuple[int, int]],
    problems: list[InputError],
    file: str,
    budget: list[int],
) -> None:
    budget[0] -= 1
    if budget[0] < 0 or len(path) > MAX_DEPTH:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        raise _Problems([InputError(file, line, column, TOO_BIG)])
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                _index_node(value_node, path, marks, problems, file, budget)
                continue
            if key in seen:
                problems.append(
                    InputError(
                        file,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f'"{key}" already set in map',
                        format_path((*path, key)),
                    )
                )
            seen.add(key)
            child = (*path, key)
            marks[(*child, "<key>")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            _index_node(value_node, child, marks, problems, file, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_node(item, (*path, i), marks, problems, file, budget)
