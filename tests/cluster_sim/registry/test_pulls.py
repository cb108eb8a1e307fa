"""Pulls resolve tags in the run's registry (issue #16): imageID, pinning, tags that move."""

from __future__ import annotations

import json

from cluster_sim.registry import Registry
from tests.cluster_sim.simrun import events, last, of, run

OLD = Registry().resolve("nginx:1.27").digest  # what nginx:1.27 is at the start of every run


def pod(name: str, image: str, node: str = "node-1", policy: str = "IfNotPresent") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: {node}\n"
        f"  containers:\n  - name: app\n    image: '{image}'\n    imagePullPolicy: {policy}\n"
    )


def apply(at: int, manifest: str) -> str:
    return f"{{at: {at}, apply: {{manifest: {json.dumps(manifest)}}}}}"


def scenario(*actions: str, nodes: int = 2, horizon: int = 90) -> str:
    body = "".join(f"  - {a}\n" for a in actions)
    return (
        "apiVersion: playground.podlife.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
        f"spec:\n  horizon: {horizon}\n  nodes: {nodes}\n  actions:\n{body}"
    )


def running(records: list[dict], name: str) -> dict:
    return last(records, "container", pod=f"default/{name}", state="running")


def test_a_running_container_has_the_image_and_the_repo_digest_it_pulled():
    records = run(pod("web", "nginx"), until=20)
    status = running(records, "web")
    latest = Registry().resolve("nginx:latest").digest
    assert status["image"] == "docker.io/library/nginx:latest"
    assert status["imageID"] == f"docker.io/library/nginx@{latest}"
    first = of(records, "container", pod="default/web")[0]
    assert (first["state"], first["image"], first["imageID"]) == ("waiting", "nginx", "")


def test_a_digest_reference_pins_exactly_and_the_status_names_it_by_image_id():
    registry = Registry()
    pinned = registry.resolve(f"nginx@{OLD}")
    records = run(pod("web", f"nginx@{OLD}"), until=20)
    status = running(records, "web")
    assert status["imageID"] == f"docker.io/library/nginx@{OLD}"
    # containerd: an image the node has by digest only has no repo tag; the status shows
    # the image ID (the config's digest), as crictl's IMAGE column does.
    assert status["image"] == pinned.manifest.config_digest
    assert events(records, reason="Pulled")[0][2].startswith(
        f'Successfully pulled image "nginx@{OLD}" in 7.24s'
    )


def test_a_digest_that_does_not_exist_fails_as_containerd_reports_it():
    missing = "sha256:" + "0" * 64
    records = run(pod("web", f"nginx@{missing}"), until=5)
    full = f"docker.io/library/nginx@{missing}"
    error = (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
        f'failed to resolve reference "{full}": {full}: not found'
    )
    assert events(records)[:3] == [
        (1.0, "Pulling", f'Pulling image "nginx@{missing}"'),
        (1.82, "Failed", f'Failed to pull image "nginx@{missing}": {error}'),
        (1.82, "Failed", "Error: ErrImagePull"),
    ]
    assert last(records, "container", pod="default/web")["imageID"] == ""


def test_a_tag_moved_mid_run_ifnotpresent_keeps_the_old_digest_always_and_new_nodes_pull_it():
    text = "---\n".join(
        [
            pod("first", "nginx:1.27", "node-1"),
            scenario(
                '{at: 20, pushImage: {image: "nginx:1.27", from: "nginx:1.28", commit: 9f1c2e0}}',
                apply(30, pod("same-node", "nginx:1.27", "node-1")),
                apply(31, pod("new-node", "nginx:1.27", "node-2")),
                apply(32, pod("always", "nginx:1.27", "node-1", "Always")),
                apply(33, pod("pinned", f"nginx@{OLD}", "node-2")),
            ),
        ]
    )
    records = run(text, until=90)
    (push,) = of(records, "registry")
    new = push["digest"]
    assert (push["tag"], push["previous"], push["sourceCommit"]) == ("1.27", OLD, "9f1c2e0")
    assert new != OLD
    ids = {
        name: running(records, name)["imageID"]
        for name in ("first", "same-node", "new-node", "always", "pinned")
    }
    assert ids == {
        "first": f"docker.io/library/nginx@{OLD}",
        "same-node": f"docker.io/library/nginx@{OLD}",  # IfNotPresent: node-1 had the tag
        "new-node": f"docker.io/library/nginx@{new}",  # node-2 pulls the tag as it is now
        "always": f"docker.io/library/nginx@{new}",  # Always resolves the tag again
        "pinned": f"docker.io/library/nginx@{OLD}",  # a digest runs the same bytes anywhere
    }
    assert events(records, object="Pod/default/same-node", reason="Pulled") == [
        (31.0, "Pulled", 'Container image "nginx:1.27" already present on machine')
    ]
    # node-1 now holds the new digest under the tag: the next IfNotPresent Pod there runs it
    assert [
        e[2].split(" in ")[0]
        for e in events(records, object="Pod/default/always")
        if e[1] == "Pulled"
    ] == ['Successfully pulled image "nginx:1.27"']


