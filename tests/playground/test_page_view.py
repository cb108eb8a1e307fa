"""The playground page."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from django.test import Client

from playground.examples import CRASHLOOP_POD, DEFAULT_EXAMPLE, EXAMPLES

VOID_TAGS = {"meta", "link", "input", "br", "img", "hr"}


class Elements(HTMLParser):
    """Collects (tag, attrs, own text) for every element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.open: list[int] = []
        self.parent_ids: list[str | None] = []  # the id of each element's nearest parent with one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent_id = None
        for index in reversed(self.open):
            parent_id = self.elements[index][1].get("id")
            if parent_id:
                break
        self.elements.append((tag, dict(attrs), []))
        self.parent_ids.append(parent_id)
        if tag not in VOID_TAGS:
            self.open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.elements[self.open.pop()][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.elements[self.open[-1]][2].append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str | None], str]]:
        return [
            (a, "".join(text))
            for t, a, text in self.elements
            if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def children(self, parent_id: str, tag: str) -> list[tuple[dict[str, str | None], str]]:
        """Elements with this tag whose nearest parent with an id is parent_id."""
        return [
            (a, "".join(text))
            for (t, a, text), pid in zip(self.elements, self.parent_ids, strict=True)
            if t == tag and pid == parent_id
        ]


def get_page(client: Client) -> Elements:
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = Elements()
    page.feed(response.content.decode())
    return page


def test_page_has_the_editor_prefilled_with_a_crash_looping_pod(client: Client) -> None:
    page = get_page(client)
    ((_, text),) = page.find("textarea", name="manifest")
    assert text == CRASHLOOP_POD
    assert "name: crashy" in text
    assert "exit 1" in text


def test_page_has_run_stop_and_speed_controls(client: Client) -> None:
    page = get_page(client)
    assert [text for _, text in page.find("button", id="run")] == ["Run"]
    assert [text for _, text in page.find("button", id="stop")] == ["Stop"]
    options = [(a["value"], text) for a, text in page.children("speed", "option")]
    assert options == [
        ("1", "1x"),
        ("2", "2x"),
        ("5", "5x"),
        ("10", "10x"),
        ("20", "20x"),
        ("50", "50x"),
        ("100", "100x"),
    ]
    assert [a for a, _ in page.children("speed", "option") if "selected" in a] == [
        {"value": "5", "selected": None}
    ]


def test_page_has_an_example_picker_with_every_example_and_its_manifest(client: Client) -> None:
    page = get_page(client)
    assert [tag for tag, attrs, _ in page.elements if attrs.get("id") == "example"] == ["select"]
    options = [(a["value"], text) for a, text in page.children("example", "option")]
    # A hidden first entry names the editor's text once it no longer is an example.
    assert options[0] == ("", "Your own manifest")
    assert options[1:] == [(e.key, e.title) for e in EXAMPLES]
    selected = [a["value"] for a, _ in page.children("example", "option") if "selected" in a]
    assert selected == [DEFAULT_EXAMPLE.key]
    ((_, data),) = page.find("script", id="example-manifests")
    assert json.loads(data) == {e.key: e.manifest for e in EXAMPLES}


def test_page_has_the_views_the_stream_fills(client: Client) -> None:
    page = get_page(client)
    assert [_tag_of(page, i) for i in ("status", "errors", "timeline", "logs", "sim-now")] == [
        "p",
        "ul",
        "div",
        "div",
        "output",
    ]
    pods = ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "QOS"]
    containers = ["POD", "CONTAINER", "STATE", "READY", "RESTARTS", "LAST STATE", "MEMORY", "CPU"]
    events = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [text for _, text in page.children("pods", "th")] == pods
    assert [text for _, text in page.children("containers", "th")] == containers
    assert [text for _, text in page.children("events", "th")] == events


def test_page_loads_htmx_and_the_scripts_locally(client: Client) -> None:
    page = get_page(client)
    sources = [a["src"] for a, _ in page.find("script") if a.get("src")]
    assert any(s.startswith("/static/django_htmx/htmx") for s in sources)
    for script in ("timeline.js", "runstore.js", "inspector.js", "app.js"):
        assert f"/static/playground/{script}" in sources
    # app.js uses the other three, so it comes after them.
    assert sources.index("/static/playground/app.js") > sources.index(
        "/static/playground/inspector.js"
    )
    assert all(s.startswith("/static/") for s in sources)


def test_page_rejects_post(client: Client) -> None:
    assert client.post("/").status_code == 405


def _tag_of(page: Elements, element_id: str) -> str:
    for tag, attrs, _ in page.elements:
        if attrs.get("id") == element_id:
            return tag
    raise AssertionError(f"no element with id {element_id!r}")


def test_playback_controls_are_labelled_for_screen_readers(client: Client) -> None:
    page = get_page(client)
    labels = {a["id"]: a.get("aria-label") for a, _ in page.find("button") if a.get("id")}
    assert labels["play"] == "Play (Space)"
    assert labels["step"] == "Step to the next event (→)"
    assert labels["step-back"] == "Step back to the previous event (←)"
    assert labels["to-start"] == "Back to the start (Home)"
    assert labels["to-live"] == "Back to the live edge (End)"
    assert labels["jump"].startswith("Jump to the end")
    toolbars = [a["aria-label"] for a, _ in page.find("div", role="toolbar")]
    assert toolbars == ["Playback", "Time axis zoom"]
    ((scrubber, _),) = page.find("input", id="scrubber")
    assert scrubber["type"] == "range"
    assert scrubber["aria-label"].startswith("Simulated time")
    tabs = [(a["id"], a["aria-controls"], text) for a, text in page.find("button", role="tab")]
    assert tabs == [
        ("tab-describe", "panel-describe", "Describe"),
        ("tab-logs", "panel-logs", "Logs"),
        ("tab-container", "panel-container", "Container"),
    ]


def test_page_has_live_actions_for_pods_nodes_and_objects(client: Client) -> None:
    page = get_page(client)
    acts = {a["data-act"]: text for a, text in page.find("button") if a.get("data-act")}
    assert acts == {
        "delete": "Delete Pod",
        "kill": "Kill container",
        "unhealthy": "Make unhealthy",
        "healthy": "Make healthy",
        "fillMemory": "Fill memory",
        "cordon": "Cordon",
        "uncordon": "Uncordon",
        "drain": "Drain",
        "failNode": "Fail node",
        "removeNode": "Remove node",
        "addNode": "Add node",
        "scale": "Scale",
        "setImage": "Set image",
        "rolloutUndo": "Rollout undo",
        "rolloutPause": "Pause",
        "rolloutResume": "Resume",
        "suspendCronJob": "Suspend CronJob",
        "resumeCronJob": "Resume CronJob",
        "triggerCronJob": "Create Job from CronJob",
        "deleteWorkload": "Delete",
        "pushImage": "Push image",
        "apply": "Apply the edited YAML",
    }
    assert [a["id"] for a, _ in page.find("input") if a.get("id", "").startswith("act-")] == [
        "act-grace",
        "act-force",
        "act-exit",
        "act-mib",
        "act-node-name",
        "act-node-cpu",
        "act-node-memory",
        "act-node-pods",
        "act-push-tag",
        "act-push-from",
        "act-push-commit",
        "act-replicas",
        "act-image",
        "act-revision",
        "act-job-name",
    ]
