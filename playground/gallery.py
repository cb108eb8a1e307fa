"""The gallery of built-in classroom scenarios.

Each scenario is a YAML file ``gallery/<chapter>/<slug>.yaml`` whose first
document is a ``GalleryEntry`` header (title, chapter, a two-line "what to
watch for", position in the chapter) and whose other documents are the bundle
the editor loads: manifests and at most one ``Scenario``. ``gallery/README.md``
describes the format for teachers. No Django here: the page and the tests use
the same loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

GALLERY_DIR = Path(__file__).resolve().parent.parent / "gallery"
API_VERSION = "playground.podlife.dev/v1"
KIND = "GalleryEntry"
SPEC_FIELDS = ("title", "chapter", "watch", "order")
SLUG = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# A document separator at the start of a line (column 0).
SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter of "the secret life of a Pod"."""

    slug: str
    name: str
    order: int


CHAPTERS: tuple[Chapter, ...] = tuple(
    Chapter(slug, name, i)
    for i, (slug, name) in enumerate(
        [
            ("conception", "Conception"),
            ("pod", "What a Pod is"),
            ("birth", "Birth"),
            ("environment", "The environment"),
            ("health", "Health"),
            ("society", "Classed society"),
            ("death", "Death"),
            ("patterns", "Patterns"),
        ]
    )
)
CHAPTER_BY_SLUG: dict[str, Chapter] = {c.slug: c for c in CHAPTERS}


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    slug: str
    chapter: Chapter
    title: str
    watch: tuple[str, ...]  # one or two lines
    order: int
    path: Path
    text: str  # the bundle without the header document: what the editor loads