SHOP_PUSH = '{image: "registry.example.com/shop/web:v1", from: "nginx:1.27", commit: abc}'


def test_a_push_of_the_same_content_leaves_the_tag_where_it_was():
    text = "---\n".join(
        [
            pod("web", "nginx:1.27"),
            scenario(
                f"{{at: 5, pushImage: {SHOP_PUSH}}}",
                f"{{at: 6, pushImage: {SHOP_PUSH}}}",
                apply(10, pod("shop", "registry.example.com/shop/web:v1", "node-2")),
            ),
        ]
    )
    records = run(text, until=40)
    first, second = of(records, "registry")
    assert first["previous"] == "" and second["previous"] == first["digest"] == second["digest"]
    status = running(records, "shop")
    assert status["image"] == "registry.example.com/shop/web:v1"
    assert status["imageID"] == f"registry.example.com/shop/web@{first['digest']}"
    lines = [r["line"] for r in of(records, "log", pod="default/shop")]
    assert lines[0].startswith("/docker-entrypoint.sh: ")  # it runs as the nginx it was built on


def test_the_same_run_gives_the_same_digests_byte_for_byte():
    text = "---\n".join(
        [
            pod("web", "busybox:1.36"),
            scenario('{at: 5, pushImage: {image: "busybox:1.36", labels: {team: a}}}'),
        ]
    )
    assert json.dumps(run(text, until=20)) == json.dumps(run(text, until=20))


def test_never_runs_what_the_node_has_and_says_it_is_already_present():
    text = "---\n".join(
        [
            pod("puller", "nginx:1.27", "node-1"),
            scenario(apply(20, pod("never", "nginx:1.27", "node-1", "Never")), nodes=1),
        ]
    )
    records = run(text, until=30)
    assert events(records, object="Pod/default/never", reason="Pulled") == [
        (21.0, "Pulled", 'Container image "nginx:1.27" already present on machine')
    ]
    assert running(records, "never")["imageID"] == f"docker.io/library/nginx@{OLD}"


def test_the_stored_pod_status_carries_image_and_image_id_for_api_readers():
    from cluster_sim import Simulation, load_bundle

    sim = Simulation(load_bundle([("t.yaml", pod("web", "nginx:1.27"))]), horizon=30)
    sim.advance(0.5)
    (waiting,) = sim.cluster.store.get("Pod", "default", "web").status["containerStatuses"]
    assert (waiting["image"], waiting["imageID"]) == ("nginx:1.27", "")
    sim.advance(20)
    (status,) = sim.cluster.store.get("Pod", "default", "web").status["containerStatuses"]
    assert status["image"] == "docker.io/library/nginx:1.27"
    assert status["imageID"] == f"docker.io/library/nginx@{OLD}"


def test_a_digest_reference_on_a_node_that_has_the_tag_shows_the_tag_as_containerd_does():
    # containerd's ContainerStatus: the image's first repo tag when it has one (the node
    # pulled nginx:1.27 first, whose digest the second Pod pins), else its image ID.
    text = "---\n".join(
        [
            pod("tagged", "nginx:1.27", "node-1"),
            scenario(apply(20, pod("pinned", f"nginx@{OLD}", "node-1")), nodes=1),
        ]
    )
    records = run(text, until=40)
    status = running(records, "pinned")
    assert (status["image"], status["imageID"]) == (
        "docker.io/library/nginx:1.27",
        f"docker.io/library/nginx@{OLD}",
    )
    # CRI's PullImage named the image by its repo digest too: the digest is already present
    assert events(records, object="Pod/default/pinned", reason="Pulled") == [
        (21.0, "Pulled", f'Container image "nginx@{OLD}" already present on machine')
    ]
