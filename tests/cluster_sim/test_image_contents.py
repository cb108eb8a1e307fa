"""Issue #13 item 12: images follow the real images' base, and an unknown registry
host fails to pull the way containerd says it.

The docs' hello-app 1.0/2.0 was built ``FROM alpine:latest`` with ``CMD
["./hello-app"]``, so the docs' ``kubectl exec envar-demo -- printenv`` works
there. A registry host the node cannot look up fails in containerd's resolver
with Go's ``dial tcp: lookup HOST on DNS:53: no such host`` (gRPC code
Unknown); a known registry without the image still says NotFound.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.images import parse_image, pull_error

ENVARS = Path(__file__).parent / "docs_examples" / "environment" / "envars.yaml"


def test_the_docs_printenv_works_in_hello_app() -> None:
    sim = Simulation(load_bundle([("envars.yaml", ENVARS.read_text())]), horizon=30)
    records = sim.advance(20)
    assert [r["line"] for r in records if r["kind"] == "log"] == ["Server listening on port 8080"]
    status, output = sim.exec("envar-demo", "envar-demo-container", ["printenv"])
    assert status == 0
    env = dict(line.split("=", 1) for line in output.splitlines())
    assert env["DEMO_GREETING"] == "Hello from the environment"
    assert env["DEMO_FAREWELL"] == "Such a sweet sorrow"
    assert env["HOSTNAME"] == "envar-demo"
    assert sim.exec("envar-demo", "envar-demo-container", ["printenv", "DEMO_FAREWELL"]) == (
        0,
        "Such a sweet sorrow\n",
    )
    assert sim.exec("envar-demo", "envar-demo-container", ["sh", "-c", "echo $((6 * 7))"]) == (
        0,
        "42\n",
    )  # Alpine's busybox sh


def test_an_unknown_registry_host_does_not_resolve() -> None:
    ref = parse_image("myregistry.example.com/team/app:1.0")
    assert pull_error(ref) == (
        'rpc error: code = Unknown desc = failed to pull and unpack image "myregistry.example.com'
        '/team/app:1.0": failed to resolve reference "myregistry.example.com/team/app:1.0": '
        'failed to do request: Head "https://myregistry.example.com/v2/team/app/manifests/1.0": '
        "dial tcp: lookup myregistry.example.com on 172.18.0.1:53: no such host"
    )


def test_a_registry_port_stays_in_the_url_but_not_in_the_lookup() -> None:
    ref = parse_image("registry.internal:5000/app@sha256:" + "a" * 64)
    assert pull_error(ref).endswith(
        '"https://registry.internal:5000/v2/app/manifests/sha256:'
        + "a" * 64
        + '": dial tcp: lookup registry.internal on 172.18.0.1:53: no such host'
    )


@pytest.mark.parametrize(
    "image",
    ["nginx:1.99", "registry.k8s.io/nosuch:1.0", "quay.io/someone/app:1.0", "ghcr.io/a/b:1"],
)
def test_known_registries_answer_not_found(image: str) -> None:
    assert pull_error(parse_image(image)).startswith("rpc error: code = NotFound desc = ")


def test_the_kubelet_reports_it_in_its_events_and_the_waiting_message() -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: registy.example.com/app:1.0\n"
    )
    records = Simulation(load_bundle([("p.yaml", pod)]), horizon=20).advance(20)
    failed = [r["message"] for r in records if r.get("reason") == "Failed"]
    lookup = "dial tcp: lookup registy.example.com on 172.18.0.1:53: no such host"
    assert failed[0].startswith('Failed to pull image "registy.example.com/app:1.0": rpc error: ')
    assert failed[0].endswith(lookup)
    assert failed[1] == "Error: ErrImagePull"
    waiting = [r for r in records if r["kind"] == "container" and r["reason"] == "ErrImagePull"]
    assert waiting[0]["message"].endswith(lookup)