class GalleryError(ValueError):
    """A gallery file that does not follow the format, with ``file:line: problem``."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = Path(path)
        self.line = line
        self.problem = problem


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node's entries by key: key -> (key node, value node)."""
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar(path: Path, node: yaml.Node, what: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise GalleryError(path, _line(node), f"{what} must be a single value")
    return yaml.SafeLoader("").construct_object(node)


def _text(path: Path, node: yaml.Node, what: str) -> str:
    value = _scalar(path, node, what)
    if not isinstance(value, str) or not value.strip():
        raise GalleryError(path, _line(node), f"{what} must be non-empty text")
    return value.strip()


def parse_entry(path: Path, text: str) -> GalleryEntry:
    """Read one gallery file; raise ``GalleryError`` naming the line of a problem."""
    return _parse(path, text)[0]


def _parse(path: Path, text: str) -> tuple[GalleryEntry, int]:
    """The entry and the line of its ``metadata.name``."""
    try:
        header = next(yaml.compose_all(text, Loader=yaml.SafeLoader), None)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise GalleryError(path, line, f"the header is not valid YAML: {problem}") from None
    if not isinstance(header, yaml.MappingNode):
        raise GalleryError(
            path, 1, f"the first document must be the {KIND} header (apiVersion {API_VERSION})"
        )
    top = _mapping(header)
    kind = top.get("kind")
    if kind is None or _scalar(path, kind[1], "kind") != KIND:
        line = _line(kind[1]) if kind else _line(header)
        raise GalleryError(path, line, f"the first document must have kind: {KIND}")
    api = top.get("apiVersion")
    if api is None or _scalar(path, api[1], "apiVersion") != API_VERSION:
        line = _line(api[1]) if api else _line(header)
        raise GalleryError(path, line, f"the header's apiVersion must be {API_VERSION}")

    meta = top.get("metadata")
    if meta is None or not isinstance(meta[1], yaml.MappingNode) or "name" not in _mapping(meta[1]):
        line = _line(meta[0]) if meta else _line(header)
        raise GalleryError(path, line, "missing metadata.name (the entry's slug)")
    name_node = _mapping(meta[1])["name"][1]
    slug = str(_scalar(path, name_node, "metadata.name"))
    if not SLUG.match(slug):
        raise GalleryError(
            path,
            _line(name_node),
            f'metadata.name "{slug}" must be a slug: lowercase letters, digits and "-"',
        )
    if slug != path.stem:
        raise GalleryError(
            path,
            _line(name_node),
            f'metadata.name "{slug}" must match the file name ({path.stem}.yaml)',
        )

    spec_item = top.get("spec")
    if spec_item is None or not isinstance(spec_item[1], yaml.MappingNode):
        line = _line(spec_item[0]) if spec_item else _line(header)
        raise GalleryError(path, line, "missing spec (title, chapter, watch, order)")
    spec_line = _line(spec_item[0])
    spec = _mapping(spec_item[1])
    for key, (key_node, _) in spec.items():
        if key not in SPEC_FIELDS:
            raise GalleryError(
                path,
                _line(key_node),
                f'unknown field "spec.{key}"; a {KIND} has {", ".join(SPEC_FIELDS)}',
            )
    for key in ("title", "chapter", "watch"):
        if key not in spec:
            raise GalleryError(path, spec_line, f"missing spec.{key}")

    title = _text(path, spec["title"][1], "spec.title")
    if "\n" in title:
        raise GalleryError(path, _line(spec["title"][1]), "spec.title must be one line")

    chapter_node = spec["chapter"][1]
    chapter_slug = str(_scalar(path, chapter_node, "spec.chapter"))
    chapter = CHAPTER_BY_SLUG.get(chapter_slug)
    if chapter is None:
        raise GalleryError(
            path,
            _line(chapter_node),
            f'unknown chapter "{chapter_slug}"; the chapters are '
            + ", ".join(c.slug for c in CHAPTERS),
        )
    if path.parent.name != chapter.slug:
        raise GalleryError(
            path,
            _line(chapter_node),
            f'chapter "{chapter.slug}" but the file is in {path.parent.name}/; '
            f"move it to gallery/{chapter.slug}/",
        )

    watch_node = spec["watch"][1]
    watch = tuple(
        line.strip() for line in _text(path, watch_node, "spec.watch").splitlines() if line.strip()
    )
    if len(watch) > 2:
        raise GalleryError(
            path,
            _line(watch_node),
            f"spec.watch has {len(watch)} lines; what to watch for is at most two lines",
        )

    order = 0
    if "order" in spec:
        order_node = spec["order"][1]
        value = _scalar(path, order_node, "spec.order")
        if isinstance(value, bool) or not isinstance(value, int):
            raise GalleryError(path, _line(order_node), "spec.order must be a whole number")
        order = value

    # The bundle is everything after the separator that ends the header.
    separator = SEPARATOR.search(text, header.end_mark.index)
    body = text[separator.end() :].lstrip("\n") if separator else ""
    if not body.strip():
        raise GalleryError(
            path,
            header.end_mark.line + (1 if header.end_mark.column else 0),
            "no manifests after the header (separate them with a --- line)",
        )
    return GalleryEntry(slug, chapter, title, watch, order, path, body), _line(name_node)


def load_gallery(root: Path = GALLERY_DIR) -> list[GalleryEntry]:
    """Every ``<chapter>/<slug>.yaml`` under ``root``, by chapter, then order, then slug."""
    entries: list[GalleryEntry] = []
    seen: dict[str, GalleryEntry] = {}
    for path in sorted([*root.glob("*/*.yaml"), *root.glob("*/*.yml")]):
        if path.parent.name not in CHAPTER_BY_SLUG:
            raise GalleryError(
                path,
                1,
                f'unknown chapter directory "{path.parent.name}"; the chapters are '
                + ", ".join(c.slug for c in CHAPTERS),
            )
        item, name_line = _parse(path, path.read_text(encoding="utf-8"))
        if item.slug in seen:
            raise GalleryError(
                path,
                name_line,
                f'duplicate slug "{item.slug}": {seen[item.slug].path} has it already',
            )
        seen[item.slug] = item
        entries.append(item)
    entries.sort(key=lambda e: (e.chapter.order, e.order, e.slug))
    return entries


def by_chapter(entries: list[GalleryEntry]) -> list[tuple[Chapter, list[GalleryEntry]]]:
    """The entries grouped under their chapters, in chapter order (empty chapters left out)."""
    return [
        (chapter, group)
        for chapter in CHAPTERS
        if (group := [e for e in entries if e.chapter == chapter])
    ]


def entry(slug: str, root: Path = GALLERY_DIR) -> GalleryEntry:
    """The gallery entry named ``slug``; ``KeyError`` when there is none."""
    for item in load_gallery(root):
        if item.slug == slug:
            return item
    raise KeyError(slug)
