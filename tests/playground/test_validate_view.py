"""Live validation (POST /validate) and the gallery pages, through Django's test client."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.utils.html import escape

from playground.examples import DEFAULT_EXAMPLE
from playground.gallery import CHAPTERS, by_chapter, load_gallery

ROOT = Path(__file__).resolve().parents[2]
FAST_S = 2.0  # hostile input must be answered well within this

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
NO_IMAGE = POD.replace("    image: nginx\n", "")
UNKNOWN_FIELD = POD.replace("    image: nginx\n", "    image: nginx\n    imag: nginx\n")
DUPLICATE_KEY = POD.replace("  name: web\n", "  name: web\n  name: other\n")
YES_TRAP = POD + "    env:\n    - name: DEBUG\n      value: yes\n"
TAB_INDENT = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: bad\n"
WRONG_TYPE = POD + '    ports:\n    - containerPort: "80"\n'
UNSUPPORTED = POD + "  restartPolicy: Sometimes\n"
SEVERAL = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    imag: nginx
    env:
    - name: X
      value: yes
"""
ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
DEEP = "a: " + "[" * 10_000 + "]" * 10_000 + "\n"


# -- reading the partial the way the page does ---------------------------------------


@dataclass
class Item:
    line: int
    column: int
    code: str
    location: str = ""  # the "LINE:COL" the user sees
    message: str = ""


@dataclass
class Validation:
    state: str = ""
    items: list[Item] = field(default_factory=list)
    data: list[dict[str, object]] = field(default_factory=list)
    summary: str = ""


class _Partial(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.result = Validation()
        self.into: str | None = None
        self.json = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if "validation" in classes:
            self.result.state = a["data-state"]
        elif tag == "li" and "validation-error" in classes:
            self.result.items.append(
                Item(int(a["data-line"]), int(a["data-column"]), a["data-code"])
            )
        elif "validation-loc" in classes:
            self.into = "location"
        elif "validation-message" in classes:
            self.into = "message"
        elif "validation-ok" in classes or "validation-empty" in classes:
            self.into = "summary"
        elif tag == "script" and a.get("id") == "validation-data":
            self.into = "json"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("button", "span", "p", "script"):
            self.into = None

    def handle_data(self, data: str) -> None:
        if self.into == "location":
            self.result.items[-1].location += data
        elif self.into == "message":
            self.result.items[-1].message += data
        elif self.into == "summary":
            self.result.summary += data
        elif self.into == "json":
            self.json += data


def read(response: object) -> Validation:
    assert response.status_code == 200, response.content[:500]  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/html")  # type: ignore[index]
    parser = _Partial()
    parser.feed(response.content.decode())  # type: ignore[attr-defined]
    parser.result.data = json.loads(parser.json)
    return parser.result


def post(client: Client, text: str | bytes) -> Validation:
    return read(client.post("/validate", data=text, content_type="text/plain; charset=utf-8"))


def shown(result: Validation) -> list[tuple[int, int, str]]:
    """(line, column, message) of every error, as the list shows them, checked against the JSON."""
    listed = [(i.line, i.column, i.message) for i in result.items]
    assert [f"{i.line}:{i.column}" for i in result.items] == [i.location for i in result.items]
    assert [(d["line"], d["column"], d["message"]) for d in result.data] == listed
    assert [d["code"] for d in result.data] == [i.code for i in result.items]
    return listed


# -- each layer, in Kubernetes' words --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "code", "message"),
    [
        pytest.param(
            TAB_INDENT,
            4,
            1,
            "yaml",
            "YAML syntax error: while scanning for the next token, "
            "found character that cannot start any token",
            id="yaml-syntax",
        ),
        pytest.param(
            DUPLICATE_KEY,
            5,
            3,
            "yaml-duplicate-key",
            'key "name" already set in map',
            id="yaml-duplicate-key",
        ),
        pytest.param(
            YES_TRAP,
            11,
            14,
            "yaml-trap",
            'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go '
            "struct field EnvVar.spec.containers.env.value of type string (YAML 1.1 reads the "
            'unquoted yes as the boolean true; quote it ("yes") to keep the string)',
            id="yaml-1.1-trap",
        ),
        pytest.param(
            UNKNOWN_FIELD,
            9,
            5,
            "unknown-field",
            'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
            'unknown field "spec.containers[0].imag"',
            id="schema-unknown-field",
        ),
        pytest.param(
            WRONG_TYPE,
            10,
            22,
            "type",
            'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into '
            "Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
            id="schema-type",
        ),
        pytest.param(
            NO_IMAGE,
            7,
            5,
            "FieldValueRequired",
            'The Pod "web" is invalid: spec.containers[0].image: Required value',
            id="api-required",
        ),
        pytest.param(
            UNSUPPORTED,
            9,
            18,
            "FieldValueNotSupported",
            'The Pod "web" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": '
            'supported values: "Always", "OnFailure", "Never"',
            id="api-not-supported",
        ),
        pytest.param(
            DEEP,
            1,
            1003,
            "limit",
            "document is too large or too deeply nested for the playground "
            "(at most 50000 values, 64 levels deep)",
            id="limit-depth",
        ),
    ],
)
def test_each_layer_reports_its_error_with_line_column_and_kubernetes_wording(
    client: Client, text: str, line: int, column: int, code: str, message: str
) -> None:
    result = post(client, text)
    assert result.state == "invalid"
    assert shown(result) == [(line, column, message)]
    assert [i.code for i in result.items] == [code]


def test_every_error_of_a_manifest_is_listed_with_its_field_path(client: Client) -> None:
    result = post(client, SEVERAL)
    assert [(i.location, i.code) for i in result.items] == [
        ("8:5", "unknown-field"),
        ("11:14", "yaml-trap"),
        ("7:5", "FieldValueRequired"),
    ]
    assert [d["path"] for d in result.data] == [
        "spec.containers[0].imag",
        "spec.containers[0].env[0].value",
        "spec.containers[0].image",
    ]
    assert result.items[2].message.endswith("spec.containers[0].image: Required value")


def test_a_valid_bundle_gets_a_short_summary_and_no_errors(client: Client) -> None:
    bundle = (
        POD
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: two}\n"
        + "spec: {containers: [{name: c, image: busybox}]}\n"
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n"
    )
    result = post(client, bundle)
    assert result.state == "valid"
    assert result.items == [] and result.data == []
    assert result.summary == "valid: 3 objects (2 Pods, 1 ConfigMap)"
    assert post(client, DEFAULT_EXAMPLE.manifest).summary == "valid: 1 object (1 Pod)"


def test_an_empty_manifest_is_neither_valid_nor_an_error(client: Client) -> None:
    for text in ("", "  \n", "# only a comment\n"):
        result = post(client, text)
        assert (result.state, result.items, result.summary) == (
            "empty",
            [],
            "The manifest is empty.",
        )


def test_a_form_post_of_the_manifest_field_is_validated_the_same(client: Client) -> None:
    result = read(client.post("/validate", {"manifest": NO_IMAGE}))
    assert shown(result) == shown(post(client, NO_IMAGE))


# -- the same errors as the command line ----------------------------------------------


def cli_errors(text: str | bytes) -> list[tuple[int, int, str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "cluster_sim", "run", "-", "--until", "1"],
        input=text.encode() if isinstance(text, str) else text,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr.decode()
    errors = []
    for line in proc.stderr.decode().splitlines():
        match = re.fullmatch(r"-:(\d+):(\d+): (.*)", line)
        assert match, line
        errors.append((int(match[1]), int(match[2]), match[3]))
    return errors


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(t, id=name)
        for name, t in {
            "tab": TAB_INDENT,
            "duplicate": DUPLICATE_KEY,
            "trap": YES_TRAP,
            "unknown": UNKNOWN_FIELD,
            "type": WRONG_TYPE,
            "required": NO_IMAGE,
            "unsupported": UNSUPPORTED,
            "several": SEVERAL,
            "deep": DEEP,
            "alias-bomb": ALIAS_BOMB,
            "not-utf8": b"apiVersion: v1\nkind: \xff\xfePod\n",
            "nul": "apiVersion: v1\nkind: Pod\x00\n",
        }.items()
    ],
)
def test_the_view_gives_exactly_the_errors_of_the_command_line(
    client: Client, text: str | bytes
) -> None:
    expected = cli_errors(text)
    assert expected  # the input is invalid for the CLI too
    assert shown(post(client, text)) == expected


# -- hostile input: a message, at once, never an error page --------------------------


def timed_post(client: Client, body: str | bytes) -> Validation:
    started = time.perf_counter()
    result = post(client, body)
    assert time.perf_counter() - started < FAST_S
    return result


def test_a_ten_megabyte_paste_gets_the_size_limit_message(client: Client) -> None:
    result = timed_post(client, ("a: b\n" * (2 * 1024 * 1024)).encode())
    assert shown(result) == [(1, 1, "input is larger than the playground's limit of 256 KiB")]
    assert [i.code for i in result.items] == ["limit"]


def test_a_body_above_djangos_upload_limit_is_not_an_error_page(client: Client) -> None:
    # 3 MiB is above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which request.body would refuse.
    response = client.post(
        "/validate", data=b"x" * (3 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert shown(read(response)) == [
        (1, 1, "input is larger than the playground's limit of 256 KiB")
    ]


def test_binary_garbage_is_reported_as_not_text(client: Client) -> None:
    result = timed_post(client, bytes(range(256)) * 64)
    # The first byte that is not UTF-8 (0x80) is on line 2 (0x0a ends line 1).
    assert shown(result) == [
        (2, 118, "input is not UTF-8 text: byte 0x80 at offset 128 (invalid start byte)")
    ]
    result = timed_post(client, bytes(range(128)) * 64)
    assert shown(result) == [(1, 1, "input is not text (it contains NUL bytes)")]
    result = timed_post(client, b"kind: Pod\n\x89PNG\r\n")
    assert shown(result) == [
        (2, 1, "input is not UTF-8 text: byte 0x89 at offset 10 (invalid start byte)")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            ALIAS_BOMB,
            "document is too large or too deeply nested for the playground "
            "(at most 50000 values, 64 levels deep)",
            id="alias-bomb",
        ),
        pytest.param(
            DEEP,
            "document is too large or too deeply nested for the playground "
            "(at most 50000 values, 64 levels deep)",
            id="deep-nesting",
        ),
        pytest.param(
            "".join("  " * i + f"k{i}:\n" for i in range(500)),
            "document is too large or too deeply nested for the playground "
            "(at most 50000 values, 64 levels deep)",
            id="deep-mapping",
        ),
        pytest.param(
            "---\n" * 5000,
            "the playground reads at most 2000 YAML documents from one input",
            id="many-documents",
        ),
    ],
)
def test_resource_attacks_get_the_limit_message_fast(
    client: Client, text: str, message: str
) -> None:
    result = timed_post(client, text)
    assert [(i.code, i.message) for i in result.items] == [("limit", message)]


def test_validate_only_answers_post(client: Client) -> None:
    assert client.get("/validate").status_code == 405


def test_validate_needs_the_csrf_token_the_page_sends() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    match = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page)
    assert match, "the editor sends the CSRF token in a header"
    refused = client.post("/validate", data=POD, content_type="text/plain; charset=utf-8")
    assert refused.status_code == 403
    accepted = client.post(
        "/validate",
        data=NO_IMAGE,
        content_type="text/plain; charset=utf-8",
        headers={"X-CSRFToken": match[1]},
    )
    assert [i.code for i in read(accepted).items] == ["FieldValueRequired"]


# -- the page wires the editor -----------------------------------------------------


def test_the_page_loads_the_vendored_editor_and_validates_as_you_type(client: Client) -> None:
    page = client.get("/").content.decode()
    for asset in (
        "vendor/codemirror5/lib/codemirror.js",
        "vendor/codemirror5/lib/codemirror.css",
        "vendor/codemirror5/mode/yaml/yaml.js",
        "vendor/codemirror5/addon/lint/lint.js",
        "vendor/codemirror5/addon/lint/lint.css",
        "playground/editor.js",
        "playground/editor.css",
    ):
        assert f'"/static/{asset}"' in page
        assert (ROOT / "static" / asset).is_file()
    assert "5.65.21" in (ROOT / "static/vendor/codemirror5/lib/codemirror.js").read_text()
    assert (ROOT / "static/vendor/codemirror5/LICENSE").read_text().startswith("MIT License")
    assert re.search(r'<div id="editor"[^>]* hx-post="/validate"', page)
    assert 'hx-trigger="load, validate, input delay:400ms from:#manifest"' in page
    assert 'hx-target="#validation"' in page
    assert '<div id="validation"' in page
    assert 'href="/gallery/"' in page


# -- the gallery ---------------------------------------------------------------------


def test_the_gallery_lists_every_chapter_in_order_with_its_entries(client: Client) -> None:
    response = client.get("/gallery/")
    assert response.status_code == 200
    page = response.content.decode()
    chapters = re.findall(r'data-chapter="([a-z]+)"', page)
    grouped = by_chapter(load_gallery())
    assert chapters == [c.slug for c, _ in grouped] == [c.slug for c in CHAPTERS]
    for chapter, entries in grouped:
        assert f"{escape(chapter.name)}</h3>" in page
        for item in entries:
            link = f'<a class="gallery-title" href="/gallery/{item.slug}/">{escape(item.title)}</a>'
            assert link in page
            for line in item.watch:
                assert escape(line) in page
    slugs = re.findall(r'data-slug="([a-z0-9-]+)"', page)
    assert slugs == [e.slug for _, entries in grouped for e in entries]
    assert len(slugs) == len(load_gallery())


def test_a_gallery_entry_opens_the_playground_with_its_text(client: Client) -> None:
    item = load_gallery()[0]
    response = client.get(f"/gallery/{item.slug}/")
    assert response.status_code == 200
    assert response.context["manifest"] == item.text
    page = response.content.decode()
    textarea = re.search(r'<textarea id="manifest"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None
    assert textarea[1] == escape(item.text)
    assert 'data-testid="gallery-note"' in page
    picker = re.search(r'<select id="example".*?</select>', page, re.S)
    assert picker is not None
    assert " selected" not in picker[0]  # not one of the built-in examples


def test_gallery_entry_page_has_the_index_context(client: Client) -> None:
    index = client.get("/").context
    entry = client.get(f"/gallery/{load_gallery()[0].slug}/").context
    assert set(index.keys()) <= set(entry.keys()), (
        "the gallery entry page lacks context the index page has"
    )
    for key in ("examples", "example_manifests", "speeds", "default_speed", "max_manifest_bytes"):
        assert entry[key] == index[key]
    assert entry["gallery_entry"].slug == load_gallery()[0].slug


def test_an_unknown_gallery_entry_is_a_404(client: Client) -> None:
    assert client.get("/gallery/no-such-entry/").status_code == 404
